### Общие форматы для всех текстов: даты (i18n.format_date).
### Один формат дат для пользователя на каждый язык.

# 01.12.2026
date-short = { $dd }.{ $mm }.{ $year }

# 1 декабря
date-day_month = { $day } { $month_name }

# 1 декабря 2026 г.
date-long = { $day } { $month_name } { $year } г.

# 01.12.2026 — 03.12.2026
date-range = { $start } — { $end }

date-month-1 = января

date-month-2 = февраля

date-month-3 = марта

date-month-4 = апреля

date-month-5 = мая

date-month-6 = июня

date-month-7 = июля

date-month-8 = августа

date-month-9 = сентября

date-month-10 = октября

date-month-11 = ноября

date-month-12 = декабря
