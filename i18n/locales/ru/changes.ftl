# The change log in plain words (the office's audit of a student and of a lesson): whose,
# which lesson, before → after and why; the reason asked for a late attendance correction.

changes-about = {" "}({ $what })
changes-inline = { $head }: { $field }: { $before } → { $after }
changes-inline_same = { $head }: { $before } → { $after }
changes-reason_inline = , причина: { $reason }

office-action-subgroup-join = включён в подгруппу
office-action-subgroup-leave = исключён из подгруппы
office-action-subgroup-move = переведён в другую подгруппу
office-action-import-subgroup_join = включён в подгруппу (импорт)
office-action-import-subgroup_move = переведён в другую подгруппу (импорт)
office-field-group = подгруппа
office-field-from = с

changes-attendance_reason = Урок уже прошёл, а посещаемость была отмечена: для исправления нужна причина.
changes-attendance_reason_prompt = Урок уже прошёл, посещаемость была отмечена. Напишите одним сообщением причину исправления — она попадёт в журнал изменений.
changes-attendance_reason_cancel = Отмена
