"""Several Telegram bots in one deployment: each alert goes through its binding's bot and waits
for that bot's pacer; a binding whose bot the worker lacks is a dead letter that names the bot.
Recording transports, the fake clock, both databases (the ``session`` fixture)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import runtime
from notifications.pacing import FallbackPacer, MemoryPacer, PacingConfig, RedisPacer
from notifications.worker import Binding, Worker, WorkerConfig, bot_key, choose
from screens.screen import Screen
from services.enums import Messenger, OutboxStatus
from services.models import Account, MessengerBinding, OutboxMessage, Person
from services.notifications import outbox
from services.redis_link import RedisGate
from tests.factories import NOW, SchoolWorld, build_school

from .conftest import FakeClock, fast_pacing, rows

TG = Messenger.TELEGRAM
BOT_B = "222"
BOT_C = "333"


class Recording:
    """Records what it sends, as one bot."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[str] = []

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        self.sent.append(chat_id)
        return f"{self.name}-{len(self.sent)}"


async def bind(session: AsyncSession, person: Person, bot_id: str | None) -> str:
    account = await session.scalar(select(Account).where(Account.person_id == person.id))
    assert account is not None
    chat = str(10_000 + person.id)
    session.add(
        MessengerBinding(
            school_id=person.school_id,
            account_id=account.id,
            messenger=TG,
            external_user_id=chat,
            chat_id=chat,
            bot_id=bot_id,
            created_at=NOW,
            last_seen_at=NOW,
        )
    )
    await session.commit()
    return chat


async def queue(session: AsyncSession, w: SchoolWorld, person: Person, key: str) -> None:
    await outbox.enqueue(
        session,
        school_id=w.school.id,
        recipient_person_id=person.id,
        kind="mark.new",
        dedup_key=key,
        payload={"student_id": w.students[0].id, "subject": "М", "value": 5},
        not_before=NOW,
        urgent=True,
    )
    await session.commit()


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def test_each_alert_goes_through_its_bindings_bot(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    clock: FakeClock,
) -> None:
    w = world
    on_a = [await bind(session, p, None) for p in (w.parent, w.parent2)]
    on_b = [await bind(session, p, BOT_B) for p in (w.trusted, w.teacher)]
    for n, p in enumerate((w.parent, w.parent2, w.trusted, w.teacher)):
        await queue(session, w, p, f"k{n}")
    default, other = Recording("a"), Recording("b")
    worker = Worker(
        session_factory,
        {TG: default, (TG, BOT_B): other},
        pacer=MemoryPacer(fast_pacing()),
        clock=clock,
        worker_id="w1",
    )
    stats = await worker.run_once()
    assert (stats.sent, stats.dead) == (4, 0)
    assert sorted(default.sent) == sorted(on_a)
    assert sorted(other.sent) == sorted(on_b)
    refs = {r.dedup_key: str(r.message_ref) for r in await rows(session)}
    assert (refs["k0"][:2], refs["k2"][:2]) == ("a-", "b-")
    # Each bot its own pacer: the one given is the default bot's, the other one's is made.
    assert set(worker.pacers) == {TG, (TG, BOT_B)}
    assert worker.pacers[TG] is not worker.pacers[(TG, BOT_B)]


