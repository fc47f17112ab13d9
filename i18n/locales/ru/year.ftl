# The school year in the office: open, close, archive — each with a dry run first.

year-title = <b>Учебные годы школы</b>
year-none = В школе ещё нет учебного года.
year-row = { $year }: { $starts } – { $ends } — { $state }
year-state-running = идёт
year-state-over = окончен, не закрыт
year-state-closed = закрыт
year-state-archived = в архиве с { $date }
year-keep = журналы хранятся до { $journals }, сводные ведомости — до { $summaries }
year-open-button = ➕ Открыть { $year }
year-close-button = 🔒 Закрыть { $year }
year-archive-button = 🗄 В архив { $year }
year-back = ↩️ К учебным годам
year-cancel = ✖️ Отмена

year-calendar-ask = <b>Открытие учебного года { $year }</b>
    Выберите календарь: по умолчанию — учебные периоды региона (четверти или триместры; полугодия — своими строками), либо введите свои периоды и каникулы.
year-calendar-q = Четверти
year-calendar-t = Триместры
year-calendar-typed = ✍️ Ввести свой календарь
year-calendar-prompt = Отправьте периоды и каникулы, по одному в строке: название и две даты.
    Например:
    <code>1 триместр 01.09.{ $first } - 30.11.{ $first }
    2 триместр 01.12.{ $first } - 28.02.{ $next }
    3 триместр 01.03.{ $next } - 26.05.{ $next }
    Осенние каникулы 26.10.{ $first } - 03.11.{ $first }
    Праздничный день 04.11.{ $first } - 04.11.{ $first }</code>
    «Каникулы» в названии — каникулы, «выходной» или «праздник» — выходной день, остальное — учебный период. Можно прислать и строки файла календаря (название; начало; конец).
year-calendar-file = Или пришлите файл календаря (CSV, строки «название;начало;конец»): шаблон ниже — учебные периоды и каникулы по умолчанию, поправьте и отправьте его.
year-calendar-bad_file = Пришлите файл .csv или .txt до 64 КБ в кодировке UTF-8.

year-plan-open = <b>Открытие учебного года { $year }</b> ({ $starts } – { $ends })
year-plan-from = Из года { $year }:
year-plan-promoted = • переводятся в следующий класс: { $count }
year-plan-repeating = • остаются на повторное обучение: { $count }
year-plan-graduated = • выпускаются: { $count }
year-plan-left = • выбывают по окончании года: { $count }
year-plan-no-promotion = Классы прошлого года не переводятся: это первый год в боте.
year-plan-classes = Классы нового года ({ $count }): { $names }
year-plan-no-classes = Классов в новом году пока нет: добавьте их импортом.
year-plan-periods = Учебные периоды ({ $count }):
year-plan-holidays = Каникулы и выходные ({ $count }):
year-plan-item = • { $name }: { $starts } – { $ends }
year-plan-leavers-note = Ушедших после 9 класса отметьте выбытием (карточка ученика или импорт движения) — или откройте год командой <code>python -m bot year open --leaving …</code>.
year-plan-nothing-yet = Пока ничего не изменено.
year-plan-open-confirm = ✅ Открыть год
year-plan-close = <b>Закрытие учебного года { $year }</b> ({ $starts } – { $ends })
year-plan-archive = <b>Архивация учебного года { $year }</b> ({ $starts } – { $ends })
year-plan-size = Классов: { $classes }, учеников: { $students }.
year-plan-close-periods = Будут закрыты учебные периоды: { $count }. Журнал года станет доступен учителям только для чтения; исправления — через открытие урока администратором.
year-plan-archive-effect = После архивации записи года не меняет никто. Журналы хранятся 5 лет — до { $journals }, сводные ведомости — 25 лет, до { $summaries }.
year-plan-close-confirm = ✅ Закрыть год
year-plan-archive-confirm = ✅ Отправить в архив

year-opened = ✅ Учебный год { $year } открыт: классов { $classes }, переведено учеников { $promoted }, выпускников { $graduated }.
year-closed = ✅ Учебный год { $year } закрыт.
year-archived = ✅ Учебный год { $year } отправлен в архив.
year-calendar-lost = Введённый календарь не сохранился. Выберите календарь ещё раз.

year-alert-closed = 🔒 Учебный год { $year } закрыт: журнал за него теперь только для чтения. Исправление — через администратора (он откроет урок).

year-running = Учебный год { $year } ещё идёт (последний день — { $ends }): закрыть или архивировать его можно с { $after }.
year-calendar_line = Строка { $line }: нужны название и две даты, например «1 триместр 01.09.2027 - 30.11.2027».
year-calendar_order = Строка { $line }: дата начала позже даты окончания.
year-calendar_empty = В календаре нет ни одного учебного периода (четверти, триместра, полугодия).
year-calendar_overlap = Периоды «{ $first }» и «{ $second }» пересекаются.
year-calendar_too_long = Слишком много строк: не больше { $limit }.
