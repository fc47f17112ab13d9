### Подписи отчётов (русский — основной язык отчётов).

report-class = Класс: { $name }

report-class_teacher = Классный руководитель: { $name }

report-period = Период: { $name } ({ $start } — { $end })

report-month = Месяц: { $name } { $year }

report-year = Учебный год: { $name }

report-school = { $name }

report-generated = Сформировано { $at }

report-subject = Предмет: { $name }

report-teacher = Учитель: { $name }

report-dates = { $start } — { $end }

report-n = №

report-student = Фамилия, имя обучающегося

report-total = Итого

report-nobody = —

report-sign_teacher = Учитель-предметник: ____________________ / ____________________ /    «___» __________ 20__ г.

report-sign_class_teacher = Классный руководитель: ____________________ / ____________________ /    «___» __________ 20__ г.

report-sign_deputy = Заместитель директора: ____________________ / ____________________ /    «___» __________ 20__ г.

report-sign_parent = Ознакомление с отчётом, подпись родителя (законного представителя): ____________________ / ____________________ /

report-param-class = Класс

report-param-period = Учебный период

report-param-month = Месяц (ГГГГ-ММ)

report-param-subject = Предмет

report-param-subgroup = Подгруппа

report-param-student = Обучающийся (ID)

report-param-date = Дата (любой день недели)

report-param-date_from = С даты

report-param-date_to = По дату

report-param-year = Учебный год

report-attendance_month-title = Отчёт о посещаемости класса за месяц

report-attendance_month-sheet = Посещаемость

report-attendance_month-days = Пропущено уроков по дням

report-attendance_month-missed = Пропущено уроков

report-attendance_month-all = Всего

report-attendance_month-ill = Б

report-attendance_month-excused = УП

report-attendance_month-absent = Н

report-attendance_month-late = ОП

report-attendance_month-day_total = Итого за день

report-attendance_month-lessons = Проведено уроков: { $count }

report-attendance_month-legend = Числа — пропущенные уроки за день. Б — по болезни, УП — по уважительной причине, Н — без уважительной причины, ОП — опоздания.

report-class_results-title = Итоги успеваемости класса за учебный период

report-class_results-sheet_subjects = По предметам

report-class_results-by_subject = Итоги по предметам

report-class_results-by_student = Итоги по обучающимся

report-class_results-subject = Предмет

report-class_results-teacher = Учитель

report-class_results-certified = Аттест.

report-class_results-n5 = «5»

report-class_results-n4 = «4»

report-class_results-n3 = «3»

report-class_results-n2 = «2»

report-class_results-na = н/а

report-class_results-average = Ср. балл

report-class_results-quality = Качество, %

report-class_results-success = Успеваемость, %

report-class_results-cell = Отметка за период (средний балл)

report-class_results-summary = Итоги класса

report-class_results-category = Категория

report-class_results-count = Кол-во

report-class_results-students = Обучающиеся

report-class_results-excellent = Отличники

report-class_results-good = Хорошисты

report-class_results-one_three = С одной «3»

report-class_results-satisfactory = Успевающие на «3»

report-class_results-failing = Неуспевающие

report-class_results-not_certified = Не аттестованы

report-class_results-suggested_note = {"*"} отметка за период ещё не выставлена; показана расчётная по среднему баллу.

report-class_results-class_quality = Качество знаний класса: { $value } %; успеваемость: { $success } %.

report-marks_summary-title = Сводная ведомость учёта успеваемости обучающихся

report-marks_summary-sheet = Сводная ведомость

report-marks_summary-year_mark = Год

report-marks_summary-exam = Экз.

report-marks_summary-final = Итог

report-attendance_summary-title = Сводная ведомость учёта посещаемости

report-attendance_summary-sheet = Посещаемость

report-attendance_summary-legend = Пропущено уроков: Н — без уважительной причины, Б — по болезни, УП — по уважительной причине; ОП — опоздания.

report-attendance_summary-all = Всего

report-movement-title = Движение обучающихся

report-movement-sheet = Движение

report-movement-events = Прибытие и выбытие

