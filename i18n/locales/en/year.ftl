# The school year in the office: open, close, archive — each with a dry run first.

year-title = <b>The school's years</b>
year-none = The school has no school year yet.
year-row = { $year }: { $starts } – { $ends } — { $state }
year-state-running = running
year-state-over = over, not closed
year-state-closed = closed
year-state-archived = archived on { $date }
year-keep = journals kept until { $journals }, summary sheets until { $summaries }
year-open-button = ➕ Open { $year }
year-close-button = 🔒 Close { $year }
year-archive-button = 🗄 Archive { $year }
year-back = ↩️ To the school years
year-cancel = ✖️ Cancel

year-calendar-ask = <b>Opening the school year { $year }</b>
    Choose the calendar: the region's default — quarters or trimesters — or type your own periods and holidays.
year-calendar-q = Quarters
year-calendar-t = Trimesters
year-calendar-typed = ✍️ Type my own calendar
year-calendar-prompt = Send the periods and holidays, one a line: a name and two dates.
    For example:
    <code>1 триместр 01.09.{ $first } - 30.11.{ $first }
    2 триместр 01.12.{ $first } - 28.02.{ $next }
    3 триместр 01.03.{ $next } - 26.05.{ $next }
    Осенние каникулы 26.10.{ $first } - 03.11.{ $first }
    Праздничный день 04.11.{ $first } - 04.11.{ $first }</code>
    A name with "каникулы" (holidays) is a holiday, with "выходной" or "праздник" (day off) a day off, any other a study period. The lines of a calendar file (name; start; end) work too.
year-calendar-file = Or send a calendar file (CSV, lines "name;start;end"): the template below holds the default quarters and holidays — edit it and send it back.
year-calendar-bad_file = Send a .csv or .txt file of at most 64 KB in UTF-8.

year-plan-open = <b>Opening the school year { $year }</b> ({ $starts } – { $ends })
year-plan-from = From the year { $year }:
year-plan-promoted = • promoted to the next grade: { $count }
year-plan-repeating = • repeating the grade: { $count }
year-plan-graduated = • graduating: { $count }
year-plan-left = • leaving at the end of the year: { $count }
year-plan-no-promotion = No classes are promoted: this is the first year in the bot.
year-plan-classes = Classes of the new year ({ $count }): { $names }
year-plan-no-classes = The new year has no classes yet: add them by import.
year-plan-periods = Study periods ({ $count }):
year-plan-holidays = Holidays and days off ({ $count }):
year-plan-item = • { $name }: { $starts } – { $ends }
year-plan-leavers-note = Mark the students leaving after grade 9 as departed (the student's card or the movement import) — or open the year with <code>python -m bot year open --leaving …</code>.
year-plan-nothing-yet = Nothing has changed yet.
year-plan-open-confirm = ✅ Open the year
year-plan-close = <b>Closing the school year { $year }</b> ({ $starts } – { $ends })
year-plan-archive = <b>Archiving the school year { $year }</b> ({ $starts } – { $ends })
year-plan-size = Classes: { $classes }, students: { $students }.
year-plan-close-periods = Study periods to close: { $count }. The year's journal becomes read-only for teachers; corrections go through the admin unlocking a lesson.
year-plan-archive-effect = Once archived, nobody changes the year's records. Journals are kept 5 years — until { $journals }, summary sheets 25 years — until { $summaries }.
year-plan-close-confirm = ✅ Close the year
year-plan-archive-confirm = ✅ Archive

year-opened = ✅ The school year { $year } is open: { $classes } classes, { $promoted } students promoted, { $graduated } graduates.
year-closed = ✅ The school year { $year } is closed.
year-archived = ✅ The school year { $year } is archived.
year-calendar-lost = The typed calendar was not kept. Choose the calendar again.

year-alert-closed = 🔒 The school year { $year } is closed: its journal is read-only now. A correction goes through the admin (who unlocks the lesson).

year-running = The school year { $year } is still running (its last day is { $ends }): it can be closed or archived from { $after }.
year-calendar_line = Line { $line }: a name and two dates are needed, e.g. "1 четверть 01.09.2027 - 25.10.2027".
year-calendar_order = Line { $line }: the start is after the end.
year-calendar_empty = The calendar has no study period (quarter, trimester, half-year).
year-calendar_overlap = The periods "{ $first }" and "{ $second }" overlap.
year-calendar_too_long = Too many lines: at most { $limit }.
