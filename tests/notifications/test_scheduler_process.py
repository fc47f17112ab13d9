"""``python -m bot scheduler``: the scheduled jobs in a process of their own."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.__main__ import build_parser
from bot.config import Settings
from notifications import scheduler_process
from services.models import OutboxMessage, SchedulerRun
from tests.factories import build_school

from .conftest import FakeClock
from .test_alerts import msk


def test_the_command_exists() -> None:
    assert build_parser().parse_args(["scheduler"]).command == "scheduler"


async def test_the_scheduler_process_runs_due_jobs_and_stops(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # INFO on: the start and stop lines are really logged (an `extra` key that clashes with a
    # LogRecord field raises only when the record is made).
    caplog.set_level(logging.INFO, logger="notifications")
    await build_school(session)
    settings = Settings(_env_file=None, DATABASE_URL=db_url)
    stop = asyncio.Event()
    running = asyncio.create_task(
        scheduler_process.run(settings, stop=stop, clock=FakeClock(msk(19, 30)))
    )
    jobs: list[str] = []
    for _ in range(200):  # a hang guard, not a timing: the first tick runs at once
        async with session_factory() as s:
            jobs = sorted(await s.scalars(select(SchedulerRun.job)))
        if "fill_reminder" in jobs or running.done():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, timeout=30)
    assert {"fill_reminder", "homework_tomorrow"} <= set(jobs)
    async with session_factory() as s:
        kinds = set(await s.scalars(select(OutboxMessage.kind)))
    assert "reminder.fill" in kinds
    said = [r.getMessage() for r in caplog.records]
    assert "scheduler started" in said and "scheduler stopped" in said


async def test_the_scheduler_process_serves_health_and_ready(
    session: AsyncSession, db_url: str
) -> None:
    from aiohttp import ClientSession

    from bot.__main__ import _scheduler_health
    from tests.unit.test_health import free_port

    unused_tcp_port = free_port()

    await build_school(session)
    settings = Settings(_env_file=None, DATABASE_URL=db_url, HEALTH_PORT=str(unused_tcp_port))
    stop = asyncio.Event()
    running = asyncio.create_task(
        scheduler_process.run(
            settings,
            stop=stop,
            clock=FakeClock(msk(19, 30)),
            on_started=_scheduler_health(settings),
        )
    )
    base = f"http://127.0.0.1:{unused_tcp_port}"
    answers: dict[str, tuple[int, dict[str, object]]] = {}
    try:
        async with ClientSession() as http:
            for _ in range(400):  # a hang guard, not a timing: until the server listens
                try:
                    for path in ("/health", "/ready"):
                        async with http.get(base + path) as response:
                            answers[path] = (response.status, await response.json())
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            async with http.get(base + "/metrics") as response:
                metrics = await response.text()
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
    assert answers["/health"][0] == 200
    assert answers["/health"][1].get("role") == "scheduler"
    assert answers["/ready"][0] == 200, answers["/ready"]
    assert "schoolbot_job_duration_seconds" in metrics
