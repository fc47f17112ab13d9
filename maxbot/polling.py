"""MAX updates into the one aiogram Dispatcher: the feed (shared with the webhook) and the long
polling loop (``GET /updates`` with the marker).

Each raw MAX update is translated to aiogram ``Update`` objects (``maxbot.updates.to_updates``,
passed in as ``translate``) and fed with ``dispatcher.feed_update(bot, update,
messenger=Messenger.MAX)``: the same routers, middlewares, FSM storage, per-chat isolation
and throttle as Telegram's updates (docs/max.md). At most ``concurrency`` updates are handled
at once (UPDATE_CONCURRENCY, as Telegram's polling); on stop the updates in flight finish for
at most ``drain_seconds`` (like ``bot.app.drain_updates``).

The loop: the marker of each answer is passed with the next call, which commits the updates
before it (the schema's ``GET /updates``), so updates received but not yet committed when the
process stops come again at the next start. A 429 waits its ``Retry-After``; any other error
waits a growing pause (1 s doubling to 30 s) and tries again; a refused token (401) ends the
loop with the error. Stopping interrupts a long poll at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from maxbot.client import MaxError, MaxRetryAfter, MaxUnauthorized
from services.enums import Messenger

log = logging.getLogger(__name__)

# (raw MAX update, the first free update id) -> aiogram updates (none for a type not handled).
Translate = Callable[[dict[str, Any], int], list[Update]]
Sleep = Callable[[float], Awaitable[None]]

DRAIN_SECONDS = 10.0
POLL_SECONDS = 30
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0


class UpdatesSource(Protocol):
    """The part of :class:`maxbot.client.MaxClient` the loop uses."""

    async def get_updates(
        self, marker: int | None = None, *, poll_seconds: int = 30, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]: ...

    async def subscriptions(self) -> list[dict[str, Any]]: ...

    async def unsubscribe(self, url: str) -> dict[str, Any]: ...


class MaxFeed:
    """Translates MAX updates and hands them to the Dispatcher, ``concurrency`` at a time."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        translate: Translate,
        *,
        concurrency: int,
        first_id: int = 1,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self._translate = translate
        self._next_id = first_id
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    def translate(self, raw: dict[str, Any]) -> list[Update]:
        """The aiogram updates of one MAX update, with ids of their own (increasing)."""
        updates = self._translate(raw, self._next_id)
        if updates:
            self._next_id = max(self._next_id, max(u.update_id for u in updates) + 1)
        return updates

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update, messenger=Messenger.MAX)
        finally:
            self._slots.release()

    async def start(self, update: Update) -> asyncio.Task[None]:
        """Waits for a free slot, then handles ``update`` in a task of its own (returned)."""
        await self._slots.acquire()
        task = asyncio.create_task(self._handle(update), name=f"max.update.{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def submit(self, update: Update) -> None:
        """Handle ``update`` in the background; a failure is logged (polling: MAX does not
        redeliver, as Telegram does not)."""
        task = await self.start(update)
        task.add_done_callback(_log_failure)

    async def drain(self, seconds: float = DRAIN_SECONDS) -> None:
        """The updates in flight finish (for at most ``seconds``); the rest are
        cancelled."""
        running = [task for task in self._tasks if not task.done()]
        if not running:
            return
        log.info("waiting for MAX updates in flight", extra={"updates": len(running)})
        _done, pending = await asyncio.wait(running, timeout=seconds)
        if pending:
            log.warning(
                "MAX updates still running at stop are cancelled", extra={"updates": len(pending)}
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


def _log_failure(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("a MAX update failed", exc_info=(type(exc), exc, exc.__traceback__))


class MaxPolling:
    """Long polling of one MAX bot until ``stop`` is set."""

    def __init__(
        self,
        client: UpdatesSource,
        feed: MaxFeed,
        *,
        poll_seconds: int = POLL_SECONDS,
        limit: int = 100,
        sleep: Sleep = asyncio.sleep,
        backoff_first: float = BACKOFF_FIRST,
        backoff_max: float = BACKOFF_MAX,
    ) -> None:
        self.client = client
        self.feed = feed
        self.poll_seconds = poll_seconds
        self.limit = limit
        self._sleep = sleep
        self.backoff_first = backoff_first
        self.backoff_max = backoff_max
        self.marker: int | None = None

    async def prepare(self) -> None:
        """MAX serves no long polling while a webhook is subscribed: a bot switched from the
        webhook back to polling drops its subscriptions (with a warning)."""
        for sub in await self.client.subscriptions():
            url = str(sub.get("url") or "")
            if url:
                log.warning("removing the MAX webhook subscription to poll instead")
                await self.client.unsubscribe(url)

    async def _until_stopped(self, work: Awaitable[Any], stop: asyncio.Event) -> tuple[bool, Any]:
        """(True, result) when ``work`` finished first; (False, None) when stopped first (the
        work is cancelled)."""
        job = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({job, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if job.done():
            return True, job.result()
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
        return False, None

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        await self._until_stopped(self._sleep(seconds), stop)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll, translate and feed until ``stop``; then the updates in flight finish."""
        delay = self.backoff_first
        log.info("MAX polling started")
        try:
            while not stop.is_set():
                try:
                    done, answer = await self._until_stopped(
                        self.client.get_updates(
                            self.marker, poll_seconds=self.poll_seconds, limit=self.limit
                        ),
                        stop,
                    )
                except MaxUnauthorized:
                    raise
                except MaxRetryAfter as exc:
                    log.warning("MAX asks to wait", extra={"seconds": exc.seconds})
                    await self._pause(exc.seconds, stop)
                    continue
                except (MaxError, OSError, ValueError, KeyError, TypeError) as exc:
                    log.warning(
                        "MAX polling failed, trying again",
                        extra={"error": f"{type(exc).__name__}: {exc}"[:300], "seconds": delay},
                    )
                    await self._pause(delay, stop)
                    delay = min(delay * 2, self.backoff_max)
                    continue
                if not done:
                    break
                delay = self.backoff_first
                raws, marker = answer
                for raw in raws:
                    try:
                        updates = self.feed.translate(raw)
                    except Exception:
                        log.exception(
                            "a MAX update could not be read", extra={"type": raw.get("update_type")}
                        )
                        continue
                    for update in updates:
                        await self.feed.submit(update)
                self.marker = marker
        finally:
            log.info("MAX polling stopped")
            await self.feed.drain()
