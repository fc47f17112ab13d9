# Subgroups of a class (a split for a language, IT, labour): the class teacher's and the
# admin's /subgroups, the refusals of membership changes and of the import of membership.

cmd-subgroups = Подгруппы класса
help-cmd-subgroups = кто в какой подгруппе класса (иностранный язык, информатика, труд); перевод из группы в группу с сегодняшнего дня, прошлые уроки остаются за прежней группой

subgroups-title = <b>Подгруппы { $cls }</b> на { $day }
subgroups-none = В классе нет подгрупп. Подгруппы появляются с импортом учебной нагрузки или расписания.
subgroups-empty = никого
subgroups-group_line = <b>{ $group }</b>: { $names }
subgroups-outside = Не в подгруппах: { $names }
subgroups-group_title = <b>{ $group }</b>, { $cls } — { $count ->
    [one] { $count } обучающийся
    [few] { $count } обучающихся
   *[many] { $count } обучающихся
}
subgroups-group_hint = ✅ — в группе. Нажмите на обучающегося, чтобы включить или исключить его с { $day }; из другой группы того же предмета он будет переведён.
subgroups-done_joined = { $student } — в группе «{ $group }» с { $day }.
subgroups-done_left = { $student } — не в группе «{ $group }» с { $day }.
subgroups-done_moved = { $student } переведён из «{ $other }» в «{ $group }» с { $day }.
subgroups-back = ◀ Все подгруппы

subgroups-not_in_class = { $name } не учится в { $cls } в этот день.
subgroups-date_outside_year = Дата { $date } вне учебного года { $year }.
subgroups-year_archived = Учебный год { $year } в архиве: состав подгрупп не меняется.
subgroups-already_member = Обучающийся уже в группе «{ $group }».
subgroups-not_a_member = Обучающегося нет в группе «{ $group }».
subgroups-move_same_class = Перевести можно только между разными подгруппами одного класса.

import-error-student_not_in_class = обучающийся «{ $value }» не учится в { $cls }
import-error-group_needs_subject = группы «{ $value }» ещё нет: укажите предмет, чтобы её создать
