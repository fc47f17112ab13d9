### The journal: rules and teachers' errors (services/timetable/lesson_edits.py, attendance/roll_call.py, marks/marking.py, homework/).

journal-first_grade_no_marks = No marks are given in the 1st grade.

journal-first_grade_no_homework = No homework is set in the 1st grade.

journal-lesson_in_future = The lesson of { $date } has not taken place yet: attendance and marks are entered on the day or later.

journal-lesson_locked = The lesson of { $date } is locked: the correction window has passed. A deputy head or the administrator can unlock it.

journal-lesson_cancelled = The lesson is cancelled: nothing is recorded for it.

journal-period_closed = The period “{ $period }” is closed. The administrator can reopen it.

journal-mark_value = A mark must be from 1 to 5.

journal-mark_weight = A mark's weight must be from 1 to 10.

journal-too_many_marks = { $student }: that would make { $total } marks in this lesson; a student gets at most { $limit } marks a lesson.

journal-mark_for_absent = { $student } is marked absent in this lesson. A mark for an absent student needs a confirmation (e.g. for work handed in later).

journal-reason_required = Give the reason for the correction.

journal-topic_empty = The lesson's topic cannot be empty.

journal-homework_empty = The homework is empty: write a text or attach a file.

journal-homework_due_before_lesson = The due date cannot be before the lesson.

journal-unlock_hours = A lesson can be unlocked for 1 hour to 14 days.

journal-year_archived = The school year { $year } is archived: its journal cannot be changed.
