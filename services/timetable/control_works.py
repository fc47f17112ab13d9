"""Control works: scheduling, the office's agreement, the limit per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role, WorkKind
from services.errors import Conflict, ValidationFailed
from services.models import (
    ControlWork,
    Lesson,
    SchoolClass,
    SchoolYear,
    Subject,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import account_id_of, clean_note, ensure_admin
from services.school.office_reads import today_of
from services.unit_of_work import UnitOfWork

# Seed 002 §5.2.5 asks the deputy to agree control-work dates and set their priority; it names
# no number. One control work per class per day is the usual rule (SanPiN), configurable.
DEFAULT_MAX_CONTROL_WORKS_PER_DAY = 1


@dataclass
class ControlWorkResult:
    control_work: ControlWork
    # Locale keys with params: e.g. ("control_work.too_many", {"count": 2, "limit": 1, ...}).
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


async def control_works_on(session: AsyncSession, class_id: int, day: dt.date) -> list[ControlWork]:
    return list(
        (
            await session.scalars(
                select(ControlWork).where(ControlWork.class_id == class_id, ControlWork.date == day)
            )
        ).all()
    )


async def schedule_control_work(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    day: dt.date,
    *,
    kind: WorkKind = WorkKind.CONTROL,
    title: str | None = None,
    max_per_day: int = DEFAULT_MAX_CONTROL_WORKS_PER_DAY,
) -> ControlWorkResult:
    """Put a control work's date in the system. The subject's teacher proposes, the deputy
    (or admin) agrees; a date agreed by the deputy is set at once. A warning (not a refusal)
    when the class would have more than ``max_per_day`` control works that day."""
    async with UnitOfWork(session, actor) as uow:
        subject = await policy.load(session, actor, Subject, subject_id)
        cls = await policy.ensure_can_propose_control_work(session, actor, class_id, subject.id)
        deputy = actor.has(Role.DEPUTY, Role.ADMIN)
        year = await session.get(SchoolYear, cls.year_id)
        assert year is not None
        if not year.starts_on <= day <= year.ends_on:
            raise ValidationFailed("admin.date_outside_year", date=day, year=year.name)
        if await session.scalar(
            select(ControlWork.id).where(
                ControlWork.class_id == cls.id,
                ControlWork.subject_id == subject.id,
                ControlWork.date == day,
            )
        ):
            raise Conflict("control_work.exists", date=day)
        cw = ControlWork(
            school_id=actor.school_id,
            class_id=cls.id,
            subject_id=subject.id,
            date=day,
            kind=kind,
            title=clean_note(title),
            created_by_id=account_id_of(actor),
            agreed_at=uow.now if deputy else None,
            agreed_by_id=account_id_of(actor) if deputy else None,
        )
        session.add(cw)
        await session.flush()
        result = ControlWorkResult(cw)
        same_day = await control_works_on(session, cls.id, day)
        if len(same_day) > max_per_day:
            subjects = await session.scalars(
                select(Subject.name).where(Subject.id.in_([c.subject_id for c in same_day]))
            )
            result.warnings.append(
                (
                    "control_work.too_many",
                    {
                        "class": cls.name,
                        "date": day,
                        "count": len(same_day),
                        "limit": max_per_day,
                        "subjects": ", ".join(sorted(subjects)),
                    },
                )
            )
        uow.record(
            action="control_work.schedule",
            entity="control_work",
            entity_id=cw.id,
            after={
                "class": cls.name,
                "subject": subject.name,
                "date": day,
                "agreed": deputy,
                "warnings": [w[0] for w in result.warnings],
            },
        )
        return result


async def agree_control_work(
    session: AsyncSession, actor: Actor, control_work_id: int
) -> ControlWork:
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "agree_control_work", Role.DEPUTY)
        cw = await policy.load(session, actor, ControlWork, control_work_id)
        cw.agreed_at, cw.agreed_by_id = utcnow(), account_id_of(actor)
        uow.record(
            action="control_work.agree",
            entity="control_work",
            entity_id=cw.id,
            after={"agreed_at": cw.agreed_at},
        )
        return cw


async def schedule_control_work_at_lesson(
    session: AsyncSession, actor: Actor, lesson_id: int, *, kind: WorkKind = WorkKind.CONTROL
) -> ControlWorkResult:
    """The teacher puts a control work on one of their lessons: its class, subject and date.
    Who may is :func:`policy.ensure_can_propose_control_work` (seeing the lesson is not enough:
    a class teacher sees every lesson of the class but proposes only for their subjects)."""
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    return await schedule_control_work(
        session, actor, lesson.class_id, lesson.subject_id, lesson.date, kind=kind
    )


@dataclass(frozen=True)
class ControlWorkRow:
    id: int
    date: dt.date
    class_name: str
    subject: str
    agreed: bool


async def upcoming_control_works(
    session: AsyncSession, actor: Actor, *, today: dt.date, days: int = 30
) -> list[ControlWorkRow]:
    """The deputy's list of control works in the next ``days`` days, unagreed first."""
    ensure_admin(actor, "control_works", Role.DEPUTY)
    rows = (
        await session.execute(
            select(ControlWork, SchoolClass.name, Subject.name)
            .join(SchoolClass, SchoolClass.id == ControlWork.class_id)
            .join(Subject, Subject.id == ControlWork.subject_id)
            .where(
                ControlWork.school_id == actor.school_id,
                ControlWork.date >= today,
                ControlWork.date <= today + dt.timedelta(days=days),
            )
            .order_by(ControlWork.agreed_at.is_not(None), ControlWork.date, SchoolClass.name)
        )
    ).all()
    return [
        ControlWorkRow(cw.id, cw.date, cls, subj, cw.agreed_at is not None)
        for cw, cls, subj in rows
    ]


async def office_control_works(
    session: AsyncSession, actor: Actor, now: dt.datetime | None = None, *, days: int = 30
) -> list[ControlWorkRow]:
    """The office's list of control works from today (in the school's time zone, at ``now``)
    for ``days`` days, unagreed first."""
    ensure_admin(actor, "control_works", Role.DEPUTY)
    today = await today_of(session, actor, now)
    return await upcoming_control_works(session, actor, today=today, days=days)
