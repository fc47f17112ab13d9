### Канцелярия в мессенджере: /reports (отчёты файлами) и /admin (импорт, пользователи,
### журнал изменений, недоставленные уведомления, замены, незаполненные уроки, проверки журнала).

office-back = ⬅ Назад

office-cancel = ✖ Отмена

office-menu-cw = 📅 Контрольные работы

office-menu-title = Администрирование. Что сделать?

office-menu-home = 🏠 Меню

office-menu-imp = 📥 Импорт

office-menu-find = 👤 Найти пользователя

office-menu-aus = 📜 Изменения: ученик

office-menu-aul = 📜 Изменения: урок

office-menu-sub = 🔁 Замены

office-menu-unf = ⏰ Незаполненные уроки

office-menu-chk = 📝 Проверка журнала

office-menu-dead = 📭 Недоставленные

office-reports-pick = Какой отчёт подготовить?

office-reports-none = Вам не доступен ни один отчёт.

office-reports-nothing = «{ $title }»: выбрать не из чего — нет подходящих данных.

office-reports-whole_school = 🏫 Вся школа

office-reports-ready = «{ $title }»

office-reports-ask-class = «{ $title }»: выберите класс.

office-reports-ask-student = «{ $title }»: выберите ученика.

office-reports-ask-period = «{ $title }»: выберите учебный период.

office-reports-ask-month = «{ $title }»: выберите месяц.

office-reports-ask-subject = «{ $title }»: выберите предмет.

office-reports-ask-format = «{ $title }»: в каком формате?

office-import-pick = Что загрузить? Порядок: сотрудники → предметы → классы → ученики → родители → нагрузка → расписание; звонки, состав групп и тематический план — в любое время.

office-import-send_file =
    <b>{ $title }</b>: пришлите файл CSV или XLSX документом.
    Сначала я проверю его и покажу, что изменится; ничего не запишу без вашего подтверждения.
    Шаблон с нужными столбцами — кнопкой ниже.

office-import-template = 📄 Шаблон XLSX

office-import-cancel = ✖ Отмена

office-import-cancelled = Импорт отменён. Что загрузить?

office-import-bad_type = Нужен файл .csv или .xlsx (файл .xls сохраните как .xlsx).

office-import-too_big = Файл больше { $mb } МБ. Разделите его на части.

office-import-need_file = Пришлите файл документом (CSV или XLSX) или нажмите «Отмена».

office-import-checking = Проверяю «{ $name }»…

office-import-progress = Обработано { $percent }%…

office-import-applying = Загружаю «{ $title }»…

office-import-dry_ok =
    <b>Проверка «{ $title }» прошла.</b> Строк: { $rows }.
    Будет создано: { $created }, обновлено: { $updated }, без изменений: { $unchanged }.
    Загрузить?

office-import-done =
    <b>«{ $title }» загружено.</b> Строк: { $rows }.
    Создано: { $created }, обновлено: { $updated }, без изменений: { $unchanged }.

office-import-rejected = <b>«{ $title }»: файл не принят, ничего не записано.</b> Ошибок: { $count }.

office-import-more_errors = …и ещё { $count }.

office-import-fix_and_resend = Исправьте файл и пришлите его снова.

office-import-apply = ✅ Загрузить

office-import-again = 📥 Загрузить ещё

office-import-expired = Проверка устарела: пришлите файл ещё раз.

office-users-ask = Пришлите фамилию или логин (не меньше 2 букв).

office-users-nothing = Никого не нашлось. Пришлите другую фамилию или логин.

office-users-found = Найдено: { $count }. ✅ — вход в мессенджере выполнен, ▫️ — не выполнен, ⛔ — учётная запись заблокирована.

office-users-roles = Роли: { $roles }

office-users-login = Логин: <code>{ $login }</code>

office-users-classes = Класс: { $classes }

office-users-pending = Выдан одноразовый вход, ещё не использован.

office-users-last_seen = Последний вход: { $at }

office-users-issue = 🔑 Выдать вход

office-users-revoke = 🚫 Отозвать вход

office-users-block = ⛔ Заблокировать

office-users-unblock = ♻️ Разблокировать

office-users-audit = 📜 Изменения по ученику

office-users-again = 🔍 Искать ещё

office-users-to_card = ⬅ К карточке

