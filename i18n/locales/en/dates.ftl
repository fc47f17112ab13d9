### Shared formats for every text: dates (i18n.format_date).
### One date format for users per language.

# 01.12.2026
date-short = { $dd }.{ $mm }.{ $year }

# 1 December
date-day_month = { $day } { $month_name }

# 1 December 2026
date-long = { $day } { $month_name } { $year }

# 01.12.2026 — 03.12.2026
date-range = { $start } — { $end }

date-month-1 = January

date-month-2 = February

date-month-3 = March

date-month-4 = April

date-month-5 = May

date-month-6 = June

date-month-7 = July

date-month-8 = August

date-month-9 = September

date-month-10 = October

date-month-11 = November

date-month-12 = December
