### Семья: дневник, домашнее задание, отметки, посещаемость, расписание, выбор ребёнка,
### уведомление об отсутствии, график (handlers/family, the family read models in services/, services/attendance/notices.py).

family-header = 👤 <b>{ $name }</b>, { $class_name }

family-header_no_class = 👤 <b>{ $name }</b>

family-hidden = ℹ️ Родитель не открыл вам доступ к разделам: { $sections }.

family-not_available = ℹ️ Раздел «{ $section }» вам недоступен: родитель не открыл его. Это не значит, что записей нет.

family-no_child = Нет учеников, чьи данные вам доступны. Если это ошибка, обратитесь к классному руководителю.

family-not_family = Этот раздел — для родителей и учеников. Ваши уроки — /today, расписание — /timetable.

family-bad_date = Не понял дату. Напишите, например: /homework 20.11

family-no_period = Учебные периоды этого года ещё не заданы.

family-period = { $name } ({ $start } – { $end })

family-decimal_point = ,

family-section-diary = дневник

family-section-marks = отметки

family-section-attendance = посещаемость

family-section-homework = домашнее задание

family-section-timetable = расписание

family-period_short-quarter = { $n } четв.

family-period_short-trimester = { $n } трим.

family-period_short-half = { $n } полуг.

family-special-na = н/а

family-special-pass = зачёт

family-special-fail = незачёт

family-special-exempt = освобождение

family-child-choose = Чьи данные показывать? Сейчас:

family-child-chosen = Готово. Теперь дневник, отметки и расписание — о ребёнке:

family-child-only_one = Дневник, отметки и расписание показываются о ребёнке:

family-homework-title = 📚 Домашнее задание — <b>{ $date }</b>

family-homework-item = <b>{ $subject }</b>: { $text }

family-homework-item_individual = <b>{ $subject }</b> (лично): { $text }

family-homework-set_on = <i>(задано { $date })</i>

family-homework-none = Домашнего задания на этот день нет.

family-homework-without = Без задания: { $subjects }.

family-homework-btn_next_day = Ближайший учебный день

family-marks-title = 📊 Отметки — <b>{ $period }</b>

family-marks-subject = <b>{ $subject }</b>: { $marks }

family-marks-subject_empty = <b>{ $subject }</b>: отметок пока нет

family-marks-average = средний балл { $average } → «{ $mark }»

family-marks-few = <i>(отметок пока мало)</i>

family-marks-period_mark = отметка за период: <b>{ $mark }</b>

family-marks-year_mark = годовая отметка: <b>{ $mark }</b>

family-marks-none = Предметов и отметок за этот период нет.

family-marks-legend = <i>Жирным — работы с весом больше 1 (контрольные, тесты и т. п.).</i>

family-marks-first_grade = В 1-м классе отметки не ставятся: в дневнике — посещаемость и темы уроков.

family-marks-need =
    { $n ->
        [one] для «{ $mark }» нужна ещё { $n } пятёрка
        [few] для «{ $mark }» нужны ещё { $n } пятёрки
       *[many] для «{ $mark }» нужно ещё { $n } пятёрок
    }

family-attendance-title = 🗓 Посещаемость — <b>{ $period }</b>

family-attendance-missed = Пропущено уроков: <b>{ $missed }</b> из { $lessons }

family-attendance-absent = Н (без причины): { $n }

family-attendance-ill = Б (болезнь): { $n }

family-attendance-excused = УП (уважительная причина): { $n }

family-attendance-late = Опозданий (ОП): <b>{ $n }</b>

family-attendance-list = <b>По урокам:</b>

family-attendance-entry = { $date }, { $number } урок, { $subject } — { $code }

family-attendance-none = Пропусков и опозданий нет. 👍

family-attendance-code-absent = Н

family-attendance-code-ill = Б

family-attendance-code-excused = УП

family-attendance-code-late = ОП

family-timetable-day_title = 🕘 <b>{ $date }</b>

family-timetable-own = 🕘 <b>Ваши уроки</b>

family-timetable-week_title = Расписание на неделю { $start } – { $end }

family-timetable-you_substitute = 🔄 вы замещаете

family-timetable-class = 🕘 <b>Расписание класса { $name }</b>

family-timetable-btn_own = Мои уроки

diary-weekday_mid_case = lower

diary-date = { $weekday }, { $day } { $month }

diary-date_short = { $day } { $month }

diary-day_title = 📔 <b>{ $date }</b>

diary-week_day_title = 📔 <b>{ $date }</b>

diary-week_title = Дневник на неделю { $start } – { $end }

diary-today_mark = — сегодня

diary-holiday = 🏖 { $name }

diary-weekend = Выходной

diary-no_lessons = Уроков нет

diary-notice = 🔔 Родители предупредили об отсутствии: { $reason }

diary-cancelled = <s>{ $subject }</s> — ❌ урок отменён

diary-room = каб. { $room }

diary-substitute = 🔄 замена: { $teacher }

diary-topic = Тема: { $topic }

diary-homework = ДЗ: { $text }

diary-homework_individual = ДЗ (лично): { $text }

