# Subgroups of a class (a split for a language, IT, labour): the class teacher's and the
# admin's /subgroups, the refusals of membership changes and of the import of membership.

cmd-subgroups = Class subgroups
help-cmd-subgroups = who is in which subgroup of the class (a language, IT, labour); a move between groups from today, past lessons stay with the former group

subgroups-title = <b>Subgroups of { $cls }</b> on { $day }
subgroups-none = The class has no subgroups. Subgroups come with the import of teaching assignments or the timetable.
subgroups-empty = nobody
subgroups-group_line = <b>{ $group }</b>: { $names }
subgroups-outside = Not in subgroups: { $names }
subgroups-group_title = <b>{ $group }</b>, { $cls } — { $count ->
    [one] { $count } student
   *[other] { $count } students
}
subgroups-group_hint = ✅ — in the group. Tap a student to add or remove them from { $day }; a student of another group of the subject is moved.
subgroups-done_joined = { $student } is in “{ $group }” from { $day }.
subgroups-done_left = { $student } is out of “{ $group }” from { $day }.
subgroups-done_moved = { $student } moved from “{ $other }” to “{ $group }” from { $day }.
subgroups-back = ◀ All subgroups

subgroups-not_in_class = { $name } is not in { $cls } on that day.
subgroups-date_outside_year = The date { $date } is outside the school year { $year }.
subgroups-year_archived = The school year { $year } is archived: subgroups do not change.
subgroups-already_member = The student is already in “{ $group }”.
subgroups-not_a_member = The student is not in “{ $group }”.
subgroups-move_same_class = A move is only between two subgroups of one class.

import-error-student_not_in_class = student “{ $value }” is not in { $cls }
import-error-group_needs_subject = no group “{ $value }” yet: give the subject to create it
