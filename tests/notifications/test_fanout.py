"""Fan-out rows: the weekly summary and tomorrow's homework are queued as one row per school
that the worker expands into the families' rows as it sends them. Every family gets exactly the
message the per-family rows gave, once, whatever crashes, leases and retries happen."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.common.transport import TelegramTransport
from notifications import jobs
from notifications.pacing import MemoryPacer
from notifications.worker import Worker, WorkerConfig, WorkerStats
from services.enums import OutboxStatus, WorkKind
from services.homework import assignments
from services.marks import marking
from services.models import Account, OutboxMessage, SchedulerRun
from services.notifications import prefs
from testkit.botapi import BotAPIServer
from tests.factories import TODAY

from .conftest import FakeClock, World, bind, fast_pacing, rows
from .test_alerts import msk

SUNDAY = TODAY + dt.timedelta(days=4)
DUE = {"homework_tomorrow": msk(18, 0), "weekly_summary": msk(18, 5, SUNDAY)}
DIRECT = {"homework_tomorrow": jobs.homework_tomorrow, "weekly_summary": jobs.weekly_summary}


def make_worker(
    session_factory: async_sessionmaker[AsyncSession],
    bot: Bot,
    clock: FakeClock,
    name: str = "w1",
    **config: Any,
) -> Worker:
    return Worker(
        session_factory,
        TelegramTransport(bot, request_timeout=5),
        pacer=MemoryPacer(fast_pacing()),
        clock=clock,
        config=WorkerConfig(backoff_base=1.0, **config),
        worker_id=name,
    )


async def drain(worker: Worker) -> None:
    for _ in range(100):
        if not (await worker.run_once()).claimed:
            return
    raise AssertionError("the outbox did not drain")


async def seed(session: AsyncSession, world: World, server: BotAPIServer) -> list[int]:
    """Families with several children, a trusted person, a student, an English speaker, a
    parent who turned the summary off; homework, marks, an absence. Returns the chats."""
    w = world.w
    teacher = w.actors["teacher"]
    now = msk(10, 0)
    student_chat = await bind(session, server, w.students[0])
    account = await session.scalar(select(Account).where(Account.person_id == w.parent2.id))
    assert account is not None
    account.language = "en"
    await session.commit()
    for name in ("parent", "parent2", "trusted", "student"):
        await prefs.update_prefs(session, w.actors[name], homework_tomorrow=True)
    await assignments.set_homework(session, teacher, w.lesson_today.id, "Стр. 42 <№3>", now=now)
    await assignments.set_homework(session, teacher, w.lesson_other_class.id, "§ 7 & 8", now=now)
    for student, value in ((w.students[0], 5), (w.students[1], 3), (w.other_student, 4)):
        lesson = w.lesson_other_class if student == w.other_student else w.lesson_today
        await marking.put_mark(
            session, teacher, lesson.id, student.id, value, WorkKind.ANSWER, now=now
        )
    # the mark alerts those queued are not what this test compares
    await session.execute(delete(OutboxMessage))
    await session.commit()
    return [*world.chats.values(), student_chat]


def texts(server: BotAPIServer, chats: list[int], skip: dict[int, int]) -> dict[int, list[Any]]:
    return {
        chat: [
            (m.raw_text or m.text, m.parse_mode, m.reply_markup)
            for m in server.sent_to(chat)[skip.get(chat, 0) :]
        ]
        for chat in chats
    }


async def family_rows(session: AsyncSession) -> list[tuple[Any, ...]]:
    return sorted(
        (r.recipient_person_id, r.kind, r.dedup_key, repr(r.payload), r.status.value)
        for r in await rows(session)
        if r.kind != jobs.FANOUT
    )


@pytest.mark.parametrize("job", sorted(DUE))
async def test_each_family_gets_the_message_the_per_family_rows_gave(
    session: AsyncSession,
    world: World,
    server: BotAPIServer,
    bot: Bot,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
    job: str,
) -> None:
    chats = await seed(session, world, server)
    spec = next(s for s in jobs.JOBS if s.name == job)
    clock.set(DUE[job])
    # the old path: a row per family, queued by the job
    old = replace(spec, fn=DIRECT[job])
    assert await jobs.run_due(session_factory, clock(), "t", (old,))
    await drain(make_worker(session_factory, bot, clock))
    before_rows = await family_rows(session)
    before = texts(server, chats, {})
    assert sum(len(v) for v in before.values()) >= 3
    # the new path from scratch: a fan-out row, expanded one family a step
    await session.execute(delete(OutboxMessage))
    await session.execute(delete(SchedulerRun))
    await session.commit()
    skip = {chat: len(server.sent_to(chat)) for chat in chats}
    assert await jobs.run_due(session_factory, clock(), "t", (spec,))
    [fanout] = await rows(session)
    assert fanout.kind == jobs.FANOUT and fanout.recipient_person_id is None
    await drain(make_worker(session_factory, bot, clock, fanout_chunk=1))
    assert await family_rows(session) == before_rows
    assert texts(server, chats, skip) == before
    [fanout] = [r for r in await rows(session) if r.kind == jobs.FANOUT]
    assert fanout.status == OutboxStatus.SENT and not fanout.outcome_unknown
    assert fanout.payload["queued"] == len(before_rows) and fanout.payload["after"] is None


@pytest.fixture
async def weekly(
    session: AsyncSession,
    world: World,
    server: BotAPIServer,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
) -> list[int]:
    """The seeded families, and the weekly summary job run at its due time (one fan-out row
    queued, nothing expanded yet). Returns the chats."""
    chats = await seed(session, world, server)
    clock.set(DUE["weekly_summary"])
    spec = next(s for s in jobs.JOBS if s.name == "weekly_summary")
    await jobs.run_due(session_factory, clock(), "t", (spec,))
    return chats


async def test_a_step_done_again_or_by_another_worker_sends_nothing_twice(
    weekly: list[int],
    server: BotAPIServer,
    bot: Bot,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    chats = weekly
    slow = make_worker(session_factory, bot, clock, "slow", fanout_chunk=1)
    async with session_factory() as s, s.begin():
        claimed = await slow.claim_fanout(s)
    assert claimed is not None
    # its lease runs out (the worker hangs or died); another worker takes the row over
    clock.advance(seconds=61)
    other = make_worker(session_factory, bot, clock, "other", fanout_chunk=1)
    await drain(other)
    sent = texts(server, chats, {})
    assert sum(len(v) for v in sent.values()) == 3  # parent, parent2, trusted
    assert all(len(v) <= 1 for v in sent.values())
    # the first worker wakes up: its step finds the lease gone and adds nothing
    async with session_factory() as s:
        st = WorkerStats()
        await slow._expand_all(s, [claimed], st)
    assert st.lost_lease == 1 and st.expanded == 0
    # a step replayed from an older cursor (a crash after the commit, a restored row) only
    # meets the families' dedup keys
    async with session_factory() as s, s.begin():
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == jobs.FANOUT)
            .values(status=OutboxStatus.PENDING, payload={**claimed.payload, "after": None})
        )
    await drain(other)
    assert texts(server, chats, {}) == sent
    async with session_factory() as s:
        n = await s.scalar(select(func.count()).where(OutboxMessage.kind == "summary.weekly"))
    assert n == 3


async def test_settings_at_expansion_time_and_a_failing_step(
    weekly: list[int],
    session: AsyncSession,
    world: World,
    server: BotAPIServer,
    bot: Bot,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chats = weekly
    w = world.w
    # turned off after the job ran, before the worker expanded it: not sent
    await prefs.update_prefs(session, w.actors["parent2"], weekly_summary=False)
    worker = make_worker(session_factory, bot, clock)

    async def broken(*_: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "expand", broken)
    stats = await worker.run_once()
    assert stats.retried == 1 and stats.expanded == 0
    [fanout] = await rows(session)
    assert fanout.status == OutboxStatus.PENDING and "database went away" in (
        fanout.last_error or ""
    )
    assert fanout.not_before > clock()
    monkeypatch.undo()
    clock.advance(seconds=5)
    await drain(worker)
    got = texts(server, chats, {})
    assert not got[world.chats["parent2"]]
    assert len(got[world.chats["parent"]]) == 1 and len(got[world.chats["trusted"]]) == 1


async def test_a_fanout_waits_while_many_rows_are_due(
    weekly: list[int],
    session: AsyncSession,
    server: BotAPIServer,
    bot: Bot,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    chats = weekly
    worker = make_worker(session_factory, bot, clock, fanout_chunk=2, fanout_backlog=2)
    async with session_factory() as s:
        async with s.begin():
            claimed = await worker.claim_fanout(s)
            assert claimed is not None
            assert await worker._expand(s, claimed, clock()) == 2  # the first step
        # two families' rows are due: with a backlog of 2 the fan-out is not claimed
        async with s.begin():
            assert await worker.claim_fanout(s) is None
    [fanout] = [r for r in await rows(session) if r.kind == jobs.FANOUT]
    assert fanout.status == OutboxStatus.PENDING and fanout.attempts == 0
    assert fanout.payload["queued"] == 2 and fanout.payload["after"] is not None
    # the next cycle sends those two (the ordinary claim never takes the fan-out row), the
    # one after expands the rest
    stats = await worker.run_once()
    assert stats.messages == 2 and stats.expanded == 0
    stats = await worker.run_once()
    assert stats.expanded == 1 and stats.messages == 1
    assert sum(len(server.sent_to(c)) for c in chats) == 3
