### Тексты бота на русском языке (язык по умолчанию и запасной).

start-guest =
    Здравствуйте! Это электронный журнал и дневник школы.

    Войти можно по одноразовой ссылке-приглашению от школы (классный руководитель выдаёт их родителям и ученикам, администратор — сотрудникам) или по логину и одноразовому паролю. Список команд — /help.

start-welcome_back =
    Здравствуйте, <b>{ $name }</b>!
    Ваши роли: { $roles }.

    Список команд — /help.

start-signed_in =
    Вход выполнен. Добро пожаловать, <b>{ $name }</b>!
    Ваши роли: { $roles }.

    Ваши команды — в /help.

help-header = <b>Доступные команды</b> ({ $roles }):

help-header_guest = <b>Доступные команды:</b>

help-line = /{ $command } — { $description }

help-footer_guest = Чтобы войти, откройте ссылку-приглашение от школы.

group-neutral = Я работаю только в личных сообщениях. Откройте чат со мной, чтобы посмотреть журнал и дневник.

fallback-unknown_command = Такой команды нет. Список команд — /help.

fallback-unknown_text = Не понял сообщение. Список команд — /help.

fallback-not_ready = Этот раздел скоро появится.

fallback-stale_button = Эта кнопка устарела. Откройте раздел заново.

cmd-termmarks = Отметки за учебный период

cmd-reasons = Причины пропусков за неделю

cmd-classjournal = Журнал класса по предмету

cmd-broadcast = Рассылка родителям

cmd-attendance = Пропуски за учебный период

cmd-notice = Сообщить об отсутствии ребёнка

cmd-child = Выбрать ребёнка

cmd-role = Сменить роль

cmd-language = Язык / Language

cmd-login = Войти по логину и паролю

cmd-logout = Выйти из журнала

cmd-start = Начало работы и вход

cmd-help = Список команд

cmd-today = Уроки на сегодня

cmd-absences = Отсутствующие сегодня

cmd-invite = Приглашения для родителей и учеников

cmd-diary = Дневник на неделю

cmd-marks = Отметки по предметам

cmd-homework = Домашнее задание

cmd-timetable = Расписание

cmd-reports = Отчёты

cmd-admin = Администрирование

cmd-settings = Настройки уведомлений
cmd-link = Подключить другой мессенджер

role-admin = администратор

role-director = директор

role-deputy = заместитель директора

role-teacher = учитель

role-class_teacher = классный руководитель

role-parent = родитель

role-trusted = доверенное лицо

role-student = ученик

role-none = нет ролей

signin-locked = Слишком много неудачных попыток. Попробуйте снова через { $minutes } мин.

signin-invite_invalid = Ссылка-приглашение недействительна: она неверна, уже использована или истекла. Попросите у школы новую.

signin-account_blocked = Учётная запись заблокирована. Обратитесь к администратору школы.

signin-already_signed_in = Вы уже вошли как <b>{ $name }</b>.

signin-bound_elsewhere = Эта учётная запись уже привязана к другому аккаунту мессенджера. Обратитесь в школу.

signin-login_invalid = Неверный логин или пароль.

signin-password_invalid = Неверный логин или пароль, или пароль уже использован. Попросите у школы новый.

signin-password_expired = Срок действия пароля истёк. Попросите у школы новый.

signin-required = Сначала войдите: откройте ссылку-приглашение от школы.

error-forbidden = Недостаточно прав для этого действия.

error-not_found = Ничего не найдено: запись удалена или недоступна.

error-invalid = Неверные данные. Проверьте и попробуйте снова.

error-conflict = Данные уже изменил кто-то другой. Обновите и попробуйте снова.

error-internal = Что-то пошло не так. Попробуйте ещё раз чуть позже.

error-too_many = Слишком много запросов. Подождите немного.

error-generic = Не удалось выполнить действие.

error-date_window = Такой даты в журнале нет: укажите дату с { $first } по { $last }.

error-bad_query = Напишите фамилию или логин обычными буквами и цифрами, не длиннее { $limit } символов.

error-control_chars = В сообщении есть служебные символы, которые нельзя сохранить. Отправьте текст без них.

## Формы числа: селектор по числу, категории CLDR (one: 1, 21…; few: 2–4, 22–24…; many: 0, 5–20…).

error-too_long =
    { $limit ->
        [one] Слишком длинный текст ({ $field }): не больше { $limit } символа.
        [few] Слишком длинный текст ({ $field }): не больше { $limit } символов.
       *[many] Слишком длинный текст ({ $field }): не больше { $limit } символов.
    }

error-date_range =
    { $days ->
        [one] Неверный период: не больше { $days } дня, начало не позже конца.
        [few] Неверный период: не больше { $days } дней, начало не позже конца.
       *[many] Неверный период: не больше { $days } дней, начало не позже конца.
    }

# Названия полей в сообщениях об ошибках (error.too_long, notify.prefs_*).
field-topic = тема урока

field-homework = домашнее задание

field-comment = комментарий к отметке

field-reason = причина

field-text = текст сообщения

field-title = заголовок

field-note = замечание

field-absences = пропуски уроков

field-marks = отметки

field-homework_tomorrow = домашнее задание на завтра

field-weekly_summary = итоги недели

field-news = новости школы и класса

field-reminders = напоминания

field-marks_mode = режим отметок

field-digest_time = время вечерней сводки

field-quiet_from = начало тихих часов

field-quiet_to = конец тихих часов

cli-botapi_unreachable = Bot API по адресу { $url } недоступен ({ $reason }). Проверьте сеть; TELEGRAM_API_URL задаёт адрес другого сервера Bot API (своего или локального для проверки), если api.telegram.org отсюда не виден.

cli-botapi_unauthorized = Bot API по адресу { $url } не принял токен (BOT_TOKEN): проверьте его у @BotFather.

cli-person_not_found = Человек не найден: проверьте логин или код из реестра.

cli-login_invalid = Логин «{ $login }» не подходит: латинские буквы, цифры, точка, дефис; от 3 до 64 символов.

cli-school_required = В базе несколько школ: укажите код школы (--school).

cli-school_not_found = Школа «{ $school }» не найдена. Сначала создайте школу или загрузите демо (demo).

cli-login_taken = Логин «{ $login }» уже занят.
