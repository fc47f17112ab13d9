### Учитель и классный руководитель: /today, урок, посещаемость, отметки, тема, ДЗ, отметки за период,
### пропуски, причины, журнал класса. Ключи: teacher.*, quick.*, term.*, ct.*.

teacher-weekday-1 = Пн

teacher-weekday-2 = Вт

teacher-weekday-3 = Ср

teacher-weekday-4 = Чт

teacher-weekday-5 = Пт

teacher-weekday-6 = Сб

teacher-weekday-7 = Вс

teacher-kind-answer = ответ

teacher-kind-classwork = работа на уроке

teacher-kind-homework = домашняя

teacher-kind-test = самостоятельная

teacher-kind-control = контрольная

teacher-kind-lab = практическая

teacher-kind-essay = сочинение

teacher-kind-dictation = диктант

teacher-kind-project = проект

teacher-code-present = присутствует

teacher-code-absent = Н (отсутствует)

teacher-code-ill = Б (болеет)

teacher-code-excused = УП (уважительная)

teacher-code-late = ОП (опоздание)

teacher-btn-control_work = 🧾 Контрольная

teacher-btn-attendance = 👥 Посещаемость

teacher-btn-marks = ✏️ Отметки

teacher-btn-quick = ✍️ Одним сообщением

teacher-btn-topic = 📖 Тема

teacher-btn-homework = 🏠 ДЗ

teacher-btn-unlock = 🔓 Открыть для исправлений

teacher-btn-day = 📅 Уроки дня

teacher-btn-today = Сегодня

teacher-btn-back = ◀ Назад

teacher-btn-cancel = ✖ Отмена

teacher-lesson-title =
    <b>{ $cls } · { $subject }</b>{ $group }
    { $day }, { $number }-й урок

teacher-lesson-group = {" "}({ $name })

teacher-day-title = <b>Мои уроки: { $day }</b>

teacher-day-title_of = <b>Уроки: { $name }, { $day }</b>

teacher-day-empty = Уроков нет.

teacher-day-line = { $number }. { $time } { $cls } { $subject } { $filled }

teacher-day-substitute = (замена)

teacher-day-cancelled = (отменён)

teacher-day-now = ▶ Сейчас идёт { $number }-й урок, { $cls }. Кнопки ниже — для него.

teacher-day-next = ▶ Следующий — { $number }-й урок, { $cls }. Кнопки ниже — для него.

teacher-day-quick_hint = Отметки можно прислать одним сообщением: «Иванов 5, Петрова 4 кр, Сидоров н».

teacher-day-no_teacher = Учитель «{ $query }» не найден.

teacher-day-pick_teacher = Найдено несколько учителей — выберите:

teacher-day-reader_hint = Уроки другого учителя: /today и фамилия, например <code>/today Иванова</code>; другой день — <code>/today Иванова 03.11</code>.

teacher-day-bad_date = Не понял дату. Примеры: /today 03.11, /today Иванова 03.11.2026.

teacher-card-substitution = Замена: ведёт { $teacher }.

teacher-card-attendance = 👥 Посещаемость: в списке { $total }, отсутствуют { $absent }, опоздали { $late }.

teacher-card-attendance_none = 👥 Посещаемость не отмечена (в списке { $total }).

teacher-card-announced = 📝 Родители предупредили об отсутствии: { $names }.

teacher-card-topic = 📖 Тема: { $topic }

teacher-card-topic_none = 📖 Тема не указана.

teacher-card-homework = 🏠 ДЗ: { $text } (файлов: { $files })

teacher-card-homework_none = 🏠 ДЗ не задано.

teacher-card-homework_individual = 👤 Индивидуальных заданий: { $count }.

teacher-card-marks = ✏️ Отметки: { $marks }

teacher-card-first_grade = 1-й класс: отметки не ставятся и домашнее задание не задаётся — только посещаемость и тема.

teacher-card-future = Урок ещё не прошёл: посещаемость и отметки — в день урока. Тему и ДЗ можно заполнить заранее.

teacher-card-read_only = Только просмотр: изменять записи урока может учитель, который его ведёт.

teacher-card-unlocked-deputy = 🔓 Урок открыт для исправлений заместителем директора.

teacher-card-unlocked-admin = 🔓 Урок открыт для исправлений администратором.

teacher-card-unlocked-director = 🔓 Урок открыт для исправлений директором.

teacher-card-unlocked-unknown = 🔓 Урок открыт для исправлений.

teacher-att-help = Нажимайте на ученика: ✅ → ❌ Н → ⏰ ОП → ✅. Затем «Сохранить».

teacher-att-counts = В списке { $total }: отсутствуют { $absent }, опоздали { $late }.

teacher-att-announced_hint = 📝 — родители заранее сообщили об отсутствии; если ученик пришёл, нажмите, чтобы отметить его присутствующим.

