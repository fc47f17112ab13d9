"""A person bound in Telegram and MAX: each alert once, where they chose, across crashes, leases
and a stopped bot; each messenger's bot paced on its own. Fake transports, the fake clock, and
both databases (the ``session`` fixture)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from i18n import translator
from notifications import runtime
from notifications.pacing import FallbackPacer, MemoryPacer, PacingConfig, RedisPacer
from notifications.transport import Blocked
from notifications.worker import Binding, Worker, WorkerConfig, choose
from screens.common.alerts import PrefCb, settings_screen
from screens.screen import Screen
from services.actor import Actor
from services.enums import Messenger, OutboxStatus, Role
from services.errors import ValidationFailed
from services.models import Account, AuditEntry, MessengerBinding, Person
from services.notifications import outbox
from services.notifications import prefs as notifications_prefs
from services.redis_link import RedisGate
from tests.factories import NOW, build_school

from .conftest import FakeClock, fast_pacing, rows

TG, MAX = Messenger.TELEGRAM, Messenger.MAX


class FakeTransport:
    """Records what it sends; ``refuse[chat_id]`` is raised instead of sending there."""

    def __init__(self, messenger: Messenger) -> None:
        self.messenger = messenger
        self.sent: list[tuple[str, str]] = []
        self.refuse: dict[str, Exception] = {}

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        if chat_id in self.refuse:
            raise self.refuse[chat_id]
        self.sent.append((chat_id, screen.texts[0]))
        return f"{self.messenger.value}-{len(self.sent)}"


class Setup:
    def __init__(self, session: AsyncSession, parent: Person, school_id: int, actor: Actor) -> None:
        self.session = session
        self.parent = parent
        self.school_id = school_id
        self.actor = actor
        self.chat = str(10_000 + parent.id)  # the same number in both messengers on purpose
        self.student_id = 0
        self.transports = {TG: FakeTransport(TG), MAX: FakeTransport(MAX)}

    def sent(self, messenger: Messenger) -> list[tuple[str, str]]:
        return self.transports[messenger].sent

    async def queue(self, key: str, value: int = 5) -> None:
        await outbox.enqueue(
            self.session,
            school_id=self.school_id,
            recipient_person_id=self.parent.id,
            kind="mark.new",
            dedup_key=key,
            payload={"student_id": self.student_id, "subject": "М", "value": value},
            not_before=NOW,
            urgent=True,
        )
        await self.session.commit()

    async def binding(self, messenger: Messenger) -> MessengerBinding:
        found = await self.session.scalar(
            select(MessengerBinding)
            .join(Account, Account.id == MessengerBinding.account_id)
            .where(
                Account.person_id == self.parent.id,
                MessengerBinding.messenger == messenger,
                MessengerBinding.ended_at.is_(None),
            )
            .execution_options(populate_existing=True)
        )
        assert found is not None
        return found


@pytest.fixture
async def setup(session: AsyncSession) -> Setup:
    """The parent of the first pupil bound in both messengers, MAX used last."""
    w = await build_school(session)
    account = await session.scalar(select(Account).where(Account.person_id == w.parent.id))
    assert account is not None
    s = Setup(session, w.parent, w.school.id, w.actors["parent"])
    s.student_id = w.students[0].id
    for messenger, seen in ((TG, NOW - dt.timedelta(days=2)), (MAX, NOW - dt.timedelta(hours=1))):
        session.add(
            MessengerBinding(
                school_id=w.school.id,
                account_id=account.id,
                messenger=messenger,
                external_user_id=s.chat,
                chat_id=s.chat,
                created_at=NOW - dt.timedelta(days=30),
                last_seen_at=seen,
            )
        )
    await session.commit()
    return s


def make_worker(
    factory: async_sessionmaker[AsyncSession],
    s: Setup,
    clock: FakeClock,
    name: str = "w1",
    **config: Any,
) -> Worker:
    return Worker(
        factory,
        s.transports,
        pacer={TG: MemoryPacer(fast_pacing()), MAX: MemoryPacer(fast_pacing())},
        clock=clock,
        config=WorkerConfig(backoff_base=1.0, **config),
        worker_id=name,
    )


async def choose_channel(s: Setup, channel: str) -> None:
    await notifications_prefs.update_prefs(s.session, s.actor, channel=channel)


# --------------------------------------------------------------------------- the choice


@pytest.mark.parametrize(
    ("channel", "tg_seen_last", "expected"),
    [
        ("last", False, {MAX: 1, TG: 0}),
        ("last", True, {MAX: 0, TG: 1}),
        ("telegram", False, {MAX: 0, TG: 1}),
        ("max", True, {MAX: 1, TG: 0}),
        ("all", False, {MAX: 1, TG: 1}),
    ],
)
async def test_each_alert_once_where_chosen(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
    channel: str,
    tg_seen_last: bool,
    expected: dict[Messenger, int],
) -> None:
    s = setup
    if tg_seen_last:
        tg = await s.binding(TG)
        tg.last_seen_at = NOW
        await session.commit()
    if channel != "last":
        await choose_channel(s, channel)
    await s.queue("m1")
    worker = make_worker(session_factory, s, clock)
    await worker.run_once()
    clock.advance(minutes=5)
    await worker.run_once()
    clock.advance(hours=2)
    assert (await worker.run_once()).claimed == 0
    assert {m: len(s.sent(m)) for m in (TG, MAX)} == expected
    assert all(chat == s.chat for m in (TG, MAX) for chat, _ in s.sent(m))
    done = await rows(session)
    assert {r.status for r in done} == {OutboxStatus.SENT}
    by_key = {r.dedup_key: r.messenger for r in done}
    if channel == "all":
        # The original goes to the messenger used last, its copy to the other one.
        assert by_key == {"m1": "max", "m1@telegram": "telegram"}
    else:
        [where] = [m.value for m, n in expected.items() if n]
        assert by_key == {"m1": where}


async def test_all_copies_once_per_messenger_and_merges_per_messenger(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    s = setup
    await choose_channel(s, "all")
    await s.queue("m1", 5)
    await s.queue("m2", 4)
    stats = await make_worker(session_factory, s, clock).run_once()
    # Both copies made and sent in the same cycle; one merged message per messenger.
    assert stats.sent == 4 and stats.messages == 2
    assert len(s.sent(TG)) == 1 and len(s.sent(MAX)) == 1
    for m in (TG, MAX):
        assert "5" in s.sent(m)[0][1] and "4" in s.sent(m)[0][1]
    done = await rows(session)
    assert sorted((r.dedup_key, r.messenger) for r in done) == [
        ("m1", "max"),
        ("m1@telegram", "telegram"),
        ("m2", "max"),
        ("m2@telegram", "telegram"),
    ]
    copy = next(r for r in done if r.dedup_key == "m1@telegram")
    original = next(r for r in done if r.dedup_key == "m1")
    assert copy.created_at == original.created_at and copy.payload == original.payload


def b(id: int, messenger: Messenger, reachable: bool, hours_ago: int) -> Binding:
    return Binding(id, messenger, str(id), reachable, NOW - dt.timedelta(hours=hours_ago))


def test_choice_rules() -> None:
    tg, mx = b(1, TG, True, 5), b(2, MAX, True, 1)
    both = {TG, MAX}
    assert choose([tg, mx], "last", both) == [mx]
    assert choose([tg, mx], "telegram", both) == [tg]
    assert choose([tg, mx], "max", both) == [mx]
    assert choose([tg, mx], "all", both) == [mx, tg]
    # The chosen one unreachable: the one used last that is.
    blocked_tg = b(1, TG, False, 0)
    assert choose([blocked_tg, mx], "telegram", both) == [mx]
    assert choose([blocked_tg, mx], "all", both) == [mx]
    # A messenger without a transport in this process is never chosen.
    assert choose([tg, mx], "max", {TG}) == [tg]
    assert choose([tg, mx], "all", {TG}) == [tg]
    assert choose([b(2, MAX, True, 1)], "last", {TG}) == []
    assert choose([blocked_tg], "all", both) == []


# --------------------------------------------------------------------------- crashes, leases


@pytest.mark.parametrize("delivered_before_crash", [0, 1])
async def test_all_survives_a_crash_between_the_two_sends(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
    delivered_before_crash: int,
) -> None:
    """A worker prepares (pins the row, makes its copy), sends none or one of the two messages
    and dies; after its lease another worker sends what is left: one message per messenger."""
    s = setup
    await choose_channel(s, "all")
    await s.queue("m1")
    dead = make_worker(session_factory, s, clock, "dead")
    prepared = await dead._claim_and_prepare(10)
    assert len(prepared.units) == 2
    for unit in prepared.units[:delivered_before_crash]:
        await dead._deliver(unit)
    clock.advance(seconds=dead.config.lease_seconds + 1)
    # The same alert prepared again adds no copy.
    await make_worker(session_factory, s, clock, "w2").run_once()
    clock.advance(hours=1)
    await make_worker(session_factory, s, clock, "w3").run_once()
    assert len(s.sent(TG)) == 1 and len(s.sent(MAX)) == 1
    done = await rows(session)
    assert len(done) == 2 and {r.status for r in done} == {OutboxStatus.SENT}


async def test_a_pinned_row_goes_only_to_its_messenger_and_is_re_pinned_when_it_ended(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    s = setup
    await s.queue("m1")
    dead = make_worker(session_factory, s, clock, "dead")
    prepared = await dead._claim_and_prepare(10)
    [unit] = prepared.units
    assert unit.target.messenger == MAX
    # Telegram is used now, but the row was pinned to MAX: it stays there while MAX is bound.
    tg = await s.binding(TG)
    tg.last_seen_at = NOW
    await session.commit()
    clock.advance(seconds=dead.config.lease_seconds + 1)
    await make_worker(session_factory, s, clock, "w2").run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (0, 1)
    # A second alert, pinned to Telegram (used last now); its binding ends before it is sent.
    await s.queue("m2")
    prepared = await dead._claim_and_prepare(10)
    [unit] = prepared.units
    assert unit.target.messenger == TG
    tg = await s.binding(TG)
    tg.ended_at = NOW
    await session.commit()
    clock.advance(seconds=dead.config.lease_seconds + 1)
    await make_worker(session_factory, s, clock, "w3").run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (0, 2)
    assert {r.dedup_key: r.messenger for r in await rows(session)} == {"m1": "max", "m2": "max"}


async def test_a_copy_whose_binding_ended_is_not_sent_to_the_other_messenger_again(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    s = setup
    await choose_channel(s, "all")
    await s.queue("m1")
    dead = make_worker(session_factory, s, clock, "dead")
    prepared = await dead._claim_and_prepare(10)
    assert {u.target.messenger for u in prepared.units} == {TG, MAX}
    tg = await s.binding(TG)
    tg.ended_at = NOW
    await session.commit()
    clock.advance(seconds=dead.config.lease_seconds + 1)
    await make_worker(session_factory, s, clock, "w2").run_once()
    # The Telegram copy is cancelled: MAX already carries the alert.
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (0, 1)
    by_key = {r.dedup_key: r for r in await rows(session)}
    assert by_key["m1"].status == OutboxStatus.SENT
    assert by_key["m1@telegram"].status == OutboxStatus.CANCELLED


# --------------------------------------------------------------------------- a stopped bot


async def test_a_stopped_max_bot_makes_only_the_max_binding_unreachable(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    s = setup
    await choose_channel(s, "all")
    await s.queue("m1")
    s.transports[MAX].refuse[s.chat] = Blocked("the user stopped the bot")
    worker = make_worker(session_factory, s, clock)
    stats = await worker.run_once()
    assert stats.dead == 1 and stats.sent == 1
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (1, 0)
    assert (await s.binding(MAX)).is_reachable is False
    assert (await s.binding(TG)).is_reachable is True
    by_key = {r.dedup_key: r for r in await rows(session)}
    assert by_key["m1"].status == OutboxStatus.DEAD and by_key["m1"].messenger == "max"
    assert by_key["m1@telegram"].status == OutboxStatus.SENT
    # The next alert goes to Telegram alone, no copy for MAX.
    await s.queue("m2")
    clock.advance(minutes=1)
    await worker.run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (2, 0)
    # Back in MAX (bot_started): what died there is sent there, Telegram gets nothing twice.
    del s.transports[MAX].refuse[s.chat]
    await notifications_prefs.set_reachable(session, s.chat, True, messenger=MAX, now=clock())
    clock.advance(minutes=1)
    await worker.run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (2, 1)
    assert {r.status for r in await rows(session)} == {OutboxStatus.SENT}


async def test_a_stopped_max_bot_with_last_falls_back_to_telegram(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    s = setup
    await s.queue("m1")
    s.transports[MAX].refuse[s.chat] = Blocked("the user stopped the bot")
    worker = make_worker(session_factory, s, clock)
    await worker.run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (0, 0)
    await s.queue("m2")
    clock.advance(minutes=1)
    await worker.run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (1, 0)
    # Unblocking Telegram (another messenger) revives nothing of MAX's.
    await notifications_prefs.set_reachable(session, s.chat, True, messenger=TG, now=clock())
    by_key = {r.dedup_key: r for r in await rows(session)}
    assert by_key["m1"].status == OutboxStatus.DEAD and by_key["m2"].status == OutboxStatus.SENT


async def test_a_messenger_without_a_transport_is_never_chosen(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    """A process with Telegram's transport only (the old wiring: one transport)."""
    s = setup
    await s.queue("m1")
    worker = Worker(
        session_factory,
        s.transports[TG],
        pacer=MemoryPacer(fast_pacing()),
        clock=clock,
        worker_id="tg-only",
    )
    assert set(worker.pacers) == {TG}
    await worker.run_once()
    assert (len(s.sent(TG)), len(s.sent(MAX))) == (1, 0)
    # A person bound in MAX alone cannot be reached from here: a dead letter that says why.
    tg = await s.binding(TG)
    tg.ended_at = NOW
    await session.commit()
    await s.queue("m2")
    await worker.run_once()
    row = next(r for r in await rows(session) if r.dedup_key == "m2")
    assert row.status == OutboxStatus.DEAD and row.last_error == "no transport for max"