office-users-issued =
    Вход выдан. Передайте его лично, не пересылайте в общие чаты.

    Логин: <code>{ $login }</code>
    Одноразовый пароль: <code>{ $password }</code>
    Ссылка для входа: { $link }

    Действует { $days } дн.; после входа пароль и ссылка больше не работают. Прежние ссылки отозваны.

office-users-revoked = Вход отозван: ссылки и пароли больше не работают, вход в мессенджере завершён.

office-users-ask_block = Почему блокируем { $name }? Напишите причину одним сообщением.

office-users-ask_unblock = Почему разблокируем { $name }? Напишите причину одним сообщением.

office-users-reason_empty = Напишите причину текстом.

office-users-reason_long = Причина длиннее { $limit } символов. Сократите её.

office-users-blocked_done = Учётная запись заблокирована.

office-users-unblocked_done = Учётная запись разблокирована.

office-users-status-line = Состояние: { $status }

office-users-status-signed_in = ✅ вход в мессенджере выполнен

office-users-status-not_signed_in = ▫️ вход не выполнен

office-users-status-blocked = ⛔ учётная запись заблокирована

office-pick-student = Выберите ученика:

office-pick-day = За какой день?

office-pick-lesson = Уроки { $day }. Выберите урок:

office-pick-no_lessons = Уроков { $day } нет.

office-pick-class-aus = Журнал изменений по ученику. Выберите класс:

office-pick-class-aul = Журнал изменений урока. Выберите класс:

office-pick-class-sub = Замены на сегодня. Выберите класс:

office-pick-class-chk = Проверка журнала: выберите класс, чтобы записать замечание.

office-audit-student = <b>Изменения: { $name }</b> (последние { $count })

office-audit-lesson = <b>Изменения урока { $day }, { $number }-й, { $cls }, { $subject }</b> (последние { $count })

office-audit-empty = Изменений нет.

office-audit-entry = <b>{ $at }</b> { $who }: { $action }

office-audit-change = {"  "}{ $field }: { $before } → { $after }

office-audit-reason = {"  "}причина: { $reason }

office-dead-title = <b>Недоставленные уведомления: { $count }</b> (показаны последние { $shown })

office-dead-entry = { $at } { $kind } → { $recipient }, попыток { $attempts }: { $error }
office-dead-everyone = все семьи школы (рассылка)

office-dead-reason-blocked = получатель заблокировал бота или удалил аккаунт

office-dead-reason-chat_not_found = чат с получателем не найден

office-dead-reason-too_many = мессенджер ограничил частоту отправки

office-dead-reason-render = сообщение не удалось оформить

office-dead-reason-network = сбой связи с мессенджером

office-dead-reason-other = другая ошибка (подробности — в журнале работы бота)

office-subs-pick_lesson = Уроки { $day }. Выберите урок, на который нужна замена:

office-subs-pick_teacher = { $number }-й урок, { $cls }, { $subject }. Кто заменяет?

office-subs-replaced = { $sub } (вместо { $teacher })

office-subs-remove = 🗑 Снять замену

office-subs-saved = Замена записана.

office-subs-removed = Замена снята.

office-subs-other_class = 🔁 Другой класс

office-unfilled-title = <b>Незаполненные уроки { $start }–{ $end }</b>: учителей { $teachers }, уроков { $lessons }.

office-unfilled-none = Все уроки заполнены.

office-unfilled-missing-attendance = посещаемость

office-unfilled-missing-topic = тема

office-unfilled-missing-homework = д/з

office-checks-ask = Замечание по журналу { $cls }: напишите его одним сообщением.

office-checks-saved = Замечание записано; учитель увидит его.

office-checks-list = 📋 Последние проверки

office-checks-add = 📝 Новое замечание

office-checks-title = <b>Проверки журнала</b> (последние { $count })

office-checks-none = Проверок ещё не было.

office-checks-entry =
    <b>{ $at }</b> { $cls }, { $who } — { $state }
    { $note }

office-checks-seen = прочитано

office-checks-unseen = не прочитано

office-checks-resolved = исправлено

office-checks-too_long = Замечание длиннее { $limit } символов. Сократите его.

office-action-attendance-set = посещаемость

office-action-attendance-family_reason = ответ семьи о причине

office-action-mark-create = отметка выставлена

office-action-mark-change = отметка исправлена