teacher-att-saved_before = Посещаемость уже сохранялась; изменения будут записаны с вашим именем и временем.

teacher-att-all_present = ✅ Все присутствуют

teacher-att-save = 💾 Сохранить

teacher-att-saved = Посещаемость сохранена: отсутствуют { $absent }, опоздали { $late }.

teacher-mk-pick_kind = Выберите вид работы:

teacher-mk-change_kind = Вид работы

teacher-mk-pick_student = Вид работы: <b>{ $kind }</b>. Выберите ученика:

teacher-mk-pick_value = <b>{ $student }</b> — { $kind }. Выберите отметку или исправьте поставленную:

teacher-mk-absent_warning = ⚠️ { $student }: на уроке отмечено отсутствие. Отметка за работу, сданную позже? Выбранная отметка сохранится как отметка отсутствующему.

teacher-mk-cap_reached = { $student }: отметок за урок одному ученику — не больше { $limit }. Новую не поставить, поставленные можно исправить.

teacher-mk-edit_btn = ✏️ { $value } ({ $kind })

teacher-mk-edit = <b>{ $student }</b>: отметка { $value } ({ $kind }). На какую исправить?

teacher-mk-delete = 🗑 Удалить

teacher-mk-reason = <b>{ $student }</b>: { $what }. Укажите причину — кнопкой или напишите сообщением.

teacher-mk-what_change = исправить на { $value }

teacher-mk-what_delete = удалить отметку

teacher-mk-saved = ✅ { $student }: { $value }

teacher-mk-saved_short = Отметка { $value } сохранена

teacher-mk-changed = ✅ { $student }: отметка исправлена на { $value }.

teacher-mk-deleted = ✅ { $student }: отметка удалена.

teacher-reason-typo = Ошибка при вводе

teacher-reason-retake = Пересдача / исправление работы

teacher-topic-prompt = Напишите тему урока сообщением.

teacher-topic-prompt_plan = Выберите тему из тематического плана или напишите свою сообщением.

teacher-topic-saved = ✅ Тема сохранена.

teacher-hw-prompt = Пришлите текст задания, фото или файлы — можно несколькими сообщениями. Затем нажмите «Сохранить». Для отдельных учеников — «Индивидуально».

teacher-hw-draft = 🏠 Черновик ДЗ: файлов { $files }; для: { $who }.

teacher-hw-whole_class = всего класса

teacher-hw-no_text = (текста нет)

teacher-hw-more = Можно прислать ещё текст или файлы.

teacher-hw-save = 💾 Сохранить

teacher-hw-individual = 👤 Индивидуально

teacher-hw-pick_students = Отметьте учеников, для которых это задание:

teacher-hw-done = Готово

teacher-hw-saved = ✅ Домашнее задание сохранено.

teacher-hw-too_many_files = Не больше { $limit } файлов к одному заданию.

teacher-unlock-ask = Открыть урок для исправлений учителю на { $hours } ч. Укажите причину — кнопкой или сообщением.

teacher-unlock-reason_outage = Перенос записей после сбоя

teacher-unlock-reason_fix = Исправление ошибки в записях

teacher-unlock-done = 🔓 Урок открыт для исправлений на { $hours } ч.

teacher-cw-set = 🧾 Контрольная работа назначена на { $date }.

teacher-cw-proposed = 🧾 Контрольная работа на { $date } предложена; её согласует заместитель директора.

quick-help_hint = ✍️ Отметки за урок одним сообщением: /today → урок → «✍️ Одним сообщением», например <code>Иванов 5, Петрова 4 кр, Сидоров н</code>.

quick-prompt = ✍️ Пришлите отметки за урок одним сообщением.

quick-help =
    <b>Как писать:</b>
    <code>{ $example } 5, Петрова 4 кр, Сидоров н</code>
    • ученики через запятую (или с новой строки); фамилию можно сократить: <code>Пет 4</code>; опечатка простится;
    • если фамилии совпадают — добавьте инициал: <code>Иванова Н 5</code>;
    • вид работы после отметки: <code>4 кр</code> или <code>4кр</code>; для всех сразу — в начале: <code>кр: Иванов 5, Петрова 4</code>;
    • виды: отв, ур, дз, ср, кр, лр, соч, дикт, проект; без вида — вид работы урока;
    • <code>н</code> — отсутствие, <code>оп</code> — опоздание; несколько отметок: <code>Иванов 5 4</code>.
    Перед сохранением бот покажет, что понял.

quick-preview_title = Проверьте, что я понял:

quick-line_ok = ✅ { $student } — { $marks }

quick-line_typo = ✅ { $student } — { $marks } <i>(в «{ $raw }» исправлена опечатка)</i>

quick-line_ambiguous = ❓ «{ $raw }» — подходят несколько учеников, выберите кнопкой ниже ({ $marks })

