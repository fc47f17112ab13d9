"""Deployment-wide daily tasks: the nightly backup runs once a day, whoever ticks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from notifications.daily import DailyTask, run_daily
from notifications.runtime import daily_tasks
from services.models import SchedulerRun
from services.tools.backup import list_backups

MSK = "Europe/Moscow"


def at_msk(day: int, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(MSK)).astimezone(dt.UTC)


async def test_a_daily_task_runs_once_per_day(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    calls: list[int] = []

    async def work() -> int:
        calls.append(1)
        return len(calls)

    task = DailyTask("probe", dt.time(2, 30), MSK, work)
    assert await run_daily(session_factory, (task,), at_msk(20, 2, 0), "a") == []  # too early
    assert await run_daily(session_factory, (task,), at_msk(20, 2, 31), "a") == ["probe"]
    assert await run_daily(session_factory, (task,), at_msk(20, 3, 0), "b") == []  # same day
    assert await run_daily(session_factory, (task,), at_msk(21, 2, 40), "b") == ["probe"]
    assert len(calls) == 2

    async def broken() -> None:
        raise OSError("disk full")

    failing = DailyTask("broken", dt.time(2, 30), MSK, broken)
    await run_daily(session_factory, (failing,), at_msk(20, 2, 45), "a")
    run = await session.scalar(select(SchedulerRun).where(SchedulerRun.job == "broken"))
    assert run is not None and run.status == "failed" and "disk full" in str(run.detail)


async def test_nightly_backup_writes_to_every_medium(
    session_factory: async_sessionmaker[AsyncSession], db_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        DATABASE_URL=db_url,
        BACKUP_DIR=str(tmp_path / "main"),
        BACKUP_MIRRORS=str(tmp_path / "usb"),
    )
    plain = daily_tasks(Settings(_env_file=None), session_factory)
    assert [t.name for t in plain] == ["lessons", "outbox_retention"]
    tasks = tuple(t for t in daily_tasks(settings, session_factory) if t.name == "backup")
    assert len(tasks) == 1
    await run_daily(session_factory, tasks, at_msk(20, 2, 35), "a")
    assert len(list_backups(tmp_path / "main")) == 1
    assert len(list_backups(tmp_path / "usb")) == 1
