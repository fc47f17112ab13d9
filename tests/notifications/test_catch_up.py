"""Schedules catch up after a restart, but never on slots from before the school existed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs
from services.models import SchedulerRun, School
from tests.factories import TODAY, build_school
from tests.notifications.test_alerts import msk


async def runs(session: AsyncSession, job: str) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(SchedulerRun).where(SchedulerRun.job == job)
        )
        or 0
    )


async def test_no_catch_up_from_before_the_school_existed(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    world = await build_school(session)
    sunday = TODAY + dt.timedelta(days=4)
    monday_morning = msk(9, 0, sunday + dt.timedelta(days=1))
    # Set up on Monday morning, after Sunday's 18:00 summary slot: nothing to catch up.
    school = await session.get(School, world.school.id)
    assert school is not None
    school.created_at = monday_morning - dt.timedelta(hours=1)
    await session.commit()
    await jobs.run_due(session_factory, monday_morning, "t")
    assert await runs(session, "weekly_summary") == 0
    # A school that existed on Sunday gets the summary late, once.
    school.created_at = msk(9, 0, sunday - dt.timedelta(days=3))
    await session.commit()
    await jobs.run_due(session_factory, monday_morning, "t")
    await jobs.run_due(session_factory, monday_morning + dt.timedelta(minutes=1), "t")
    assert await runs(session, "weekly_summary") == 1
