### Family: diary, homework, marks, attendance, timetable, choice of child, absence notice,
### chart (handlers/family, the family read models in services/, services/attendance/notices.py).

family-header = 👤 <b>{ $name }</b>, { $class_name }

family-header_no_class = 👤 <b>{ $name }</b>

family-hidden = ℹ️ The parent has not given you access to: { $sections }.

family-not_available = ℹ️ The section “{ $section }” is not available to you: the parent has not shared it. This does not mean there are no records.

family-no_child = There are no students whose data you can see. If this is a mistake, contact the class teacher.

family-not_family = This section is for parents and students. Your lessons: /today, timetable: /timetable.

family-bad_date = I could not read the date. Try, for example: /homework 20.11

family-no_period = The study periods of this year are not set yet.

family-period = { $name } ({ $start } – { $end })

family-decimal_point = {"."}

family-section-diary = diary

family-section-marks = marks

family-section-attendance = attendance

family-section-homework = homework

family-section-timetable = timetable

family-period_short-quarter = Q{ $n }

family-period_short-trimester = T{ $n }

family-period_short-half = H{ $n }

family-special-na = not certified

family-special-pass = pass

family-special-fail = fail

family-special-exempt = exempt

family-child-choose = Whose data should I show? Now:

family-child-chosen = Done. The diary, marks and timetable are now about:

family-child-only_one = The diary, marks and timetable are about:

family-homework-title = 📚 Homework for <b>{ $date }</b>

family-homework-item = <b>{ $subject }</b>: { $text }

family-homework-item_individual = <b>{ $subject }</b> (personal): { $text }

family-homework-set_on = <i>(set on { $date })</i>

family-homework-none = No homework for this day.

family-homework-without = No homework: { $subjects }.

family-homework-btn_next_day = Next school day

family-marks-title = 📊 Marks — <b>{ $period }</b>

family-marks-subject = <b>{ $subject }</b>: { $marks }

family-marks-subject_empty = <b>{ $subject }</b>: no marks yet

family-marks-average = average { $average } → “{ $mark }”

family-marks-few = <i>(few marks so far)</i>

family-marks-period_mark = period mark: <b>{ $mark }</b>

family-marks-year_mark = year mark: <b>{ $mark }</b>

family-marks-none = No subjects or marks in this period.

family-marks-legend = <i>Bold: work with a weight above 1 (control works, tests and the like).</i>

family-marks-first_grade = Grade 1 has no marks: the diary shows attendance and lesson topics.

family-marks-need =
    { $n ->
        [one] { $n } more 5 would make it “{ $mark }”
       *[other] { $n } more 5s would make it “{ $mark }”
    }

family-attendance-title = 🗓 Attendance — <b>{ $period }</b>

family-attendance-missed = Lessons missed: <b>{ $missed }</b> of { $lessons }

family-attendance-absent = Н (no reason): { $n }

family-attendance-ill = Б (ill): { $n }

family-attendance-excused = УП (excused): { $n }

family-attendance-late = Late (ОП): <b>{ $n }</b>

family-attendance-list = <b>By lesson:</b>

family-attendance-entry = { $date }, lesson { $number }, { $subject } — { $code }

family-attendance-none = No absences or lateness. 👍

family-attendance-code-absent = Н (absent)

family-attendance-code-ill = Б (ill)

family-attendance-code-excused = УП (excused)

family-attendance-code-late = ОП (late)

family-timetable-day_title = 🕘 <b>{ $date }</b>

family-timetable-own = 🕘 <b>Your lessons</b>

family-timetable-week_title = Timetable for the week { $start } – { $end }

family-timetable-you_substitute = 🔄 you substitute

family-timetable-class = 🕘 <b>Timetable of { $name }</b>

family-timetable-btn_own = My lessons

diary-weekday_mid_case = keep

diary-date = { $weekday }, { $day } { $month }

diary-date_short = { $day } { $month }

diary-day_title = 📔 <b>{ $date }</b>

diary-week_day_title = 📔 <b>{ $date }</b>

diary-week_title = Diary for the week { $start } – { $end }

diary-today_mark = — today

diary-holiday = 🏖 { $name }

diary-weekend = Day off

diary-no_lessons = No lessons

diary-notice = 🔔 The family gave notice of absence: { $reason }

diary-cancelled = <s>{ $subject }</s> — ❌ cancelled

diary-room = room { $room }

diary-substitute = 🔄 substitute: { $teacher }

