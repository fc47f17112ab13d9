# /periods: clearing the teachers' council date (handlers/admin/periods.py,
# screens/admin/periods.py).

periods-council_clear = 🗑 Clear the date

periods-council_cleared = 📅 The teachers' council date ({ $date }) is cleared: the year, exam and final marks are no longer locked by it.
