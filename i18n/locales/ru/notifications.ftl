### Тексты уведомлений (русский — язык по умолчанию и запасной).

## Ошибки сценариев уведомлений (коды ValidationFailed из services/notifications/prefs.py, attendance/absence_reasons.py, messages/broadcasts.py).

notify-prefs_unknown = Такой настройки нет: { $field }.

notify-prefs_bool = Настройка «{ $field }» может быть только включена или выключена.

notify-prefs_marks_mode = Режим отметок: сразу, раз в час или вечером.

notify-prefs_time = Время укажите как ЧЧ:ММ, например 18:00 ({ $field }).

notify-prefs_quiet_pair = Тихий режим задаётся началом и концом, и они должны различаться.

notify-family_reason_invalid = Такой причины нет.

notify-news_empty = Текст рассылки пуст.

notify-news_attachment = Вложение должно быть документом или фотографией.

notify-absence-absent = ⚠️ <b>{ $student }</b> отсутствует на уроке: { $subject }, { $lesson_number }-й урок, { $date }.

notify-absence-ask = Укажите причину — её увидит классный руководитель.

notify-absence-button_ill = Болеет

notify-absence-button_excused = Уважительная причина

notify-absence-button_unknown = Не знаю

## Формы по роду: селектор по $gender (m, f); по умолчанию other — когда род неизвестен:
## формулировка, которой он не нужен.

notify-absence-late =
    { $gender ->
        [m] ⏰ <b>{ $student }</b> опоздал на урок: { $subject }, { $lesson_number }-й урок, { $date }.
        [f] ⏰ <b>{ $student }</b> опоздала на урок: { $subject }, { $lesson_number }-й урок, { $date }.
       *[other] ⏰ Опоздание на урок: <b>{ $student }</b>, { $subject }, { $lesson_number }-й урок, { $date }.
    }

notify-absence-family_reason =
    { $gender ->
        [m] 📝 { $guardian } ответил о причине отсутствия: <b>{ $student }</b> ({ $class_name }, { $subject }, { $lesson_number }-й урок, { $date }) — { $reason }.
        [f] 📝 { $guardian } ответила о причине отсутствия: <b>{ $student }</b> ({ $class_name }, { $subject }, { $lesson_number }-й урок, { $date }) — { $reason }.
       *[other] 📝 Ответ родителя о причине отсутствия ({ $guardian }): <b>{ $student }</b> ({ $class_name }, { $subject }, { $lesson_number }-й урок, { $date }) — { $reason }.
    }

notify-reason-ill = болеет

notify-reason-excused = уважительная причина

notify-reason-unknown = причина семье неизвестна

notify-mark-new = 🆕 <b>{ $student }</b>: отметка <b>{ $value }</b> — { $subject }, { $work_kind }, { $date }.

notify-mark-changed = ✏️ <b>{ $student }</b>: отметка изменена { $before } → <b>{ $value }</b> — { $subject }, { $work_kind }, { $date }. Причина: { $reason }

notify-mark-deleted = 🗑 <b>{ $student }</b>: отметка { $value } удалена — { $subject }, { $work_kind }, { $date }. Причина: { $reason }

notify-mark-digest_title = 📚 <b>Отметки</b>

notify-mark-digest_child = <b>{ $student }</b>

notify-mark-digest_subject = • { $subject }: { $marks }

notify-mark-digest_new = { $value }

notify-mark-digest_changed = { $before }→{ $value } ({ $reason })

notify-mark-digest_deleted = <s>{ $value }</s> удалена ({ $reason })

notify-work-answer = устный ответ

notify-work-classwork = работа на уроке

notify-work-homework = домашняя работа

notify-work-test = самостоятельная

notify-work-control = контрольная работа

notify-work-lab = практическая работа

notify-work-essay = сочинение

notify-work-dictation = диктант

notify-work-project = проект

notify-merged-title = 🔔 <b>Уведомления, пока действовал тихий режим</b>

notify-merged-title_plain = 🔔 <b>Уведомления</b>

notify-homework-title = 📘 <b>Домашнее задание на { $date }</b>

notify-homework-child = <b>{ $student }</b>

notify-homework-item = • { $subject }: { $text }

notify-homework-none = • заданий нет

notify-weekly-title = 🗓 <b>Итоги недели { $date_from } — { $date_to }</b>

notify-weekly-child = <b>{ $student }</b>

notify-weekly-subject = • { $subject }: { $marks }

notify-weekly-no_marks = • отметок за неделю нет

notify-weekly-absences = Пропущено уроков: { $absent }, опозданий: { $late }.

notify-reminder-fill_title = ⏳ <b>Не заполнены уроки за { $date }</b> (срок — до { $deadline }):

notify-reminder-fill_item = • { $lesson_number }-й урок, { $class_name }, { $subject }: нет { $missing }

