# Early warning: absences and falling marks (services/early_warning).

notify-warn-title = ⚠️ <b>Important: absences and progress</b>

notify-warn-child = <b>{ $student }</b>, { $class_name } — { $period }

notify-warn-absence = • Missed { $absent } of { $lessons } lessons since the period began ({ $percent } %), without a valid reason: { $unexcused }.

notify-warn-mark_low = • { $subject }: the period's marks so far make «{ $mark }».

notify-warn-mark_drop = • { $subject }: the period's marks so far make «{ $mark }» (it was «{ $before }»).

notify-warn-todo_family = What to do: talk with your child and contact the class teacher ({ $teacher }) — together you can agree how to catch up before the period ends.

notify-warn-todo_family_office = What to do: talk with your child and contact the school — together you can agree how to catch up before the period ends.

notify-warn-todo_teacher = What to do: contact the family, learn the reasons and agree on a plan. The whole class list: /atrisk ("Students at risk").

notify-warn-minimal = ⚠️ <b>{ $students }</b>: absences or marks need attention — open the diary.

notify-warn-minimal_teacher = ⚠️ Absences or marks need attention: { $students } — open the journal.

warn-bad_steps = Absence steps are two whole per cents, the first below the second, from 1 to 100 (for example: 5 10).

cmd-atrisk = Students at risk

help-cmd-atrisk = the class's students with many absences or a period mark heading for «2» or falling

warn-decimal_comma = no

warn-ct-title = ⚠️ <b>At risk: { $cls }</b> — { $period }

warn-ct-rule = Absences from { $first } % of the period's lessons so far; a projected mark of «2» or a whole mark lower.

warn-ct-absences = missed { $absent } of { $lessons } ({ $percent } %), without a valid reason: { $unexcused }

warn-ct-mark_low = { $subject }: heading for «{ $mark }»

warn-ct-mark_drop = { $subject }: heading for «{ $mark }» (it was «{ $before }»)

warn-ct-none = No one in the class is at risk now.

warn-ct-no_period = There is no current study period now.

warn-steps-btn = ⚠️ Absence steps

warn-steps-title = ⚠️ <b>Early warning: absence steps</b>

warn-steps-now = Now: { $first } % and { $second } % of the lessons since the study period began.

warn-steps-about = When a student's absences reach each step, the parents and the class teacher get one message (once per period). They are also told when the period mark the marks so far make is «2» or falls by a whole mark.

warn-steps-back = ◀️ School settings
