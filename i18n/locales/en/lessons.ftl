### Substitutions for any date and their log, distance lessons, the roles of a teacher of
### additional education, a tutor and an observer.

## Substitutions: the day, the class, the teacher (services/timetable/substitutions.py, screens/admin/substitutions.py)

subs-pick_day = <b>Substitutions.</b> Pick a day (or type a date), then the class and the lesson. The substitution log is below.

subs-today = Today, { $day }

subs-tomorrow = Tomorrow, { $day }

subs-weekday-1 = Mon { $day }

subs-weekday-2 = Tue { $day }

subs-weekday-3 = Wed { $day }

subs-weekday-4 = Thu { $day }

subs-weekday-5 = Fri { $day }

subs-weekday-6 = Sat { $day }

subs-weekday-7 = Sun { $day }

subs-type_day = ✏️ Type a date

subs-ask_day = Type the lesson's date, e.g. 25.12 or 25.12.2026.

subs-bad_day = That is not a date. Type it like 25.12 or 25.12.2026.

subs-back_days = ◀ Back to the days

subs-other_day = 📅 Another day

subs-pick_class = Substitutions on <b>{ $day }</b>: pick the class.

subs-day_line = 📅 { $day }

subs-busy = ⚠ { $teacher } (teaches { $cls })

subs-busy_note = ⚠ — the teacher teaches another class at that time. You may still pick them, but the lessons will overlap.

subs-conflict = ⚠ At that time the teacher also teaches class { $cls }.

subs-log_range = The substitution log covers at most { $days } days, and its start is not after its end.

## The substitution log

subs-log-week = 📒 Week

subs-log-month = 📒 Month

subs-log-prev = 📒 Last month

subs-log-title = <b>Substitution log { $start } — { $end }</b>: { $count ->
    [one] { $count } substitution
   *[other] { $count } substitutions
}

subs-log-empty = No substitutions in this period.

subs-log-row = { $day }, lesson { $number }, { $cls }, { $subject }: { $absent } → <b>{ $sub }</b>

subs-log-reason = ({ $reason })

subs-log-xlsx = 📄 Download XLSX

subs-col-date = Date

subs-col-number = Lesson

subs-col-class = Class

subs-col-subject = Subject

subs-col-absent = Replaced

subs-col-substitute = Substitute

subs-col-reason = Reason

subs-col-recorded = Set by

subs-file-title = Substitution log, { $period }

subs-file-sheet = Substitutions

subs-file-caption = Substitution log { $start } — { $end }

## Alerts of substitutions and distance lessons

notify-substitution-family = 🔄 { $student }: { $date }, lesson { $number }, { $subject } — a substitute, { $teacher }, teaches it.

notify-substitution-removed = 🔄 { $student }: { $date }, lesson { $number }, { $subject } — no substitution after all, { $teacher } teaches it.

notify-substitution-teacher = 🔄 You substitute a lesson: { $date }, lesson { $number }, { $cls }, { $subject } (instead of { $teacher }; room: { $room }). It is in your timetable; fill it in the journal.

notify-distance-on = 💻 { $student }: { $date }, lesson { $number }, { $subject } — held at a distance.

notify-distance-off = 🏫 { $student }: { $date }, lesson { $number }, { $subject } — back in class, not at a distance.

## A distance lesson (the teacher's lesson card, the family's diary and timetable)

distance-button_on = 💻 Distance lesson

distance-button_off = 🏫 Lesson in class

distance-saved_on = 💻 The lesson is marked as held at a distance. Take the roll call as usual: present online is present.

distance-saved_off = 🏫 The lesson is held in class again.

distance-mark = 💻 at a distance

## Roles

role-extra_teacher = teacher of additional education

role-educator = tutor

role-observer = observer (read only)

# Short forms for schools that keep names out of alerts (no teacher named).
notify-substitution-family_brief = 🔄 { $student }: { $date }, lesson { $number }, { $subject } — a substitute teacher.

notify-substitution-removed_brief = 🔄 { $student }: { $date }, lesson { $number }, { $subject } — no substitution after all.

notify-substitution-teacher_brief = 🔄 You substitute: { $date }, lesson { $number }, { $cls }, { $subject } (room: { $room }). The lesson is in your timetable; fill it in the journal.
