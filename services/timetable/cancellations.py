"""Cancelling a dated lesson (and reinstating it): the office's, with a reason, audited.

A deputy or an admin cancels one dated lesson (the teacher is ill and nobody substitutes, the
class is on an excursion…) with a reason kept on the lesson and in the audit log. A lesson that
already has marks or attendance is refused (they would hang on a lesson that did not happen):
remove them first. A lesson of an archived year is refused. The lesson's teacher (its
substitute, if any) is told; the families of its students are told when it is today or on the
next school day (later ones see it in the diary). Reinstating it tells the same people.

The diary and the teacher's day show a cancelled lesson as cancelled; the evening homework
digest and the unfilled-lesson checks leave it out.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import load_calendar, school_today
from services.enums import Role
from services.errors import ValidationFailed
from services.models import Attendance, Lesson, Mark, School, SchoolClass, Subject
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import account_id_of, ensure_admin
from services.school.school_year import is_archived_on
from services.timetable.alert_kinds import LESSON_CANCELLED, LESSON_CANCELLED_TEACHER
from services.timetable.substitutions import lesson_families
from services.unit_of_work import UnitOfWork, clean_text

MAX_REASON = 200


async def cancel_lesson(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    reason: str | None,
    *,
    now: dt.datetime | None = None,
) -> bool:
    """Cancel a dated lesson; returns whether its families were told (today or the next
    school day). Cancelling a cancelled lesson again changes nothing."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, "cancel_lesson", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        why = clean_text(reason, MAX_REASON, "reason")
        if not why:
            raise ValidationFailed("corrections.reason_required")
        if lesson.is_cancelled:
            raise ValidationFailed("corrections.already_cancelled")
        await _ensure_open_year(session, actor, lesson)
        if await _has_records(session, lesson.id):
            raise ValidationFailed("corrections.has_records")
        uow.record(
            action="lesson.cancel",
            entity="lesson",
            entity_id=lesson.id,
            before={"is_cancelled": False},
            after={"is_cancelled": True},
            reason=why,
        )
        lesson.is_cancelled = True
        lesson.cancelled_at = uow.now
        lesson.cancelled_by_id = account_id_of(actor)
        lesson.cancel_reason = why
        lesson.updated_at = uow.now
        return await _tell(uow, lesson, why, reinstated=False)


async def reinstate_lesson(
    session: AsyncSession, actor: Actor, lesson_id: int, *, now: dt.datetime | None = None
) -> bool:
    """Put a cancelled lesson back in the timetable; returns whether its families were told."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, "cancel_lesson", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        if not lesson.is_cancelled:
            raise ValidationFailed("corrections.not_cancelled")
        await _ensure_open_year(session, actor, lesson)
        uow.record(
            action="lesson.reinstate",
            entity="lesson",
            entity_id=lesson.id,
            before={"is_cancelled": True, "reason": lesson.cancel_reason},
            after={"is_cancelled": False},
        )
        reason = lesson.cancel_reason
        lesson.is_cancelled = False
        lesson.cancelled_at = None
        lesson.cancelled_by_id = None
        lesson.cancel_reason = None
        lesson.updated_at = uow.now
        return await _tell(uow, lesson, reason, reinstated=True)


async def cancel_reason_of(session: AsyncSession, actor: Actor, lesson_id: int) -> str | None:
    """Why a cancelled lesson was cancelled (None: not cancelled), for the office."""
    ensure_admin(actor, "cancel_lesson", Role.DEPUTY)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    if not lesson.is_cancelled:
        raise ValidationFailed("corrections.not_cancelled")
    return lesson.cancel_reason


async def _ensure_open_year(session: AsyncSession, actor: Actor, lesson: Lesson) -> None:
    if await is_archived_on(session, actor.school_id, lesson.date):
        raise ValidationFailed("admin.year_archived", year=str(lesson.date.year))


async def _has_records(session: AsyncSession, lesson_id: int) -> bool:
    marks = exists().where(Mark.lesson_id == lesson_id)
    attendance = exists().where(Attendance.lesson_id == lesson_id)
    return bool(await session.scalar(select(marks | attendance)))


async def alert_window(session: AsyncSession, school: School, now: dt.datetime) -> dt.date:
    """The last day whose changes the families are told of: the next school day."""
    today = school_today(school, now)
    calendar = await load_calendar(session, school)
    return calendar.nearest_working_day(today, 1)


async def _tell(uow: UnitOfWork, lesson: Lesson, reason: str | None, *, reinstated: bool) -> bool:
    """The teacher always; the families for today and the next school day. Once per event:
    cancelling again after reinstating tells again."""
    session = uow.session
    school = await session.get(School, lesson.school_id)
    assert school is not None
    subject = await session.scalar(select(Subject.name).where(Subject.id == lesson.subject_id))
    class_name = await session.scalar(
        select(SchoolClass.name).where(SchoolClass.id == lesson.class_id)
    )
    event = f"{'back' if reinstated else 'off'}:{int(uow.now.timestamp())}"
    substitution = await policy.substitution_of(session, lesson.id)
    teacher = substitution.teacher_id if substitution is not None else lesson.teacher_id
    await outbox.enqueue(
        session,
        school_id=lesson.school_id,
        recipient_person_id=teacher,
        kind=LESSON_CANCELLED_TEACHER.name,
        dedup_key=f"cancel:{lesson.id}:{event}:teacher:{teacher}",
        payload=LESSON_CANCELLED_TEACHER.payload(
            lesson_id=lesson.id,
            date=lesson.date.isoformat(),
            number=lesson.lesson_number,
            subject=subject,
            class_name=class_name,
            reason=reason,
            reinstated=reinstated,
        ).model_dump(mode="json", exclude_none=True),
        not_before=uow.now,
    )
    today = school_today(school, uow.now)
    if not today <= lesson.date <= await alert_window(session, school, uow.now):
        return False
    rows = [
        {
            "school_id": lesson.school_id,
            "recipient_person_id": guardian,
            "kind": LESSON_CANCELLED.name,
            "dedup_key": f"cancel:{lesson.id}:{event}:{student}:{guardian}",
            "payload": LESSON_CANCELLED.payload(
                student_id=student,
                lesson_id=lesson.id,
                date=lesson.date.isoformat(),
                number=lesson.lesson_number,
                subject=subject,
                reinstated=reinstated,
            ).model_dump(mode="json", exclude_none=True),
        }
        for student, guardian in await lesson_families(session, lesson)
    ]
    await outbox.enqueue_many(session, rows, not_before=uow.now)
    return True
