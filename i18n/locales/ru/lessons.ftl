### Замены уроков на любую дату и журнал замен, дистанционные уроки, роли педагога
### дополнительного образования, воспитателя и наблюдателя.

## Замены: выбор дня, класса, учителя (services/timetable/substitutions.py, screens/admin/substitutions.py)

subs-pick_day = <b>Замены уроков.</b> Выберите день (или введите дату), затем класс и урок. Журнал замен — кнопками ниже.

subs-today = Сегодня, { $day }

subs-tomorrow = Завтра, { $day }

subs-weekday-1 = Пн { $day }

subs-weekday-2 = Вт { $day }

subs-weekday-3 = Ср { $day }

subs-weekday-4 = Чт { $day }

subs-weekday-5 = Пт { $day }

subs-weekday-6 = Сб { $day }

subs-weekday-7 = Вс { $day }

subs-type_day = ✏️ Ввести дату

subs-ask_day = Введите дату урока, например 25.12 или 25.12.2026.

subs-bad_day = Не понял дату. Введите её так: 25.12 или 25.12.2026.

subs-back_days = ◀ К выбору дня

subs-other_day = 📅 Другой день

subs-pick_class = Замены на <b>{ $day }</b>: выберите класс.

subs-day_line = 📅 { $day }

subs-busy = ⚠ { $teacher } (ведёт { $cls })

subs-busy_note = ⚠ — учитель в это время ведёт урок в другом классе. Назначить его можно, но уроки совпадут.

subs-conflict = ⚠ В это время учитель ведёт урок и в классе { $cls }.

subs-log_range = Журнал замен строится за период не длиннее { $days } дней, и начало не позже конца.

## Журнал замен

subs-log-week = 📒 Неделя

subs-log-month = 📒 Месяц

subs-log-prev = 📒 Прошлый месяц

subs-log-title = <b>Журнал замен { $start } — { $end }</b>: { $count ->
    [one] { $count } замена
    [few] { $count } замены
    [many] { $count } замен
   *[other] { $count } замены
}

subs-log-empty = Замен за этот период нет.

subs-log-row = { $day }, { $number }-й урок, { $cls }, { $subject }: { $absent } → <b>{ $sub }</b>

subs-log-reason = ({ $reason })

subs-log-xlsx = 📄 Скачать XLSX

subs-col-date = Дата

subs-col-number = Урок

subs-col-class = Класс

subs-col-subject = Предмет

subs-col-absent = Кого заменили

subs-col-substitute = Кто заменил

subs-col-reason = Причина

subs-col-recorded = Кто назначил

subs-file-title = Журнал замен уроков, { $period }

subs-file-sheet = Замены

subs-file-caption = Журнал замен { $start } — { $end }

## Уведомления о заменах и дистанционных уроках

notify-substitution-family = 🔄 { $student }: { $date }, { $number }-й урок, { $subject } — замена, ведёт { $teacher }.

notify-substitution-removed = 🔄 { $student }: { $date }, { $number }-й урок, { $subject } — замены не будет, урок ведёт { $teacher }.

notify-substitution-teacher = 🔄 Вам назначена замена: { $date }, { $number }-й урок, { $cls }, { $subject } (вместо: { $teacher }; кабинет: { $room }). Урок в вашем расписании, заполните его в журнале.

notify-distance-on = 💻 { $student }: { $date }, { $number }-й урок, { $subject } — пройдёт дистанционно.

notify-distance-off = 🏫 { $student }: { $date }, { $number }-й урок, { $subject } — снова в классе, не дистанционно.

## Дистанционный урок (карточка урока учителя, дневник и расписание семьи)

distance-button_on = 💻 Урок дистанционный

distance-button_off = 🏫 Урок в классе

distance-saved_on = 💻 Урок отмечен как дистанционный. Посещаемость отмечайте как обычно: присутствие онлайн — это присутствие.

distance-saved_off = 🏫 Урок снова проходит в классе.

distance-mark = 💻 дистанционно

## Роли

role-extra_teacher = педагог дополнительного образования

role-educator = воспитатель

role-observer = наблюдатель (только просмотр)

# Short forms for schools that keep names out of alerts (no teacher named).
notify-substitution-family_brief = 🔄 { $student }: { $date }, { $number }-й урок, { $subject } — замена.

notify-substitution-removed_brief = 🔄 { $student }: { $date }, { $number }-й урок, { $subject } — замены не будет.

notify-substitution-teacher_brief = 🔄 Вам назначена замена: { $date }, { $number }-й урок, { $cls }, { $subject } (кабинет: { $room }). Урок в вашем расписании, заполните его в журнале.
