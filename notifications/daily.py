"""Deployment-wide daily tasks (the nightly backup) on the same scheduler and lock as the
schools' jobs: once a day at a local time, claimed by a run key so that two processes or a
restart never run it twice. The claim commits before the task runs (its work is outside the
database); a task that fails is recorded as failed and tried again the next day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.metrics import observe_job
from services.models import SchedulerRun, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyTask:
    name: str
    at: dt.time
    timezone: str
    run: Callable[[], Awaitable[Any]]
    # A process that was down at the time still runs the task this long afterwards.
    window: dt.timedelta = dt.timedelta(hours=6)


async def _claim(
    session_factory: async_sessionmaker[AsyncSession], task: DailyTask, day: dt.date, owner: str
) -> int | None:
    async with session_factory() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        run_id: int | None = await session.scalar(
            insert(SchedulerRun)
            .values(
                job=task.name,
                run_key=f"daily:{day.isoformat()}",
                owner=owner,
                started_at=utcnow(),
                status="running",
            )
            .on_conflict_do_nothing()
            .returning(SchedulerRun.id)
        )
    return run_id


async def run_daily(
    session_factory: async_sessionmaker[AsyncSession],
    tasks: tuple[DailyTask, ...],
    now: dt.datetime,
    owner: str,
) -> list[str]:
    ran: list[str] = []
    for task in tasks:
        local = now.astimezone(ZoneInfo(task.timezone))
        due = dt.datetime.combine(local.date(), task.at, tzinfo=local.tzinfo)
        if not due <= local < due + task.window:
            continue
        run_id = await _claim(session_factory, task, local.date(), owner)
        if run_id is None:
            continue
        status, detail = "done", {}
        try:
            with observe_job(task.name):
                result = await task.run()
            detail = {"result": str(result)[:500]}
        except Exception as exc:
            log.exception("daily task failed", extra={"task": task.name})
            status, detail = "failed", {"error": repr(exc)[:500]}
        async with session_factory() as session, session.begin():
            await session.execute(
                update(SchedulerRun)
                .where(SchedulerRun.id == run_id)
                .values(status=status, finished_at=utcnow(), detail=detail)
            )
        log.info("daily task ran", extra={"task": task.name, "status": status})
        ran.append(task.name)
    return ran
