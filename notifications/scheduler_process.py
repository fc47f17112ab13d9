"""The scheduler in a process of its own: ``python -m bot scheduler``.

Runs the schools' scheduled jobs and the daily tasks (:class:`notifications.scheduler.Scheduler`
with the same leader lock) and nothing else: the CPU of a region's jobs (a million families'
weekly summaries) stays out of the process that answers users. Run the bot beside it with
``NOTIFY_SCHEDULER=false``. Without this process the bot runs the scheduler itself, as before
(the jobs commit in batches of schools and yield to its event loop between them). Two schedulers
at once (this one and a bot that still has its own) are harmless: one leads, and every run is
unique by its run key.

Queues alerts only: delivery stays with the bot's worker (``NOTIFY_WORKER``) or
``python -m bot worker``. Needs a migrated database (``python -m bot migrate``): on PostgreSQL it
refuses to start while the schema is behind. Stops on SIGINT or SIGTERM, finishing
the batch in progress.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from notifications.runtime import daily_tasks, redis_client, redis_gate, settings_redis_url
from notifications.scheduler import Scheduler, make_lock
from services.db import make_engine, make_session_factory
from services.models import utcnow
from services.tools.migrate import prepare_schema

log = logging.getLogger(__name__)


async def run(
    settings: Any,
    *,
    stop: asyncio.Event | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    tick_seconds: float | None = None,
    on_started: Callable[..., Awaitable[Any]] | None = None,
) -> None:
    """Tick every ``tick_seconds`` (the settings' SCHEDULER_TICK_SECONDS, 60 by default) until
    ``stop`` is set (or SIGINT / SIGTERM), then release the lock and close. ``on_started(engine=,
    redis=, gate=)`` runs once the scheduler is started (the command line starts the health
    server there: notifications/ knows no aiohttp front end); what it returns is closed
    (``await result.close()``) at the stop."""
    if tick_seconds is None:
        tick_seconds = float(getattr(settings, "scheduler_tick_seconds", None) or 60.0)
    engine = make_engine(settings.database_url)
    try:
        # PostgreSQL: only checked (``python -m bot migrate`` changes it); SQLite: upgraded.
        await prepare_schema(engine)
    except BaseException:
        await engine.dispose()
        raise
    session_factory = make_session_factory(engine)
    redis = None
    gate = None
    url = settings_redis_url(settings)
    if url is not None:
        redis = redis_client(settings, url)
        gate = redis_gate(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
            continue
        installed.append(sig)
    scheduler = Scheduler(
        session_factory,
        make_lock(engine, redis, gate),
        clock=clock,
        tick_seconds=tick_seconds,
        daily_tasks=daily_tasks(settings, session_factory),
    )
    extra = None
    try:
        scheduler.start()
        if on_started is not None:
            extra = await on_started(engine=engine, redis=redis, gate=gate)
        log.info("scheduler started", extra={"role": "scheduler"})
        await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if extra is not None:
            await extra.close()
        await scheduler.stop()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()
        log.info("scheduler stopped", extra={"role": "scheduler"})
