"""Closed vocabularies of the journal, stored as text and guarded by CHECK constraints."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DIRECTOR = "director"
    DEPUTY = "deputy"
    TEACHER = "teacher"
    CLASS_TEACHER = "class_teacher"
    PARENT = "parent"
    TRUSTED = "trusted"
    STUDENT = "student"
    # The regulations' other staff: a teacher of additional education (педагог дополнительного
    # образования) and a tutor of a boarding or extended-day group (воспитатель) teach the
    # groups and classes assigned to them like a subject teacher; an observer (a methodologist,
    # an inspector of the education authority) reads the school's journal and changes nothing.
    EXTRA_TEACHER = "extra_teacher"
    EDUCATOR = "educator"
    OBSERVER = "observer"


STAFF_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.DIRECTOR,
        Role.DEPUTY,
        Role.TEACHER,
        Role.CLASS_TEACHER,
        Role.EXTRA_TEACHER,
        Role.EDUCATOR,
        Role.OBSERVER,
    }
)
SCHOOL_WIDE_READERS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY})
# Who teaches the classes, groups and subjects assigned to them (TeachingAssignment).
SUBJECT_TEACHERS = frozenset({Role.TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR})
# Who may teach a dated lesson and fill its record (their own, or one they substitute).
LESSON_TEACHERS = frozenset(
    {Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.EXTRA_TEACHER, Role.EDUCATOR}
)
# Read-only readers of the whole school's journal (never a change).
SCHOOL_OBSERVERS = frozenset({Role.OBSERVER})


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    TRIMESTER = "trimester"
    HALF = "half"


class HolidayKind(StrEnum):
    HOLIDAY = "holiday"  # каникулы
    DAY_OFF = "day_off"  # праздничный / выходной день


class GuardianKind(StrEnum):
    PARENT = "parent"
    TRUSTED = "trusted"


class AttendanceCode(StrEnum):
    """Н, Б, УП, ОП. "Present" is the absence of a row."""

    ABSENT = "absent"  # Н
    ILL = "ill"  # Б
    EXCUSED = "excused"  # УП
    LATE = "late"  # ОП


ABSENCE_CODES = frozenset({AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED})


class WorkKind(StrEnum):
    ANSWER = "answer"  # устный ответ
    CLASSWORK = "classwork"  # работа на уроке
    HOMEWORK = "homework"  # домашняя работа
    TEST = "test"  # самостоятельная / тест
    CONTROL = "control"  # контрольная работа
    LAB = "lab"  # практическая / лабораторная
    ESSAY = "essay"  # сочинение / изложение
    DICTATION = "dictation"  # диктант
    PROJECT = "project"  # проект


DEFAULT_WEIGHTS: dict[WorkKind, int] = {
    WorkKind.ANSWER: 1,
    WorkKind.CLASSWORK: 1,
    WorkKind.HOMEWORK: 1,
    WorkKind.TEST: 2,
    WorkKind.CONTROL: 3,
    WorkKind.LAB: 2,
    WorkKind.ESSAY: 2,
    WorkKind.DICTATION: 2,
    WorkKind.PROJECT: 2,
}


class FinalMarkKind(StrEnum):
    PERIOD = "period"  # четвертная / триместровая / полугодовая
    YEAR = "year"  # годовая
    EXAM = "exam"  # экзаменационная
    FINAL = "final"  # итоговая


class SpecialMark(StrEnum):
    NOT_CERTIFIED = "na"  # н/а
    PASSED = "pass"  # зачёт
    FAILED = "fail"  # незачёт
    EXEMPT = "exempt"  # освобождён


class NewsKind(StrEnum):
    SCHOOL_NEWS = "school_news"
    CLASS_EVENT = "class_event"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    DEAD = "dead"


class Messenger(StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"
