"""bot/metrics.py and notifications/metrics.py: update metrics through the real Dispatcher (and
through a bare one whose handler fails), the alert transports' counts against the local Bot API
server's 429, and the scheduler's job timings. The registry is the process's: every assertion
reads a delta, never a total another test may have added to."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import Message
from prometheus_client import REGISTRY
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import (
    UpdateMetricsMiddleware,
    count_statements,
    install_update_metrics,
    instrument_transport,
    observe_job,
)
from bot.middlewares import setup_middlewares
from handlers.common.transport import TelegramTransport
from notifications import jobs
from notifications.daily import DailyTask, run_daily
from notifications.metrics import InstrumentedTransport, refresh_outbox_gauges
from notifications.runtime import bot_id_of
from notifications.scheduler import Scheduler
from notifications.transport import Blocked, PermanentError, RetryAfter
from screens.screen import Screen
from services.models import School
from testkit.botapi import BotAPIServer
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.handlers.conftest import dp  # noqa: F401
from tests.testkit.conftest import close_bot, local_bot, relaxed_limits


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """Samples read before and after: ``delta(name, **labels)``."""

    def __init__(self, *samples: tuple[str, dict[str, str]]) -> None:
        self.before = {(n, tuple(sorted(lb.items()))): value(n, **lb) for n, lb in samples}

    def __call__(self, name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return value(name, **labels) - self.before.get(key, 0.0)


def update_samples(kind: str, messenger: str = "telegram") -> list[tuple[str, dict[str, str]]]:
    return [
        ("schoolbot_updates_total", {"messenger": messenger, "kind": kind, "outcome": "ok"}),
        ("schoolbot_updates_total", {"messenger": messenger, "kind": kind, "outcome": "error"}),
        ("schoolbot_update_duration_seconds_count", {"kind": kind}),
        ("schoolbot_update_sql_statements_count", {"kind": kind}),
        ("schoolbot_update_sql_statements_sum", {"kind": kind}),
    ]


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements sent meanwhile, counted independently (tests/handlers/test_identity_once)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


# --------------------------------------------------------------------------- updates


async def test_updates_counted_by_kind_with_their_statements(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    engine: AsyncEngine,
) -> None:
    # the bot's dispatcher counts its updates from the start (bot/app.py)
    assert isinstance(dp.update.outer_middleware[0], UpdateMetricsMiddleware)
    install_update_metrics(dp, engine)
    install_update_metrics(dp, engine)  # again: one middleware, one listener
    outer = list(dp.update.outer_middleware)
    assert isinstance(outer[0], UpdateMetricsMiddleware)  # outermost: the log, session, identity
    assert sum(isinstance(m, UpdateMetricsMiddleware) for m in outer) == 1

    delta = Delta(*update_samples("message"), *update_samples("callback_query"))
    with statements(engine) as sql:
        await dp.feed_update(bot, make_message_update(5001, "/help"))
    assert bot.session.sent_texts(5001)  # answered
    assert delta("schoolbot_updates_total", messenger="telegram", kind="message", outcome="ok") == 1
    assert delta("schoolbot_update_duration_seconds_count", kind="message") == 1
    assert delta("schoolbot_update_sql_statements_count", kind="message") == 1
    # the identity's read at least, and exactly what the engine sent
    assert len(sql) >= 1
    assert delta("schoolbot_update_sql_statements_sum", kind="message") == len(sql)

    # a forged button: refused as the handlers refuse it, which is no failure of the bot
    await dp.feed_update(bot, make_callback_update(5001, "zz:forged"))
    assert (
        delta("schoolbot_updates_total", messenger="telegram", kind="callback_query", outcome="ok")
        == 1
    )
    errors = delta("schoolbot_updates_total", kind="message", messenger="telegram", outcome="error")
    assert errors == 0
    assert delta("schoolbot_update_sql_statements_count", kind="callback_query") == 1


async def test_update_statement_counts_do_not_mix_between_updates(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    engine: AsyncEngine,
) -> None:
    install_update_metrics(dp, engine)
    delta = Delta(*update_samples("message"))
    with statements(engine) as sql:
        await asyncio.gather(
            *(dp.feed_update(bot, make_message_update(6000 + n, "/help")) for n in range(4))
        )
    assert delta("schoolbot_update_sql_statements_count", kind="message") == 4
    assert delta("schoolbot_update_sql_statements_sum", kind="message") == len(sql)
    # statements outside an update are not counted into any
    with count_statements() as counter:
        pass
    assert counter == [0]


def failing_router() -> Router:
    router = Router()

    @router.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError("handler bug")

    @router.message(Command("fine"))
    async def fine(message: Message) -> None:
        await message.answer("fine")

    return router


async def test_a_failed_handler_counts_as_error(
    bot: RecordingBot,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # The project's middlewares answer with an apology and log: the update still failed.
    dispatcher = Dispatcher(session_factory=session_factory)
    setup_middlewares(dispatcher)
    dispatcher.include_router(failing_router())
    install_update_metrics(dispatcher, engine)
    delta = Delta(*update_samples("message"))
    await dispatcher.feed_update(bot, make_message_update(7001, "/boom"))
    assert bot.session.sent_texts(7001)  # the apology
    assert delta("schoolbot_updates_total", messenger="telegram", kind="message", outcome="error")
    assert delta("schoolbot_update_duration_seconds_count", kind="message") == 1
    await dispatcher.feed_update(bot, make_message_update(7001, "/fine"))
    assert delta("schoolbot_updates_total", messenger="telegram", kind="message", outcome="ok") == 1


async def test_an_exception_through_the_dispatcher_counts_as_error_with_its_messenger(
    bot: RecordingBot, engine: AsyncEngine
) -> None:
    dispatcher = Dispatcher()  # no error middleware: the exception leaves feed_update
    dispatcher.include_router(failing_router())
    install_update_metrics(dispatcher, engine)
    delta = Delta(*update_samples("message", "max"))
    with pytest.raises(RuntimeError, match="handler bug"):
        await dispatcher.feed_update(bot, make_message_update(7002, "/boom"), messenger="max")
    assert delta("schoolbot_updates_total", messenger="max", kind="message", outcome="error") == 1
    assert delta("schoolbot_updates_total", messenger="max", kind="message", outcome="ok") == 0
    assert delta("schoolbot_update_sql_statements_count", kind="message") == 1


# --------------------------------------------------------------------------- transports


class FakeTransport:
    """Fails with the queued errors, then sends."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.bot = "the wrapped bot"
        self.request_timeout = 7.5

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        if self.errors:
            raise self.errors.pop(0)
        return f"sent:{chat_id}:{silent}"


