### Corrections reach the family: an absence withdrawn, homework changed, a lesson cancelled.

## An absence or lateness corrected after the alert (services/attendance/roll_call.py).

corrections-withdrawn = ✅ Absence withdrawn: <b>{ $student }</b>, { $subject }, lesson { $lesson_number }, { $date }.

corrections-late_withdrawn = ✅ Lateness withdrawn: <b>{ $student }</b>, { $subject }, lesson { $lesson_number }, { $date }.

corrections-now_late =
    { $gender ->
        [m] ℹ️ <b>{ $student }</b> is marked late, not absent: { $subject }, lesson { $lesson_number }, { $date }.
        [f] ℹ️ <b>{ $student }</b> is marked late, not absent: { $subject }, lesson { $lesson_number }, { $date }.
       *[other] ℹ️ Absence corrected to lateness: <b>{ $student }</b>, { $subject }, lesson { $lesson_number }, { $date }.
    }

corrections-brief_withdrawn = ✅ <b>{ $student }</b>: absence withdrawn, { $subject } — open the diary.

corrections-brief_late_withdrawn = ✅ <b>{ $student }</b>: lateness withdrawn, { $subject } — open the diary.

corrections-brief_now_late = ℹ️ <b>{ $student }</b>: absence corrected to lateness, { $subject } — open the diary.

## Homework changed or added after the evening digest (services/homework/corrections.py).

corrections-homework_changed = 📝 Homework changed: { $subject } for { $date } (<b>{ $student }</b>): { $text }

corrections-homework_added = 📝 Homework added: { $subject } for { $date } (<b>{ $student }</b>): { $text }

corrections-brief_homework = 📝 <b>{ $student }</b>: homework changed, { $subject } for { $date } — open the diary.

## A lesson cancelled or reinstated (services/timetable/cancellations.py).

corrections-lesson_cancelled = ❌ Lesson cancelled: { $subject }, { $date }, lesson { $number } (<b>{ $student }</b>).

corrections-lesson_reinstated = ✅ Lesson back in the timetable: { $subject }, { $date }, lesson { $number } (<b>{ $student }</b>).

corrections-teacher_cancelled = ❌ Your lesson is cancelled: { $date }, lesson { $number }, { $cls }, { $subject }. Reason: { $reason }

corrections-teacher_cancelled_brief = ❌ Your lesson is cancelled: { $date }, lesson { $number }, { $cls }, { $subject }. The reason is in /today for that day.

corrections-teacher_reinstated = ✅ Your lesson is back in the timetable: { $date }, lesson { $number }, { $cls }, { $subject }.

corrections-reason_required = Write why the lesson is cancelled.

corrections-already_cancelled = This lesson is already cancelled.

corrections-not_cancelled = This lesson is not cancelled.

corrections-has_records = The lesson cannot be cancelled: it already has marks or attendance. Remove them in the journal first.

## The substitutions screen: cancelling a lesson (handlers/admin/substitutions.py, screens/admin/substitutions.py).

corrections-cancel_button = ❌ Cancel the lesson

corrections-reinstate_button = ↩️ Put the lesson back

corrections-ask_reason =
    Cancelling: { $day }, lesson { $number }, { $cls }, { $subject }.
    Write the reason (up to { $limit } characters): it stays in the change log and goes to the teacher.

corrections-back = ◀️ Back to the lessons

corrections-cancelled_label = ❌ { $label } — cancelled

corrections-cancelled_card =
    ❌ Lesson cancelled: { $day }, lesson { $number }, { $cls }, { $subject }.
    Reason: { $reason }

corrections-reinstate_ask = Put the lesson back in the timetable? The teacher is told, and the students' families if the lesson is today or on the next school day.

corrections-reinstate_yes = ✅ Yes, put it back

corrections-reinstate_no = No

corrections-cancelled_told = ❌ Lesson cancelled. The teacher and the students' families are told.

corrections-cancelled_teacher = ❌ Lesson cancelled. The teacher is told; families will see it in the diary.

corrections-reinstated_told = ✅ Lesson back in the timetable. The teacher and the students' families are told.

corrections-reinstated_teacher = ✅ Lesson back in the timetable. The teacher is told.

office-action-lesson-cancel = lesson cancelled

office-action-lesson-reinstate = lesson put back in the timetable

## The teacher's day: a cancelled lesson struck through, with its reason (screens/teacher/today.py).

corrections-day_cancelled = — ❌ lesson cancelled

corrections-day_cancelled_reason = — ❌ lesson cancelled: { $reason }
