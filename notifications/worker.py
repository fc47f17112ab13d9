"""The delivery worker: outbox rows → messages, at least once, paced, never twice by itself.

One cycle:

1. **Claim** due rows with a lease: one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING``
   statement that sets ``status='sending'``, ``locked_by`` and ``locked_until``. On PostgreSQL
   the inner SELECT is ``FOR UPDATE SKIP LOCKED``, so concurrent workers take disjoint rows; on
   SQLite the single statement holds the database's write lock from its read to its write, which
   gives the same guarantee. Rows whose lease ran out (their worker died) are claimed again and
   flagged ``outcome_unknown``: the dead worker may have sent them. Other due rows of the same
   recipients are claimed along, so they can be merged.
2. **Prepare** each row in the recipient's context (bindings, language, preferences, school
   zone) and by its kind (notifications.registry: the payload read by the kind's
   model, the kind's gates). The messenger first (:func:`choose`): a person may be bound in
   Telegram and MAX; their ``channel`` preference picks one (or every one) of their reachable
   bindings whose messenger this worker has a transport for. A row going out is *pinned* to its
   messenger (``outbox.messenger``) and, for "all", copied once per other messenger (dedup key
   suffixed ``@max`` / ``@telegram``, a conflict-free insert: a second prepare adds nothing), so
   each alert goes once per chosen messenger across crashes, leases and retries; a pinned row
   goes only to its messenger's live binding, and is re-pinned when that binding ended, never to
   a messenger another copy of it covers. No binding → cancelled; a binding the user blocked →
   dead letter;
   an unknown kind or a payload its kind cannot read → dead letter with the reason; an absence the
   teacher corrected → cancelled; a mark alert of a parent on a digest → deferred to the digest
   slot; anything not urgent in quiet hours → deferred to their end. Deferred rows are released
   (``pending`` with a later ``not_before``), never dropped.
3. **Deliver**: rows of one recipient and messenger due together are merged into one message
   (alerts with buttons go alone); each message waits for the pacer of its binding's bot (a
   deployment may run several bots of a messenger, each with its own budget: the bot's global
   rate and the per-chat rate, shared via Redis), is sent through that bot's
   :class:`~notifications.transport.Transport`, and its rows are acknowledged with the message
   id — only if this worker still holds their lease.

Errors: ``RetryAfter`` → the chat is blocked in the pacer and the rows wait exactly
``retry_after``; ``TransientError`` → exponential backoff, dead letter after ``max_attempts``;
``OutcomeUnknown`` → retried (at least once) and counted in ``outcome_unknown`` — only then:
a failure before the request left (pacing, a refused connection) is a plain retry; ``Blocked`` →
that messenger's binding becomes ``is_reachable=False`` and the rows dead letters (their copy
for another messenger goes on); ``PermanentError`` → dead
letter with ``last_error``. :func:`dead_letters` lists them for the admin.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs, render, timing
from notifications.pacing import MemoryPacer, Pacer, pacing_for
from notifications.registry import UnknownKind, kind_of
from notifications.transport import (
    Blocked,
    DeliveryError,
    OutcomeUnknown,
    PermanentError,
    RetryAfter,
    TransientError,
    Transport,
)
from screens.screen import Screen
from services.attendance.alert_kinds import ABSENT, LATE, WITHDRAWN
from services.enums import Messenger, OutboxStatus
from services.models import (
    Account,
    Attendance,
    MessengerBinding,
    News,
    NotificationPrefs,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    utcnow,
)
from services.notifications import outbox
from services.notifications.kinds import FANOUT
from services.texts import gender_of, normalize_lang

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
T: Table = OutboxMessage.__table__  # type: ignore[assignment]
MAX_ERROR = 500
DEDUP_MAX = 255  # outbox.dedup_key's length
NO_BINDING = "no messenger binding"
UNREACHABLE = "unreachable: the user blocked the bot"


class _LeaseLost(Exception):
    """Another worker took a fan-out row over while this one expanded it."""


@dataclass(frozen=True)
class WorkerConfig:
    batch_size: int = 50
    concurrency: int = 16
    lease_seconds: float = 60.0
    max_attempts: int = 8
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    # A message that would wait longer than this for its chat's pace is released and retried
    # later instead of holding a slot.
    max_pacing_wait: float = 3.0
    idle_seconds: float = 1.0
    # A fan-out row (one per school and digest) is expanded into at most this many families'
    # rows a step, and only while fewer than ``fanout_backlog`` rows are due: the families'
    # rows are made as fast as they are sent, not all at once ahead of everything else.
    fanout_chunk: int = 250
    fanout_backlog: int = 500
    fanout_steps: int = 4  # expansion steps a cycle at most
    # With no fan-out row found, ``run_forever`` looks again after this long.
    fanout_check_seconds: float = 1.0


@dataclass
class WorkerStats:
    claimed: int = 0
    messages: int = 0
    sent: int = 0  # rows delivered (merged rows included)
    merged: int = 0
    deferred: int = 0
    retried: int = 0
    rate_limited: int = 0
    outcome_unknown: int = 0
    dead: int = 0
    cancelled: int = 0
    lost_lease: int = 0
    expanded: int = 0  # families' rows made from fan-out rows

    def add(self, other: WorkerStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row:
    id: int
    school_id: int
    recipient: int  # 0 for a fan-out row (it has none)
    kind: str
    payload: dict[str, Any]
    urgent: bool
    attempts: int
    not_before: dt.datetime
    digest_group: str | None
    news_id: int | None
    dedup_key: str = ""
    # The messenger the row is pinned to (None until it first goes out).
    messenger: str | None = None
    created_at: dt.datetime | None = None
    # The payload as stored (``payload`` is enriched for the renderer): a copy gets this one.
    stored: dict[str, Any] = field(default_factory=dict)
    # The payload read by its kind's model (set when the row is prepared).
    typed: Any = None


# A bot of the deployment, the key of the worker's transports and pacers: a messenger alone is
# its default bot (BOT_TOKEN; MAX's one bot), (messenger, bot id) another bot of it.
BotKey = Messenger | tuple[Messenger, str]


def bot_key(messenger: Messenger | str, bot_id: str | None = None) -> BotKey:
    """The key of a messenger's bot (``bot_id`` None: its default bot)."""
    messenger = Messenger(messenger)
    return messenger if bot_id is None else (messenger, str(bot_id))


