### The school office in the messenger: /reports (reports as files) and /admin (import, users,
### audit log, undelivered notifications, substitutions, unfilled lessons, journal checks).

office-back = ⬅ Back

office-cancel = ✖ Cancel

office-menu-cw = 📅 Control works

office-menu-title = Administration. What would you like to do?

office-menu-home = 🏠 Menu

office-menu-imp = 📥 Import

office-menu-find = 👤 Find a user

office-menu-aus = 📜 Changes: student

office-menu-aul = 📜 Changes: lesson

office-menu-sub = 🔁 Substitutions

office-menu-unf = ⏰ Unfilled lessons

office-menu-chk = 📝 Journal checks

office-menu-dead = 📭 Undelivered

office-reports-pick = Which report?

office-reports-none = No reports are available to you.

office-reports-nothing = “{ $title }”: nothing to choose from — no matching data.

office-reports-whole_school = 🏫 Whole school

office-reports-ready = “{ $title }”

office-reports-ask-class = “{ $title }”: choose the class.

office-reports-ask-student = “{ $title }”: choose the student.

office-reports-ask-period = “{ $title }”: choose the study period.

office-reports-ask-month = “{ $title }”: choose the month.

office-reports-ask-subject = “{ $title }”: choose the subject.

office-reports-ask-format = “{ $title }”: which format?

office-import-pick = What to load? Order: staff → subjects → classes → students → parents → assignments → timetable; bell times, group membership and the thematic plan any time.

office-import-send_file =
    <b>{ $title }</b>: send a CSV or XLSX file as a document.
    I will check it first and show what would change; nothing is written until you confirm.
    A template with the right columns is below.

office-import-template = 📄 XLSX template

office-import-cancel = ✖ Cancel

office-import-cancelled = Import cancelled. What to load?

office-import-bad_type = A .csv or .xlsx file is needed (save an .xls file as .xlsx).

office-import-too_big = The file is larger than { $mb } MB. Split it into parts.

office-import-need_file = Send the file as a document (CSV or XLSX) or press “Cancel”.

office-import-checking = Checking “{ $name }”…

office-import-progress = Processed { $percent }%…

office-import-applying = Loading “{ $title }”…

office-import-dry_ok =
    <b>“{ $title }” checked.</b> Rows: { $rows }.
    Would create: { $created }, update: { $updated }, unchanged: { $unchanged }.
    Load it?

office-import-done =
    <b>“{ $title }” loaded.</b> Rows: { $rows }.
    Created: { $created }, updated: { $updated }, unchanged: { $unchanged }.

office-import-rejected = <b>“{ $title }”: the file is rejected, nothing was written.</b> Errors: { $count }.

office-import-more_errors = …and { $count } more.

office-import-fix_and_resend = Fix the file and send it again.

office-import-apply = ✅ Load

office-import-again = 📥 Load another

office-import-expired = The check has expired: send the file again.

office-users-ask = Send a surname or login (at least 2 letters).

office-users-nothing = Nobody found. Send another surname or login.

office-users-found = Found: { $count }. ✅ signed in to the messenger, ▫️ not yet, ⛔ blocked.

office-users-roles = Roles: { $roles }

office-users-login = Login: <code>{ $login }</code>

office-users-classes = Class: { $classes }

office-users-pending = A one-time sign-in was issued and is not used yet.

office-users-last_seen = Last seen: { $at }

office-users-issue = 🔑 Issue a sign-in

office-users-revoke = 🚫 Revoke the sign-in

office-users-block = ⛔ Block

office-users-unblock = ♻️ Unblock

office-users-audit = 📜 Changes about the student

office-users-again = 🔍 Search again

office-users-to_card = ⬅ To the card

office-users-issued =
    Sign-in issued. Hand it over in person; do not forward it to group chats.

    Login: <code>{ $login }</code>
    One-time password: <code>{ $password }</code>
    Sign-in link: { $link }

    Valid for { $days } days; after sign-in the password and the link stop working. Earlier links are revoked.

office-users-revoked = Sign-in revoked: links and passwords no longer work, the messenger sign-in has ended.

office-users-ask_block = Why block { $name }? Type the reason in one message.

office-users-ask_unblock = Why unblock { $name }? Type the reason in one message.

office-users-reason_empty = Type the reason as text.

office-users-reason_long = The reason is longer than { $limit } characters. Shorten it.

office-users-blocked_done = The account is blocked.

office-users-unblocked_done = The account is unblocked.

office-users-status-line = Status: { $status }

office-users-status-signed_in = ✅ signed in to the messenger

office-users-status-not_signed_in = ▫️ not signed in

office-users-status-blocked = ⛔ blocked

office-pick-student = Choose the student:

office-pick-day = Which day?

office-pick-lesson = Lessons of { $day }. Choose a lesson:

office-pick-no_lessons = No lessons on { $day }.

office-pick-class-aus = Changes about a student. Choose the class:

office-pick-class-aul = Changes of a lesson. Choose the class:

office-pick-class-sub = Today's substitutions. Choose the class:

office-pick-class-chk = Journal check: choose the class to write a remark.

office-audit-student = <b>Changes: { $name }</b> (last { $count })

office-audit-lesson = <b>Changes of the lesson { $day }, no. { $number }, { $cls }, { $subject }</b> (last { $count })

office-audit-empty = No changes.

office-audit-entry = <b>{ $at }</b> { $who }: { $action }

office-audit-change = {"  "}{ $field }: { $before } → { $after }

office-audit-reason = {"  "}reason: { $reason }

office-dead-title = <b>Undelivered notifications: { $count }</b> (the last { $shown } shown)