diary-topic = Topic: { $topic }

diary-homework = Homework: { $text }

diary-homework_individual = Homework (personal): { $text }

diary-due = <i>(due { $date })</i>

diary-files = 📎 { $n }

diary-marks = Marks: { $marks }

diary-mark = <b>{ $value }</b> ({ $kind })

diary-mark_weighted = <b>{ $value }</b> ({ $kind }, weight { $weight })

diary-mark_comment = — <i>{ $comment }</i>

diary-announced = 🔔 absence announced in advance

diary-announced_suffix = <i>(announced in advance)</i>

diary-no_files = There are no homework files here.

diary-att-absent = Н — absent

diary-att-ill = Б — ill

diary-att-excused = УП — excused

diary-att-late = ОП — late

diary-btn-prev = ◀ { $label }

diary-btn-next = { $label } ▶

diary-btn-today = Today

diary-btn-this_week = This week

diary-btn-week = Week

diary-btn-day = Day

diary-btn-files = 📎 Homework files ({ $n })

diary-weekday-1 = Monday

diary-weekday-2 = Tuesday

diary-weekday-3 = Wednesday

diary-weekday-4 = Thursday

diary-weekday-5 = Friday

diary-weekday-6 = Saturday

diary-weekday-7 = Sunday

diary-month-1 = January

diary-month-2 = February

diary-month-3 = March

diary-month-4 = April

diary-month-5 = May

diary-month-6 = June

diary-month-7 = July

diary-month-8 = August

diary-month-9 = September

diary-month-10 = October

diary-month-11 = November

diary-month-12 = December

diary-work-answer = oral answer

diary-work-classwork = classwork

diary-work-homework = homework

diary-work-test = test

diary-work-control = control work

diary-work-lab = practical work

diary-work-essay = essay

diary-work-dictation = dictation

diary-work-project = project

chart-button = 📈 Marks chart

chart-title = { $name } — { $period }

chart-xlabel = Weighted average

chart-no_marks = no marks

chart-empty = No marks in this period: nothing to chart.

chart-caption = 📈 <b>{ $name }</b>: average by subject, { $period }. Colour: projected mark; dashes: thresholds 2.5 / 3.5 / 4.5.

notice-not_cancellable = This notice is already withdrawn or over.

notice-upcoming = Already reported: { $dates } ({ $reason }).

notice-withdrawn = ↩️ The notice is withdrawn: { $dates }. The class teacher will be told.

notice-parents_only = Only a parent can give notice of an absence.

notice-ask_day = 🔔 When will the child miss school?

notice-ask_dates = Type a date or a period, for example: 20.11 or 20.11–22.11

notice-bad_dates = I could not read the date. Try, for example: 20.11 or 20.11–22.11

notice-ask_reason = Absence: <b>{ $dates }</b>. The reason?

notice-ask_reason_text = Type the reason in one message (up to 255 characters).

notice-period = { $start } to { $end }

notice-done = ✅ The class teacher will be told: absence <b>{ $dates }</b>, reason: { $reason }.

notice-done_no_teacher = ✅ The notice is saved: absence <b>{ $dates }</b>, reason: { $reason }. The class has no class teacher yet; the school will see it.

notice-cancelled = The notice was not sent.

notice-bad_code = Unknown reason of absence.

notice-reason_empty = Give the reason of the absence.

notice-dates_order = The period starts after it ends. Check the dates.

notice-in_past = This date has passed: notice can be given for today and later days only.

notice-no_school_days = There are no school days in this period: nothing to announce.

notice-overlap = There is already a notice of absence for these days.

notice-not_enrolled = The student is not in a class on this date.

notice-too_long =
    { $days ->
        [one] The period is too long: at most { $days } day. Tell the class teacher about a long absence.
       *[other] The period is too long: at most { $days } days. Tell the class teacher about a long absence.
    }

notice-too_far =
    { $days ->
        [one] Too far ahead: at most { $days } day.
       *[other] Too far ahead: at most { $days } days.
    }

notice-btn-withdraw = ✖ Withdraw: { $dates }

notice-btn-today = Today, { $date }

notice-btn-next_day = School day { $date }

notice-btn-other_day = Another day or period…

notice-btn-ill = 🤒 Ill

notice-btn-family = 🏠 Family reasons

notice-btn-other = ✏️ Other…

notice-btn-cancel = Cancel

notice-reason-ill = ill

notice-reason-family = family reasons