def send_samples(messenger: str, bot_id: str) -> list[tuple[str, dict[str, str]]]:
    out = [
        ("schoolbot_sends_total", {"messenger": messenger, "bot": bot_id, "outcome": o})
        for o in ("ok", "retry_after", "blocked", "permanent", "error")
    ]
    out.append(
        ("schoolbot_send_retry_after_seconds_total", {"messenger": messenger, "bot": bot_id})
    )
    return out


SCREEN = Screen(("Пётр получил 5",))


async def test_transport_wrapper_counts_each_outcome_and_forwards() -> None:
    fake = FakeTransport(RetryAfter(3), Blocked("blocked"), PermanentError("bad"), KeyError("x"))
    transport = instrument_transport(fake, "max", "42")
    assert instrument_transport(transport, "max", "42") is transport  # not counted twice
    assert isinstance(transport, InstrumentedTransport)
    # what the worker and the runtime read
    assert transport.bot == "the wrapped bot"
    assert transport.request_timeout == 7.5
    assert bot_id_of(transport) == "42"
    delta = Delta(*send_samples("max", "42"))
    for error in (RetryAfter, Blocked, PermanentError, KeyError):
        with pytest.raises(error):
            await transport.send("9", SCREEN)
    assert await transport.send("9", SCREEN, silent=True) == "sent:9:True"
    for outcome in ("ok", "retry_after", "blocked", "permanent", "error"):
        got = delta("schoolbot_sends_total", messenger="max", bot="42", outcome=outcome)
        assert got == 1, outcome
    assert delta("schoolbot_send_retry_after_seconds_total", messenger="max", bot="42") == 3


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer(limits=relaxed_limits()) as srv:
        yield srv


@pytest.fixture
async def telegram(botapi: BotAPIServer) -> AsyncIterator[Bot]:
    bot = local_bot(botapi, "888002:METRICS-token")
    yield bot
    await close_bot(bot)


async def test_telegram_429_counted_per_bot(botapi: BotAPIServer, telegram: Bot) -> None:
    botapi.user(501).open_chat()
    transport = instrument_transport(TelegramTransport(telegram), "telegram", str(telegram.id))
    delta = Delta(*send_samples("telegram", "888002"))
    botapi.faults.inject(method="sendMessage", chat_id=501, kind="429", retry_after=4)
    with pytest.raises(RetryAfter):
        await transport.send("501", SCREEN)
    assert await transport.send("501", SCREEN)
    assert [m.content for m in botapi.sent_to(501)] == ["Пётр получил 5"]
    labels = {"messenger": "telegram", "bot": "888002"}
    assert delta("schoolbot_sends_total", outcome="retry_after", **labels) == 1
    assert delta("schoolbot_sends_total", outcome="ok", **labels) == 1
    assert delta("schoolbot_send_retry_after_seconds_total", **labels) == 4


# --------------------------------------------------------------------------- jobs


def job_samples(*names: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (sample, {"job": name})
        for name in names
        for sample in ("schoolbot_job_duration_seconds_count", "schoolbot_job_failures_total")
    ]


