"""The process's metrics (docs/metrics.md): the objects and the messenger-free helpers are in
notifications/metrics.py (the scheduler and the worker use them too, and notifications/ imports
no messenger library); here, what needs aiogram: the update middleware and the statement
listener (:func:`install_update_metrics`).

aiogram is imported only under TYPE_CHECKING or inside functions.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from notifications.metrics import (
    JOB_FAILURES,
    JOB_SECONDS,
    OUTBOX_DEAD,
    OUTBOX_OLDEST_PENDING_AGE,
    OUTBOX_PENDING,
    RETRY_AFTER_SECONDS,
    SENDS,
    UPDATE_SECONDS,
    UPDATE_STATEMENTS,
    UPDATES,
    InstrumentedTransport,
    instrument_transport,
    observe_job,
    refresh_outbox_gauges,
    run_outbox_gauges,
)

if TYPE_CHECKING:
    from aiogram import Dispatcher
    from aiogram.types import TelegramObject

__all__ = [
    "JOB_FAILURES",
    "JOB_SECONDS",
    "OUTBOX_DEAD",
    "OUTBOX_OLDEST_PENDING_AGE",
    "OUTBOX_PENDING",
    "RETRY_AFTER_SECONDS",
    "SENDS",
    "UPDATES",
    "UPDATE_SECONDS",
    "UPDATE_STATEMENTS",
    "InstrumentedTransport",
    "UpdateMetricsMiddleware",
    "count_statements",
    "install_update_metrics",
    "instrument_transport",
    "observe_job",
    "refresh_outbox_gauges",
    "run_outbox_gauges",
]

# The statement counter of the update being handled (a one-item list), or None outside one.
# Each update runs in its own task (its own context), and SQLAlchemy's async layer runs the
# statement events in a greenlet that carries the caller's context.
_statements: ContextVar[list[int] | None] = ContextVar("schoolbot_update_statements", default=None)


def _count_statement(*_args: Any) -> None:
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


def listen_statements(engine: AsyncEngine) -> None:
    """Count the engine's statements into the update being handled (once per engine)."""
    sync_engine = engine.sync_engine
    if not event.contains(sync_engine, "before_cursor_execute", _count_statement):
        event.listen(sync_engine, "before_cursor_execute", _count_statement)


@contextmanager
def count_statements() -> Iterator[list[int]]:
    """The statements run inside (on an engine given to :func:`listen_statements`), as
    ``counter[0]``."""
    counter = [0]
    token = _statements.set(counter)
    try:
        yield counter
    finally:
        _statements.reset(token)


def _messenger(data: dict[str, Any]) -> str:
    messenger = data.get("messenger") or "telegram"
    return str(getattr(messenger, "value", messenger))


class UpdateMetricsMiddleware:
    """The outermost update middleware: counts the update by messenger, kind and outcome,
    and observes its duration and its SQL statements.

    ``error``: the update raised, or a handler failed with something else than a
    :class:`~services.errors.DomainError` (bot/middlewares.py's HandlerErrorMiddleware answers
    the user with an apology and records ``error.internal`` in the log context, which is read
    here). A refusal the user caused (a DomainError) is ``ok``: the bot answered as it should."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = str(getattr(event, "event_type", None) or "unknown")
        started = self.clock()
        outcome = "error"
        with count_statements() as counter:
            try:
                result = await handler(event, data)
                context = data.get("log_context")
                failed = isinstance(context, dict) and context.get("error_code") == "error.internal"
                outcome = "error" if failed else "ok"
                return result
            finally:
                UPDATE_SECONDS.labels(kind).observe(max(0.0, self.clock() - started))
                UPDATE_STATEMENTS.labels(kind).observe(counter[0])
                UPDATES.labels(_messenger(data), kind, outcome).inc()


def install_update_metrics(dp: Dispatcher, engine: AsyncEngine) -> None:
    """Put :class:`UpdateMetricsMiddleware` outermost on the dispatcher's updates (before the
    update log, the session and the identity, so that their time and statements count) and
    count ``engine``'s statements. Installing twice changes nothing."""
    listen_statements(engine)
    manager = dp.update.outer_middleware
    present = list(manager)
    if any(isinstance(m, UpdateMetricsMiddleware) for m in present):
        return
    # aiogram's middleware manager only appends: take the others off and put them back after.
    for middleware in present:
        manager.unregister(middleware)
    manager.register(UpdateMetricsMiddleware())
    for middleware in present:
        manager.register(middleware)