# --------------------------------------------------------------------------- pacing


async def test_each_messenger_is_paced_on_its_own(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    setup: Setup,
    clock: FakeClock,
) -> None:
    """One a second per chat and the pacers' clock stopped: a second send to the same chat
    number would have to wait, and with a shared bucket the MAX message would be deferred."""
    s = setup
    await choose_channel(s, "all")
    await s.queue("m1")
    slow = PacingConfig(global_per_second=100, global_burst=10, private_per_second=1)
    pacers = {m: MemoryPacer(slow, clock=lambda: 0.0) for m in (TG, MAX)}
    worker = Worker(
        session_factory,
        s.transports,
        pacer=pacers,
        clock=clock,
        config=WorkerConfig(max_pacing_wait=0.1),
        worker_id="w1",
    )
    stats = await worker.run_once()
    assert stats.deferred == 0 and stats.messages == 2
    assert s.sent(TG) and s.sent(MAX)
    # Each chat's bucket is spent now: a Telegram chat waits, whichever messenger's is asked.
    assert await pacers[TG].try_acquire(s.chat) > 0
    assert await pacers[MAX].try_acquire(s.chat) > 0
    assert await pacers[MAX].try_acquire("other") == 0


def test_runtime_paces_each_bot_with_its_limits_and_keys() -> None:
    settings = SimpleNamespace(notify_rate_per_second=20, notify_max_rate_per_second=15)
    tg = SimpleNamespace(bot=SimpleNamespace(id=111))
    mx = SimpleNamespace(bot_id="maxbot")
    transports: Any = {TG: tg, MAX: mx}
    local = runtime.pacers_for(settings, transports)
    tg_pacer, max_pacer = local[TG], local[MAX]
    assert isinstance(tg_pacer, MemoryPacer) and isinstance(max_pacer, MemoryPacer)
    assert tg_pacer.config.global_per_second == 20
    assert max_pacer.config.global_per_second == 15
    assert tg_pacer is not max_pacer

    class FakeRedis:
        def register_script(self, script: str) -> object:
            return object()

    shared = runtime.pacers_for(settings, transports, redis=FakeRedis(), gate=RedisGate())
    prefixes = {m: redis_prefix(pacer) for m, pacer in shared.items()}
    assert prefixes == {TG: "schoolbot:pace:telegram:111", MAX: "schoolbot:pace:max:maxbot"}
    named = runtime.pacers_for(
        settings, transports, redis=FakeRedis(), gate=RedisGate(), bot_ids={MAX: "b2"}
    )
    assert redis_prefix(named[MAX]) == "schoolbot:pace:max:b2"


