### Исправления доходят до семьи: снятое отсутствие, изменённое домашнее задание, отменённый урок.

## Отсутствие или опоздание исправлено после уведомления (services/attendance/roll_call.py).

corrections-withdrawn = ✅ Отметка об отсутствии снята: <b>{ $student }</b>, { $subject }, { $lesson_number }-й урок, { $date }.

corrections-late_withdrawn = ✅ Отметка об опоздании снята: <b>{ $student }</b>, { $subject }, { $lesson_number }-й урок, { $date }.

corrections-now_late =
    { $gender ->
        [m] ℹ️ <b>{ $student }</b> отмечен как опоздавший, а не отсутствующий: { $subject }, { $lesson_number }-й урок, { $date }.
        [f] ℹ️ <b>{ $student }</b> отмечена как опоздавшая, а не отсутствующая: { $subject }, { $lesson_number }-й урок, { $date }.
       *[other] ℹ️ Отсутствие исправлено на опоздание: <b>{ $student }</b>, { $subject }, { $lesson_number }-й урок, { $date }.
    }

corrections-brief_withdrawn = ✅ <b>{ $student }</b>: отметка об отсутствии снята, { $subject } — откройте дневник.

corrections-brief_late_withdrawn = ✅ <b>{ $student }</b>: отметка об опоздании снята, { $subject } — откройте дневник.

corrections-brief_now_late = ℹ️ <b>{ $student }</b>: отсутствие исправлено на опоздание, { $subject } — откройте дневник.

## Домашнее задание изменено или добавлено после вечерней рассылки (services/homework/corrections.py).

corrections-homework_changed = 📝 Домашнее задание изменено: { $subject } на { $date } (<b>{ $student }</b>): { $text }

corrections-homework_added = 📝 Домашнее задание добавлено: { $subject } на { $date } (<b>{ $student }</b>): { $text }

corrections-brief_homework = 📝 <b>{ $student }</b>: домашнее задание изменено, { $subject } на { $date } — откройте дневник.

## Урок отменён или возвращён в расписание (services/timetable/cancellations.py).

corrections-lesson_cancelled = ❌ Урок отменён: { $subject }, { $date }, { $number }-й урок (<b>{ $student }</b>).

corrections-lesson_reinstated = ✅ Урок снова в расписании: { $subject }, { $date }, { $number }-й урок (<b>{ $student }</b>).

corrections-teacher_cancelled = ❌ Ваш урок отменён: { $date }, { $number }-й урок, { $cls }, { $subject }. Причина: { $reason }

corrections-teacher_cancelled_brief = ❌ Ваш урок отменён: { $date }, { $number }-й урок, { $cls }, { $subject }. Причина — в /today на этот день.

corrections-teacher_reinstated = ✅ Ваш урок снова в расписании: { $date }, { $number }-й урок, { $cls }, { $subject }.

corrections-reason_required = Напишите причину отмены урока.

corrections-already_cancelled = Этот урок уже отменён.

corrections-not_cancelled = Этот урок не отменён.

corrections-has_records = Урок нельзя отменить: в нём уже есть отметки или посещаемость. Сначала уберите их в журнале.

## Экран замен: отмена урока (handlers/admin/substitutions.py, screens/admin/substitutions.py).

corrections-cancel_button = ❌ Отменить урок

corrections-reinstate_button = ↩️ Вернуть урок в расписание

corrections-ask_reason =
    Отмена урока: { $day }, { $number }-й урок, { $cls }, { $subject }.
    Напишите причину (до { $limit } символов) — она останется в журнале изменений и придёт учителю.

corrections-back = ◀️ Назад к урокам

corrections-cancelled_label = ❌ { $label } — отменён

corrections-cancelled_card =
    ❌ Урок отменён: { $day }, { $number }-й урок, { $cls }, { $subject }.
    Причина: { $reason }

corrections-reinstate_ask = Вернуть урок в расписание? Учитель получит уведомление, семьи учеников — если урок сегодня или в ближайший учебный день.

corrections-reinstate_yes = ✅ Да, вернуть

corrections-reinstate_no = Нет

corrections-cancelled_told = ❌ Урок отменён. Учитель и семьи учеников предупреждены.

corrections-cancelled_teacher = ❌ Урок отменён. Учитель предупреждён; семьи увидят отмену в дневнике.

corrections-reinstated_told = ✅ Урок снова в расписании. Учитель и семьи учеников предупреждены.

corrections-reinstated_teacher = ✅ Урок снова в расписании. Учитель предупреждён.

office-action-lesson-cancel = урок отменён

office-action-lesson-reinstate = урок возвращён в расписание

## День учителя: отменённый урок зачёркнут, с причиной (screens/teacher/today.py).

corrections-day_cancelled = — ❌ урок отменён

corrections-day_cancelled_reason = — ❌ урок отменён: { $reason }
