"""Advance absence notices: a parent tells the school the child will miss a day (seed 000 §3.2).

One transaction: check that the actor is a parent of the child, check the dates and the reason,
write the notice, the audit entry and an alert to the class teacher, commit once. Lessons of
those days then show the absence as announced (``journal.save_attendance`` links the notice to
the attendance row; the family's diary shows it before that, too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import load_calendar, school_today
from services.enums import ABSENCE_CODES, AttendanceCode, GuardianKind, Role
from services.errors import Conflict, ValidationFailed
from services.models import AbsenceNotice, Enrolment, Person, School, SchoolClass
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import enrolled_during
from services.unit_of_work import UnitOfWork

MAX_REASON = 255
# A notice covers at most this many calendar days; a longer absence is a matter for the school.
MAX_DAYS = 31
# How far ahead a notice may be given.
MAX_AHEAD_DAYS = 92


@dataclass(frozen=True)
class NoticeCreated:
    notice_id: int
    student_id: int
    date_from: dt.date
    date_to: dt.date
    code: AttendanceCode
    reason: str
    class_teacher_id: int | None
    school_days: int  # school days the notice covers


async def create_notice(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    code: AttendanceCode,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> NoticeCreated:
    """A parent's advance notice for their own child; the class teacher is alerted."""
    async with UnitOfWork(session, actor, now) as uow:
        return await _create_notice(uow, student_id, date_from, date_to, code, reason)


async def _create_notice(
    uow: UnitOfWork,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    code: AttendanceCode,
    reason: str,
) -> NoticeCreated:
    session, actor, now = uow.session, uow.actor, uow.now
    await policy.ensure_can_give_notice(session, actor, student_id)
    code = AttendanceCode(code)
    if code not in ABSENCE_CODES:
        raise ValidationFailed("notice.bad_code")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("notice.reason_empty")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("error.too_long", field="reason", limit=MAX_REASON)
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school, now)
    if date_to < date_from:
        raise ValidationFailed("notice.dates_order")
    if date_from < today:
        raise ValidationFailed("notice.in_past")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationFailed("notice.too_long", days=MAX_DAYS)
    if (date_from - today).days > MAX_AHEAD_DAYS:
        raise ValidationFailed("notice.too_far", days=MAX_AHEAD_DAYS)
    calendar = await load_calendar(session, school)
    school_days = sum(1 for _ in calendar.working_days(date_from, date_to))
    if not school_days:
        raise ValidationFailed("notice.no_school_days")
    overlap = await session.scalar(
        select(AbsenceNotice.id)
        .where(
            AbsenceNotice.student_id == student_id,
            AbsenceNotice.cancelled_at.is_(None),
            AbsenceNotice.date_from <= date_to,
            AbsenceNotice.date_to >= date_from,
        )
        .limit(1)
    )
    if overlap is not None:
        raise Conflict("notice.overlap")
    row = (
        await session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.class_teacher_id)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == student_id, enrolled_during(date_from))
            .limit(1)
        )
    ).first()
    if row is None:
        raise ValidationFailed("notice.not_enrolled")
    class_id, class_name, class_teacher_id = row
    student = await session.get(Person, student_id)
    assert student is not None
    notice = AbsenceNotice(
        school_id=actor.school_id,
        student_id=student_id,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        code=code,
        created_at=now,
        created_by_id=actor.account_id,
    )
    session.add(notice)
    await session.flush()
    after = {
        "date_from": date_from,
        "date_to": date_to,
        "code": code,
        "reason": reason,
    }
    uow.record(
        action="notice.create",
        entity="absence_notice",
        entity_id=notice.id,
        student_id=student_id,
        after=after,
    )
    if class_teacher_id is not None:
        await outbox.enqueue(
            session,
            school_id=actor.school_id,
            recipient_person_id=class_teacher_id,
            kind="notice.created",
            dedup_key=f"notice:{notice.id}:{class_teacher_id}",
            payload={
                "notice_id": notice.id,
                "student_id": student_id,
                "student": f"{student.last_name} {student.first_name}",
                "student_first": student.first_name,
                "class_id": class_id,
                "class_name": class_name,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "code": code.value,
                "reason": reason,
                "by": actor.display_name,
            },
            urgent=date_from == today,
        )
    return NoticeCreated(
        notice_id=notice.id,
        student_id=student_id,
        date_from=date_from,
        date_to=date_to,
        code=code,
        reason=reason,
        class_teacher_id=class_teacher_id,
        school_days=school_days,
    )


@dataclass(frozen=True)
class NoticeView:
    id: int
    date_from: dt.date
    date_to: dt.date
    reason: str


async def upcoming_notices(
    session: AsyncSession, actor: Actor, student_id: int, *, now: dt.datetime | None = None
) -> list[NoticeView]:
    """The child's notices not yet over and not cancelled (for the parent to see or cancel)."""
    await policy.ensure_can_view_student(session, actor, student_id, "attendance")
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school, now)
    rows = await session.scalars(
        select(AbsenceNotice)
        .where(
            AbsenceNotice.student_id == student_id,
            AbsenceNotice.cancelled_at.is_(None),
            AbsenceNotice.date_to >= today,
        )
        .order_by(AbsenceNotice.date_from)
    )
    return [NoticeView(n.id, n.date_from, n.date_to, n.reason) for n in rows]


async def cancel_notice(
    session: AsyncSession, actor: Actor, notice_id: int, *, now: dt.datetime | None = None
) -> NoticeView:
    """The parent withdraws a notice (the child will come after all); the class teacher is told.

    Only a parent of the child, only while the notice is not over; attendance already taken
    stays as it is (the class teacher reconciles). Commits once.
    """
    async with UnitOfWork(session, actor, now) as uow:
        return await _cancel_notice(uow, notice_id)


async def _cancel_notice(uow: UnitOfWork, notice_id: int) -> NoticeView:
    session, actor, now = uow.session, uow.actor, uow.now
    notice = await policy.load(session, actor, AbsenceNotice, notice_id)
    link = await policy.guardianship(session, actor.person_id, notice.student_id)
    if not actor.has(Role.PARENT) or link is None or link.kind != GuardianKind.PARENT:
        raise policy.deny(actor, "cancel_notice", notice_id=notice_id)
    school = await session.get(School, actor.school_id)
    assert school is not None
    if notice.cancelled_at is not None or notice.date_to < school_today(school, now):
        raise ValidationFailed("notice.not_cancellable")
    notice.cancelled_at = now
    uow.record(
        action="notice.cancel",
        entity="absence_notice",
        entity_id=notice.id,
        student_id=notice.student_id,
        before={"cancelled_at": None},
        after={"cancelled_at": now},
    )
    row = (
        await session.execute(
            select(SchoolClass.name, SchoolClass.class_teacher_id)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == notice.student_id, Enrolment.left_on.is_(None))
            .limit(1)
        )
    ).first()
    student = await session.get(Person, notice.student_id)
    if row is not None and row[1] is not None and student is not None:
        await outbox.enqueue(
            session,
            school_id=actor.school_id,
            recipient_person_id=row[1],
            kind="notice.cancelled",
            dedup_key=f"notice-cancel:{notice.id}:{row[1]}",
            payload={
                "notice_id": notice.id,
                "student_id": notice.student_id,
                "student": f"{student.last_name} {student.first_name}",
                "student_first": student.first_name,
                "class_name": row[0],
                "date_from": notice.date_from.isoformat(),
                "date_to": notice.date_to.isoformat(),
                "by": actor.display_name,
            },
            urgent=notice.date_from <= school_today(school, now),
        )
    return NoticeView(notice.id, notice.date_from, notice.date_to, notice.reason)