def redis_prefix(pacer: Any) -> str:
    assert isinstance(pacer, FallbackPacer) and isinstance(pacer.primary, RedisPacer)
    return pacer.primary.prefix


async def test_redis_keys_of_a_chat_differ_by_messenger(redis_client: Any) -> None:
    prefix = redis_client.test_prefix
    settings = SimpleNamespace(redis_pace_prefix=prefix)
    transports: Any = {TG: SimpleNamespace(bot_id="1"), MAX: SimpleNamespace(bot_id="1")}
    pacers = runtime.pacers_for(settings, transports, redis=redis_client, gate=RedisGate())
    assert await pacers[TG].try_acquire("123") == 0
    assert await pacers[MAX].try_acquire("123") == 0
    keys = sorted([k.decode() async for k in redis_client.scan_iter(f"{prefix}*")])
    assert keys == [
        f"{prefix}:max:1:chat:123",
        f"{prefix}:max:1:global",
        f"{prefix}:telegram:1:chat:123",
        f"{prefix}:telegram:1:global",
    ]


# --------------------------------------------------------------------------- the settings


RU = translator("ru")


def field_of(button: Any) -> str:
    return str(getattr(button.action, "field", ""))


def test_the_choice_is_offered_only_with_two_messengers() -> None:
    prefs = notifications_prefs.Prefs(channel="max")
    one = settings_screen(RU, prefs, {Role.PARENT}, (TG,))
    assert "Куда присылать" not in one.texts[0]
    assert not any(field_of(b) == "channel" for row in one.rows for b in row)
    two = settings_screen(RU, prefs, {Role.PARENT}, (TG, MAX))
    assert two.texts[0].split("\n")[-1] == "Куда присылать: MAX"
    channel_rows = [row for row in two.rows if field_of(row[0]) == "channel"]
    assert [[b.text for b in row] for row in channel_rows] == [
        ["последний мессенджер", "Telegram"],
        ["● MAX", "во все"],
    ]
    assert [b.action for row in channel_rows for b in row] == [
        PrefCb(field="channel", value=v) for v in ("last", "telegram", "max", "all")
    ]
    packed = [b.action.pack() for row in two.rows for b in row if b.action is not None]
    assert packed and all(len(p.encode()) <= 64 for p in packed)


async def test_the_choice_is_saved_audited_and_checked(session: AsyncSession, setup: Setup) -> None:
    s = setup
    actor = s.actor
    seen = await notifications_prefs.alert_settings(session, actor)
    assert seen.messengers == (TG, MAX) and seen.prefs.channel == "last"
    saved = await notifications_prefs.update_prefs(session, actor, channel="all")
    assert saved.channel == "all"
    assert (await notifications_prefs.get_prefs(session, actor)).channel == "all"
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "prefs.update").order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.before == {"channel": "last"}
    assert entry.after == {"channel": "all"}
    with pytest.raises(ValidationFailed):
        await notifications_prefs.update_prefs(session, actor, channel="sms")
    assert (await notifications_prefs.get_prefs(session, actor)).channel == "all"
    # One messenger left: only it is listed (the screen offers no choice).
    await session.execute(
        update(MessengerBinding)
        .where(MessengerBinding.messenger == MAX)
        .values(ended_at=NOW, end_reason="test")
    )
    await session.commit()
    assert await notifications_prefs.bound_messengers(session, actor) == (TG,)