def as_bot_key(key: object) -> BotKey:
    """A key as given by a caller: a messenger (its default bot), or (messenger, bot id or
    None)."""
    if isinstance(key, tuple):
        messenger, bot_id = key
        return bot_key(messenger, None if bot_id is None else str(bot_id))
    return bot_key(str(key))


def key_messenger(key: BotKey) -> Messenger:
    return key[0] if isinstance(key, tuple) else key


def key_label(key: BotKey) -> str:
    """ "telegram" for the default bot, "telegram bot 123" for another one."""
    return f"{key[0].value} bot {key[1]}" if isinstance(key, tuple) else key.value


@dataclass(frozen=True)
class Binding:
    """A live messenger binding of a recipient."""

    id: int
    messenger: Messenger
    chat_id: str
    reachable: bool
    used_at: dt.datetime  # the last update from it (its creation when none was seen)
    # The bot the chat talks to (None: the messenger's default bot): alerts go through it.
    bot_id: str | None = None

    @property
    def key(self) -> BotKey:
        return bot_key(self.messenger, self.bot_id)


@dataclass
class Recipient:
    person_id: int
    tz: ZoneInfo
    lang: str
    bindings: list[Binding] = field(default_factory=list)
    prefs: NotificationPrefs | None = None
    minimal: bool = False  # the school's minimal personal data mode (School.minimal_alerts)

    @property
    def channel(self) -> str:
        return self.prefs.channel if self.prefs is not None and self.prefs.channel else "last"

    def binding(self, messenger: str) -> Binding | None:
        return next((b for b in self.bindings if b.messenger == messenger), None)


def choose(
    bindings: Sequence[Binding], channel: str, available: Collection[BotKey]
) -> list[Binding]:
    """Where an alert goes: "last" → the reachable binding used last; "telegram" / "max" → that
    messenger's binding if reachable, else the one used last; "all" → every reachable binding
    (the one used last first). Bindings whose bot this worker has no transport for
    (``available``: the bots' keys) are never chosen; an empty list when nothing is
    reachable."""
    usable = sorted(
        (b for b in bindings if b.reachable and b.key in available),
        key=lambda b: (_as_utc(b.used_at), b.id),
        reverse=True,
    )
    if channel == "all":
        return usable
    if channel in (Messenger.TELEGRAM.value, Messenger.MAX.value):
        preferred = [b for b in usable if b.messenger == channel]
        if preferred:
            return preferred[:1]
    return usable[:1]


def copy_key(dedup_key: str, messenger: str) -> str:
    """The dedup key of a row's copy for another messenger."""
    suffix = f"@{messenger}"
    return dedup_key[: DEDUP_MAX - len(suffix)] + suffix


def base_key(dedup_key: str) -> str:
    """The dedup key of the row a copy was made from (itself for an original)."""
    for m in Messenger:
        if dedup_key.endswith(f"@{m.value}"):
            return dedup_key[: -len(m.value) - 1]
    return dedup_key


@dataclass
class Unit:
    """One message to send: one row, or several rows of one recipient merged, to one binding."""

    recipient: Recipient
    rows: list[Row]
    message: Screen
    target: Binding
    silent: bool = False  # without a sound: held for the end of quiet hours


@dataclass
class _Prepared:
    units: list[Unit] = field(default_factory=list)
    stats: WorkerStats = field(default_factory=WorkerStats)


def _literal(status: OutboxStatus) -> ColumnElement[Any]:
    """A status written inline in the SQL, not bound (see :meth:`Worker._due`)."""
    return literal_column(f"'{status.value}'")


# The fan-out kind, inline too (the partial index ``ix_outbox_fanout`` names it).
_FANOUT: ColumnElement[Any] = literal_column(f"'{FANOUT}'")


# The absence alerts: the worker looks up their attendance row (its id for the buttons, its
# code now: a corrected absence is not sent; a correction of it, only while it holds).
_ABSENCES = frozenset({ABSENT.name, LATE.name, WITHDRAWN.name})


def _brief(exc: ValidationError) -> str:
    """The first problems of a payload, short enough for ``last_error``."""
    return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()[:3])


def _copy_of(row: Row, kind: str, messenger: str, now: dt.datetime) -> dict[str, Any]:
    """The outbox row of a copy of ``row`` (of its ``kind``) pinned to ``messenger``."""
    return {
        "school_id": row.school_id,
        "recipient_person_id": row.recipient,
        "kind": kind,
        "dedup_key": copy_key(row.dedup_key, messenger),
        "payload": row.stored,
        "urgent": row.urgent,
        "news_id": row.news_id,
        "digest_group": row.digest_group,
        "messenger": messenger,
        "created_at": row.created_at,
        "not_before": now,
    }


