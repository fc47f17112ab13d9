### Журнал: правила ведения и ошибки учителя (services/timetable/lesson_edits.py, attendance/roll_call.py, marks/marking.py, homework/).

journal-first_grade_no_marks = В 1-м классе отметки не ставятся (безотметочное обучение).

journal-first_grade_no_homework = В 1-м классе домашнее задание не задаётся.

journal-lesson_in_future = Урок { $date } ещё не прошёл: посещаемость и отметки ставятся в день урока или позже.

journal-lesson_locked = Урок { $date } закрыт для изменений: срок исправления истёк. Открыть его может заместитель директора или администратор.

journal-lesson_cancelled = Урок отменён: записи по нему не ведутся.

journal-period_closed = Период «{ $period }» закрыт. Открыть его может администратор.

journal-mark_value = Отметка должна быть от 1 до 5.

journal-mark_weight = Вес отметки должен быть от 1 до 10.

journal-too_many_marks = { $student }: отметок за этот урок было бы { $total }, а одному ученику за урок ставится не больше { $limit }.

journal-mark_for_absent = { $student }: на этом уроке отмечено отсутствие. Отметку отсутствующему можно поставить только с подтверждением (например, за работу, сданную позже).

journal-reason_required = Укажите причину исправления.

journal-topic_empty = Тема урока не может быть пустой.

journal-homework_empty = Домашнее задание пустое: напишите текст или приложите файл.

journal-homework_due_before_lesson = Срок сдачи не может быть раньше дня урока.

journal-unlock_hours = Урок можно открыть на срок от 1 часа до 14 дней.

journal-year_archived = Учебный год { $year } в архиве: записи журнала за него не меняются.