office-dead-entry = { $at } { $kind } → { $recipient }, { $attempts } attempts: { $error }
office-dead-everyone = every family of the school (a digest)

office-dead-reason-blocked = the recipient blocked the bot or deleted the account

office-dead-reason-chat_not_found = the recipient's chat was not found

office-dead-reason-too_many = the messenger limited the sending rate

office-dead-reason-render = the message could not be composed

office-dead-reason-network = the connection to the messenger failed

office-dead-reason-other = another error (details in the bot's log)

office-subs-pick_lesson = Lessons of { $day }. Choose the lesson that needs a substitute:

office-subs-pick_teacher = Lesson { $number }, { $cls }, { $subject }. Who substitutes?

office-subs-replaced = { $sub } (for { $teacher })

office-subs-remove = 🗑 Remove the substitution

office-subs-saved = Substitution saved.

office-subs-removed = Substitution removed.

office-subs-other_class = 🔁 Another class

office-unfilled-title = <b>Unfilled lessons { $start }–{ $end }</b>: { $teachers } teachers, { $lessons } lessons.

office-unfilled-none = Every lesson is filled in.

office-unfilled-missing-attendance = attendance

office-unfilled-missing-topic = topic

office-unfilled-missing-homework = homework

office-checks-ask = A remark on the journal of { $cls }: type it in one message.

office-checks-saved = Remark saved; the teacher will see it.

office-checks-list = 📋 Recent checks

office-checks-add = 📝 New remark

office-checks-title = <b>Journal checks</b> (last { $count })

office-checks-none = No checks yet.

office-checks-entry =
    <b>{ $at }</b> { $cls }, { $who } — { $state }
    { $note }

office-checks-seen = read

office-checks-unseen = not read

office-checks-resolved = fixed

office-checks-too_long = The remark is longer than { $limit } characters. Shorten it.

office-action-attendance-set = attendance

office-action-attendance-family_reason = family's answer about the reason

office-action-mark-create = mark given

office-action-mark-change = mark corrected

office-action-mark-delete = mark deleted

office-action-lesson-topic = lesson topic

office-action-lesson-unlock = lesson unlocked for editing

office-action-homework-set = homework

office-action-substitution-set = substitute set

office-action-substitution-remove = substitution removed

office-action-final_mark-set = final mark

office-action-credentials-issue = sign-in issued

office-action-credentials-revoke = sign-in revoked

office-action-account-block = blocked

office-action-account-unblock = unblocked

office-action-report-build = report

office-action-movement-arrive = arrival

office-action-movement-leave = departure

office-action-movement-transfer = transfer

office-action-notice-create = absence notice

office-action-journal_check-add = journal remark

office-action-journal_check-resolve = journal remark fixed

office-action-control_work-schedule = control work scheduled

office-action-control_work-agree = control work agreed

office-cw-title = Control works in the coming month (⏳ waiting for agreement):

office-cw-agree = ✅ Agree { $date } { $cls }

office-cw-none = No control works are set.

## The change log in the journal's words: field names and their values (handlers/admin/tools.py).
## A field without a name here (record ids) is not shown in the change log.

office-field-code = attendance

office-field-value = mark

office-field-work_kind = kind of work

office-field-weight = weight

office-field-comment = comment

office-field-topic = topic

office-field-text = text

office-field-due_date = due

office-field-files = files

office-field-unlocked_until = open for corrections until

office-field-family_reason = family's answer

office-field-special = special mark

office-field-date_from = from

office-field-date_to = to

office-field-reason = reason

office-field-cancelled_at = withdrawn

office-field-class = class

office-field-arrived_on = enrolled on

office-field-left_on = left on

office-field-departure_note = departure note

office-field-note = note

office-field-on = date

office-field-is_blocked = blocked

office-field-login = login

office-field-expires_at = valid until

office-field-role = role

office-field-agreed_at = agreed

office-field-resolved_at = resolved

office-field-date = date

office-value-yes = yes

office-value-no = no

office-value-code-absent = Н

office-value-code-ill = Б

office-value-code-excused = УП

office-value-code-late = ОП

office-value-none-code = present

office-value-none-value = none

office-value-none-topic = not set

office-value-none-text = none

office-kind-other = another notification

office-kind-attendance-absent = missed lesson

office-kind-attendance-late = late

office-kind-attendance-family_reason = family's answer about an absence

office-kind-mark-new = new mark

office-kind-mark-changed = mark corrected

office-kind-mark-deleted = mark deleted

office-kind-homework-tomorrow = homework for tomorrow

office-kind-summary-weekly = weekly summary

office-kind-reminder-fill = reminder of unfilled lessons

office-kind-report-unfilled = report of unfilled lessons

office-kind-report-activity = user activity

office-kind-news-school = school news

office-kind-news-class = class news

office-kind-notice-created = absence notice

office-kind-notice-cancelled = absence notice withdrawn

office-kind-final_mark-set = period mark

## The school's settings (the admin's): minimal personal data in alerts.

office-menu-set = ⚙️ School settings

office-menu-year = 📆 School year

office-settings-title = ⚙️ <b>School settings</b>

office-settings-minimal_on = Minimal personal data in alerts: <b>on</b>.

office-settings-minimal_off = Minimal personal data in alerts: <b>off</b>.

office-settings-minimal_about = When it is on, alerts carry no surnames, marks, reasons, comments or teachers' names — only the child's first name, what happened and the subject: "Anya: a new mark, maths — open the diary". The details are in the diary after signing in. School news comes as it is, without the author's name.

office-settings-turn_on = Turn minimal data on

office-settings-turn_off = Turn minimal data off

office-settings-saved = ✅ Saved.

office-action-school-minimal_alerts = minimal personal data in alerts

office-field-minimal_alerts = minimal personal data