quick-line_unknown = ❌ «{ $raw }» — ученик не найден, пропущено

quick-line_no_mark = ❌ «{ $raw }» — нет отметки, пропущено

quick-line_bad_token = ❌ «{ $raw }» — не понял «{ $token }», пропущено

quick-line_no_name = ❌ «{ $raw }» — нет фамилии, пропущено

quick-line_for_absent = {"    "}⚠️ { $student }: на уроке отмечено отсутствие. Отметка за работу, сданную позже? Сохранится только кнопкой «Сохранить, в том числе отсутствующим».

quick-line_too_many = ❌ «{ $raw }» — { $student }: отметок за урок одному ученику — не больше { $limit }, пропущено

quick-confirm_question = Сохранить отметок: { $marks }, отсутствующих: { $absent }?

quick-save = 💾 Сохранить ({ $count })

quick-save_for_absent = 💾 Сохранить, в том числе отсутствующим ({ $count })

quick-nothing = Сохранять нечего.

quick-retype = Чтобы исправить — пришлите сообщение заново.

quick-more_lines = … и ещё строк: { $count }

quick-saved = ✅ Сохранено: отметок { $marks }, отсутствующих { $absent }.

quick-expired = Черновик устарел. Откройте урок заново: /today.

quick-nothing_to_save = Нечего сохранять: ни одной отметки и ни одного отсутствующего.

term-pick = Выберите класс и предмет:

term-pick_period = Выберите период:

term-none = Вы не ведёте предметов, по которым выставляются отметки за учебный период.

term-no_period = В учебном году класса нет учебных периодов. Обратитесь к администратору.

term-title = <b>{ $cls } · { $subject } · { $period }</b>

term-legend = Предлагаемая отметка — средневзвешенный балл по границам 2,5 / 3,5 / 4,5. В скобках — число отметок; ⚠ — меньше { $min }.

term-row = { $n }. { $student }: { $avg } ({ $count }) → <b>{ $suggested }</b>

term-override = ✎ ваша: <b>{ $value }</b>

term-few = ⚠ мало отметок

term-current = (выставлено: { $value })

term-few_total = ⚠ Мало отметок у учеников: { $count }. Проверьте их отметки.

term-hint = Нажмите на ученика, чтобы поставить другую отметку; затем подтвердите все.

term-save = ✅ Подтвердить и сохранить ({ $count })

term-other_period = 📅 Другой период

term-back_to_suggested = ↺ Как предложено

term-pick_value = <b>{ $student }</b>: средний балл { $avg } ({ $count } отм.), предложено <b>{ $suggested }</b>. Какую отметку поставить?

term-saved = ✅ Отметки за период «{ $period }» сохранены: новых { $created }, изменено { $changed }, без изменений { $same }.

term-bad_value = Отметка за период: 1–5, н/а, зачёт, незачёт или освобождение.

term-nothing_to_save = Нечего сохранять: ни у одного ученика нет отметки.

term-special-na = н/а

term-special-pass = зач

term-special-fail = незач

term-special-exempt = осв

ct-pick_class = Выберите класс:

ct-no_class = У вас нет класса, где вы классный руководитель.

ct-reason_code = Причина пропуска: Н, Б (болезнь) или УП (уважительная).

ct-family-ill = · семья: болеет

ct-family-excused = · семья: уважительная причина

ct-family-unknown = · семья: причина неизвестна

ct-abs-title = <b>Отсутствующие, { $cls }: { $day }</b>

ct-abs-none = Пропусков нет.

ct-abs-line = • { $student } — { $what }

ct-abs-lesson = { $number }-й урок ({ $subject })

ct-abs-lesson_at = { $number }-й урок, { $time } ({ $subject })

ct-abs-not_marked = посещаемость ещё не отмечена

ct-abs-notice = 📝 родители предупредили: { $reason }

ct-rs-title = <b>Причины пропусков, { $cls }: { $start }–{ $end }</b>

ct-rs-none = За неделю пропусков нет.

ct-rs-todo = Без причины (Н): { $count }. Отметьте Б или УП:

ct-rs-ill = Б · { $who }

ct-rs-excused = УП · { $who }

ct-rs-accept_families = ✅ Принять ответы семей ({ $count })

ct-rs-saved = ✅ Причины исправлены: { $count }.

ct-rs-nothing = Исправлять нечего: пропусков без причины нет.

ct-jr-title = <b>Журнал { $cls } · { $subject } · { $period }</b>

ct-jr-empty = Уроков в этом периоде нет.

ct-jr-legend = Н — отсутствие, Б — болезнь, УП — уважительная причина, ОП — опоздание; ср — средневзвешенный балл.

ct-jr-pick_subject = Выберите предмет:

ct-jr-other_subject = 📚 Другой предмет
