### Teacher and class teacher: /today, the lesson, attendance, marks, topic, homework, term marks,
### absences, reasons, the class journal. Keys: teacher.*, quick.*, term.*, ct.*.

teacher-weekday-1 = Mon

teacher-weekday-2 = Tue

teacher-weekday-3 = Wed

teacher-weekday-4 = Thu

teacher-weekday-5 = Fri

teacher-weekday-6 = Sat

teacher-weekday-7 = Sun

teacher-kind-answer = oral answer

teacher-kind-classwork = classwork

teacher-kind-homework = homework

teacher-kind-test = test

teacher-kind-control = control work

teacher-kind-lab = practical work

teacher-kind-essay = essay

teacher-kind-dictation = dictation

teacher-kind-project = project

teacher-code-present = present

teacher-code-absent = Н (absent)

teacher-code-ill = Б (ill)

teacher-code-excused = УП (excused)

teacher-code-late = ОП (late)

teacher-btn-control_work = 🧾 Control work

teacher-btn-attendance = 👥 Attendance

teacher-btn-marks = ✏️ Marks

teacher-btn-quick = ✍️ One message

teacher-btn-topic = 📖 Topic

teacher-btn-homework = 🏠 Homework

teacher-btn-unlock = 🔓 Unlock for corrections

teacher-btn-day = 📅 Day's lessons

teacher-btn-today = Today

teacher-btn-back = ◀ Back

teacher-btn-cancel = ✖ Cancel

teacher-lesson-title =
    <b>{ $cls } · { $subject }</b>{ $group }
    { $day }, lesson { $number }

teacher-lesson-group = {" "}({ $name })

teacher-day-title = <b>My lessons: { $day }</b>

teacher-day-title_of = <b>Lessons: { $name }, { $day }</b>

teacher-day-empty = No lessons.

teacher-day-line = { $number }. { $time } { $cls } { $subject } { $filled }

teacher-day-substitute = (substitution)

teacher-day-cancelled = (cancelled)

teacher-day-now = ▶ Now: lesson { $number }, { $cls }. The buttons below are for it.

teacher-day-next = ▶ Next: lesson { $number }, { $cls }. The buttons below are for it.

teacher-day-quick_hint = Marks can be sent in one message: «Иванов 5, Петрова 4 кр, Сидоров н».

teacher-day-no_teacher = No teacher «{ $query }» found.

teacher-day-pick_teacher = Several teachers found — pick one:

teacher-day-reader_hint = Another teacher's lessons: /today and a surname, e.g. <code>/today Ivanova</code>; another day — <code>/today Ivanova 03.11</code>.

teacher-day-bad_date = Could not read the date. E.g. /today 03.11, /today Ivanova 03.11.2026.

teacher-card-substitution = Substitution: taught by { $teacher }.

teacher-card-attendance = 👥 Attendance: { $total } on the list, { $absent } absent, { $late } late.

teacher-card-attendance_none = 👥 Attendance not taken ({ $total } on the list).

teacher-card-announced = 📝 Parents announced an absence: { $names }.

teacher-card-topic = 📖 Topic: { $topic }

teacher-card-topic_none = 📖 No topic yet.

teacher-card-homework = 🏠 Homework: { $text } (files: { $files })

teacher-card-homework_none = 🏠 No homework yet.

teacher-card-homework_individual = 👤 Individual assignments: { $count }.

teacher-card-marks = ✏️ Marks: { $marks }

teacher-card-first_grade = 1st grade: no marks and no homework — only attendance and the topic.

teacher-card-future = The lesson has not happened yet: attendance and marks on the day of the lesson. Topic and homework can be filled in ahead.

teacher-card-read_only = View only: the lesson's record is changed by the teacher who gives it.

teacher-card-unlocked-deputy = 🔓 Unlocked for corrections by the deputy head.

teacher-card-unlocked-admin = 🔓 Unlocked for corrections by the administrator.

teacher-card-unlocked-director = 🔓 Unlocked for corrections by the head teacher.

teacher-card-unlocked-unknown = 🔓 Unlocked for corrections.

teacher-att-help = Tap a student: ✅ → ❌ Н → ⏰ ОП → ✅. Then «Save».

teacher-att-counts = { $total } on the list: { $absent } absent, { $late } late.