report-movement-date = Дата

report-movement-student = Обучающийся

report-movement-event = Событие

report-movement-from = Из класса

report-movement-to = В класс

report-movement-note = Примечание

report-movement-arrived = прибытие

report-movement-left = выбытие

report-movement-transfer = перевод

report-movement-summary = Наполняемость классов

report-movement-class = Класс

report-movement-at_start = На начало

report-movement-came = Прибыло

report-movement-went = Выбыло

report-movement-at_end = На конец

report-movement-none = За период движения не было.

report-class_teacher_report-title = Отчёт классного руководителя за учебный период

report-class_teacher_report-sheet = Отчёт кл. руководителя

report-class_teacher_report-contingent = Обучающихся на начало периода: { $start }; на конец: { $end }; прибыло: { $came }; выбыло: { $went }.

report-class_teacher_report-results = Успеваемость

report-class_teacher_report-students_table = Обучающиеся

report-class_teacher_report-missed = Пропущено уроков

report-class_teacher_report-all = Всего

report-class_teacher_report-ill = Болезнь

report-class_teacher_report-excused = Уваж.

report-class_teacher_report-absent = Без уваж.

report-class_teacher_report-late = Опозд.

report-class_teacher_report-attendance_total = Пропущено уроков всего: { $all }, из них по болезни { $ill }, по уважительной причине { $excused }, без уважительной причины { $absent }; опозданий { $late }.

report-journal_pages-menu = Страницы журнала по предмету (для печати)

report-journal_pages-title = Классный журнал: { $cls }, { $subject }

report-journal_pages-sheet = Журнал

report-journal_pages-topics = Содержание уроков: { $cls }, { $subject }

report-journal_pages-topics_sheet = Темы уроков

report-journal_pages-date = Дата

report-journal_pages-lesson = Урок

report-journal_pages-topic = Тема урока

report-journal_pages-homework = Домашнее задание

report-journal_pages-who = Учитель

report-journal_pages-substitute = { $name } (замена)

report-journal_pages-average = Ср.

report-journal_pages-period_mark = Период

report-journal_pages-group = Подгруппа: { $name }

report-journal_pages-legend = н — отсутствие, б — болезнь, уп — уважительная причина, оп — опоздание.

report-family_weekly-title = Сведения об успеваемости и посещаемости за неделю

report-family_weekly-sheet = Неделя

report-family_weekly-student = Обучающийся: { $name }

report-family_weekly-week = Неделя: { $start } — { $end }

report-family_weekly-day = День

report-family_weekly-lesson = Урок

report-family_weekly-subject = Предмет

report-family_weekly-topic = Тема

report-family_weekly-homework = Домашнее задание

report-family_weekly-marks = Отметки

report-family_weekly-attendance = Посещ.

report-family_weekly-period_marks = Текущие отметки за период «{ $period }»

report-family_weekly-all_marks = Отметки

report-family_weekly-average = Ср. балл

report-family_weekly-no_lessons = На этой неделе уроков нет.

report-family_weekly-basis = Выдаётся по заявлению родителя (законного представителя), не реже 1 раза в неделю.

report-activity-title = Активность пользователей электронного журнала за месяц

report-activity-sheet_teachers = Учителя

report-activity-sheet_families = Родители и обучающиеся

report-activity-teachers = Заполнение журнала учителями

report-activity-teacher = Учитель

report-activity-lessons = Уроков

report-activity-attendance = Посещ. отмечена

report-activity-topic = Тема

report-activity-homework = ДЗ

report-activity-marks = Отметок

report-activity-fill = Заполнено, %

report-activity-families = Активность родителей и обучающихся

report-activity-class = Класс

report-activity-students = Обуч.

report-activity-parents = Родит.

report-activity-connected = Подключено

report-activity-active = Активны

report-activity-share = Активных, %

report-activity-group_students = Обучающиеся

report-activity-group_parents = Родители

report-activity-note = Заполнено — доля уроков с отметкой посещаемости, темой и (кроме 1 класса) домашним заданием. Активны — входили в бот или работали в журнале в этом месяце.