async def test_each_bot_is_paced_on_its_own(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    clock: FakeClock,
) -> None:
    """A budget of one message per bot and the pacers' clock stopped: one message goes through
    each bot and the second of each waits; with one budget for both, only one would go."""
    w = world
    await bind(session, w.parent, None)
    await bind(session, w.parent2, None)
    await bind(session, w.trusted, BOT_B)
    await bind(session, w.teacher, BOT_B)
    for n, p in enumerate((w.parent, w.parent2, w.trusted, w.teacher)):
        await queue(session, w, p, f"k{n}")
    one = PacingConfig(global_per_second=0.001, global_burst=1, private_per_second=100)
    pacers = {key: MemoryPacer(one, clock=lambda: 0.0) for key in (TG, (TG, BOT_B))}
    default, other = Recording("a"), Recording("b")
    worker = Worker(
        session_factory,
        {TG: default, (TG, BOT_B): other},
        pacer=pacers,
        clock=clock,
        config=WorkerConfig(max_pacing_wait=0.1),
        worker_id="w1",
    )
    stats = await worker.run_once()
    assert (stats.messages, stats.deferred) == (2, 2)
    assert (len(default.sent), len(other.sent)) == (1, 1)
    statuses = sorted(r.status for r in await rows(session))
    assert statuses == sorted([OutboxStatus.SENT] * 2 + [OutboxStatus.PENDING] * 2)


async def test_a_binding_whose_bot_the_worker_lacks_is_a_dead_letter(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    clock: FakeClock,
) -> None:
    w = world
    await bind(session, w.parent, BOT_C)
    await queue(session, w, w.parent, "k")
    default, other = Recording("a"), Recording("b")
    worker = Worker(session_factory, {TG: default, (TG, BOT_B): other}, clock=clock, worker_id="w1")
    stats = await worker.run_once()
    assert stats.dead == 1 and default.sent == other.sent == []
    (row,) = await rows(session)
    assert row.status == OutboxStatus.DEAD
    assert row.last_error == "no transport for telegram bot 333"


async def test_a_pinned_row_follows_the_rebound_bot(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    clock: FakeClock,
) -> None:
    """An alert that waited (429) while its person signed in again through the school's new
    bot goes through the new one."""
    w = world
    chat = await bind(session, w.parent, None)
    await queue(session, w, w.parent, "k")
    # Pinned to Telegram by an earlier attempt; then the binding through the default bot ended.
    await session.execute(update(OutboxMessage).values(messenger="telegram"))
    await session.execute(update(MessengerBinding).values(ended_at=NOW))
    await session.commit()
    await bind(session, w.parent, BOT_B)
    default, other = Recording("a"), Recording("b")
    worker = Worker(session_factory, {TG: default, (TG, BOT_B): other}, clock=clock, worker_id="w1")
    assert (await worker.run_once()).sent == 1
    assert (default.sent, other.sent) == ([], [chat])


def test_choose_skips_bindings_of_bots_without_a_transport() -> None:
    a = Binding(1, TG, "1", True, NOW)
    b = Binding(2, TG, "2", True, NOW, BOT_B)
    assert choose([a], "last", {TG}) == [a]
    assert choose([b], "last", {TG}) == []
    assert choose([b], "last", {TG, bot_key(TG, BOT_B)}) == [b]
    # (messenger, None) is the default bot, as a messenger alone is.
    assert bot_key(TG, None) == TG


def test_the_runtime_paces_each_bot_under_its_own_redis_keys() -> None:
    settings = SimpleNamespace(notify_rate_per_second=20)
    transports: Any = {
        TG: SimpleNamespace(bot=SimpleNamespace(id=111)),
        (TG, BOT_B): SimpleNamespace(),
    }

    class FakeRedis:
        def register_script(self, script: str) -> object:
            return object()

    shared = runtime.pacers_for(settings, transports, redis=FakeRedis(), gate=RedisGate())
    prefixes = {}
    for key, pacer in shared.items():
        assert isinstance(pacer, FallbackPacer) and isinstance(pacer.primary, RedisPacer)
        assert pacer.primary.config.global_per_second == 20
        prefixes[key] = pacer.primary.prefix
    assert prefixes == {
        TG: "schoolbot:pace:telegram:111",
        (TG, BOT_B): "schoolbot:pace:telegram:222",
    }
    # (messenger, None) is the messenger's default bot.
    local = runtime.pacers_for(settings, {(TG, None): transports[TG]})
    assert set(local) == {TG} and isinstance(local[TG], MemoryPacer)
