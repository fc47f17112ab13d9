"""MAX long polling: markers advance, errors back off, a 429 waits, stop drains the updates in
flight, at most ``concurrency`` updates at once, the Dispatcher sees ``messenger=MAX``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from maxbot.client import MaxNotSent, MaxRetryAfter, MaxServerError, MaxUnauthorized
from maxbot.polling import MaxFeed, MaxPolling
from services.enums import Messenger
from tests.maxbot.support import Handled, make_feed, message_update, raw_message

Answer = tuple[list[dict[str, Any]], int | None]


class FakeSource:
    """Answers ``get_updates`` from a script (an answer or an error per call); once the script
    is over, a call waits like a long poll with nothing new, until it is cancelled."""

    def __init__(self, *script: Answer | Exception, subs: list[str] | None = None) -> None:
        self.script = list(script)
        self.markers: list[int | None] = []
        self.parked = asyncio.Event()
        self.cancelled = 0
        self.subs = list(subs or [])
        self.unsubscribed: list[str] = []

    async def get_updates(
        self, marker: int | None = None, *, poll_seconds: int = 30, limit: int = 100
    ) -> Answer:
        self.markers.append(marker)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        self.parked.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        raise AssertionError("unreachable")

    async def subscriptions(self) -> list[dict[str, Any]]:
        return [{"url": url} for url in self.subs]

    async def unsubscribe(self, url: str) -> dict[str, Any]:
        self.unsubscribed.append(url)
        self.subs.remove(url)
        return {"success": True}


class Sleeps:
    """Records the pauses asked for; returns at once."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


@pytest.fixture
async def handled() -> Handled:
    return Handled()


@pytest.fixture
async def feed(handled: Handled) -> AsyncIterator[MaxFeed]:
    made, bot = make_feed(handled)
    yield made
    await bot.session.close()


class Running:
    """Polling in a task, until :meth:`stop`."""

    def __init__(self, polling: MaxPolling) -> None:
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(polling.run(self.stop_event))

    async def stop(self) -> None:
        self.stop_event.set()
        await self.task


async def _run_until_parked(polling: MaxPolling, source: FakeSource) -> Running:
    """Starts polling; returns once it waits in a long poll with nothing new."""
    running = Running(polling)
    parked = asyncio.create_task(source.parked.wait())
    await asyncio.wait({running.task, parked}, return_when=asyncio.FIRST_COMPLETED)
    parked.cancel()
    if running.task.done():
        running.task.result()
    return running


async def test_markers_advance_and_updates_reach_the_dispatcher_as_max(
    feed: MaxFeed, handled: Handled
) -> None:
    source = FakeSource(
        ([raw_message("one"), raw_message("two")], 5),
        ([raw_message("three", chat=2)], 7),
    )
    polling = MaxPolling(source, feed, sleep=Sleeps())
    running = await _run_until_parked(polling, source)
    await handled.wait(3)
    await running.stop()
    assert source.markers == [None, 5, 7]
    assert polling.marker == 7
    assert sorted(handled.texts) == ["one", "three", "two"]
    assert handled.messengers == [Messenger.MAX] * 3
    assert sorted(handled.ids) == [1, 2, 3]  # each update an id of its own


