"""The process's Prometheus metrics, in one module (docs/metrics.md lists them and what to alert
on), and the helpers that need no messenger library: job timing (:func:`observe_job`), the alert
transports' counts (:func:`instrument_transport`) and the outbox gauges
(:func:`refresh_outbox_gauges`).

The objects live in prometheus-client's default registry (one per process), so that ``/metrics``
(bot/health.py) shows them beside the process collectors. The update metrics, which need aiogram,
are installed by bot/metrics.py; notifications/ imports no messenger library.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.transport import (
    Blocked,
    OutcomeUnknown,
    PermanentError,
    RetryAfter,
    TransientError,
    Transport,
)
from screens.screen import Screen
from services.enums import OutboxStatus
from services.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# --------------------------------------------------------------------------- updates

UPDATES = Counter(
    "schoolbot_updates",
    "Updates handled, by messenger, kind (message, callback_query, ...) and outcome (ok, error)",
    ["messenger", "kind", "outcome"],
)
UPDATE_SECONDS = Histogram(
    "schoolbot_update_duration_seconds",
    "Time to handle one update, middlewares included",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
UPDATE_STATEMENTS = Histogram(
    "schoolbot_update_sql_statements",
    "SQL statements sent to the database while handling one update",
    ["kind"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100),
)

# --------------------------------------------------------------------------- delivery

SENDS = Counter(
    "schoolbot_sends",
    "Alert sends by messenger, bot and outcome (ok, retry_after, blocked, transient, "
    "outcome_unknown, permanent, error)",
    ["messenger", "bot", "outcome"],
)
RETRY_AFTER_SECONDS = Counter(
    "schoolbot_send_retry_after_seconds",
    "Seconds the messenger asked to wait, summed over its 429 answers",
    ["messenger", "bot"],
)
OUTBOX_PENDING = Gauge(
    "schoolbot_outbox_pending",
    "Outbox rows waiting to be sent (pending, or leased by a worker)",
)
OUTBOX_OLDEST_PENDING_AGE = Gauge(
    "schoolbot_outbox_oldest_pending_age_seconds",
    "How long the most overdue waiting row has been due (0: none is overdue)",
)
OUTBOX_DEAD = Gauge(
    "schoolbot_outbox_dead_letters",
    "Outbox rows that will not be delivered without an administrator (dead letters)",
)
OUTBOX_REFRESHED = Gauge(
    "schoolbot_outbox_gauges_refreshed_timestamp_seconds",
    "When the outbox gauges were last read from the database (Unix time)",
)

# --------------------------------------------------------------------------- scheduler

JOB_SECONDS = Histogram(
    "schoolbot_job_duration_seconds",
    "Duration of a scheduled job's run (one batch of schools, a daily task, a tick)",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0),
)
JOB_FAILURES = Counter(
    "schoolbot_job_failures",
    "Scheduled job runs that raised",
    ["job"],
)


# --------------------------------------------------------------------------- jobs


class observe_job:
    """Times a scheduled job and counts its failures, as a context manager
    (``with observe_job("backup"): ...``) or a decorator of a sync or async function. An
    exception counts as a failure and goes on; ``asyncio.CancelledError`` (the process
    stopping) is neither a failure nor a duration."""

    def __init__(self, name: str, *, clock: Callable[[], float] = time.perf_counter) -> None:
        self.name = name
        self.clock = clock
        self._started: list[float] = []

    def __enter__(self) -> observe_job:
        self._started.append(self.clock())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        started = self._started.pop()
        if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
            return
        JOB_SECONDS.labels(self.name).observe(max(0.0, self.clock() - started))
        if exc_type is not None and issubclass(exc_type, Exception):
            JOB_FAILURES.labels(self.name).inc()

    async def __aenter__(self) -> observe_job:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def __call__(self, fn: Callable[P, T]) -> Callable[P, T]:
        if inspect.iscoroutinefunction(fn):
            afn: Callable[P, Awaitable[Any]] = fn

            @functools.wraps(fn)
            async def timed_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                with observe_job(self.name, clock=self.clock):
                    return await afn(*args, **kwargs)

            return timed_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def timed(*args: P.args, **kwargs: P.kwargs) -> T:
            with observe_job(self.name, clock=self.clock):
                return fn(*args, **kwargs)

        return timed


# --------------------------------------------------------------------------- transports

_OUTCOMES: tuple[tuple[type[Exception], str], ...] = (
    (RetryAfter, "retry_after"),
    (Blocked, "blocked"),
    (TransientError, "transient"),
    (OutcomeUnknown, "outcome_unknown"),
    (PermanentError, "permanent"),
)


def send_outcome(exc: BaseException | None) -> str:
    """The ``outcome`` label of a send that ended with ``exc`` (None: delivered)."""
    if exc is None:
        return "ok"
    for kind, label in _OUTCOMES:
        if isinstance(exc, kind):
            return label
    return "error"


class InstrumentedTransport:
    """A :class:`~notifications.transport.Transport` that counts each send by outcome, and
    the seconds of each 429, for its messenger and bot; everything else (``bot``, ``client``,
    ``request_timeout``…) is the wrapped transport's. ``bot_id`` is the bot's id given, the
    key of its pacing budget (notifications/runtime.py reads it)."""

    def __init__(self, transport: Transport, messenger: str, bot_id: str) -> None:
        self.inner = transport
        self.messenger = str(messenger)
        self.bot_id = str(bot_id)
        # Children bound once: a send costs no label lookup.
        self._sends = {
            outcome: SENDS.labels(self.messenger, self.bot_id, outcome)
            for outcome in ("ok", "error", *(label for _, label in _OUTCOMES))
        }
        self._retry_after = RETRY_AFTER_SECONDS.labels(self.messenger, self.bot_id)

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        try:
            ref = await self.inner.send(chat_id, screen, silent=silent)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._sends[send_outcome(exc)].inc()
            if isinstance(exc, RetryAfter):
                self._retry_after.inc(max(0.0, exc.seconds))
            raise
        self._sends["ok"].inc()
        return ref

    def __getattr__(self, name: str) -> Any:
        # Only called for names this wrapper does not have: the wrapped transport's.
        if name == "inner":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"InstrumentedTransport({self.inner!r}, {self.messenger!r}, {self.bot_id!r})"


def instrument_transport(transport: Transport, messenger: str, bot_id: str) -> Transport:
    """``transport`` counted in ``schoolbot_sends_total`` (see :class:`InstrumentedTransport`);
    a transport already counted is returned as it is."""
    if isinstance(transport, InstrumentedTransport):
        return transport
    return InstrumentedTransport(transport, str(getattr(messenger, "value", messenger)), bot_id)


# --------------------------------------------------------------------------- outbox


def _status_literal(status: OutboxStatus) -> ColumnElement[Any]:
    """A status written into the statement, not bound: the planner then proves the partial
    indexes' predicates (``status IN ('pending', 'sending')``) whatever the plan cache does
    (a generic plan of ``status IN ($1, $2)`` reads the whole table)."""
    return literal_column(f"'{status.value}'")


_WAITING = [_status_literal(OutboxStatus.PENDING), _status_literal(OutboxStatus.SENDING)]


async def outbox_pending(session: AsyncSession) -> int:
    """Rows waiting (pending or leased): an index-only scan of the claim index, whose size
    follows the rows waiting, not the rows ever queued."""
    n = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(_WAITING))
    )
    return int(n or 0)


async def outbox_oldest_due(session: AsyncSession) -> dt.datetime | None:
    """The earliest ``not_before`` of the rows waiting: the first entry of the claim index."""
    found: dt.datetime | None = await session.scalar(
        select(func.min(OutboxMessage.not_before)).where(OutboxMessage.status.in_(_WAITING))
    )
    if found is not None and found.tzinfo is None:  # SQLite gives naive UTC
        found = found.replace(tzinfo=dt.UTC)
    return found


async def outbox_dead(session: AsyncSession) -> int:
    """Dead letters: an index-only count over ``ix_outbox_dead`` (the dead rows alone; the
    status is a literal of the statement, so that its predicate is proved under a generic plan
    too)."""
    n = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == _status_literal(OutboxStatus.DEAD))
    )
    return int(n or 0)


async def refresh_outbox_gauges(
    session: AsyncSession, now: dt.datetime, *, dead: bool = True
) -> dict[str, float]:
    """Read the outbox gauges (``dead``: the dead letters too) and set them; returns what it
    set."""
    pending = await outbox_pending(session)
    oldest = await outbox_oldest_due(session)
    dead_letters = await outbox_dead(session) if dead else None
    # Set together, once every value is read: a scrape sees one round's values.
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    out: dict[str, float] = {"pending": float(pending), "oldest_pending_age_seconds": age}
    OUTBOX_PENDING.set(pending)
    OUTBOX_OLDEST_PENDING_AGE.set(age)
    if dead_letters is not None:
        OUTBOX_DEAD.set(dead_letters)
        out["dead_letters"] = float(dead_letters)
    OUTBOX_REFRESHED.set(now.timestamp())
    return out


OUTBOX_EVERY_SECONDS = 15.0
DEAD_LETTERS_EVERY_SECONDS = 15.0


async def run_outbox_gauges(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    every: float = OUTBOX_EVERY_SECONDS,
    dead_every: float = DEAD_LETTERS_EVERY_SECONDS,
    clock: Callable[[], dt.datetime] = utcnow,
    stop: asyncio.Event | None = None,
) -> None:
    """Refresh the outbox gauges every ``every`` seconds (the dead letters every
    ``dead_every``) until ``stop`` is set or the task is cancelled; a failed read is logged
    and tried again at the next round."""
    stop = stop or asyncio.Event()
    next_dead: dt.datetime | None = None
    while not stop.is_set():
        now = clock()
        dead = next_dead is None or now >= next_dead
        try:
            async with session_factory() as session:
                await refresh_outbox_gauges(session, now, dead=dead)
            if dead:
                next_dead = now + dt.timedelta(seconds=dead_every)
        except Exception:
            log.warning("outbox gauges: read failed", exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
