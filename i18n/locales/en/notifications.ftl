## Errors of the notification use cases (ValidationFailed codes of services/notifications/prefs.py, attendance/absence_reasons.py, messages/broadcasts.py).

notify-prefs_unknown = There is no such setting: { $field }.

notify-prefs_bool = The setting “{ $field }” can only be turned on or off.

notify-prefs_marks_mode = Marks mode: instant, hourly or evening.

notify-prefs_time = Give the time as HH:MM, e.g. 18:00 ({ $field }).

notify-prefs_quiet_pair = Quiet hours need a start and an end, and they must differ.

notify-family_reason_invalid = There is no such reason.

notify-news_empty = The broadcast text is empty.

notify-news_attachment = The attachment must be a document or a photo.

notify-absence-absent = ⚠️ <b>{ $student }</b> is absent: { $subject }, lesson { $lesson_number }, { $date }.

notify-absence-ask = Please tell us why — the class teacher will see it.

notify-absence-button_ill = Ill

notify-absence-button_excused = Excused

notify-absence-button_unknown = Don't know

## Forms by gender: a selector over $gender (m, f); the default, other, when it is unknown:
## wording that needs none. English needs none.

notify-absence-late = ⏰ <b>{ $student }</b> was late: { $subject }, lesson { $lesson_number }, { $date }.

notify-absence-family_reason = 📝 { $guardian } answered about the absence of <b>{ $student }</b> ({ $class_name }, { $subject }, lesson { $lesson_number }, { $date }): { $reason }.

notify-reason-ill = ill

notify-reason-excused = excused

notify-reason-unknown = the family does not know why

notify-mark-new = 🆕 <b>{ $student }</b>: mark <b>{ $value }</b> — { $subject }, { $work_kind }, { $date }.

notify-mark-changed = ✏️ <b>{ $student }</b>: mark changed { $before } → <b>{ $value }</b> — { $subject }, { $work_kind }, { $date }. Reason: { $reason }

notify-mark-deleted = 🗑 <b>{ $student }</b>: mark { $value } deleted — { $subject }, { $work_kind }, { $date }. Reason: { $reason }

notify-mark-digest_title = 📚 <b>Marks</b>

notify-mark-digest_child = <b>{ $student }</b>

notify-mark-digest_subject = • { $subject }: { $marks }

notify-mark-digest_new = { $value }

notify-mark-digest_changed = { $before }→{ $value } ({ $reason })

notify-mark-digest_deleted = <s>{ $value }</s> deleted ({ $reason })

notify-work-answer = oral answer

notify-work-classwork = classwork

notify-work-homework = homework

notify-work-test = test

notify-work-control = control work

notify-work-lab = practical work

notify-work-essay = essay

notify-work-dictation = dictation

notify-work-project = project

notify-merged-title = 🔔 <b>Notifications from the quiet hours</b>

notify-merged-title_plain = 🔔 <b>Notifications</b>

notify-homework-title = 📘 <b>Homework for { $date }</b>

notify-homework-child = <b>{ $student }</b>

notify-homework-item = • { $subject }: { $text }

notify-homework-none = • no homework

notify-weekly-title = 🗓 <b>Week { $date_from } — { $date_to }</b>

notify-weekly-child = <b>{ $student }</b>

notify-weekly-subject = • { $subject }: { $marks }

notify-weekly-no_marks = • no marks this week

notify-weekly-absences = Lessons missed: { $absent }, late: { $late }.

notify-reminder-fill_title = ⏳ <b>Lessons of { $date } not filled in</b> (deadline { $deadline }):

notify-reminder-fill_item = • lesson { $lesson_number }, { $class_name }, { $subject }: no { $missing }

notify-reminder-unfilled_title = 📋 <b>Lessons of { $date } not filled in by { $deadline }</b>:

notify-reminder-unfilled_item = • { $teacher } — lesson { $lesson_number }, { $class_name }, { $subject }: no { $missing }