async def test_observe_job_as_context_manager_and_decorator() -> None:
    ticks = iter([10.0, 12.5, 20.0, 21.0, 30.0, 30.25])
    delta = Delta(*job_samples("m_ctx", "m_async", "m_sync"))
    with observe_job("m_ctx", clock=lambda: next(ticks)):
        pass

    @observe_job("m_async", clock=lambda: next(ticks))
    async def failing() -> None:
        raise ValueError("job bug")

    with pytest.raises(ValueError, match="job bug"):
        await failing()

    @observe_job("m_sync", clock=lambda: next(ticks))
    def add(a: int, b: int) -> int:
        return a + b

    assert add(2, 3) == 5
    assert delta("schoolbot_job_duration_seconds_count", job="m_ctx") == 1
    assert delta("schoolbot_job_failures_total", job="m_ctx") == 0
    assert delta("schoolbot_job_duration_seconds_count", job="m_async") == 1
    assert delta("schoolbot_job_failures_total", job="m_async") == 1
    assert delta("schoolbot_job_failures_total", job="m_sync") == 0
    # the durations of the injected clock: 2.5 s, 1 s and 0.25 s in their buckets
    assert delta("schoolbot_job_duration_seconds_bucket", job="m_ctx", le="1.0") == 0
    assert delta("schoolbot_job_duration_seconds_bucket", job="m_ctx", le="5.0") == 1
    assert delta("schoolbot_job_duration_seconds_bucket", job="m_sync", le="0.5") == 1

    # a job cut short by the process stopping is neither a failure nor a duration
    delta = Delta(*job_samples("m_cancel"))
    with pytest.raises(asyncio.CancelledError), observe_job("m_cancel"):
        raise asyncio.CancelledError
    assert delta("schoolbot_job_duration_seconds_count", job="m_cancel") == 0
    assert delta("schoolbot_job_failures_total", job="m_cancel") == 0


class AlwaysLeader:
    async def acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


async def test_scheduler_times_each_job_and_counts_failures(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    session.add(
        School(
            code="m1",
            name="Школа m1",
            timezone="Europe/Moscow",
            created_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC),
        )
    )
    await session.commit()

    async def fine(s: AsyncSession, schools: list[School], day: dt.date, now: Any) -> dict:
        return {school.id: 0 for school in schools}

    async def broken(s: AsyncSession, schools: list[School], day: dt.date, now: Any) -> dict:
        raise RuntimeError("job bug")

    def spec(name: str, fn: Any) -> jobs.JobSpec:
        return jobs.JobSpec(
            name=name,
            at=lambda school: dt.time(0, 0),
            applies=lambda school, calendar, day: True,
            fn=fn,
            window=dt.timedelta(hours=23),
        )

    scheduler = Scheduler(
        session_factory,
        AlwaysLeader(),
        clock=lambda: NOW,
        job_specs=(spec("m_fine", fine), spec("m_broken", broken)),
    )
    delta = Delta(*job_samples("m_fine", "m_broken", "tick"))
    ran = await scheduler.tick()
    assert [name for name, *_ in ran] == ["m_fine"]
    assert delta("schoolbot_job_duration_seconds_count", job="m_fine") == 1
    assert delta("schoolbot_job_failures_total", job="m_fine") == 0
    assert delta("schoolbot_job_duration_seconds_count", job="m_broken") == 1
    assert delta("schoolbot_job_failures_total", job="m_broken") == 1  # logged, not raised
    assert delta("schoolbot_job_duration_seconds_count", job="tick") == 1
    assert delta("schoolbot_job_failures_total", job="tick") == 0
    # wrapped once, whatever the scheduler is given again
    again = Scheduler(session_factory, AlwaysLeader(), job_specs=scheduler.job_specs)
    assert [s.fn for s in again.job_specs] == [s.fn for s in scheduler.job_specs]


@pytest.mark.committed
async def test_daily_task_failure_counted(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async def backup() -> None:
        raise OSError("disk full")

    task = DailyTask("m_backup", dt.time(3, 0), "Europe/Moscow", backup)
    delta = Delta(*job_samples("m_backup"))
    ran = await run_daily(
        session_factory, (task,), dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC), "o"
    )
    assert ran == ["m_backup"]
    assert delta("schoolbot_job_duration_seconds_count", job="m_backup") == 1
    assert delta("schoolbot_job_failures_total", job="m_backup") == 1


# --------------------------------------------------------------------------- outbox


async def test_outbox_gauges_of_an_empty_outbox(session: AsyncSession) -> None:
    got = await refresh_outbox_gauges(session, NOW)
    assert got == {"pending": 0.0, "oldest_pending_age_seconds": 0.0, "dead_letters": 0.0}
    assert value("schoolbot_outbox_pending") == 0
    # without the dead letters (read less often): their gauge is left as it was
    assert "dead_letters" not in await refresh_outbox_gauges(session, NOW, dead=False)