async def test_updates_not_handled_are_skipped_and_an_unreadable_one_is_logged(
    feed: MaxFeed, handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    source = FakeSource(
        ([{"update_type": "bot_added"}, {"update_type": "broken"}, raw_message("after")], 3)
    )
    polling = MaxPolling(source, feed, sleep=Sleeps())
    running = await _run_until_parked(polling, source)
    await handled.wait(1)
    await running.stop()
    assert handled.texts == ["after"]
    assert source.markers == [None, 3]
    assert any("could not be read" in r.getMessage() for r in caplog.records)


async def test_errors_back_off_growing_and_success_resets_the_pause(feed: MaxFeed) -> None:
    source = FakeSource(
        MaxServerError(502, "bad.gateway", ""),
        MaxNotSent(0, "connection", "refused"),
        MaxServerError(500, "internal", ""),
        ([], 4),
        MaxServerError(503, "unavailable", ""),
    )
    sleeps = Sleeps()
    polling = MaxPolling(source, feed, sleep=sleeps, backoff_first=1.0, backoff_max=3.0)
    running = await _run_until_parked(polling, source)
    await running.stop()
    assert sleeps.asked == [1.0, 2.0, 3.0, 1.0]
    # A failed call committed nothing: the same marker is asked for again.
    assert source.markers == [None, None, None, None, 4, 4]


async def test_a_429_waits_its_retry_after(feed: MaxFeed) -> None:
    source = FakeSource(MaxRetryAfter(429, "too.many.requests", "", seconds=7.0), ([], 2))
    sleeps = Sleeps()
    polling = MaxPolling(source, feed, sleep=sleeps)
    running = await _run_until_parked(polling, source)
    await running.stop()
    assert sleeps.asked == [7.0]
    assert source.markers == [None, None, 2]


async def test_a_refused_token_ends_polling_with_the_error(feed: MaxFeed) -> None:
    source = FakeSource(MaxUnauthorized(401, "verify.token", "Invalid access_token"))
    with pytest.raises(MaxUnauthorized):
        await MaxPolling(source, feed, sleep=Sleeps()).run(asyncio.Event())


async def test_stop_interrupts_the_long_poll(feed: MaxFeed) -> None:
    source = FakeSource()
    polling = MaxPolling(source, feed, sleep=Sleeps())
    running = await _run_until_parked(polling, source)
    await running.stop()
    assert source.cancelled == 1


async def test_stop_lets_the_updates_in_flight_finish(feed: MaxFeed, handled: Handled) -> None:
    gate = handled.gates["slow"] = asyncio.Event()
    source = FakeSource(([raw_message("slow")], 2))
    polling = MaxPolling(source, feed, sleep=Sleeps())
    running = await _run_until_parked(polling, source)
    await handled.wait_started("slow")
    running.stop_event.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert not running.task.done()  # waits for the update, not cancelling it
    assert feed.in_flight == 1
    assert source.cancelled == 1  # the long poll itself stopped at once
    gate.set()
    await running.task
    assert handled.texts == ["slow"]


async def test_drain_cancels_what_outlives_its_time(feed: MaxFeed, handled: Handled) -> None:
    handled.gates["stuck"] = asyncio.Event()
    task = await feed.start(message_update(1, "stuck"))
    await handled.wait_started("stuck")
    await feed.drain(0)
    assert task.cancelled()
    assert feed.in_flight == 0


async def test_no_more_than_concurrency_updates_at_once(handled: Handled) -> None:
    feed, bot = make_feed(handled, concurrency=1)
    try:
        first = handled.gates["first"] = asyncio.Event()
        source = FakeSource(([raw_message("first"), raw_message("second")], 3))
        polling = MaxPolling(source, feed, sleep=Sleeps())
        stop = asyncio.Event()
        task = asyncio.create_task(polling.run(stop))
        await handled.wait_started("first")
        for _ in range(20):
            await asyncio.sleep(0)
        assert handled.started == ["first"]  # the second waits for a free slot
        assert source.markers == [None]
        first.set()
        await handled.wait(2)
        assert handled.texts == ["first", "second"]
        stop.set()
        await task
    finally:
        await bot.session.close()


async def test_a_failed_update_is_logged_and_polling_goes_on(
    feed: MaxFeed, handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    source = FakeSource(([raw_message("fail")], 2), ([raw_message("next")], 3))
    polling = MaxPolling(source, feed, sleep=Sleeps())
    running = await _run_until_parked(polling, source)
    await handled.wait(1)
    await running.stop()
    assert handled.texts == ["next"]
    assert any(r.getMessage() == "a MAX update failed" for r in caplog.records)


async def test_prepare_drops_a_webhook_subscription(feed: MaxFeed) -> None:
    source = FakeSource(subs=["https://bot.example/max"])
    await MaxPolling(source, feed).prepare()
    assert source.unsubscribed == ["https://bot.example/max"]
