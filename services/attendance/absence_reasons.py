"""Reasons of absences: from the class teacher and from the family's answer to an alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance.alert_kinds import FAMILY_REASON
from services.attendance.roll_call import apply_attendance
from services.enums import (
    AttendanceCode,
    GuardianKind,
    Role,
)
from services.errors import ValidationFailed
from services.models import (
    Attendance,
    Lesson,
    SchoolClass,
    Subject,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork


async def set_absence_reasons(
    session: AsyncSession,
    actor: Actor,
    items: Sequence[tuple[int, int, AttendanceCode]],
    *,
    now: dt.datetime | None = None,
) -> int:
    """The class teacher's weekly reconciliation (seed 003 §4.5): ``(lesson_id, student_id,
    code)`` turns an absence into another absence kind (Н → Б or УП, or back). One commit.

    Only the class teacher of the lesson's class (or the lesson's own teacher) may; only between
    absence kinds; the edit window does not apply, a closed period does. Returns the number of
    rows changed.
    """
    reasons = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)
    by_lesson: dict[int, dict[int, AttendanceCode | None]] = {}
    for lesson_id, student_id, code in items:
        if AttendanceCode(code) not in reasons:
            raise ValidationFailed("ct.reason_code")
        by_lesson.setdefault(lesson_id, {})[student_id] = AttendanceCode(code)
    changed = 0
    async with UnitOfWork(session, actor, now) as uow:
        for lesson_id, codes in by_lesson.items():
            saved = await apply_attendance(uow, lesson_id, codes, merge=True, reasons_only=True)
            changed += saved.changed
    return changed


FAMILY_REASONS = ("ill", "excused", "unknown")


@dataclass(frozen=True)
class FamilyReasonSaved:
    attendance_id: int
    reason: str
    changed: bool
    notified: list[int]


async def record_family_reason(
    session: AsyncSession,
    actor: Actor,
    attendance_id: int,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> FamilyReasonSaved:
    """A parent answers an absence alert (ill / excused / don't know).

    The answer is kept on the attendance record for the class teacher's reconciliation (the
    code itself stays for the class teacher to change, seed 003 §4.5) and sent to the class
    teacher. Only a parent of that student may answer; pressing the same answer twice is a no-op.
    """
    if reason not in FAMILY_REASONS:
        raise ValidationFailed("notify.family_reason_invalid")
    async with UnitOfWork(session, actor, now) as uow:
        return await _family_reason(uow, attendance_id, reason)


async def _family_reason(uow: UnitOfWork, attendance_id: int, reason: str) -> FamilyReasonSaved:
    session, actor, now = uow.session, uow.actor, uow.now
    att = await policy.load(session, actor, Attendance, attendance_id)
    await policy.ensure_can_view_student(session, actor, att.student_id, "attendance")
    link = await policy.guardianship(session, actor.person_id, att.student_id)
    if link is None or link.kind != GuardianKind.PARENT or not actor.has(Role.PARENT):
        raise policy.deny(actor, "family_reason", attendance_id=attendance_id)
    if att.family_reason == reason:
        return FamilyReasonSaved(att.id, reason, False, [])
    before = {"family_reason": att.family_reason}
    att.family_reason = reason
    att.family_reason_at = now
    entry = await uow.recorded(
        action="attendance.family_reason",
        entity="attendance",
        entity_id=att.id,
        student_id=att.student_id,
        before=before,
        after={"family_reason": reason},
    )
    lesson = await session.get(Lesson, att.lesson_id)
    assert lesson is not None
    cls = await session.get(SchoolClass, lesson.class_id)
    subject = await session.get(Subject, lesson.subject_id)
    notified: list[int] = []
    if cls is not None and cls.class_teacher_id is not None:
        await outbox.enqueue(
            session,
            school_id=att.school_id,
            recipient_person_id=cls.class_teacher_id,
            kind=FAMILY_REASON.name,
            dedup_key=f"family_reason:{att.id}:{entry.id}:{cls.class_teacher_id}",
            payload={
                "attendance_id": att.id,
                "lesson_id": lesson.id,
                "date": lesson.date.isoformat(),
                "lesson_number": lesson.lesson_number,
                "subject": subject.name if subject else "",
                "class": cls.name,
                "student_id": att.student_id,
                "guardian_id": actor.person_id,
                "reason": reason,
            },
            not_before=now,
        )
        notified.append(cls.class_teacher_id)
    return FamilyReasonSaved(att.id, reason, True, notified)
