### Trusted persons: a parent lets a grandparent or a nanny see a child's data
### (handlers/family/trusted.py, screens/family/trusted.py, services/people/trusted.py).

trusted-title = 👵 <b>Trusted persons</b> — { $child }

trusted-none = Nobody yet. A trusted person (a grandparent, a nanny) sees only what you allow, and only this child.

trusted-row = • { $name }: { $scopes } ({ $status })

trusted-signed_in = signed in

trusted-not_signed_in = not signed in yet

trusted-add = ➕ Add a trusted person

trusted-cancel = Cancel

trusted-back = « To the list

trusted-ask_name = Type the surname and first name of { $child }'s trusted person, for example: Ivanova Maria

trusted-name_invalid = A surname and a first name, separated by a space, please, for example: Ivanova Maria

trusted-choose = What will { $name } see about { $child }? Tick the sections and press "Create".

trusted-create = ✅ Create and get the link

trusted-issued = Done: { $name } is a trusted person of { $child }.
    Pass on the sign-in link: { $link }
    Or the login <code>{ $login }</code> and the password <code>{ $password }</code> (the /login command).
    They work for { $days ->
        [one] { $days } day
       *[other] { $days } days
    }, once.

trusted-card = <b>{ $name }</b> is a trusted person of { $child }.
    Sees: { $scopes }.
    Tap a section to open or close it.

trusted-changed = ✅ Access changed.

trusted-revoke = 🚫 Revoke access

trusted-revoke_ask = Revoke { $name }'s access to { $child }'s data? It goes at once.

trusted-revoke_yes = Yes, revoke

trusted-revoked = 🚫 { $name }'s access is revoked.

trusted-parents_only = A child's trusted persons are named by a parent.

trusted-no_scopes = Tick at least one section.

trusted-too_many = The child already has { $limit } trusted persons. Revoke one to add another.

trusted-not_found = The child has no such trusted person.

trusted-expired = Start again: /trusted

trusted-scope-diary = diary

trusted-scope-marks = marks

trusted-scope-attendance = attendance

trusted-scope-homework = homework

trusted-scope-timetable = timetable

cmd-trusted = A child's trusted persons

help-cmd-trusted = let a grandparent or a nanny see the child's diary (only the sections you choose) and revoke it
