# Early warning: absences and falling marks (services/early_warning).

notify-warn-title = ⚠️ <b>Важно: пропуски и успеваемость</b>

notify-warn-child = <b>{ $student }</b>, { $class_name } — { $period }

notify-warn-absence = • Пропущено { $absent } из { $lessons } уроков с начала периода ({ $percent } %), из них без уважительной причины: { $unexcused }.

notify-warn-mark_low = • { $subject }: по текущим отметкам за период выходит «{ $mark }».

notify-warn-mark_drop = • { $subject }: по текущим отметкам за период выходит «{ $mark }» (было «{ $before }»).

notify-warn-todo_family = Что делать: поговорите с ребёнком и свяжитесь с классным руководителем ({ $teacher }) — вместе можно договориться, как наверстать пропущенное, пока период не закончился.

notify-warn-todo_family_office = Что делать: поговорите с ребёнком и свяжитесь со школой — вместе можно договориться, как наверстать пропущенное, пока период не закончился.

notify-warn-todo_teacher = Что делать: свяжитесь с семьёй, узнайте причины и договоритесь о плане. Весь список — в меню классного руководителя: «Группа риска».

notify-warn-minimal = ⚠️ <b>{ $students }</b>: пропуски или отметки требуют внимания — откройте дневник.

notify-warn-minimal_teacher = ⚠️ Пропуски или отметки требуют внимания: { $students } — откройте журнал.

warn-bad_steps = Пороги пропусков — два целых числа процентов, первый меньше второго, от 1 до 100 (например: 5 10).

cmd-atrisk = Ученики в группе риска

help-cmd-atrisk = ученики класса с частыми пропусками или с отметкой за период, которая выходит «2» или снижается

warn-decimal_comma = yes

warn-ct-title = ⚠️ <b>Группа риска: { $cls }</b> — { $period }

warn-ct-rule = Пропуски от { $first } % уроков с начала периода; ожидаемая отметка «2» или снизилась на балл.

warn-ct-absences = пропущено { $absent } из { $lessons } ({ $percent } %), без уважительной причины: { $unexcused }

warn-ct-mark_low = { $subject }: выходит «{ $mark }»

warn-ct-mark_drop = { $subject }: выходит «{ $mark }» (было «{ $before }»)

warn-ct-none = Сейчас в классе никого в группе риска нет.

warn-ct-no_period = Сейчас нет текущего учебного периода.