notify-reminder-unfilled_title = 📋 <b>Не заполнены к { $deadline } уроки за { $date }</b>:

notify-reminder-unfilled_item = • { $teacher } — { $lesson_number }-й урок, { $class_name }, { $subject }: нет { $missing }

notify-reminder-missing_attendance = посещаемости

notify-reminder-missing_topic = темы

notify-reminder-missing_homework = домашнего задания

notify-activity-title = 📊 <b>Активность пользователей за { $month }</b>

notify-activity-accounts = Учётных записей: { $accounts }, подключено к боту: { $bound }, заходили за месяц: { $active }.

notify-activity-role = • { $role }: подключено { $bound } из { $accounts }, заходили { $active }

notify-activity-journal = Записей в журнале за месяц: отметок { $marks }, записей о посещаемости { $attendance }, тем уроков { $topics }.

notify-activity-deliveries = Уведомлений доставлено: { $sent }, не доставлено: { $dead }.

notify-role-admin = администраторы

notify-role-director = директор

notify-role-deputy = заместители директора

notify-role-teacher = учителя

notify-role-class_teacher = классные руководители

notify-role-parent = родители

notify-role-trusted = доверенные лица

notify-role-student = обучающиеся

notify-news-school = 📣 <b>Новости школы</b>

notify-news-class_event = 📣 <b>Класс { $class_name }</b>

notify-news-from = — { $author }

notify-news-ack = Ознакомлен

notify-notice-created = 📩 { $by }: <b>{ $student }</b> ({ $class_name }) не будет на занятиях: { $dates }. Причина: { $reason }

notify-notice-cancelled = ↩️ { $by }: уведомление отменено — <b>{ $student }</b> ({ $class_name }) придёт на занятия: { $dates }.

notify-final-set = 🏁 <b>{ $student }</b>: { $period }, { $subject } — <b>{ $value }</b>.

notify-final-na = н/а

notify-final-pass = зачёт

notify-final-fail = незачёт

notify-final-exempt = освобождение

## Режим минимума персональных данных (School.minimal_alerts): только имя ребёнка, что
## произошло и предмет — без фамилии, отметок, причин, комментариев и имён учителей и родителей.
## Имя стоит там, где подходит именительный падеж (не склоняется).

notify-minimal-child = Ребёнок

notify-minimal-absent = ⚠️ <b>{ $student }</b>: отсутствие на уроке, { $subject } — откройте дневник.

notify-minimal-late = ⏰ <b>{ $student }</b>: опоздание на урок, { $subject } — откройте дневник.

notify-minimal-family_reason = 📝 <b>{ $student }</b>: ответ семьи о причине отсутствия, { $subject } — откройте журнал.

notify-minimal-notice_created = 📩 <b>{ $student }</b>: семья предупредила об отсутствии на занятиях — откройте журнал.

notify-minimal-notice_cancelled = ↩️ <b>{ $student }</b>: семья отменила предупреждение об отсутствии — откройте журнал.

notify-minimal-mark_new = 🆕 <b>{ $student }</b>: новая отметка, { $subject } — откройте дневник.

notify-minimal-mark_changed = ✏️ <b>{ $student }</b>: отметка изменена, { $subject } — откройте дневник.

notify-minimal-mark_deleted = 🗑 <b>{ $student }</b>: отметка удалена, { $subject } — откройте дневник.

notify-minimal-marks = <b>{ $student }</b>: { $counts } — откройте дневник.

notify-minimal-marks_new =
    { $n ->
        [one] { $n } новая отметка
        [few] { $n } новые отметки
       *[many] { $n } новых отметок
    }

notify-minimal-marks_changed =
    { $n ->
        [one] { $n } отметка изменена
        [few] { $n } отметки изменены
       *[many] { $n } отметок изменено
    }

notify-minimal-marks_deleted =
    { $n ->
        [one] { $n } отметка удалена
        [few] { $n } отметки удалены
       *[many] { $n } отметок удалено
    }

notify-minimal-final = 🏁 <b>{ $student }</b>: итоговая отметка ({ $period }, { $subject }) — откройте дневник.

notify-minimal-homework = • <b>{ $student }</b>: задания по предметам { $subjects } — откройте дневник.

notify-minimal-homework_none = • <b>{ $student }</b>: заданий нет.

notify-minimal-weekly =
    <b>{ $student }</b>: { $marks ->
        [one] { $marks } отметка
        [few] { $marks } отметки
       *[many] { $marks } отметок
    }, { $absent ->
        [one] { $absent } пропуск
        [few] { $absent } пропуска
       *[many] { $absent } пропусков
    }, { $late ->
        [one] { $late } опоздание
        [few] { $late } опоздания
       *[many] { $late } опозданий
    } — откройте дневник.
