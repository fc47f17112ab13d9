"""Timetable and lessons: dated lessons, the diary, timetables, the lesson sheet, lesson edits
and unlocks, substitutions, control works, journal checks."""