teacher-att-announced_hint = 📝 — the parents announced an absence in advance; if the student came, tap to mark them present.

teacher-att-saved_before = Attendance was saved before; changes are recorded with your name and the time.

teacher-att-all_present = ✅ All present

teacher-att-save = 💾 Save

teacher-att-saved = Attendance saved: { $absent } absent, { $late } late.

teacher-mk-pick_kind = Pick the kind of work:

teacher-mk-change_kind = Kind of work

teacher-mk-pick_student = Kind of work: <b>{ $kind }</b>. Pick a student:

teacher-mk-pick_value = <b>{ $student }</b> — { $kind }. Pick a mark, or correct one already given:

teacher-mk-absent_warning = ⚠️ { $student } is marked absent in this lesson. A mark for work handed in later? The mark you choose is saved as a mark for an absent student.

teacher-mk-cap_reached = { $student }: at most { $limit } marks per student in a lesson. No new mark; the ones given can be corrected.

teacher-mk-edit_btn = ✏️ { $value } ({ $kind })

teacher-mk-edit = <b>{ $student }</b>: mark { $value } ({ $kind }). Change it to?

teacher-mk-delete = 🗑 Delete

teacher-mk-reason = <b>{ $student }</b>: { $what }. Give the reason — with a button or in a message.

teacher-mk-what_change = change to { $value }

teacher-mk-what_delete = delete the mark

teacher-mk-saved = ✅ { $student }: { $value }

teacher-mk-saved_short = Mark { $value } saved

teacher-mk-changed = ✅ { $student }: mark changed to { $value }.

teacher-mk-deleted = ✅ { $student }: mark deleted.

teacher-reason-typo = Entry mistake

teacher-reason-retake = Retake / work corrected

teacher-topic-prompt = Send the lesson's topic as a message.

teacher-topic-prompt_plan = Pick the topic from the thematic plan, or send your own as a message.

teacher-topic-saved = ✅ Topic saved.

teacher-hw-prompt = Send the homework text, photos or files — several messages are fine. Then press «Save». For chosen students — «Individual».

teacher-hw-draft = 🏠 Homework draft: { $files } files; for: { $who }.

teacher-hw-whole_class = the whole class

teacher-hw-no_text = (no text)

teacher-hw-more = You can send more text or files.

teacher-hw-save = 💾 Save

teacher-hw-individual = 👤 Individual

teacher-hw-pick_students = Tick the students this assignment is for:

teacher-hw-done = Done

teacher-hw-saved = ✅ Homework saved.

teacher-hw-too_many_files = No more than { $limit } files per assignment.

teacher-unlock-ask = Unlock the lesson for its teacher for { $hours } h. Give the reason — with a button or in a message.

teacher-unlock-reason_outage = Entering records after an outage

teacher-unlock-reason_fix = Correcting a mistake in the records

teacher-unlock-done = 🔓 Lesson unlocked for corrections for { $hours } h.

teacher-cw-set = 🧾 A control work is set for { $date }.

teacher-cw-proposed = 🧾 A control work on { $date } is proposed; the deputy head agrees it.

quick-help_hint = ✍️ A lesson's marks in one message: /today → the lesson → «✍️ One message», e.g. <code>Иванов 5, Петрова 4 кр, Сидоров н</code>.

quick-prompt = ✍️ Send the lesson's marks in one message.

quick-help =
    <b>How to write:</b>
    <code>{ $example } 5, Петрова 4 кр, Сидоров н</code>
    • students separated by commas (or new lines); a surname may be shortened: <code>Пет 4</code>; a typo is forgiven;
    • same surnames — add an initial: <code>Иванова Н 5</code>;
    • the kind of work after the mark: <code>4 кр</code> or <code>4кр</code>; for all at once — at the start: <code>кр: Иванов 5, Петрова 4</code>;
    • kinds: отв, ур, дз, ср, кр, лр, соч, дикт, проект; without one — the lesson's kind of work;
    • <code>н</code> — absent, <code>оп</code> — late; several marks: <code>Иванов 5 4</code>.
    Before saving, the bot shows what it understood.

quick-preview_title = Check what I understood:

quick-line_ok = ✅ { $student } — { $marks }

