"""School time: "today", working days, holidays and the edit window, in the school's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from services.models import Holiday, School, SchoolYear, StudyPeriod, utcnow


def school_now(school: School, now: dt.datetime | None = None) -> dt.datetime:
    return (now or utcnow()).astimezone(ZoneInfo(school.timezone))


def school_today(school: School, now: dt.datetime | None = None) -> dt.date:
    return school_now(school, now).date()


def is_all_day(local: dt.datetime) -> bool:
    """A dated event (``News.event_at``) kept at the school's local midnight is an all-day one:
    ``local`` is its moment in the school's time. Every reader shows such an event by its day
    alone (no "00:00"); services.messages.broadcasts.event_moment stores it so."""
    return local.time() == dt.time(0)


def local_to_utc(school: School, day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=ZoneInfo(school.timezone)).astimezone(dt.UTC)


@dataclass(frozen=True)
class SchoolCalendar:
    """Holidays and working weekdays of one school, loaded once per use case."""

    working_weekdays: frozenset[int]
    holidays: tuple[tuple[dt.date, dt.date, str, str], ...]  # (from, to, kind, name)

    def holiday_on(self, day: dt.date) -> tuple[str, str] | None:
        for start, end, kind, name in self.holidays:
            if start <= day <= end:
                return kind, name
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return day.isoweekday() in self.working_weekdays and self.holiday_on(day) is None

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself when n == 0)."""
        current = day
        left = n
        while left > 0:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def nearest_working_day(self, day: dt.date, step: int, *, limit: int = 366) -> dt.date:
        """The working day nearest to ``day`` in the direction of ``step`` (-1 back, 1 ahead),
        ``day`` itself excluded; a day's neighbour (``day + step``) when none is within
        ``limit`` days or the search leaves the calendar's range of dates."""
        current = day
        try:
            for _ in range(limit):
                current += dt.timedelta(days=step)
                if self.is_working_day(current):
                    return current
            return day + dt.timedelta(days=step)
        except OverflowError:
            return day

    def working_days(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += dt.timedelta(days=1)


# A school's holidays, read once per session however many views of one update ask (the diary
# and its "◀ ▶" both do). Forgotten on commit, rollback, flush and any write statement run by
# the session, so a session that changes holidays reads them afresh (sessions do not
# autoflush: like a query, the memo does not see objects added but not yet flushed).
_HOLIDAYS = "schoolbot.holidays"
_HOLIDAYS_OF = select(Holiday.starts_on, Holiday.ends_on, Holiday.kind, Holiday.name).where(
    Holiday.school_id == bindparam("school_id")
)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_flush")
def _forget_holidays(session: Session, *_: object) -> None:
    session.info.pop(_HOLIDAYS, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_holidays_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info.pop(_HOLIDAYS, None)


async def load_calendar(session: AsyncSession, school: School) -> SchoolCalendar:
    memo: dict[int, tuple[tuple[dt.date, dt.date, str, str], ...]] = session.info.setdefault(
        _HOLIDAYS, {}
    )
    holidays = memo.get(school.id)
    if holidays is None:
        rows = (await session.execute(_HOLIDAYS_OF, {"school_id": school.id})).all()
        holidays = tuple((r[0], r[1], str(r[2]), r[3]) for r in rows)
        memo[school.id] = holidays
    return SchoolCalendar(
        working_weekdays=frozenset(int(c) for c in school.working_weekdays),
        holidays=holidays,
    )


async def school_days_around(
    session: AsyncSession, school_id: int, day: dt.date
) -> tuple[dt.date, dt.date]:
    """The school days before and after ``day`` (weekends and holidays skipped): where the
    "◀" and "▶" of a day view lead."""
    school = await session.get(School, school_id)
    if school is None:  # pragma: no cover - an actor always has a school
        return day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    calendar = await load_calendar(session, school)
    return calendar.nearest_working_day(day, -1), calendar.nearest_working_day(day, 1)


async def period_on(session: AsyncSession, school_id: int, day: dt.date) -> StudyPeriod | None:
    return await _span_on(session, StudyPeriod, school_id, day)


async def year_on(session: AsyncSession, school_id: int, day: dt.date) -> SchoolYear | None:
    return await _span_on(session, SchoolYear, school_id, day)


_Span = TypeVar("_Span", StudyPeriod, SchoolYear)


async def _span_on(
    session: AsyncSession, model: type[_Span], school_id: int, day: dt.date
) -> _Span | None:
    """The school's period or year whose dates hold ``day``."""
    return await session.scalar(
        select(model)
        .where(model.school_id == school_id, model.starts_on <= day, model.ends_on >= day)
        .limit(1)
    )


def edit_deadline(school: School, calendar: SchoolCalendar, lesson_day: dt.date) -> dt.datetime:
    """End of the window in which a lesson's teacher may edit it (seed 003 §3.2).

    The lesson day plus ``edit_window_days`` working days, to the end of that day, school time.
    """
    last_day = calendar.add_working_days(lesson_day, school.edit_window_days)
    return local_to_utc(school, last_day + dt.timedelta(days=1), dt.time(0, 0))