def _by_id(row: Row) -> int:
    return row.id


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class Worker:
    """``transports``: one per bot of the deployment, keyed by messenger (its default bot) or
    by (messenger, bot id) for its other bots; a single transport is Telegram's default bot's.
    ``pacer``: one per bot likewise (a single pacer is Telegram's default bot's); a bot without
    one gets a pacer of this process at its messenger's limits
    (:func:`notifications.pacing.pacing_for`). Each alert goes through its binding's bot and
    waits for that bot's pacer; a binding whose bot this worker has no transport for is a dead
    letter ("no transport for telegram bot 123")."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        transports: Transport | Mapping[Any, Transport],
        *,
        pacer: Pacer | Mapping[Any, Pacer] | None = None,
        clock: Clock = utcnow,
        config: WorkerConfig | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.transports: dict[BotKey, Transport] = (
            {as_bot_key(k): t for k, t in transports.items()}
            if isinstance(transports, Mapping)
            else {Messenger.TELEGRAM: transports}
        )
        if not self.transports:
            raise ValueError("a worker needs a transport")
        pacers: dict[BotKey, Pacer] = {}
        if isinstance(pacer, Mapping):
            pacers.update({as_bot_key(k): p for k, p in pacer.items()})
        elif pacer is not None:
            pacers[Messenger.TELEGRAM] = pacer
        for key in self.transports:
            pacers.setdefault(key, MemoryPacer(pacing_for(key_messenger(key))))
        self.pacers = pacers
        self.clock = clock
        self.config = config or WorkerConfig()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stats = WorkerStats()

    @property
    def transport(self) -> Transport:
        """Telegram's transport (the first one when there is none)."""
        return self.transports.get(Messenger.TELEGRAM) or next(iter(self.transports.values()))

    @property
    def pacer(self) -> Pacer:
        """Telegram's pacer (the first one when there is none)."""
        return self.pacers.get(Messenger.TELEGRAM) or next(iter(self.pacers.values()))

    @pacer.setter
    def pacer(self, value: Pacer) -> None:
        self.pacers[Messenger.TELEGRAM] = value

    # ------------------------------------------------------------------ public loop

    async def run_once(self, limit: int | None = None) -> WorkerStats:
        """Claim up to ``limit`` due rows (and their recipients' other due rows), deliver them
        and return what happened. Used by tests with an injected clock."""
        prepared = await self._claim_and_prepare(limit or self.config.batch_size)
        stats = prepared.stats
        sem = asyncio.Semaphore(self.config.concurrency)

        async def one(unit: Unit) -> WorkerStats:
            async with sem:
                return await self._deliver(unit)

        for result in await asyncio.gather(*(one(u) for u in prepared.units)):
            stats.add(result)
        self.stats.add(stats)
        return stats

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Deliver until ``stop_event`` is set; messages in flight are finished first."""
        inflight: set[asyncio.Task[WorkerStats]] = set()
        failures = 0
        loop = asyncio.get_running_loop()
        look_for_fanouts = 0.0
        while not stop_event.is_set():
            room = self.config.concurrency - len(inflight)
            units: list[Unit] = []
            busy = False
            if room > 0:
                try:
                    fanouts = loop.time() >= look_for_fanouts
                    prepared = await self._claim_and_prepare(room, fanouts)
                    if fanouts and not prepared.stats.expanded:
                        look_for_fanouts = loop.time() + self.config.fanout_check_seconds
                    failures = 0
                except Exception:
                    failures += 1
                    log.exception("outbox claim failed")
                    await self._sleep_or_stop(stop_event, min(30.0, 0.5 * 2**failures))
                    continue
                self.stats.add(prepared.stats)
                units = prepared.units
                busy = prepared.stats.claimed > 0
                for unit in units:
                    task = asyncio.create_task(self._deliver(unit))
                    inflight.add(task)
                    task.add_done_callback(self._collect(inflight))
            if busy and len(inflight) < self.config.concurrency:
                continue
            waiters: set[asyncio.Future[Any]] = set(inflight)
            stop_task = asyncio.ensure_future(stop_event.wait())
            waiters.add(stop_task)
            timeout = None if len(inflight) >= self.config.concurrency else self._idle()
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            stop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stop_task
        if inflight:
            await asyncio.wait(inflight)

    def _idle(self) -> float:
        return self.config.idle_seconds

    def _collect(
        self, inflight: set[asyncio.Task[WorkerStats]]
    ) -> Callable[[asyncio.Task[WorkerStats]], None]:
        def done(task: asyncio.Task[WorkerStats]) -> None:
            inflight.discard(task)
            if task.cancelled():
                return
            exc = task.exception()
            if exc is not None:
                log.error("delivery task failed", exc_info=exc)
            else:
                self.stats.add(task.result())

        return done

    @staticmethod
    async def _sleep_or_stop(stop_event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_event.wait(), timeout=seconds)

    # ------------------------------------------------------------------ claim

    def _returning(self) -> list[Any]:
        return [
            T.c.id,
            T.c.school_id,
            T.c.recipient_person_id,
            T.c.kind,
            T.c.payload,
            T.c.urgent,
            T.c.attempts,
            T.c.not_before,
            T.c.digest_group,
            T.c.news_id,
            T.c.dedup_key,
            T.c.messenger,
            T.c.created_at,
        ]

    @staticmethod
    def _due(now: dt.datetime, limit: int, lock: bool) -> Select[tuple[int]]:
        """The ids of the first ``limit`` due rows by ``(not_before, id)``: pending rows whose
        time has come, and rows being sent whose lease ran out.

        One scan of ``ix_outbox_claim`` (``(not_before, id)`` of the pending and sending rows
        only) in claim order, stopped by the LIMIT: no OR across statuses in the index
        condition, so no BitmapOr that collects and sorts every due row under the lock, and
        the claim stays flat however many rows wait. A row being sent was due when it was
        claimed (``not_before`` ≤ that claim's now < its lease's end), so ``not_before <= now``
        holds for an expired lease too; rows still leased (a worker's in-flight rows) are
        filtered out on the way. On PostgreSQL ``FOR UPDATE SKIP LOCKED`` locks exactly the
        rows taken. The statuses are literals so that the planner can match the partial
        index's predicate whatever plan it caches.
        """
        pick = (
            select(T.c.id)
            .where(
                T.c.status.in_([_literal(OutboxStatus.PENDING), _literal(OutboxStatus.SENDING)]),
                T.c.not_before <= now,
                or_(T.c.status == _literal(OutboxStatus.PENDING), T.c.locked_until < now),
                # Fan-out rows have their own claim (:meth:`claim_fanout`).
                T.c.kind != _FANOUT,
            )
            .order_by(T.c.not_before, T.c.id)
            .limit(limit)
        )
        return pick.with_for_update(skip_locked=True) if lock else pick

    @staticmethod
    def _due_fanout(now: dt.datetime, lock: bool) -> Select[tuple[int]]:
        """The first due fan-out row (``ix_outbox_fanout``: only the fan-out rows waiting)."""
        pick = (
            select(T.c.id)
            .where(
                T.c.kind == _FANOUT,
                T.c.status.in_([_literal(OutboxStatus.PENDING), _literal(OutboxStatus.SENDING)]),
                T.c.not_before <= now,
                or_(T.c.status == _literal(OutboxStatus.PENDING), T.c.locked_until < now),
            )
            .order_by(T.c.not_before, T.c.id)
            .limit(1)
        )
        return pick.with_for_update(skip_locked=True) if lock else pick

    async def claim_fanout(self, session: AsyncSession) -> Row | None:
        """Lease the first due fan-out row, if fewer than ``fanout_backlog`` rows are due:
        its families' rows are made as they are needed, not all at once ahead of everything
        else (a region's weekly summary is 2M messages; Telegram takes 30 a second)."""
        now = self.clock()
        if await session.scalar(self._due_fanout(now, False)) is None:
            return None
        if await self._backlog(session, now) >= self.config.fanout_backlog:
            return None
        pg = session.get_bind().dialect.name == "postgresql"
        stmt = (
            update(T)
            .where(T.c.id.in_(self._due_fanout(now, pg)))
            .values(
                status=OutboxStatus.SENDING,
                locked_by=self.worker_id,
                locked_until=now + dt.timedelta(seconds=self.config.lease_seconds),
                attempts=T.c.attempts + 1,
            )
            .returning(*self._returning())
        )
        found = (await session.execute(stmt)).first()
        return self._row(found) if found is not None else None

    def _claim_values(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "status": OutboxStatus.SENDING,
            "locked_by": self.worker_id,
            "locked_until": now + dt.timedelta(seconds=self.config.lease_seconds),
            "attempts": T.c.attempts + 1,
            # A row taken over from an expired lease may already have been sent.
            "outcome_unknown": case(
                (T.c.status == OutboxStatus.SENDING, True), else_=T.c.outcome_unknown
            ),
        }

    async def claim(self, session: AsyncSession, limit: int) -> list[Row]:
        """Lease up to ``limit`` due rows plus the other due rows of their recipients."""
        now = self.clock()
        pg = session.get_bind().dialect.name == "postgresql"
        pick = self._due(now, limit, pg)
        values = self._claim_values(now)
        stmt = update(T).where(T.c.id.in_(pick)).values(**values).returning(*self._returning())
        rows = [self._row(r) for r in (await session.execute(stmt)).all()]
        recipients = sorted({r.recipient for r in rows})
        if recipients:
            siblings = select(T.c.id).where(
                T.c.status == OutboxStatus.PENDING,
                T.c.not_before <= now,
                T.c.recipient_person_id.in_(recipients),
            )
            if pg:
                siblings = siblings.with_for_update(skip_locked=True)
            more = await session.execute(
                update(T).where(T.c.id.in_(siblings)).values(**values).returning(*self._returning())
            )
            rows.extend(self._row(r) for r in more.all())
        rows.sort(key=lambda r: r.id)
        return rows

    @staticmethod
    def _row(r: Any) -> Row:
        mapping = r._mapping
        created = mapping.get("created_at")
        return Row(
            id=r.id,
            school_id=r.school_id,
            recipient=r.recipient_person_id or 0,
            kind=r.kind,
            payload=dict(r.payload or {}),
            urgent=bool(r.urgent),
            attempts=r.attempts,
            not_before=_as_utc(r.not_before),
            digest_group=r.digest_group,
            news_id=r.news_id,
            dedup_key=mapping.get("dedup_key") or "",
            messenger=mapping.get("messenger"),
            created_at=_as_utc(created) if created is not None else None,
            stored=dict(r.payload or {}),
        )

    async def _claim_and_prepare(self, limit: int, fanouts: bool = True) -> _Prepared:
        """One cycle's rows. First, when ``fanouts``, expansion steps of the first due fan-out
        rows (a few, while few rows are due), so that the rows they make are claimed along."""
        expansion = WorkerStats()
        async with self.session_factory() as session:
            for _ in range(self.config.fanout_steps if fanouts else 0):
                async with session.begin():
                    fanout = await self.claim_fanout(session)
                if fanout is None:
                    break
                expansion.claimed += 1
                await self._expand_all(session, [fanout], expansion)
            async with session.begin():
                rows = await self.claim(session, limit)
            if not rows:
                return _Prepared(stats=expansion)
            prepared = await self._prepare(session, rows)
        prepared.stats.add(expansion)
        prepared.stats.claimed += len(rows)
        return prepared

    # ------------------------------------------------------------------ fan-out

    async def _backlog(self, session: AsyncSession, now: dt.datetime) -> int:
        """Rows due now, counted up to ``fanout_backlog`` (a scan of the claim's index)."""
        due = (
            select(T.c.id)
            .where(
                T.c.status.in_([_literal(OutboxStatus.PENDING), _literal(OutboxStatus.SENDING)]),
                T.c.status == _literal(OutboxStatus.PENDING),
                T.c.not_before <= now,
            )
            .limit(self.config.fanout_backlog)
        )
        return int(await session.scalar(select(func.count()).select_from(due.subquery())) or 0)

    async def _expand_all(
        self, session: AsyncSession, fanouts: list[Row], stats: WorkerStats
    ) -> None:
        """One expansion step of each claimed fan-out row."""
        now = self.clock()
        for row in fanouts:
            try:
                async with session.begin():
                    made = await self._expand(session, row, now)
            except _LeaseLost:
                stats.lost_lease += 1
                log.warning("lease lost before a fan-out step", extra={"rows": [row.id]})
                continue
            except Exception as exc:
                # Nothing of the step stays (one transaction); retried like a failed send.
                log.exception("fan-out expansion failed", extra={"rows": [row.id]})
                error = f"expansion failed: {type(exc).__name__}: {exc}"[:MAX_ERROR]
                async with session.begin():
                    if row.attempts >= self.config.max_attempts:
                        await self._finish(session, [row], OutboxStatus.DEAD, error=error)
                        stats.dead += 1
                    else:
                        delay = dt.timedelta(seconds=self._backoff(row.attempts))
                        await self._release(session, [row], now + delay, error=error)
                        stats.retried += 1
                continue
            stats.expanded += made

    async def _expand(self, session: AsyncSession, row: Row, now: dt.datetime) -> int:
        """One step of a fan-out row, in the caller's transaction: the next chunk of its
        families' rows (queued with their usual dedup keys, so a step done twice — a crash
        before the commit, a lease taken over — adds nothing twice) and the row's cursor; the
        row is ``sent`` once nothing is left. Raises :class:`_LeaseLost` (the transaction is
        rolled back) when another worker holds the row now."""
        payload = dict(row.payload)
        rows, cursor = await jobs.expand(session, row.school_id, payload, self.config.fanout_chunk)
        await outbox.enqueue_many(session, rows, not_before=now)
        payload["after"] = cursor
        payload["queued"] = int(payload.get("queued") or 0) + len(rows)
        values: dict[str, Any] = {
            "payload": payload,
            "locked_by": None,
            "locked_until": None,
            "last_error": None,
            "outcome_unknown": False,
        }
        if cursor is None:
            values.update(status=OutboxStatus.SENT, sent_at=now)
        else:
            # Not an attempt: the next step is claimed like any due row.
            values.update(
                status=OutboxStatus.PENDING,
                not_before=now,
                attempts=case((T.c.attempts > 0, T.c.attempts - 1), else_=0),
            )
        result = await session.execute(update(T).where(self._mine([row])).values(**values))
        if not int(getattr(result, "rowcount", 0) or 0):
            raise _LeaseLost
        return len(rows)

    # ------------------------------------------------------------------ prepare

    async def _recipients(self, session: AsyncSession, ids: set[int]) -> dict[int, Recipient]:
        q = (
            select(
                Person.id,
                School.timezone,
                School.minimal_alerts,
                Account.language,
                MessengerBinding.id,
                MessengerBinding.messenger,
                MessengerBinding.chat_id,
                MessengerBinding.is_reachable,
                MessengerBinding.last_seen_at,
                MessengerBinding.created_at,
                MessengerBinding.bot_id,
            )
            .join(School, School.id == Person.school_id)
            .outerjoin(Account, Account.person_id == Person.id)
            .outerjoin(
                MessengerBinding,
                and_(
                    MessengerBinding.account_id == Account.id,
                    MessengerBinding.ended_at.is_(None),
                ),
            )
            .where(Person.id.in_(ids))
        )
        out: dict[int, Recipient] = {}
        rows = (await session.execute(q)).all()
        for row in rows:
            pid, tz, minimal, lang, binding_id, messenger, chat_id, reachable, seen, made, bot = row
            rcpt = out.get(pid)
            if rcpt is None:
                rcpt = out[pid] = Recipient(
                    person_id=pid,
                    tz=ZoneInfo(tz),
                    minimal=bool(minimal),
                    lang=normalize_lang(lang),
                )
            if binding_id is not None:
                used_at = _as_utc(seen or made)
                rcpt.bindings.append(
                    Binding(
                        binding_id, Messenger(messenger), chat_id, bool(reachable), used_at, bot
                    )
                )
        prefs = await session.scalars(
            select(NotificationPrefs).where(NotificationPrefs.person_id.in_(ids))
        )
        for p in prefs:
            if p.person_id in out:
                out[p.person_id].prefs = p
        return out

    async def _enrich(self, session: AsyncSession, rows: Sequence[Row]) -> None:
        """Names, attendance ids and news texts the renderer needs, in a few queries."""
        people: set[int] = set()
        for r in rows:
            for key in ("student_id", "guardian_id"):
                if isinstance(r.payload.get(key), int):
                    people.add(r.payload[key])
        names: dict[int, str] = {}
        firsts: dict[int, str] = {}
        genders: dict[int, str] = {}
        if people:
            named = await session.execute(
                select(Person.id, Person.first_name, Person.last_name, Person.middle_name).where(
                    Person.id.in_(people)
                )
            )
            for pid, first, last, middle in named:
                names[pid] = f"{first} {last}"
                firsts[pid] = first
                # The grammatical gender of texts about a person ("опоздал"/"опоздала").
                genders[pid] = gender_of(middle)
        absences = {
            (r.payload.get("lesson_id"), r.payload.get("student_id"))
            for r in rows
            if r.kind in _ABSENCES
        }
        attendance: dict[tuple[Any, Any], tuple[int, str]] = {}
        if absences:
            marked = await session.execute(
                select(
                    Attendance.id, Attendance.lesson_id, Attendance.student_id, Attendance.code
                ).where(Attendance.lesson_id.in_({a[0] for a in absences}))
            )
            for aid, lid, sid, code in marked:
                attendance[(lid, sid)] = (aid, str(code.value if hasattr(code, "value") else code))
        news_ids = {r.news_id for r in rows if r.news_id is not None}
        news: dict[int, dict[str, Any]] = {}
        if news_ids:
            q = (
                select(News, SchoolClass.name, Person.first_name, Person.last_name, School.timezone)
                .outerjoin(SchoolClass, SchoolClass.id == News.class_id)
                .join(Person, Person.id == News.author_id)
                .join(School, School.id == News.school_id)
                .where(News.id.in_(news_ids))
            )
            for n, class_name, first, last, tz in (await session.execute(q)).all():
                # The event's school-local date and time ("2026-12-25T18:00:00"), if it has one.
                local = n.event_at.astimezone(ZoneInfo(tz)) if n.event_at is not None else None
                news[n.id] = {
                    "event_at": local.replace(tzinfo=None).isoformat() if local else None,
                    "title": n.title,
                    "body": n.body,
                    "class": class_name,
                    "author": f"{first} {last}",
                    "attachment_kind": n.attachment_kind,
                    "attachment_ref": n.attachment_ref,
                }
        for r in rows:
            p = r.payload
            if isinstance(p.get("student_id"), int):
                p.setdefault("student", names.get(p["student_id"], ""))
                # The minimal personal data mode names the child by the first name alone.
                p.setdefault("student_first", firsts.get(p["student_id"], ""))
                p.setdefault("student_gender", genders.get(p["student_id"], "n"))
            if isinstance(p.get("guardian_id"), int):
                p.setdefault("guardian", names.get(p["guardian_id"], ""))
                p.setdefault("guardian_gender", genders.get(p["guardian_id"], "n"))
            if r.kind in _ABSENCES:
                found = attendance.get((p.get("lesson_id"), p.get("student_id")))
                # The row's code now (None: gone): a corrected absence is not sent.
                p["current_code"] = found[1] if found is not None else None
                if found is not None:
                    p["attendance_id"] = found[0]
            if r.news_id is not None:
                p["news_id"] = r.news_id
                p["news"] = news.get(r.news_id)

    def _gate(self, row: Row, rcpt: Recipient | None, now: dt.datetime) -> tuple[str, Any]:
        """What to do with a claimed row: ("send", None), ("cancel", why), ("dead", why) or
        ("defer", (not_before, digest_group))."""
        if rcpt is None:
            return "cancel", NO_BINDING
        prefs = rcpt.prefs
        try:
            kind = kind_of(row.kind)
            row.typed = kind.read(row.payload)
        except UnknownKind as exc:
            return "dead", str(exc)
        except ValidationError as exc:
            # A payload its kind cannot read must not block the queue (nor crash the worker).
            return "dead", f"render failed: malformed {row.kind} payload: {_brief(exc)}"
        reason = kind.cancel_reason(row.typed, prefs)
        if reason is not None:
            return "cancel", reason
        digest = kind.digest
        if (
            digest is not None
            and digest.deferred
            and prefs is not None
            and prefs.marks_mode in ("hourly", "evening")
            and row.digest_group is None
        ):
            slot = timing.next_digest_slot(now, rcpt.tz, prefs.marks_mode, prefs.digest_time)
            return "defer", (slot, digest.name)
        if not row.urgent:
            qf = prefs.quiet_from if prefs is not None else timing.DEFAULT_QUIET_FROM
            qt = prefs.quiet_to if prefs is not None else timing.DEFAULT_QUIET_TO
            if qt is not None and timing.in_quiet_hours(now.astimezone(rcpt.tz), qf, qt):
                return "defer", (timing.quiet_end(now, rcpt.tz, qt), row.digest_group or "quiet")
        return "send", None

    # ------------------------------------------------------------------ messengers

    async def _targets(
        self, session: AsyncSession, row: Row, rcpt: Recipient | None
    ) -> tuple[list[Binding], tuple[str, Any] | None]:
        """The bindings a row goes to (a pinned row: its messenger's live binding; else the
        recipient's choice), or why it goes nowhere: ("cancel" | "dead", reason)."""
        if rcpt is None or not rcpt.bindings:
            return [], ("cancel", NO_BINDING)
        available = set(self.transports)
        if row.messenger is not None:
            pinned = rcpt.binding(row.messenger)
            if pinned is not None and pinned.key not in available:
                pinned = None
            if pinned is not None:
                return ([pinned], None) if pinned.reachable else ([], ("dead", UNREACHABLE))
            # Its binding ended (or this process cannot send there): pinned again to the
            # current choice, never to a messenger another copy of the alert goes to.
            taken = await self._covered(session, row)
            chosen = choose(rcpt.bindings, rcpt.channel, available)
            if not chosen:
                return [], self._nowhere(rcpt, available)
            free = [b for b in chosen if b.messenger not in taken]
            if not free:
                return [], ("cancel", f"goes to {'/'.join(sorted(taken))} as another row")
            return free[:1], None
        chosen = choose(rcpt.bindings, rcpt.channel, available)
        return (chosen, None) if chosen else ([], self._nowhere(rcpt, available))

    @staticmethod
    def _nowhere(rcpt: Recipient, available: Collection[BotKey]) -> tuple[str, Any]:
        if any(b.key in available for b in rcpt.bindings):
            return "dead", UNREACHABLE
        missing = sorted({key_label(b.key) for b in rcpt.bindings})
        return "dead", f"no transport for {'/'.join(missing)}"

    async def _covered(self, session: AsyncSession, row: Row) -> set[str]:
        """The messengers other rows of the same alert (the original, its copies) are pinned
        to."""
        base = base_key(row.dedup_key)
        keys = [base, *(copy_key(base, m.value) for m in Messenger)]
        found = await session.scalars(
            select(T.c.messenger).where(
                T.c.dedup_key.in_(keys), T.c.id != row.id, T.c.messenger.is_not(None)
            )
        )
        return {str(m) for m in found}

    async def _pin(
        self,
        session: AsyncSession,
        pins: Mapping[str, list[Row]],
        copies: list[dict[str, Any]],
        now: dt.datetime,
    ) -> None:
        """Pin rows to their messengers (one statement a messenger) and make the copies for the
        other messengers of rows going out for the first time to several ("all")."""
        for messenger, pinned in pins.items():
            await session.execute(update(T).where(self._mine(pinned)).values(messenger=messenger))
        if copies:
            # Conflict-free: the copies of a row prepared twice (a crash, a lease taken over)
            # are made once.
            await outbox.enqueue_many(session, copies, not_before=now)

    async def _claim_copies(self, session: AsyncSession, keys: list[str]) -> list[Row]:
        """Lease the copies just made (still pending: not those another prepare made and a
        worker took), so that they go out in this cycle too."""
        now = self.clock()
        stmt = (
            update(T)
            .where(
                T.c.dedup_key.in_(keys),
                T.c.status == OutboxStatus.PENDING,
                T.c.not_before <= now,
            )
            .values(**self._claim_values(now))
            .returning(*self._returning())
        )
        return sorted((self._row(r) for r in (await session.execute(stmt)).all()), key=_by_id)

    # ------------------------------------------------------------------ prepare (continued)

    async def _prepare(self, session: AsyncSession, rows: list[Row]) -> _Prepared:
        out = _Prepared()
        now = self.clock()
        recipients = await self._recipients(session, {r.recipient for r in rows})
        # Merged per recipient and messenger.
        sendable: dict[tuple[int, str], list[Row]] = defaultdict(list)
        targets: dict[tuple[int, str], Binding] = {}
        batch = rows
        while batch:
            await self._enrich(session, batch)
            pins: dict[str, list[Row]] = defaultdict(list)
            copies: list[dict[str, Any]] = []
            for row in batch:
                rcpt = recipients.get(row.recipient)
                chosen, verdict = await self._targets(session, row, rcpt)
                action, detail = self._gate(row, rcpt, now) if verdict is None else verdict
                if action == "send":
                    first = chosen[0].messenger.value
                    if row.messenger is None:
                        others = chosen[1:]  # "all": a copy for each other messenger
                        copies += [_copy_of(row, row.kind, b.messenger.value, now) for b in others]
                    if row.messenger != first:
                        pins[first].append(row)
                        row.messenger = first
                    key = (row.recipient, first)
                    sendable[key].append(row)
                    targets[key] = chosen[0]
                elif action == "cancel":
                    await self._finish(session, [row], OutboxStatus.CANCELLED, error=detail)
                    out.stats.cancelled += 1
                elif action == "dead":
                    await self._finish(session, [row], OutboxStatus.DEAD, error=detail)
                    out.stats.dead += 1
                else:
                    not_before, group = detail
                    await self._release(
                        session, [row], not_before, uncount=True, digest_group=group
                    )
                    out.stats.deferred += 1
            await self._pin(session, pins, copies, now)
            keys = [str(c["dedup_key"]) for c in copies]
            batch = await self._claim_copies(session, keys) if keys else []
            out.stats.claimed += len(batch)
        for (person_id, messenger), group in sendable.items():
            rcpt = recipients[person_id]
            target = targets[(person_id, messenger)]
            alone = [r for r in group if kind_of(r.kind).alone]
            merge = [r for r in group if not kind_of(r.kind).alone]
            batches: list[tuple[list[Row], bool]] = [([r], False) for r in alone]
            quiet = any(r.digest_group == "quiet" for r in merge)
            items = [render.Item(r.kind, r.typed) for r in merge]
            by_item = {id(i): r for i, r in zip(items, merge, strict=True)}
            try:
                chunks = render.chunk_items(items, rcpt.lang, minimal=rcpt.minimal)
            except Exception:
                log.exception("render failed", extra={"rows": [r.id for r in merge]})
                chunks = [[i] for i in items]
            batches.extend(([by_item[id(i)] for i in chunk], True) for chunk in chunks)
            for batch, merged in batches:
                try:
                    if merged:
                        chunk_items = [render.Item(r.kind, r.typed) for r in batch]
                        msg = render.render_merged(
                            chunk_items, rcpt.lang, quiet=quiet, minimal=rcpt.minimal
                        )
                    else:
                        msg = render.render(
                            batch[0].kind, batch[0].typed, rcpt.lang, minimal=rcpt.minimal
                        )
                    out.units.append(
                        Unit(rcpt, batch, render.fit(msg), target, silent=merged and quiet)
                    )
                except Exception as exc:
                    # A payload the renderer cannot handle must not block the queue.
                    log.exception("render failed", extra={"rows": [r.id for r in batch]})
                    error = f"render failed: {type(exc).__name__}: {exc}"[:MAX_ERROR]
                    await self._finish(session, batch, OutboxStatus.DEAD, error=error)
                    out.stats.dead += len(batch)
        await session.commit()
        return out

    # ------------------------------------------------------------------ deliver

    def _backoff(self, attempts: int) -> float:
        cfg = self.config
        delay = min(cfg.backoff_cap, cfg.backoff_base * 2 ** max(0, attempts - 1))
        return delay * random.uniform(1.0, 1.1)

    async def _deliver(self, unit: Unit) -> WorkerStats:
        stats = WorkerStats()
        chat_id = unit.target.chat_id
        # The binding's bot: its transport and its own rate budget.
        pacer = self.pacers[unit.target.key]
        transport = self.transports[unit.target.key]
        wait = 0.0
        started = asyncio.get_running_loop().time()
        budget = self.config.lease_seconds / 3
        while True:
            try:
                wait = await pacer.try_acquire(chat_id)
            except Exception as exc:
                # Nothing left this process (the pacer's store is unreachable): not an
                # attempt and certainly not "unknown"; the rows go back to the queue at once
                # instead of waiting, leased, for another worker to take them over.
                await self._not_sent(unit, exc, stats)
                return stats
            if wait <= 0:
                break
            waited = asyncio.get_running_loop().time() - started
            if wait > self.config.max_pacing_wait or waited + wait > budget:
                async with self.session_factory() as session:
                    await self._release(
                        session,
                        unit.rows,
                        self.clock() + dt.timedelta(seconds=wait),
                        uncount=True,
                    )
                    await session.commit()
                stats.deferred += len(unit.rows)
                return stats
            await asyncio.sleep(wait)
        try:
            ref = await transport.send(chat_id, unit.message, silent=unit.silent)
        except RetryAfter as exc:
            try:
                await pacer.block(chat_id, exc.seconds)
            except Exception:
                # The rows still wait exactly retry_after below.
                log.warning(
                    "pacer could not record a 429",
                    extra={"chat_id": chat_id, "bot": key_label(unit.target.key)},
                )
            stats.rate_limited += 1
            await self._after_error(unit, "retry", exc, stats, delay=exc.seconds)
            return stats
        except Blocked as exc:
            await self._after_error(unit, "blocked", exc, stats)
            return stats
        except OutcomeUnknown as exc:
            stats.outcome_unknown += len(unit.rows)
            await self._after_error(unit, "unknown", exc, stats)
            return stats
        except TransientError as exc:
            await self._after_error(unit, "transient", exc, stats)
            return stats
        except (PermanentError, DeliveryError) as exc:
            await self._after_error(unit, "permanent", exc, stats)
            return stats
        except Exception as exc:  # a transport bug must not lose the row
            log.exception("transport failed", extra={"rows": [r.id for r in unit.rows]})
            await self._after_error(unit, "transient", exc, stats)
            return stats
        async with self.session_factory() as session:
            acked = await self._ack(session, unit.rows, ref)
            await session.commit()
        stats.messages += 1
        stats.sent += acked
        stats.merged += max(0, acked - 1)
        if acked < len(unit.rows):
            # Another worker took the rows over after our lease ran out: it will send them again.
            stats.lost_lease += len(unit.rows) - acked
            log.warning("lease lost before ack", extra={"rows": [r.id for r in unit.rows]})
        return stats

    async def _not_sent(self, unit: Unit, exc: BaseException, stats: WorkerStats) -> None:
        """A failure before the request (pacing): released for a retry shortly, uncounted."""
        error = f"not sent: {type(exc).__name__}: {exc}"[:MAX_ERROR]
        async with self.session_factory() as session:
            await self._release(
                session,
                unit.rows,
                self.clock() + dt.timedelta(seconds=self.config.idle_seconds),
                uncount=True,
                error=error,
            )
            await session.commit()
        stats.retried += len(unit.rows)
        log.warning(
            "delivery postponed: failed before sending",
            extra={"rows": [r.id for r in unit.rows], "error": error},
        )

    async def _after_error(
        self, unit: Unit, what: str, exc: BaseException, stats: WorkerStats, delay: float = 0.0
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
        now = self.clock()
        async with self.session_factory() as session:
            if what == "retry":
                # 429 is not the message's fault: not an attempt; wait exactly retry_after.
                await self._release(
                    session, unit.rows, now + dt.timedelta(seconds=delay), uncount=True, error=error
                )
                stats.retried += len(unit.rows)
            elif what == "blocked":
                # Only this messenger's binding: a copy for another messenger goes on.
                await session.execute(
                    update(MessengerBinding)
                    .where(MessengerBinding.id == unit.target.id)
                    .values(is_reachable=False)
                )
                await self._finish(session, unit.rows, OutboxStatus.DEAD, error=error)
                stats.dead += len(unit.rows)
            elif what in ("transient", "unknown"):
                attempts = max(r.attempts for r in unit.rows)
                if attempts >= self.config.max_attempts:
                    await self._finish(
                        session,
                        unit.rows,
                        OutboxStatus.DEAD,
                        error=error,
                        outcome_unknown=what == "unknown" or None,
                    )
                    stats.dead += len(unit.rows)
                else:
                    await self._release(
                        session,
                        unit.rows,
                        now + dt.timedelta(seconds=self._backoff(attempts)),
                        error=error,
                        outcome_unknown=what == "unknown" or None,
                    )
                    stats.retried += len(unit.rows)
            else:
                await self._finish(session, unit.rows, OutboxStatus.DEAD, error=error)
                stats.dead += len(unit.rows)
            await session.commit()
        log.info(
            "delivery failed",
            extra={"rows": [r.id for r in unit.rows], "kind": what, "error": error},
        )

    # ------------------------------------------------------------------ row updates

    def _mine(self, rows: Sequence[Row]) -> Any:
        return and_(
            T.c.id.in_([r.id for r in rows]),
            T.c.locked_by == self.worker_id,
            T.c.status == OutboxStatus.SENDING,
        )

    async def _ack(self, session: AsyncSession, rows: Sequence[Row], ref: str) -> int:
        now = self.clock()
        main = rows[0]
        result = await session.execute(
            update(T)
            .where(self._mine([main]))
            .values(
                status=OutboxStatus.SENT,
                sent_at=now,
                message_ref=ref[:64],
                locked_by=None,
                locked_until=None,
                last_error=None,
            )
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if len(rows) > 1:
            result = await session.execute(
                update(T)
                .where(self._mine(rows[1:]))
                .values(
                    status=OutboxStatus.SENT,
                    sent_at=now,
                    message_ref=ref[:64],
                    merged_into_id=main.id,
                    locked_by=None,
                    locked_until=None,
                    last_error=None,
                )
            )
            count += int(getattr(result, "rowcount", 0) or 0)
        return count

    async def _release(
        self,
        session: AsyncSession,
        rows: Sequence[Row],
        not_before: dt.datetime,
        *,
        uncount: bool = False,
        error: str | None = None,
        digest_group: str | None = None,
        outcome_unknown: bool | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": OutboxStatus.PENDING,
            "not_before": not_before,
            "locked_by": None,
            "locked_until": None,
        }
        if uncount:
            values["attempts"] = case((T.c.attempts > 0, T.c.attempts - 1), else_=0)
        if error is not None:
            values["last_error"] = error
        if digest_group is not None:
            values["digest_group"] = digest_group
        if outcome_unknown:
            values["outcome_unknown"] = True
        await session.execute(update(T).where(self._mine(rows)).values(**values))

    async def _finish(
        self,
        session: AsyncSession,
        rows: Sequence[Row],
        status: OutboxStatus,
        *,
        error: str | None = None,
        outcome_unknown: bool | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status,
            "locked_by": None,
            "locked_until": None,
            "last_error": error,
        }
        if outcome_unknown:
            values["outcome_unknown"] = True
        await session.execute(update(T).where(self._mine(rows)).values(**values))


# --------------------------------------------------------------------------- admin queries


@dataclass(frozen=True)
class DeadLetter:
    id: int
    recipient_person_id: int | None  # None: a fan-out row whose expansion kept failing
    kind: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    outcome_unknown: bool


async def dead_letters(
    session: AsyncSession, school_id: int, *, limit: int = 100, offset: int = 0
) -> list[DeadLetter]:
    """Permanent delivery failures of a school, newest first (for the admin)."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.school_id == school_id, OutboxMessage.status == OutboxStatus.DEAD)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        DeadLetter(
            r.id,
            r.recipient_person_id,
            r.kind,
            r.attempts,
            r.last_error,
            r.created_at,
            r.outcome_unknown,
        )
        for r in rows
    ]


async def retry_dead_letter(session: AsyncSession, school_id: int, outbox_id: int) -> bool:
    """Queue a dead letter again (after the cause was fixed). The caller commits."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.school_id == school_id,
            OutboxMessage.status == OutboxStatus.DEAD,
        )
        .values(status=OutboxStatus.PENDING, attempts=0, not_before=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


async def outbox_counts(session: AsyncSession, school_id: int | None = None) -> dict[str, int]:
    """Rows by status, plus ``outcome_unknown``: for monitoring and the benchmark."""
    q = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    u = select(func.count()).where(OutboxMessage.outcome_unknown.is_(True))
    if school_id is not None:
        q = q.where(OutboxMessage.school_id == school_id)
        u = u.where(OutboxMessage.school_id == school_id)
    out = {str(getattr(s, "value", s)): int(n) for s, n in (await session.execute(q)).all()}
    out["outcome_unknown"] = int(await session.scalar(u) or 0)
    return out
