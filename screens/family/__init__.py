"""The family's screens: diary, homework, marks, attendance, timetable, notices."""
