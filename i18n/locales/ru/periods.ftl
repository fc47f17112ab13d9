# /periods: clearing the teachers' council date (handlers/admin/periods.py,
# screens/admin/periods.py).

periods-council_clear = 🗑 Убрать дату

periods-council_cleared = 📅 Дата педсовета ({ $date }) убрана: годовые, экзаменационные и итоговые отметки по ней больше не закрываются.
