"""Scheduled jobs: run keys, the leader lock, two schedulers, restarts, job contents."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from notifications import jobs
from notifications.scheduler import LeaderLock, LocalLock, PostgresLock, RedisLock, Scheduler
from notifications.worker import Worker
from services.attendance import roll_call
from services.db import make_engine, make_session_factory
from services.enums import WorkKind
from services.homework import assignments, topics
from services.marks import marking
from services.models import OutboxMessage, SchedulerRun
from services.notifications import prefs
from testkit.botapi import BotAPIServer
from tests.factories import TODAY

from .conftest import FakeClock, World, rows
from .test_alerts import msk


class AlwaysLeader:
    async def acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


async def runs(session: AsyncSession) -> list[tuple[str, str]]:
    factory = async_sessionmaker(session.bind)
    async with factory() as s:
        return sorted((r.job, r.run_key) for r in (await s.scalars(select(SchedulerRun))).all())


@pytest.fixture
async def second_factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A second 'process': its own engine and connections to the same database."""
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    await engine.dispose()


def lock_for(engine: AsyncEngine) -> LeaderLock:
    return PostgresLock(engine) if engine.dialect.name == "postgresql" else LocalLock()


async def test_two_schedulers_run_each_job_once(
    session: AsyncSession,
    world: World,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    second_factory: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(msk(19, 30))
    second_engine = second_factory.kw["bind"]
    a = Scheduler(session_factory, lock_for(engine), clock=clock, owner="a")
    b = Scheduler(second_factory, lock_for(second_engine), clock=clock, owner="b")
    ran_a, ran_b = await asyncio.gather(a.tick(), b.tick())
    assert not (ran_a and ran_b)  # only the leader ran jobs
    # the event reminder runs every evening from 18:30 (no event tomorrow: it queues nothing)
    assert {name for name, *_ in ran_a + ran_b} == {
        "homework_tomorrow",
        "fill_reminder",
        "event_reminder",
    }
    # even two leaders (split brain) run nothing twice: run keys in the database
    c = Scheduler(session_factory, AlwaysLeader(), clock=clock, owner="c")
    d = Scheduler(second_factory, AlwaysLeader(), clock=clock, owner="d")
    assert await asyncio.gather(c.tick(), d.tick()) == [[], []]
    key = f"school:{world.w.school.id}:{TODAY.isoformat()}"
    assert await runs(session) == [
        ("event_reminder", key),
        ("fill_reminder", key),
        ("homework_tomorrow", key),
    ]
    await a.stop()
    await b.stop()


async def test_split_brain_leaders_race_on_run_keys(
    session: AsyncSession,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
    second_factory: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(msk(19, 30))
    c = Scheduler(session_factory, AlwaysLeader(), clock=clock, owner="c")
    d = Scheduler(second_factory, AlwaysLeader(), clock=clock, owner="d")
    ran_c, ran_d = await asyncio.gather(c.tick(), d.tick())
    assert sorted(n for n, *_ in ran_c + ran_d) == [
        "event_reminder",
        "fill_reminder",
        "homework_tomorrow",
    ]
    factory = async_sessionmaker(session.bind)
    async with factory() as s:
        reminders = await s.scalar(
            select(func.count()).where(OutboxMessage.kind == "reminder.fill")
        )
    # teacher, colleague, class teacher, first-grade teacher: one reminder each, once
    assert reminders == 4


async def test_restart_neither_skips_nor_repeats(
    session: AsyncSession, world: World, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    clock = FakeClock(msk(18, 30))
    first = Scheduler(session_factory, LocalLock("t-restart"), clock=clock)
    assert sorted(n for n, *_ in await first.tick()) == ["event_reminder", "homework_tomorrow"]
    await first.stop()
    # the process was down from 18:31 to 19:40: the 19:00 reminder still goes, late
    clock.set(msk(19, 40))
    second = Scheduler(session_factory, LocalLock("t-restart"), clock=clock)
    assert [n for n, *_ in await second.tick()] == ["fill_reminder"]
    assert await second.tick() == []
    clock.set(msk(20, 1))
    assert [n for n, *_ in await second.tick()] == ["unfilled_report"]
    clock.set(msk(21, 30))
    assert await second.tick() == []
    await second.stop()
    assert len(await runs(session)) == 4


async def test_redis_lock_single_holder(redis_client: object) -> None:
    key = f"{redis_client.test_prefix}:lock"  # type: ignore[attr-defined]
    a = RedisLock(redis_client, key, ttl_ms=500)
    b = RedisLock(redis_client, key, ttl_ms=500)
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.acquire()  # renewal
    await a.release()
    assert await b.acquire()
    await asyncio.sleep(0.6)  # the holder died: the lock expires
    assert await a.acquire()
    assert not await b.acquire()
    await a.release()


async def test_postgres_lock_single_holder(engine: AsyncEngine, db_url: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL advisory lock")
    other = make_engine(db_url)
    try:
        a, b = PostgresLock(engine, "t-lock"), PostgresLock(other, "t-lock")
        assert await a.acquire()
        assert not await b.acquire()
        assert await a.acquire()
        await a.release()
        assert await b.acquire()
        await b.release()
    finally:
        await other.dispose()


async def test_apscheduler_tick_is_configured_and_runs(
    session: AsyncSession, world: World, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    clock = FakeClock(msk(19, 5))
    sched = Scheduler(session_factory, LocalLock("t-aps"), clock=clock, tick_seconds=0.2)
    sched.start()
    assert sched._aps is not None
    job = sched._aps.get_job("notifications.tick")
    assert job.coalesce is True and job.misfire_grace_time >= 30 and job.max_instances == 1
    for _ in range(50):
        if len(await runs(session)) == 3:
            break
        await asyncio.sleep(0.05)
    await sched.stop()
    assert [j for j, _ in await runs(session)] == [
        "event_reminder",
        "fill_reminder",
        "homework_tomorrow",
    ]


async def test_fill_reminder_and_unfilled_report_are_delivered(
    session: AsyncSession,
    world: World,
    worker: Worker,
    clock: FakeClock,
    server: BotAPIServer,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    w = world.w
    teacher = w.actors["teacher"]
    await topics.set_topic(session, teacher, w.lesson_today.id, topic="Дроби", now=clock())
    await assignments.set_homework(session, teacher, w.lesson_today.id, "№ 1-5", now=clock())
    await roll_call.save_attendance(session, teacher, w.lesson_today.id, {}, now=clock())
    clock.set(msk(19, 0))
    await jobs.run_due(session_factory, clock(), "t")
    await worker.run_once()
    [msg] = server.sent_to(world.chats["teacher"])
    # the filled lesson is not listed; the other class and the substituted lesson are
    assert "8Б" in msg.content and "Русский язык" in msg.content
    assert "2-й урок, 7А" not in msg.content
    assert "посещаемости" in msg.content and "до 20:00" in msg.content
    clock.set(msk(20, 0))
    await jobs.run_due(session_factory, clock(), "t")
    await worker.run_once()
    [report] = server.sent_to(world.chats["deputy"])
    assert "Коллегина" not in report.content or "Ольга" in report.content
    assert "Иван Учителев" in report.content and "1А" in report.content


async def test_homework_tomorrow_weekly_and_monthly(
    session: AsyncSession,
    world: World,
    worker: Worker,
    clock: FakeClock,
    server: BotAPIServer,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    w = world.w
    teacher = w.actors["teacher"]
    await prefs.update_prefs(session, w.actors["parent"], homework_tomorrow=True)
    await assignments.set_homework(session, teacher, w.lesson_today.id, "Стр. 42 <№3>", now=clock())
    await marking.put_mark(
        session, teacher, w.lesson_today.id, w.students[0].id, 5, WorkKind.ANSWER, now=clock()
    )
    clock.set(msk(18, 0))
    await jobs.run_due(session_factory, clock(), "t")
    await worker.run_once()
    hw = [m for m in server.sent_to(world.chats["parent"]) if "Домашнее задание" in m.content]
    assert len(hw) == 1 and "Математика: Стр. 42 <№3>" in hw[0].content
    assert "19.11.2026" in hw[0].content
    # Sunday evening: the week's summary
    sunday = TODAY + dt.timedelta(days=4)
    clock.set(msk(18, 5, sunday))
    await jobs.run_due(session_factory, clock(), "t")
    await worker.run_once()
    [week] = [m for m in server.sent_to(world.chats["parent"]) if "Итоги недели" in m.content]
    assert "Пётр Иванов" in week.content and "Математика: 5" in week.content
    assert "16.11.2026 — 22.11.2026" in week.content
    # the 1st of the month: the admin's activity report
    clock.set(msk(9, 30, dt.date(2026, 12, 1)))
    ran = await jobs.run_due(session_factory, clock(), "t")
    assert ("monthly_activity", w.school.id, dt.date(2026, 12, 1)) in ran
    await worker.run_once()
    [report] = server.sent_to(world.chats["admin"])
    assert "11.2026" in report.content and "отметок 1" in report.content
    assert all(r.status.value in ("sent", "cancelled") for r in await rows(session))


async def test_a_tick_cut_short_by_the_process_stopping_is_not_a_job_error(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    entered = asyncio.Event()

    class SlowLock(LocalLock):
        async def acquire(self) -> bool:
            entered.set()
            await asyncio.Event().wait()  # the tick never gets further
            return True

    scheduler = Scheduler(session_factory, SlowLock(), job_specs=())
    task = asyncio.ensure_future(scheduler._scheduled_tick())
    await entered.wait()
    task.cancel()
    await asyncio.wait([task])
    assert not task.cancelled() and task.exception() is None  # ended quietly