office-action-mark-delete = отметка удалена

office-action-lesson-topic = тема урока

office-action-lesson-unlock = урок открыт для правки

office-action-homework-set = домашнее задание

office-action-substitution-set = замена назначена

office-action-substitution-remove = замена снята

office-action-final_mark-set = итоговая отметка

office-action-credentials-issue = выдан вход

office-action-credentials-revoke = вход отозван

office-action-account-block = учётная запись заблокирована

office-action-account-unblock = учётная запись разблокирована

office-action-report-build = отчёт

office-action-movement-arrive = зачисление

office-action-movement-leave = выбытие

office-action-movement-transfer = перевод

office-action-notice-create = уведомление об отсутствии

office-action-journal_check-add = замечание по журналу

office-action-journal_check-resolve = замечание исправлено

office-action-control_work-schedule = контрольная назначена

office-action-control_work-agree = контрольная согласована

office-cw-title = Контрольные работы на ближайший месяц (⏳ — ждут согласования):

office-cw-agree = ✅ Согласовать { $date } { $cls }

office-cw-none = Контрольных работ не назначено.

## Журнал изменений словами журнала: названия полей и их значений (handlers/admin/tools.py).
## Поле без названия здесь (номера записей) в журнале изменений не показывается.

office-field-code = посещаемость

office-field-value = отметка

office-field-work_kind = вид работы

office-field-weight = вес

office-field-comment = комментарий

office-field-topic = тема

office-field-text = текст

office-field-due_date = срок сдачи

office-field-files = файлов

office-field-unlocked_until = открыт для исправлений до

office-field-family_reason = ответ семьи

office-field-special = особая отметка

office-field-date_from = с

office-field-date_to = по

office-field-reason = причина

office-field-cancelled_at = отменено

office-field-class = класс

office-field-arrived_on = дата зачисления

office-field-left_on = дата выбытия

office-field-departure_note = примечание о выбытии

office-field-note = примечание

office-field-on = дата

office-field-is_blocked = блокировка

office-field-login = логин

office-field-expires_at = действует до

office-field-role = роль

office-field-agreed_at = согласовано

office-field-resolved_at = исправлено

office-field-date = дата

office-value-yes = да

office-value-no = нет

office-value-code-absent = Н

office-value-code-ill = Б

office-value-code-excused = УП

office-value-code-late = ОП

office-value-none-code = присутствие

office-value-none-value = нет

office-value-none-topic = не указана

office-value-none-text = нет

office-kind-other = другое уведомление

office-kind-attendance-absent = пропуск урока

office-kind-attendance-late = опоздание

office-kind-attendance-family_reason = ответ семьи о причине пропуска

office-kind-mark-new = новая отметка

office-kind-mark-changed = отметка исправлена

office-kind-mark-deleted = отметка удалена

office-kind-homework-tomorrow = домашнее задание на завтра

office-kind-summary-weekly = итоги недели

office-kind-reminder-fill = напоминание о незаполненных уроках

office-kind-report-unfilled = отчёт о незаполненных уроках

office-kind-report-activity = активность пользователей

office-kind-news-school = новость школы

office-kind-news-class = новость класса

office-kind-notice-created = уведомление об отсутствии

office-kind-notice-cancelled = отмена уведомления об отсутствии

office-kind-final_mark-set = отметка за период

## Настройки школы (администратор): минимум персональных данных в уведомлениях.

office-menu-set = ⚙️ Настройки школы

office-menu-year = 📆 Учебный год

office-settings-title = ⚙️ <b>Настройки школы</b>

office-settings-minimal_on = Минимум персональных данных в уведомлениях: <b>включён</b>.

office-settings-minimal_off = Минимум персональных данных в уведомлениях: <b>выключен</b>.

office-settings-minimal_about = Когда он включён, в уведомлениях нет фамилий, отметок, причин, комментариев и имён учителей — только имя ребёнка, что произошло и предмет: «Аня: новая отметка, математика — откройте дневник». Подробности видны в дневнике после входа. Новости школы приходят как есть, без подписи автора.

office-settings-turn_on = Включить минимум данных

office-settings-turn_off = Выключить минимум данных

office-settings-saved = ✅ Сохранено.

office-action-school-minimal_alerts = минимум персональных данных в уведомлениях

office-field-minimal_alerts = минимум персональных данных
