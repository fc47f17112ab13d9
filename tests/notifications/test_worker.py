"""The delivery worker against the local Bot API server: grace window, errors, leases."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.common.transport import TelegramTransport
from notifications.pacing import MemoryPacer
from notifications.worker import Worker, WorkerConfig, dead_letters, outbox_counts
from services.attendance import roll_call
from services.enums import AttendanceCode, OutboxStatus, WorkKind
from services.marks import marking
from services.models import MessengerBinding, utcnow
from services.notifications import outbox, prefs
from testkit.botapi import BotAPIServer
from tests.factories import NOW, absent_today

from .conftest import FakeClock, World, align, fast_pacing, rows


async def test_absence_alert_arrives_after_grace_window(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    student = w.students[0]
    await absent_today(session, w, student.id, now=clock())
    stats = await worker.run_once()
    assert stats.claimed == 0
    assert server.sent_to(world.chats["parent"]) == []

    clock.advance(minutes=10, seconds=1)
    stats = await worker.run_once()
    assert stats.sent == 1
    [msg] = server.sent_to(world.chats["parent"])
    assert "Пётр Иванов" in msg.content and "Математика" in msg.content
    data = [b["callback_data"] for b in msg.buttons]
    assert len(data) == 3 and all(d.startswith("abs:") for d in data)
    assert {d.rsplit(":", 1)[1] for d in data} == {"ill", "excused", "unknown"}
    assert all(len(d.encode()) <= 64 for d in data)
    # the trusted person may see marks only: no absence alert
    assert server.sent_to(world.chats["trusted"]) == []
    [row] = await rows(session)
    assert row.status == OutboxStatus.SENT and row.message_ref == str(msg.message_id)
    assert row.sent_at is not None and not row.outcome_unknown
    # never twice
    clock.advance(hours=1)
    assert (await worker.run_once()).claimed == 0
    assert len(server.sent_to(world.chats["parent"])) == 1


async def test_corrected_inside_window_sends_nothing(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    teacher = w.actors["teacher"]
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=5)
    await roll_call.save_attendance(session, teacher, w.lesson_today.id, {}, now=clock())
    clock.advance(minutes=30)
    await worker.run_once()
    assert server.sent_to(world.chats["parent"]) == []
    assert [r.status for r in await rows(session)] == [OutboxStatus.CANCELLED]


async def test_absent_again_after_correction_alerts_once(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    teacher = w.actors["teacher"]
    for codes in ({sid: AttendanceCode.ABSENT}, {}, {sid: AttendanceCode.ABSENT}):
        await roll_call.save_attendance(session, teacher, w.lesson_today.id, codes, now=clock())
        clock.advance(minutes=2)
    await worker.run_once()
    assert server.sent_to(world.chats["parent"]) == []  # grace restarted at the last save
    clock.advance(minutes=10)
    await worker.run_once()
    await worker.run_once()
    assert len(server.sent_to(world.chats["parent"])) == 1


async def test_reason_set_before_grace_cancels_alert(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    """The class teacher turned Н into Б inside the window: the alert is no longer news."""
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    await roll_call.save_attendance(
        session,
        w.actors["class_teacher"],
        w.lesson_today.id,
        {sid: AttendanceCode.ILL},
        now=clock(),
    )
    clock.advance(minutes=11)
    await worker.run_once()
    assert server.sent_to(world.chats["parent"]) == []
    assert [r.last_error for r in await rows(session)] == ["attendance corrected"]


async def _queue(session: AsyncSession, world: World, key: str = "t1", **kw: object) -> None:
    await outbox.enqueue(
        session,
        school_id=world.w.school.id,
        recipient_person_id=world.w.parent.id,
        kind="mark.new",
        dedup_key=key,
        payload={
            "student_id": world.w.students[0].id,
            "subject": "Математика",
            "value": 5,
            "work_kind": "test",
            "date": "2026-11-18",
            "lesson_number": 2,
        },
        not_before=kw.pop("not_before", NOW),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    await session.commit()


async def test_retry_after_is_obeyed_exactly(
    session: AsyncSession,
    world: World,
    bot: Bot,
    server: BotAPIServer,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(session, world, urgent=True)
    chat = world.chats["parent"]
    server.faults.inject(method="sendMessage", chat_id=chat, kind="429", retry_after=1)
    real = Worker(
        session_factory,
        TelegramTransport(bot),
        pacer=MemoryPacer(fast_pacing()),
        config=WorkerConfig(idle_seconds=0.05),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(real.run_forever(stop))
    # A guard, not a measure: a loaded machine may take long; only the gap below is asserted.
    await server.wait_for(chat, lambda m: "отметка" in m.content, timeout=60, since=0)
    stop.set()
    await task
    sends = [r for r in server.requests if r.method.lower() == "sendmessage"]
    assert [r.status for r in sends] == [429, 200]
    assert sends[1].time - sends[0].time >= 1.0
    assert real.stats.rate_limited == 1
    [row] = await rows(session)
    assert row.status == OutboxStatus.SENT and row.attempts == 1


async def test_blocked_user_marks_binding_unreachable(
    session: AsyncSession, world: World, worker: Worker, server: BotAPIServer, clock: FakeClock
) -> None:
    await _queue(session, world, urgent=True)
    await _queue(session, world, key="t2", urgent=True)
    server.user(world.chats["parent"]).block_bot(notify=False)
    await worker.run_once()
    binding = await session.scalar(
        select(MessengerBinding).where(MessengerBinding.chat_id == str(world.chats["parent"]))
    )
    assert binding is not None
    await session.refresh(binding)
    assert binding.is_reachable is False
    letters = await dead_letters(session, world.w.school.id)
    assert len(letters) == 2
    assert all(d.last_error and "blocked" in d.last_error for d in letters)
    # later alerts to the person are not even tried
    await _queue(session, world, key="t3", urgent=True)
    before = server.stats.requests
    await worker.run_once()
    assert server.stats.requests == before
    assert (await outbox_counts(session))["dead"] == 3
    # The user comes back: recent alerts that died meanwhile are delivered after all.
    server.user(world.chats["parent"]).unblock_bot(notify=False)
    await prefs.set_reachable(session, str(world.chats["parent"]), True, now=clock())
    await worker.run_once()
    counts = await outbox_counts(session)
    assert counts.get("dead", 0) == 0 and counts["sent"] == 3
    assert server.sent_to(world.chats["parent"])


async def test_server_error_is_retried_with_backoff(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    await _queue(session, world, urgent=True)
    server.faults.inject(method="sendMessage", kind="5xx", times=2)
    s1 = await worker.run_once()
    assert s1.retried == 1
    [row] = await rows(session)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error
    first_delay = row.not_before - clock()
    assert (await worker.run_once()).claimed == 0  # not before the backoff
    clock.set(row.not_before)
    await worker.run_once()
    [row] = await rows(session)
    assert row.attempts == 2 and row.not_before - clock() > first_delay  # exponential
    clock.set(row.not_before)
    await worker.run_once()
    [row] = await rows(session)
    assert row.status == OutboxStatus.SENT and row.attempts == 3
    assert len(server.sent_to(world.chats["parent"])) == 1


async def test_permanent_failures_after_max_attempts_are_dead_letters(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    await _queue(session, world, urgent=True)
    server.faults.inject(method="sendMessage", kind="5xx", times=None)
    for _ in range(worker.config.max_attempts):
        await worker.run_once()
        clock.advance(hours=1)
    [row] = await rows(session)
    assert row.status == OutboxStatus.DEAD and "Bad Gateway" in (row.last_error or "")
    assert row.attempts == worker.config.max_attempts


async def test_bad_request_is_a_dead_letter(
    session: AsyncSession, world: World, worker: Worker
) -> None:
    # nobody opened the chat: 400 chat not found
    from tests.notifications.conftest import bind

    await bind(session, None, world.w.first_teacher)
    await outbox.enqueue(
        session,
        school_id=world.w.school.id,
        recipient_person_id=world.w.first_teacher.id,
        kind="mark.new",
        dedup_key="x",
        payload={"student_id": 1, "subject": "x", "value": 3, "date": "2026-11-18"},
        urgent=True,
        not_before=NOW,
    )
    await session.commit()
    await worker.run_once()
    [letter] = await dead_letters(session, world.w.school.id)
    assert "chat not found" in (letter.last_error or "")


async def test_timeout_counts_outcome_unknown_and_retries(
    session: AsyncSession,
    world: World,
    server: BotAPIServer,
    bot: Bot,
    clock: FakeClock,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(session, world, urgent=True)
    server.faults.inject(method="sendMessage", kind="timeout", delay=1.0)
    w = Worker(
        session_factory,
        TelegramTransport(bot, request_timeout=0.3),
        pacer=MemoryPacer(fast_pacing()),
        clock=clock,
    )
    stats = await w.run_once()
    assert stats.outcome_unknown == 1
    [row] = await rows(session)
    assert row.status == OutboxStatus.PENDING and row.outcome_unknown
    clock.advance(minutes=5)
    await w.run_once()
    [row] = await rows(session)
    assert row.status == OutboxStatus.SENT and row.outcome_unknown
    assert (await outbox_counts(session))["outcome_unknown"] == 1


async def test_expired_lease_returns_rows(
    session: AsyncSession,
    world: World,
    worker: Worker,
    clock: FakeClock,
    server: BotAPIServer,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _queue(session, world, urgent=True)
    dead = Worker(session_factory, worker.transport, clock=clock, worker_id="dead")
    async with session_factory() as s, s.begin():
        claimed = await dead.claim(s, 10)
    assert len(claimed) == 1  # ...and the worker dies before sending
    assert (await worker.run_once()).claimed == 0  # leased
    clock.advance(seconds=dead.config.lease_seconds + 1)
    assert (await worker.run_once()).sent == 1
    [row] = await rows(session)
    assert row.status == OutboxStatus.SENT and row.outcome_unknown and row.locked_by is None


async def test_user_text_is_escaped(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    w.students[0].first_name = "<b>Пётр"
    await session.commit()
    mark = await marking.put_mark(
        session,
        w.actors["teacher"],
        w.lesson_today.id,
        w.students[0].id,
        4,
        WorkKind.ANSWER,
        now=clock(),
    )
    await marking.change_mark(
        session,
        w.actors["teacher"],
        mark.id,
        value=5,
        reason="пересдал <i>тест</i> & ok",
        now=clock(),
    )
    await align(session, clock())
    await worker.run_once()
    [msg] = server.sent_to(world.chats["parent"])
    assert "<b>Пётр" in msg.content
    assert "пересдал <i>тест</i> & ok" in msg.content
    assert "4 → 5" in msg.content or "4→5" in msg.content


async def test_messages_are_rendered_in_the_recipients_language(
    session: AsyncSession, world: World, worker: Worker, server: BotAPIServer, clock: FakeClock
) -> None:
    from services.models import Account

    account = await session.scalar(select(Account).where(Account.person_id == world.w.parent.id))
    assert account is not None
    account.language = "en"
    await session.commit()
    await _queue(session, world, urgent=True)
    await worker.run_once()
    [msg] = server.sent_to(world.chats["parent"])
    assert "mark 5" in msg.content and "test" in msg.content


def test_utc_clock_is_aware() -> None:
    assert utcnow().tzinfo is dt.UTC


async def test_unrenderable_payload_is_a_dead_letter_not_a_stuck_queue(
    session: AsyncSession, world: World, worker: Worker, server: BotAPIServer
) -> None:
    await outbox.enqueue(
        session,
        school_id=world.w.school.id,
        recipient_person_id=world.w.teacher.id,
        kind="reminder.fill",
        dedup_key="poison",
        payload={"date": "2026-11-18", "lessons": [{"broken": True}]},
        urgent=True,
        not_before=NOW,
    )
    await _queue(session, world, urgent=True)
    stats = await worker.run_once()
    assert stats.dead == 1 and stats.sent == 1
    [letter] = await dead_letters(session, world.w.school.id)
    assert (letter.last_error or "").startswith("render failed")
