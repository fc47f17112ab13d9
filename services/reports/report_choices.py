"""The choices offered before a report: classes, periods, months, subjects."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.models import (
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)
from services.people import policy
from services.people.identity import Actor
from services.people.roster import enrolled_now, list_name
from services.school.office_reads import Choice, actor_school, today_of
from services.school.school_year import classes_of_year, current_year


async def report_classes(session: AsyncSession, actor: Actor, kind: str) -> list[Choice]:
    """The classes a report may be built for by this actor: the whole current year for the
    administration and the observers, their own class for a class teacher, the classes they
    teach for a teacher (journal pages)."""
    from services.reports import REPORTS

    spec = REPORTS.get(kind)
    if spec is None:
        raise policy.deny(actor, "report_classes", kind=kind)
    year = await current_year(session, await actor_school(session, actor))
    if policy.is_journal_reader(actor):
        return [Choice(c.id, c.name) for c in await classes_of_year(session, year.id)]
    ids: set[int] = set()
    if actor.has(Role.CLASS_TEACHER):
        ids |= set(
            (
                await session.scalars(
                    select(SchoolClass.id).where(
                        SchoolClass.year_id == year.id,
                        SchoolClass.class_teacher_id == actor.person_id,
                    )
                )
            ).all()
        )
    if spec.access == "journal" and actor.has(Role.TEACHER, Role.CLASS_TEACHER):
        ids |= set(
            (
                await session.scalars(
                    select(TeachingAssignment.class_id).where(
                        TeachingAssignment.teacher_id == actor.person_id
                    )
                )
            ).all()
        )
    if not ids:
        return []
    classes = await classes_of_year(session, year.id, among=ids)
    return [Choice(c.id, c.name) for c in classes]


async def report_students(session: AsyncSession, actor: Actor, class_id: int) -> list[Choice]:
    """The students enrolled in a class now, for a report about one of them: the office's and
    the observers' for any class, a teacher's for a class they may see."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    if not (policy.is_journal_reader(actor) or actor.has(Role.CLASS_TEACHER, Role.TEACHER)):
        raise policy.deny(actor, "report_students", class_id=class_id)
    return [Choice(p.id, list_name(p)) for p in await enrolled_now(session, cls.id)]


async def _year_id(session: AsyncSession, actor: Actor, class_id: int | None) -> int:
    if class_id:
        cls = await policy.ensure_can_view_class(session, actor, class_id)
        return cls.year_id
    return (await current_year(session, await actor_school(session, actor))).id


async def report_periods(
    session: AsyncSession, actor: Actor, class_id: int | None = None
) -> list[StudyPeriod]:
    """The study periods of the class's (or the current) school year."""
    year_id = await _year_id(session, actor, class_id)
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year_id, StudyPeriod.school_id == actor.school_id)
                .order_by(StudyPeriod.starts_on)
            )
        ).all()
    )


async def report_months(
    session: AsyncSession,
    actor: Actor,
    class_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[tuple[int, int]]:
    """(year, month) of the school year up to this month, newest first."""
    from services.models import SchoolYear

    year = await session.get(SchoolYear, await _year_id(session, actor, class_id))
    assert year is not None
    today = await today_of(session, actor, now)
    last = min(year.ends_on, max(today, year.starts_on))
    months = []
    y, m = year.starts_on.year, year.starts_on.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[::-1]


async def report_subjects(session: AsyncSession, actor: Actor, class_id: int) -> list[Choice]:
    """The subjects taught in a class; a subject teacher sees only their own."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    q = (
        select(Subject)
        .join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
        .where(TeachingAssignment.class_id == cls.id)
        .distinct()
        .order_by(Subject.name)
    )
    whole = policy.is_journal_reader(actor) or (
        actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id
    )
    if not whole:
        q = q.where(TeachingAssignment.teacher_id == actor.person_id)
    return [Choice(s.id, s.name) for s in (await session.scalars(q)).all()]