diary-due = <i>(сдать { $date })</i>

diary-files = 📎 { $n }

diary-marks = Отметки: { $marks }

diary-mark = <b>{ $value }</b> ({ $kind })

diary-mark_weighted = <b>{ $value }</b> ({ $kind }, вес { $weight })

diary-mark_comment = — <i>{ $comment }</i>

diary-announced = 🔔 отсутствие заявлено заранее

diary-announced_suffix = <i>(заявлено заранее)</i>

diary-no_files = Файлов к домашнему заданию здесь нет.

diary-att-absent = Н — отсутствие на уроке

diary-att-ill = Б — болезнь

diary-att-excused = УП — уважительная причина

diary-att-late = ОП — опоздание

diary-btn-prev = ◀ { $label }

diary-btn-next = { $label } ▶

diary-btn-today = Сегодня

diary-btn-this_week = Эта неделя

diary-btn-week = Неделя

diary-btn-day = День

diary-btn-files = 📎 Файлы ДЗ ({ $n })

diary-weekday-1 = Понедельник

diary-weekday-2 = Вторник

diary-weekday-3 = Среда

diary-weekday-4 = Четверг

diary-weekday-5 = Пятница

diary-weekday-6 = Суббота

diary-weekday-7 = Воскресенье

diary-month-1 = января

diary-month-2 = февраля

diary-month-3 = марта

diary-month-4 = апреля

diary-month-5 = мая

diary-month-6 = июня

diary-month-7 = июля

diary-month-8 = августа

diary-month-9 = сентября

diary-month-10 = октября

diary-month-11 = ноября

diary-month-12 = декабря

diary-work-answer = ответ

diary-work-classwork = работа на уроке

diary-work-homework = домашняя работа

diary-work-test = самостоятельная

diary-work-control = контрольная

diary-work-lab = практическая

diary-work-essay = сочинение

diary-work-dictation = диктант

diary-work-project = проект

chart-button = 📈 График отметок

chart-title = { $name } — { $period }

chart-xlabel = Средний балл (взвешенный)

chart-no_marks = нет отметок

chart-empty = За этот период отметок нет — графику не из чего строиться.

chart-caption = 📈 <b>{ $name }</b>: средний балл по предметам, { $period }. Цвет — прогноз отметки, пунктир — пороги 2,5 / 3,5 / 4,5.

notice-not_cancellable = Это уведомление уже отменено или закончилось.

notice-upcoming = Уже сообщено: { $dates } ({ $reason }).

notice-withdrawn = ↩️ Уведомление отменено: { $dates }. Классный руководитель получит сообщение.

notice-parents_only = Сообщить об отсутствии может только родитель.

notice-ask_day = 🔔 Когда ребёнок не придёт в школу?

notice-ask_dates = Напишите дату или период, например: 20.11 или 20.11–22.11

notice-bad_dates = Не понял дату. Напишите, например: 20.11 или 20.11–22.11

notice-ask_reason = Отсутствие: <b>{ $dates }</b>. Причина?

notice-ask_reason_text = Напишите причину одним сообщением (до 255 символов).

notice-period = с { $start } по { $end }

notice-done = ✅ Классный руководитель получит уведомление: отсутствие <b>{ $dates }</b>, причина: { $reason }.

notice-done_no_teacher = ✅ Уведомление сохранено: отсутствие <b>{ $dates }</b>, причина: { $reason }. У класса пока нет классного руководителя — его увидит школа.

notice-cancelled = Уведомление не отправлено.

notice-bad_code = Неизвестная причина отсутствия.

notice-reason_empty = Укажите причину отсутствия.

notice-dates_order = Начало периода позже конца. Проверьте даты.

notice-in_past = Эта дата уже прошла: заранее можно сообщить только о сегодняшнем дне и будущих.

notice-no_school_days = В эти дни нет учебных дней — сообщать не о чем.

notice-overlap = На эти дни уже есть уведомление об отсутствии.

notice-not_enrolled = Ученик не числится в классе на эту дату.

notice-too_long =
    { $days ->
        [one] Слишком долгий период: не больше { $days } дня. О долгом отсутствии сообщите классному руководителю.
        [few] Слишком долгий период: не больше { $days } дней. О долгом отсутствии сообщите классному руководителю.
       *[many] Слишком долгий период: не больше { $days } дней. О долгом отсутствии сообщите классному руководителю.
    }

notice-too_far =
    { $days ->
        [one] Слишком далеко вперёд: не больше чем за { $days } день.
        [few] Слишком далеко вперёд: не больше чем за { $days } дня.
       *[many] Слишком далеко вперёд: не больше чем за { $days } дней.
    }

notice-btn-withdraw = ✖ Отменить: { $dates }

notice-btn-today = Сегодня, { $date }

notice-btn-next_day = Учебный день { $date }

notice-btn-other_day = Другой день или период…

notice-btn-ill = 🤒 Болезнь

notice-btn-family = 🏠 Семейные обстоятельства

notice-btn-other = ✏️ Другое…

notice-btn-cancel = Отмена

notice-reason-ill = болезнь

notice-reason-family = семейные обстоятельства
