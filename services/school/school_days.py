"""School days for a screen: the next and previous school day, weeks, the year's periods and the
current one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import SchoolCalendar, load_calendar, period_on, school_today
from services.models import (
    School,
    SchoolYear,
    StudyPeriod,
)
from services.people.family import school_of
from services.people.identity import Actor

# How far ahead "the next school day" is looked for (a long holiday).
NEXT_DAY_HORIZON = 60


def next_school_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    """The first working day after ``day`` (weekends and holidays skipped)."""
    current = day
    for _ in range(NEXT_DAY_HORIZON):
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            return current
    return day + dt.timedelta(days=1)


def previous_school_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    current = day
    for _ in range(NEXT_DAY_HORIZON):
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            return current
    return day - dt.timedelta(days=1)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week of ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


async def school_calendar(session: AsyncSession, actor: Actor) -> SchoolCalendar:
    return await load_calendar(session, await school_of(session, actor))


async def next_school_day_for(
    session: AsyncSession, actor: Actor, now: dt.datetime | None = None
) -> dt.date:
    """ "Tomorrow" for homework: the next school day after today (school time)."""
    school = await school_of(session, actor)
    calendar = await load_calendar(session, school)
    return next_school_day(calendar, school_today(school, now))


async def year_periods(session: AsyncSession, school_id: int, day: dt.date) -> list[StudyPeriod]:
    """The periods of the school's latest year begun by ``day``, in one statement."""
    year = (
        select(SchoolYear.id)
        .where(SchoolYear.school_id == school_id, SchoolYear.starts_on <= day)
        .order_by(SchoolYear.starts_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year)
                .order_by(StudyPeriod.starts_on, StudyPeriod.id)
            )
        ).all()
    )


async def current_period(
    session: AsyncSession,
    school: School,
    day: dt.date,
    periods: list[StudyPeriod] | None = None,
) -> StudyPeriod | None:
    """The period of ``day``; in the holidays the one just ended (else the next to come).
    ``periods``: :func:`year_periods` of ``day``, when the caller has them."""
    period = await period_on(session, school.id, day)
    if period is not None:
        return period
    if periods is None:
        periods = await year_periods(session, school.id, day)
    ended = [p for p in periods if p.ends_on < day]
    if ended:
        return ended[-1]
    return periods[0] if periods else None
