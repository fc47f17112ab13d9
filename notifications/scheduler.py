"""The scheduler: APScheduler 3 (AsyncIOScheduler) ticking once a minute, jobs run by one
process only.

Leadership is a lock: Redis ``SET NX PX`` renewed on every tick (when Redis is configured),
else a PostgreSQL session-level advisory lock held on a dedicated connection, else (SQLite,
one process) an in-process lock. Only the holder runs :func:`notifications.jobs.run_due`. The
lock saves work; correctness does not depend on it — every run is unique by its run key in
the database (``scheduler_runs``), so even two leaders (a lock lost mid-run) run a job once.

The tick job is registered with ``coalesce=True`` (missed ticks collapse into one),
``misfire_grace_time`` and ``max_instances=1``; jobs carry no objects, only ids resolved when
they run.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from notifications import jobs
from notifications.daily import DailyTask, run_daily
from notifications.metrics import observe_job
from services.models import utcnow
from services.redis_link import REDIS_DOWN_ERRORS, RedisGate

log = logging.getLogger(__name__)

LOCK_NAME = "schoolbot:scheduler"


class LeaderLock(Protocol):
    async def acquire(self) -> bool:
        """Take or renew the lock; True while this process holds it."""
        ...

    async def release(self) -> None: ...


class LocalLock:
    """One holder per name in this process (SQLite deployments run one process)."""

    _holders: ClassVar[dict[str, str]] = {}

    def __init__(self, name: str = LOCK_NAME) -> None:
        self.name = name
        self.token = uuid.uuid4().hex

    async def acquire(self) -> bool:
        holder = self._holders.setdefault(self.name, self.token)
        return holder == self.token

    async def release(self) -> None:
        if self._holders.get(self.name) == self.token:
            del self._holders[self.name]


_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLock:
    """``SET key token NX PX ttl``; renewed (only by its holder) with a compare-and-expire."""

    def __init__(self, redis: Any, key: str = LOCK_NAME, ttl_ms: int = 90_000) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = ttl_ms
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def acquire(self) -> bool:
        if await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]):
            return True
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self.token])


def advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresLock:
    """A session-level advisory lock on a connection kept open while leading. If the
    connection breaks, PostgreSQL releases the lock and this process stops leading."""

    def __init__(self, engine: AsyncEngine, name: str = LOCK_NAME) -> None:
        self.engine = engine
        self.key = advisory_key(name)
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("scheduler lock connection lost")
                await self._close()
        conn = await self.engine.connect()
        try:
            got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await self._conn.commit()
            await self._close()


class FallbackLock:
    """The Redis lock while Redis is reachable; the database's (or this process's) lock while
    it is away, so schedules keep running without an error line per tick. Holding the wrong
    one for a moment is harmless: every run is unique by its run key in the database."""

    def __init__(self, primary: LeaderLock, fallback: LeaderLock, gate: RedisGate) -> None:
        self.primary = primary
        self.fallback = fallback
        self.gate = gate
        self._on_fallback = False

    async def acquire(self) -> bool:
        if self.gate.available():
            try:
                leading = await self.primary.acquire()
            except REDIS_DOWN_ERRORS as exc:
                self.gate.failed(exc, "scheduler lock")
            else:
                self.gate.succeeded()
                if self._on_fallback:
                    self._on_fallback = False
                    await self.fallback.release()
                return leading
        self._on_fallback = True
        return await self.fallback.acquire()

    async def release(self) -> None:
        await self.fallback.release()
        with contextlib.suppress(*REDIS_DOWN_ERRORS):
            await self.primary.release()


def _local_lock(engine: AsyncEngine) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return PostgresLock(engine)
    return LocalLock()


def timed_spec(spec: jobs.JobSpec) -> jobs.JobSpec:
    """``spec`` whose every run (one batch of schools) is timed and its failures counted, as
    ``schoolbot_job_duration_seconds{job=<name>}`` and ``schoolbot_job_failures_total``."""
    if getattr(spec.fn, "_observed_job", None) == spec.name:
        return spec
    fn = observe_job(spec.name)(spec.fn)
    fn._observed_job = spec.name  # type: ignore[attr-defined]
    return dataclasses.replace(spec, fn=fn)


def make_lock(
    engine: AsyncEngine, redis: Any | None = None, gate: RedisGate | None = None
) -> LeaderLock:
    if redis is not None:
        if gate is not None:
            return FallbackLock(RedisLock(redis), _local_lock(engine), gate)
        return RedisLock(redis)
    return _local_lock(engine)


class Scheduler:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        lock: LeaderLock,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        tick_seconds: float = 60.0,
        owner: str | None = None,
        job_specs: tuple[jobs.JobSpec, ...] = jobs.JOBS,
        daily_tasks: tuple[DailyTask, ...] = (),
    ) -> None:
        self.session_factory = session_factory
        self.lock = lock
        self.clock = clock
        self.tick_seconds = tick_seconds
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.job_specs = tuple(timed_spec(spec) for spec in job_specs)
        self.daily_tasks = daily_tasks
        self._aps: AsyncIOScheduler | None = None
        self._tick_lock = asyncio.Lock()

    async def tick(self) -> list[tuple[str, int, dt.date]]:
        """One scheduling round: if this process leads, run every due job once."""
        async with self._tick_lock:
            try:
                leading = await self.lock.acquire()
            except Exception:
                log.exception("scheduler lock failed")
                return []
            if not leading:
                return []
            with observe_job("tick"):
                ran = await jobs.run_due(
                    self.session_factory, self.clock(), self.owner, self.job_specs
                )
                if self.daily_tasks:
                    await run_daily(
                        self.session_factory, self.daily_tasks, self.clock(), self.owner
                    )
            return ran

    async def _scheduled_tick(self) -> None:
        """The job APScheduler runs. A tick cut short by the process stopping (its task
        cancelled as the event loop closes) is not a failure: every job is idempotent by its
        run key and the next process's tick runs what is left, so it is logged, not raised
        (APScheduler would log it as a job error)."""
        try:
            await self.tick()
        except asyncio.CancelledError:
            log.info("scheduler tick stopped with the process")

    def start(self) -> None:
        self._aps = AsyncIOScheduler(timezone=dt.UTC)
        self._aps.add_job(
            self._scheduled_tick,
            "interval",
            seconds=self.tick_seconds,
            id="notifications.tick",
            next_run_time=dt.datetime.now(dt.UTC),
            coalesce=True,
            misfire_grace_time=max(30, int(self.tick_seconds * 2)),
            max_instances=1,
            replace_existing=True,
        )
        self._aps.start()

    async def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        async with self._tick_lock:
            await self.lock.release()
