"""Recording a whole lesson moved to services.marks.lesson_record: it sits above the roll call
and marking, which sit above the timetable. This name stays for the Telegram adapter's import
until it takes the new one (tests/unit/test_domain_flow.py lists the edge it keeps)."""

from services.marks.lesson_record import LessonRecorded, record_lesson

__all__ = ["LessonRecorded", "record_lesson"]
