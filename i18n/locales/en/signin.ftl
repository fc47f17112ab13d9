### Sign-in by login and password, sign-out, language, role switching, invites.

login-ask_login = Enter the login the school gave you (or /cancel).

login-ask_password = Now enter the one-time password. I will delete the message with it at once.

login-password_deleted = 🔒 The message with the password has been deleted from the chat.

login-delete_it_yourself = Could not delete the message with the password: please delete it yourself.

login-cancelled = Cancelled.

login-moved_elsewhere = Your school account is now open in another messenger account. This chat no longer gets journal data. If it was not you, tell the school.

login-replaced = One chat holds one account: the sign-in as { $names } has ended, you are now signed in as <b>{ $name }</b>. If you have several roles, the school can join them in one account; then /role switches between them.

login-revoked_by_school = The school has ended your sign-in to the journal: this chat no longer gets journal data. If you did not ask for it, tell your class teacher or the school's administrator at once.

logout-done = You have signed out. To sign in again, ask the school for a new link or password.

logout-not_signed_in = You are not signed in.

lang-name = English

lang-choose = Выберите язык / Choose a language:

lang-set = Language: English.

rolesw-only_one = You have one role: { $role }.

rolesw-choose = You are acting as: { $role }. Choose a role:

rolesw-set = You are now acting as: { $role }. Your commands are in /help.

invite-not_allowed = Invites are issued by a class teacher (for their class's students and parents) and by the administrator.

invite-pick_class = Choose a class:

invite-admin_intro = Choose a class, or send the surname (or login) of the person who needs to sign in.

invite-pick_student = Students { $cls }: ✅ signed in, ▫️ not yet. Choose a student:

invite-pick_person = Who gets the sign-in: the student or a parent?

invite-person_actions = What to do?

invite-person_signed_in =
    This person is already signed in to the journal in the messenger. A new password is not issued now: shown to you, it would open their account to you.

    If they lost access (a new phone, another account), first revoke the sign-in (they are told at once), then issue a new password and hand it over in person.

invite-signed_in = This person is signed in: first revoke the sign-in (they will be told), then issue a new password.

invite-signed_in_cli = The account is signed in to a messenger: first end the sign-in (--revoke), then issue a new password.

invite-issue = 🔑 Issue a one-time password and link

invite-revoke = 🚫 Revoke sign-in

invite-found = Found:

invite-nothing_found = Nobody found. Send a surname or login (at least 2 letters).

invite-issued =
    Sign-in issued. Hand it over in person; do not forward it to group chats.

    Login: <code>{ $login }</code>
    One-time password: <code>{ $password }</code>
    Sign-in link: { $link }

    Valid for { $days } days; after sign-in the password and link stop working. Earlier links are revoked.

invite-revoked = Sign-in revoked: links and passwords no longer work, the messenger sign-in has ended.

guest-btn_link = 🔗 I have an invite link

guest-btn_login = 🔑 Sign in with login and password

guest-btn_how = ❓ Where to get a sign-in

guest-link_explained =
    Open the invite link the school sent you (it starts with https://t.me/ and leads to this bot) and press "Start": you are signed in at once, no password needed.

    The link works once and for a few days. If it did not work, ask the school for a new one.

guest-how_to_get =
    Sign-ins to the journal are given by the school; they cannot be obtained here:
    • parents and students: from the class teacher;
    • teachers and other staff: from the school's journal administrator.

    You will get an invite link (open it and you are in) or a login and one-time password (the "Sign in with login and password" button).

demo-not_demo_school = A school with the code "{ $school }" exists and is not the demo school: no demo data or demo passwords are made for it.
demo-incomplete = The demo school "{ $school }" was left half-built by an interrupted run. Build it again in an empty database (delete the SQLite file or use a new PostgreSQL database) and run the command again.

demo-warning =
    WARNING: these are DEMO accounts, only for trying the bot.
    Anyone who can run "demo" against this database gets these passwords and links again.
    Never put real people in the demo school or hand these sign-ins to real users.

demo-placeholder =
    WARNING: the links point to t.me/{ $name }, a placeholder, not your bot: the bot's real username is not known yet.
    Start the bot once (it remembers its username from Telegram) or set BOT_USERNAME, then run the command again.

signin-demo_refused = This is a demo sign-in, and this school is not the demo school: it is not accepted here. Ask the school for a real one.

# Messengers by name (invite links, where alerts go).
messenger-name_telegram = Telegram
messenger-name_max = MAX

# /link: one's own account in another messenger.
link-issued =
    To have the journal in { $messengers } too, open the link on the phone where that messenger is installed within { $minutes } min.:
    { $links }

    The link works once and opens your journal: do not forward it. The journal stays here too; where alerts go is in /settings.
link-open = Open in { $messenger }
link-none = This school's bot runs in one messenger only.
link-unavailable = Another messenger cannot be connected now: the account is blocked.

signin-wrong_bot = Your school uses another journal bot. Open the link and sign in there: { $link }
signin-wrong_bot_unknown = Your school uses another journal bot. Ask the school for its bot's link and sign in there.