notify-reminder-missing_attendance = attendance

notify-reminder-missing_topic = topic

notify-reminder-missing_homework = homework

notify-activity-title = 📊 <b>User activity in { $month }</b>

notify-activity-accounts = Accounts: { $accounts }, connected to the bot: { $bound }, active this month: { $active }.

notify-activity-role = • { $role }: connected { $bound } of { $accounts }, active { $active }

notify-activity-journal = Journal entries this month: marks { $marks }, attendance records { $attendance }, lesson topics { $topics }.

notify-activity-deliveries = Notifications delivered: { $sent }, failed: { $dead }.

notify-role-admin = administrators

notify-role-director = director

notify-role-deputy = deputy directors

notify-role-teacher = teachers

notify-role-class_teacher = class teachers

notify-role-parent = parents

notify-role-trusted = trusted persons

notify-role-student = students

notify-news-school = 📣 <b>School news</b>

notify-news-class_event = 📣 <b>Class { $class_name }</b>

notify-news-from = — { $author }

notify-news-ack = Acknowledged

notify-notice-created = 📩 { $by }: <b>{ $student }</b> ({ $class_name }) will miss school: { $dates }. Reason: { $reason }

notify-notice-cancelled = ↩️ { $by }: notice withdrawn — <b>{ $student }</b> ({ $class_name }) will attend: { $dates }.

notify-final-set = 🏁 <b>{ $student }</b>: { $period }, { $subject } — <b>{ $value }</b>.

notify-final-na = not certified

notify-final-pass = pass

notify-final-fail = fail

notify-final-exempt = exempt

## The minimal personal data mode (School.minimal_alerts): the child's first name, what
## happened and the subject only — no surname, marks, reasons, comments, teachers' or parents' names.

notify-minimal-child = Your child

notify-minimal-absent = ⚠️ <b>{ $student }</b>: absent from a lesson, { $subject } — open the diary.

notify-minimal-late = ⏰ <b>{ $student }</b>: late for a lesson, { $subject } — open the diary.

notify-minimal-family_reason = 📝 <b>{ $student }</b>: the family answered about an absence, { $subject } — open the journal.

notify-minimal-notice_created = 📩 <b>{ $student }</b>: the family gave notice of an absence — open the journal.

notify-minimal-notice_cancelled = ↩️ <b>{ $student }</b>: the family withdrew a notice of absence — open the journal.

notify-minimal-mark_new = 🆕 <b>{ $student }</b>: a new mark, { $subject } — open the diary.

notify-minimal-mark_changed = ✏️ <b>{ $student }</b>: a mark was changed, { $subject } — open the diary.

notify-minimal-mark_deleted = 🗑 <b>{ $student }</b>: a mark was deleted, { $subject } — open the diary.

notify-minimal-marks = <b>{ $student }</b>: { $counts } — open the diary.

notify-minimal-marks_new =
    { $n ->
        [one] { $n } new mark
       *[other] { $n } new marks
    }

notify-minimal-marks_changed =
    { $n ->
        [one] { $n } mark changed
       *[other] { $n } marks changed
    }

notify-minimal-marks_deleted =
    { $n ->
        [one] { $n } mark deleted
       *[other] { $n } marks deleted
    }

notify-minimal-final = 🏁 <b>{ $student }</b>: a final mark ({ $period }, { $subject }) — open the diary.

notify-minimal-homework = • <b>{ $student }</b>: homework in { $subjects } — open the diary.

notify-minimal-homework_none = • <b>{ $student }</b>: no homework.

notify-minimal-weekly =
    <b>{ $student }</b>: { $marks ->
        [one] { $marks } mark
       *[other] { $marks } marks
    }, { $absent ->
        [one] { $absent } lesson missed
       *[other] { $absent } lessons missed
    }, { $late ->
        [one] { $late } late arrival
       *[other] { $late } late arrivals
    } — open the diary.
