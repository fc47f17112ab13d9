# The office's side of family messages (handlers/admin/complaints.py, screens/admin/complaints.py),
# the school's message settings in /settings, and a thread nobody may write in any more
# (services/people/policy.py, thread_ended).

threads-ended_left = 🚫 Писать в эту переписку больше нельзя: { $child } больше не учится в { $class_name }. Переписка остаётся для чтения.

threads-ended_moved = 🚫 Писать в эту переписку больше нельзя: { $child } теперь учится в другом классе, где учитель { $teacher } не ведёт уроки. Переписка остаётся для чтения.

threads-ended_teacher = 🚫 Писать в эту переписку больше нельзя: учитель { $teacher } больше не ведёт уроки у ребёнка ({ $child }, { $class_name }). Переписка остаётся для чтения.

threads-ended_year = 🚫 Писать в эту переписку больше нельзя: она относится к прошлому учебному году. Переписка остаётся для чтения; напишите учителю заново в «Сообщениях».

cmd-complaints = Жалобы на переписку

help-cmd-complaints = жалобы на переписку учителя с семьёй: найти ученика, записать жалобу, прочитать переписку по жалобе (каждое чтение — в журнале действий)

office-menu-cmp = 📨 Жалобы на переписку

complaints-title = 📨 <b>Жалобы на переписку учителя с семьёй</b>

complaints-about = Переписку читают только учитель и семья. Администрация может прочитать её лишь по записанной жалобе: сначала найдите ученика и переписку, запишите, кто пожаловался, когда и почему, — затем откройте её. Каждое чтение записывается в журнал действий.

complaints-btn-find = 🔎 Найти ученика

complaints-btn-list = 📋 Записанные жалобы

complaints-btn-back = ↩️ К жалобам

complaints-btn-cancel = ✖️ Отменить

complaints-btn-today = Сегодня

complaints-btn-record = 📝 Жалоба на { $n }

complaints-btn-read = 📖 Читать { $n }

complaints-btn-read_now = 📖 Прочитать переписку

complaints-btn-read_n = 📖 Читать переписку { $n }

complaints-pick_class = Выберите класс ученика:

complaints-pick_student = Выберите ученика:

complaints-no_students = В этом классе сейчас нет учеников.

complaints-threads_title = 📨 <b>Переписка об ученике: { $child }</b>

complaints-no_threads = У этого ученика нет переписки с учителями.

complaints-side_family = с родителями

complaints-side_student = с самим учеником

complaints-thread_line = { $n }. Учитель: { $teacher } ({ $side }), открыта { $opened }; сообщений: { $messages }, жалоб: { $complaints }

complaints-threads_note = Тексты сообщений здесь не показываются. Прочитать переписку можно только после того, как жалоба на неё записана.

complaints-target = Переписка: учитель { $teacher } — { $child }, { $class_name }

complaints-ask_who = Кто пожаловался? Напишите имя (например, «Иванова Елена, мама ученика»).

complaints-ask_day = Когда поступила жалоба? Напишите дату (например, 25.11) или нажмите «Сегодня».

complaints-ask_reason = В чём жалоба? Опишите причину одним сообщением.

complaints-day_bad = Не понял дату. Напишите её так: 25.11 или 25.11.2026.

complaints-day_future = Дата жалобы не может быть позже сегодняшнего дня ({ $today }).

complaints-cancelled = Запись жалобы отменена, ничего не сохранено.

complaints-recorded = ✅ Жалоба записана: { $who }, { $day }.

complaints-read_note = Теперь переписку можно прочитать; чтение будет записано в журнал действий.

complaints-reading_note = 📖 <i>Чтение по жалобе — записано в журнал действий.</i>

complaints-list_title = 📋 <b>Записанные жалобы</b>

complaints-list_empty = Жалоб пока нет.

complaints-list_line = { $n }. { $day } — { $who }
    Переписка: учитель { $teacher } — { $child }, { $class_name }
    Причина: { $reason }
    Записана: { $recorded }

complaints-hours_format = Не понял время. Напишите начало и конец так: 08:00–18:00.

complaints-settings-btn = ✉️ Сообщения семей и учителей

complaints-settings-title = ✉️ <b>Сообщения семей и учителей</b>

complaints-settings-hours = Рабочие часы учителей для сообщений: <b>{ $hours }</b> (время школы, по рабочим дням).

complaints-settings-students_on = Ученики могут писать учителям сами: <b>да</b>.

complaints-settings-students_off = Ученики могут писать учителям сами: <b>нет</b> (пишут родители).

complaints-settings-about = Сообщение семьи, отправленное вне рабочих часов, учитель получит в начале следующего рабочего дня; семье сообщается, когда. Ответы учителя уходят сразу.

complaints-settings-change_hours = 🕗 Изменить часы

complaints-settings-students_allow = Разрешить ученикам писать

complaints-settings-students_forbid = Запретить ученикам писать

complaints-settings-ask_hours = Напишите рабочие часы учителей для сообщений: начало и конец, например 08:00–18:00. Сейчас: { $hours }.

complaints-settings-unchanged = Часы не изменены.
