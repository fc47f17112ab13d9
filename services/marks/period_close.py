"""Closing a study period and the locks of final marks.

Rules (docs/final-marks.md):
- the deputy (or the admin) closes a study period when its marks are set: from then on its
  lessons and its period marks are locked for teachers;
- a locked mark is changed only after an unlock of the class and subject for a while, with a
  reason, by the deputy or the admin (like a locked lesson's unlock, seed 003 §3.2); the
  unlock is kept in the audit trail;
- the year, exam and final marks are locked after the day of the teachers' council that
  approves the year's results (a date of the school year), and when the year is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.calendar import school_today
from services.errors import Conflict, ValidationFailed
from services.marks.reminders import missing_by_assignment
from services.models import (
    FinalMarkUnlock,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
)
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork, clean_text

MAX_REASON = 500
# An unlock lasts at most two weeks.
MAX_UNLOCK_HOURS = 24 * 14


@dataclass(frozen=True)
class PeriodClosed:
    period_id: int
    name: str
    # Period marks of the year's classes still missing at closing (students × subjects).
    missing: int


async def close_period(
    session: AsyncSession, actor: Actor, period_id: int, *, now: dt.datetime | None = None
) -> PeriodClosed:
    """The deputy or admin closes a study period: its lessons and period marks are locked."""
    async with UnitOfWork(session, actor, now) as uow:
        period = await policy.load(session, actor, StudyPeriod, period_id)
        policy.ensure_can_close_periods(actor, period.school_id)
        year = await session.get(SchoolYear, period.year_id)
        assert year is not None
        if year.archived_at is not None:
            raise ValidationFailed("journal.year_archived", year=year.name)
        if period.is_closed:
            raise Conflict("yearmarks.period_already_closed", period=period.name)
        period.is_closed = True
        missing = await missing_period_marks(session, period)
        uow.record(
            action="period.close",
            entity="study_period",
            entity_id=period.id,
            before={"is_closed": False},
            after={"is_closed": True, "missing_marks": missing},
        )
        return PeriodClosed(period.id, period.name, missing)


async def reopen_period(
    session: AsyncSession,
    actor: Actor,
    period_id: int,
    *,
    reason: str,
    now: dt.datetime | None = None,
) -> StudyPeriod:
    """A period closed by mistake opens again, with a reason (the deputy or admin)."""
    async with UnitOfWork(session, actor, now) as uow:
        period = await policy.load(session, actor, StudyPeriod, period_id)
        policy.ensure_can_close_periods(actor, period.school_id)
        why = require_reason(reason)
        year = await session.get(SchoolYear, period.year_id)
        assert year is not None
        if year.is_closed:
            raise ValidationFailed("yearmarks.year_closed", year=year.name)
        if not period.is_closed:
            raise Conflict("yearmarks.period_not_closed", period=period.name)
        period.is_closed = False
        uow.record(
            action="period.reopen",
            entity="study_period",
            entity_id=period.id,
            before={"is_closed": True},
            after={"is_closed": False},
            reason=why,
        )
        return period


async def missing_period_marks(session: AsyncSession, period: StudyPeriod) -> int:
    """Students × subjects taught in the year's classes without a period mark of ``period``
    (students enrolled at the period's end)."""
    found = await missing_by_assignment(session, [period])
    return sum(len(students) for students in found.values())


def require_reason(reason: str | None) -> str:
    cleaned = clean_text(reason, MAX_REASON, "reason")
    if not cleaned:
        raise ValidationFailed("journal.reason_required")
    return cleaned


async def unlock_final_marks(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    *,
    period_id: int | None = None,
    hours: int = 48,
    reason: str,
    now: dt.datetime | None = None,
) -> FinalMarkUnlock:
    """The deputy or admin opens a class's locked marks in a subject for ``hours``, with a
    reason: the period marks of a closed period (``period_id``), else the year, exam and final
    marks of the class's year (locked after the teachers' council or the year's closing)."""
    async with UnitOfWork(session, actor, now) as uow:
        cls = await policy.load(session, actor, SchoolClass, class_id)
        policy.ensure_can_close_periods(actor, cls.school_id)
        subject = await policy.load(session, actor, Subject, subject_id)
        year = await session.get(SchoolYear, cls.year_id)
        assert year is not None
        if year.archived_at is not None:
            raise ValidationFailed("journal.year_archived", year=year.name)
        if period_id is not None:
            period = await policy.load(session, actor, StudyPeriod, period_id)
            if period.year_id != cls.year_id:
                raise policy.deny(actor, "unlock_final_marks", class_id=class_id, period=period_id)
        why = require_reason(reason)
        if not 1 <= hours <= MAX_UNLOCK_HOURS:
            raise ValidationFailed("journal.unlock_hours")
        row = FinalMarkUnlock(
            school_id=cls.school_id,
            class_id=cls.id,
            subject_id=subject.id,
            year_id=cls.year_id,
            period_id=period_id,
            unlocked_until=uow.now + dt.timedelta(hours=hours),
            reason=why,
            created_at=uow.now,
            created_by_id=actor.account_id if actor.account_id > 0 else None,
        )
        session.add(row)
        await session.flush()
        uow.record(
            action="final_marks.unlock",
            entity="final_mark_unlock",
            entity_id=row.id,
            after={
                "class_id": cls.id,
                "subject_id": subject.id,
                "period_id": period_id,
                "year_id": cls.year_id,
                "unlocked_until": row.unlocked_until,
            },
            reason=why,
        )
        return row


async def is_unlocked(
    session: AsyncSession,
    class_id: int,
    subject_id: int,
    period_id: int | None,
    now: dt.datetime,
) -> bool:
    """Whether an unlock of the class's marks in the subject is running at ``now``."""
    period_match = (
        FinalMarkUnlock.period_id.is_(None)
        if period_id is None
        else FinalMarkUnlock.period_id == period_id
    )
    return bool(
        await session.scalar(
            select(
                exists().where(
                    FinalMarkUnlock.class_id == class_id,
                    FinalMarkUnlock.subject_id == subject_id,
                    period_match,
                    FinalMarkUnlock.unlocked_until > now,
                )
            )
        )
    )


def council_passed(year: SchoolYear, school: School, now: dt.datetime) -> bool:
    """After the teachers' council's day (school time) the year's results are approved."""
    return year.council_on is not None and school_today(school, now) > year.council_on


async def year_marks_locked(
    session: AsyncSession,
    cls: SchoolClass,
    subject_id: int,
    year: SchoolYear,
    school: School,
    now: dt.datetime,
) -> bool:
    """Year, exam and final marks of the class are locked: after the teachers' council or
    when the year is closed, unless an unlock of the class and subject is running."""
    if not (year.is_closed or council_passed(year, school, now)):
        return False
    return not await is_unlocked(session, cls.id, subject_id, None, now)


async def set_council_date(
    session: AsyncSession,
    actor: Actor,
    year_id: int,
    day: dt.date | None,
    *,
    now: dt.datetime | None = None,
) -> SchoolYear:
    """The deputy or admin records the day of the teachers' council that approves the year's
    results (None: not fixed yet). It falls within the year or up to a month after it."""
    async with UnitOfWork(session, actor, now) as uow:
        year = await policy.load(session, actor, SchoolYear, year_id)
        policy.ensure_can_close_periods(actor, year.school_id)
        if year.archived_at is not None:
            raise ValidationFailed("journal.year_archived", year=year.name)
        if day is not None and not (year.starts_on <= day <= year.ends_on + dt.timedelta(days=31)):
            raise ValidationFailed("yearmarks.council_outside_year", year=year.name)
        if year.council_on == day:
            return year
        before = audit.snapshot(year, "council_on")
        year.council_on = day
        uow.record(
            action="year.council_date",
            entity="school_year",
            entity_id=year.id,
            before=before,
            after=audit.snapshot(year, "council_on"),
        )
        return year


__all__ = [
    "PeriodClosed",
    "close_period",
    "council_passed",
    "is_unlocked",
    "reopen_period",
    "set_council_date",
    "unlock_final_marks",
    "year_marks_locked",
]


@dataclass(frozen=True)
class PeriodState:
    period_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    is_closed: bool
    # Period marks missing (students × subjects), counted on the period's last day.
    missing: int


@dataclass(frozen=True)
class PeriodsOverview:
    year_id: int
    year: str
    council_on: dt.date | None
    periods: tuple[PeriodState, ...]


async def periods_overview(
    session: AsyncSession, actor: Actor, *, now: dt.datetime | None = None
) -> PeriodsOverview:
    """The deputy's view of the current school year's periods: open or closed, and how many
    period marks each still lacks. Six statements whatever the school's size."""
    policy.ensure_can_close_periods(actor, actor.school_id)
    school = await session.get(School, actor.school_id)
    if school is None:
        raise policy.deny(actor, "periods_overview")
    today = school_today(school, now)
    years = (
        await session.scalars(
            select(SchoolYear)
            .where(SchoolYear.school_id == school.id, SchoolYear.archived_at.is_(None))
            .order_by(SchoolYear.starts_on.desc())
        )
    ).all()
    if not years:
        raise ValidationFailed("yearmarks.no_year")
    year = next((y for y in years if y.starts_on <= today <= y.ends_on), years[0])
    periods = list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year.id)
                .order_by(StudyPeriod.starts_on, StudyPeriod.kind, StudyPeriod.number)
            )
        ).all()
    )
    missing = await missing_by_assignment(session, periods)
    counts: dict[int, int] = {}
    for key, students in missing.items():
        counts[key.period_id] = counts.get(key.period_id, 0) + len(students)
    return PeriodsOverview(
        year_id=year.id,
        year=year.name,
        council_on=year.council_on,
        periods=tuple(
            PeriodState(p.id, p.name, p.starts_on, p.ends_on, p.is_closed, counts.get(p.id, 0))
            for p in periods
        ),
    )