quick-line_typo = ✅ { $student } — { $marks } <i>(a typo in «{ $raw }» corrected)</i>

quick-line_ambiguous = ❓ «{ $raw }» — several students match, pick one below ({ $marks })

quick-line_unknown = ❌ «{ $raw }» — no such student, skipped

quick-line_no_mark = ❌ «{ $raw }» — no mark, skipped

quick-line_bad_token = ❌ «{ $raw }» — did not understand «{ $token }», skipped

quick-line_no_name = ❌ «{ $raw }» — no surname, skipped

quick-line_for_absent = {"    "}⚠️ { $student } is marked absent in this lesson. A mark for work handed in later? Saved only with the button “Save, absent students too”.

quick-line_too_many = ❌ «{ $raw }» — { $student }: at most { $limit } marks per student in a lesson, skipped

quick-confirm_question = Save { $marks } marks and { $absent } absent?

quick-save = 💾 Save ({ $count })

quick-save_for_absent = 💾 Save, absent students too ({ $count })

quick-nothing = Nothing to save.

quick-retype = To correct it, send the message again.

quick-more_lines = … and { $count } more lines

quick-saved = ✅ Saved: { $marks } marks, { $absent } absent.

quick-expired = This draft is out of date. Open the lesson again: /today.

quick-nothing_to_save = Nothing to save: no marks and nobody absent.

term-pick = Pick the class and subject:

term-pick_period = Pick the period:

term-none = You teach no subject with period marks.

term-no_period = The class's school year has no study periods. Ask the administrator.

term-title = <b>{ $cls } · { $subject } · { $period }</b>

term-legend = Suggested mark: the weighted average by the thresholds 2.5 / 3.5 / 4.5. In brackets — the number of marks; ⚠ — fewer than { $min }.

term-row = { $n }. { $student }: { $avg } ({ $count }) → <b>{ $suggested }</b>

term-override = ✎ yours: <b>{ $value }</b>

term-few = ⚠ few marks

term-current = (set: { $value })

term-few_total = ⚠ Students with few marks: { $count }. Check their marks.

term-hint = Tap a student to give another mark; then confirm them all.

term-save = ✅ Confirm and save ({ $count })

term-other_period = 📅 Another period

term-back_to_suggested = ↺ As suggested

term-pick_value = <b>{ $student }</b>: average { $avg } ({ $count } marks), suggested <b>{ $suggested }</b>. Which mark?

term-saved = ✅ Marks for “{ $period }” saved: { $created } new, { $changed } changed, { $same } unchanged.

term-bad_value = A period mark is 1–5, n/a, pass, fail or exempt.

term-nothing_to_save = Nothing to save: no student has a mark.

term-special-na = n/a

term-special-pass = pass

term-special-fail = fail

term-special-exempt = exempt

ct-pick_class = Pick the class:

ct-no_class = You are not the class teacher of any class.

ct-reason_code = An absence reason is Н, Б (ill) or УП (excused).

ct-family-ill = · family: ill

ct-family-excused = · family: excused

ct-family-unknown = · family: reason unknown

ct-abs-title = <b>Absent, { $cls }: { $day }</b>

ct-abs-none = No absences.

ct-abs-line = • { $student } — { $what }

ct-abs-lesson = lesson { $number } ({ $subject })

ct-abs-lesson_at = lesson { $number }, { $time } ({ $subject })

ct-abs-not_marked = not marked yet

ct-abs-notice = 📝 parents announced: { $reason }

ct-rs-title = <b>Absence reasons, { $cls }: { $start }–{ $end }</b>

ct-rs-none = No absences this week.

ct-rs-todo = Without a reason (Н): { $count }. Mark Б or УП:

ct-rs-ill = Б · { $who }

ct-rs-excused = УП · { $who }

ct-rs-accept_families = ✅ Accept the families' answers ({ $count })

ct-rs-saved = ✅ Reasons corrected: { $count }.

ct-rs-nothing = Nothing to correct: no absences without a reason.

ct-jr-title = <b>Journal { $cls } · { $subject } · { $period }</b>

ct-jr-empty = No lessons in this period.

ct-jr-legend = Н — absent, Б — ill, УП — excused, ОП — late; ср — weighted average.

ct-jr-pick_subject = Pick the subject:

ct-jr-other_subject = 📚 Another subject
