"""Attendance: the roll call, absence reasons, advance absence notices and the attendance views."""
