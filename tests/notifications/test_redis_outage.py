"""Delivery while Redis is away: pacing falls back to the process's own limiter (one log line
each way), and a send that never reached the messenger is retried, not counted "unknown"."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.pacing import FallbackPacer, MemoryPacer, PacingConfig, RedisPacer
from notifications.scheduler import FallbackLock, LocalLock, RedisLock
from notifications.worker import Worker, WorkerConfig, outbox_counts
from services.enums import OutboxStatus
from services.redis_link import RedisGate, create_redis
from testkit.botapi import BotAPIServer
from tests.factories import NOW

from .conftest import FakeClock, World, fast_pacing, queue_mark_alert, rows

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _queue(session: AsyncSession, world: World, count: int) -> None:
    for i in range(count):
        await queue_mark_alert(session, world, f"outage-{i}", urgent=True, not_before=NOW)
    await session.commit()


def _lines(caplog: pytest.LogCaptureFixture, start: str) -> int:
    return sum(r.getMessage().startswith(start) for r in caplog.records)


async def test_pacing_falls_back_to_the_process_limiter_and_back(
    redis_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    now = Clock()
    memory_now = [0.0]
    gate = RedisGate(clock=now, probe_seconds=5)
    dead = create_redis(CLOSED)
    cfg = PacingConfig(global_per_second=10, global_burst=1, private_per_second=1)
    local = MemoryPacer(cfg, clock=lambda: memory_now[0])
    pacer = FallbackPacer(RedisPacer(dead, cfg), local, gate)
    try:
        # Redis away: the process's own buckets pace (the second send to one chat waits 1 s).
        assert await pacer.try_acquire("1") == 0
        memory_now[0] += 0.1
        assert 0.8 < await pacer.try_acquire("1") <= 0.9
        for i in range(50):
            memory_now[0] += 0.1
            assert await pacer.try_acquire(f"c{i}") == 0
        await pacer.block("2", 3)
        assert 2.9 < await pacer.try_acquire("2") <= 3.0
        assert not gate.up
        assert _lines(caplog, "redis unreachable") == 1
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        # Redis back: after the probe time the shared buckets are used again.
        pacer.primary = RedisPacer(redis_client, cfg, prefix=f"{redis_client.test_prefix}:pace")
        now.now += 5
        assert await pacer.try_acquire("1") == 0
        assert gate.up
        assert await pacer.try_acquire("1") > 0.9  # counted in Redis
        assert _lines(caplog, "redis is back") == 1
    finally:
        await dead.aclose()


async def test_scheduler_lock_falls_back_while_redis_is_away(redis_client: Any) -> None:
    now = Clock()
    gate = RedisGate(clock=now, probe_seconds=5)
    dead = create_redis(CLOSED)
    key = f"{redis_client.test_prefix}:sched"
    lock = FallbackLock(RedisLock(dead, key), LocalLock(key), gate)
    try:
        assert await lock.acquire()  # the process's lock while Redis is away
        assert not gate.up
        lock.primary = RedisLock(redis_client, key)
        now.now += 5
        assert await lock.acquire()  # Redis again; the fallback is released
        assert gate.up
        assert await redis_client.get(key) is not None
        assert await LocalLock(key).acquire()  # the process lock was released
        await lock.release()
        assert await redis_client.get(key) is None
    finally:
        await dead.aclose()


class FailingPacer:
    """A pacer whose store is unreachable (what RedisPacer did with Redis stopped)."""

    def __init__(self) -> None:
        self.calls = 0

    async def try_acquire(self, chat_id: str) -> float:
        self.calls += 1
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    async def block(self, chat_id: str, seconds: float) -> None:
        raise RedisConnectionError("refused")


async def test_failure_before_the_request_is_retried_not_unknown(
    session: AsyncSession,
    world: World,
    worker: Worker,
    clock: FakeClock,
    server: BotAPIServer,
) -> None:
    """Before: the pacing error escaped the delivery, the rows stayed ``sending`` until their
    lease ran out and were then taken over as ``outcome_unknown`` (1,396 of 2,000)."""
    await _queue(session, world, 3)
    failing = FailingPacer()
    w = Worker(
        worker.session_factory,
        worker.transport,
        pacer=failing,
        clock=clock,
        config=WorkerConfig(backoff_base=1.0),
        worker_id="w-out",
    )
    stats = await w.run_once()
    assert failing.calls >= 1 and stats.sent == 0 and stats.outcome_unknown == 0
    assert server.sent_to(world.chats["parent"]) == []
    for row in await rows(session):
        assert row.status == OutboxStatus.PENDING
        assert not row.outcome_unknown and row.attempts == 0 and row.locked_by is None
    # The pacer works again (Redis back, or the fallback): delivered once, nothing unknown.
    w.pacer = MemoryPacer(fast_pacing())
    clock.advance(seconds=w.config.lease_seconds + 1)
    assert (await w.run_once()).sent == 3
    clock.advance(hours=1)
    assert (await w.run_once()).claimed == 0
    assert len(server.sent_to(world.chats["parent"])) == 1  # merged into one message
    counts = await outbox_counts(session)
    assert counts["outcome_unknown"] == 0 and counts[OutboxStatus.SENT.value] == 3


async def test_refused_connection_to_the_bot_api_is_not_unknown(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock
) -> None:
    """The Bot API cannot be reached at all (connection refused): nothing left this process,
    so the rows are retried as plain transient failures."""
    from handlers.common.transport import TelegramTransport
    from tests.notifications.conftest import close_bot, make_bot

    await _queue(session, world, 1)

    class Nowhere:
        base_url = "http://127.0.0.1:1"

    bot = make_bot(Nowhere())  # type: ignore[arg-type]
    try:
        w = Worker(
            worker.session_factory,
            TelegramTransport(bot, request_timeout=5),
            pacer=MemoryPacer(fast_pacing()),
            clock=clock,
            worker_id="w-nowhere",
        )
        stats = await w.run_once()
    finally:
        await close_bot(bot)
    assert stats.retried == 1 and stats.outcome_unknown == 0
    [row] = await rows(session)
    assert row.status == OutboxStatus.PENDING and not row.outcome_unknown
