"""The timetable domain's notification kinds: a lesson of today or tomorrow taken by a
substitute, told to the families of its class and to the substitute; a lesson of today or
tomorrow held at a distance or back in class, told to the families
(services.notifications.kinds)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import Child, Kind, Payload, Value, child_text, date_text, t


class SubstitutionFamilyPayload(Child):
    lesson_id: int | None = None
    date: str | None = None
    number: int = 0
    subject: Value = ""
    teacher: Value = ""  # the substitute
    removed: bool = False  # the substitution was taken back: the lesson's own teacher again


class SubstitutionTeacherPayload(Payload):
    lesson_id: int | None = None
    date: str | None = None
    number: int = 0
    subject: Value = ""
    class_name: Value = ""
    teacher: Value = ""  # the lesson's own teacher, replaced
    room: Value = None


class DistancePayload(Child):
    lesson_id: int | None = None
    date: str | None = None
    number: int = 0
    subject: Value = ""
    distance: bool = True


def _family_text(p: SubstitutionFamilyPayload, lang: str) -> str:
    key = "notify.substitution.removed" if p.removed else "notify.substitution.family"
    return t(
        lang,
        key,
        student=p.student_name,
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
        teacher=p.teacher,
    )


def _family_brief(p: SubstitutionFamilyPayload, lang: str) -> str:
    key = "notify.substitution.removed_brief" if p.removed else "notify.substitution.family_brief"
    return t(
        lang,
        key,
        student=child_text(lang, p.student),
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
    )


def _teacher_text(p: SubstitutionTeacherPayload, lang: str, *, brief: bool = False) -> str:
    return t(
        lang,
        "notify.substitution.teacher_brief" if brief else "notify.substitution.teacher",
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
        cls=p.class_name,
        teacher=p.teacher,
        room=p.room or "—",
    )


def _distance_text(p: DistancePayload, lang: str, *, brief: bool = False) -> str:
    return t(
        lang,
        "notify.distance.on" if p.distance else "notify.distance.off",
        student=child_text(lang, p.student) if brief else p.student_name,
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
    )


SUBSTITUTION_FAMILY: Kind[SubstitutionFamilyPayload] = Kind(
    "substitution.family", SubstitutionFamilyPayload, _family_text, brief=_family_brief
)
SUBSTITUTION_TEACHER: Kind[SubstitutionTeacherPayload] = Kind(
    "substitution.teacher",
    SubstitutionTeacherPayload,
    _teacher_text,
    brief=lambda p, lang: _teacher_text(p, lang, brief=True),
)
LESSON_DISTANCE: Kind[DistancePayload] = Kind(
    "lesson.distance",
    DistancePayload,
    _distance_text,
    brief=lambda p, lang: _distance_text(p, lang, brief=True),
)


class CancelledPayload(Child):
    """A lesson of today or the next school day cancelled (or reinstated): to the families."""

    lesson_id: int | None = None
    date: str | None = None
    number: int = 0
    subject: Value = ""
    reinstated: bool = False


class CancelledTeacherPayload(Payload):
    """The lesson's teacher (its substitute, if any) told of its cancelling or reinstating."""

    lesson_id: int | None = None
    date: str | None = None
    number: int = 0
    subject: Value = ""
    class_name: Value = ""
    reason: Value = None
    reinstated: bool = False


def _cancelled_text(p: CancelledPayload, lang: str, *, brief: bool = False) -> str:
    return t(
        lang,
        "corrections.lesson_reinstated" if p.reinstated else "corrections.lesson_cancelled",
        student=child_text(lang, p.student) if brief else p.student_name,
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
    )


def _cancelled_teacher_text(p: CancelledTeacherPayload, lang: str, *, brief: bool = False) -> str:
    """The minimal mode (``brief``) leaves out the office's typed reason: the teacher reads it
    on their day (/today)."""
    key = "corrections.teacher_reinstated"
    if not p.reinstated:
        key = "corrections.teacher_cancelled_brief" if brief else "corrections.teacher_cancelled"
    return t(
        lang,
        key,
        date=date_text(lang, p.date),
        number=p.number,
        subject=p.subject,
        cls=p.class_name,
        reason=p.reason or "—",
    )


LESSON_CANCELLED: Kind[CancelledPayload] = Kind(
    "lesson.cancelled",
    CancelledPayload,
    _cancelled_text,
    brief=lambda p, lang: _cancelled_text(p, lang, brief=True),
)
LESSON_CANCELLED_TEACHER: Kind[CancelledTeacherPayload] = Kind(
    "lesson.cancelled_teacher",
    CancelledTeacherPayload,
    _cancelled_teacher_text,
    brief=lambda p, lang: _cancelled_teacher_text(p, lang, brief=True),
)

KINDS: tuple[Kind[Any], ...] = (
    SUBSTITUTION_FAMILY,
    SUBSTITUTION_TEACHER,
    LESSON_DISTANCE,
    LESSON_CANCELLED,
    LESSON_CANCELLED_TEACHER,
)
