"""The local Bot API server's webhook: up to max_connections deliveries in flight, one per chat,
a failed one retried without holding the others, pending updates kept until delivered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiohttp import web

from testkit.botapi import BotAPIServer

from .conftest import close_bot, local_bot, relaxed_limits


class HoldingReceiver:
    """A webhook endpoint that holds each request until the test releases it (``hold``) and
    records how many requests it had open at once."""

    def __init__(self) -> None:
        self.arrived: list[dict[str, Any]] = []  # every request, in arrival order
        self.delivered: list[dict[str, Any]] = []  # the ones answered 200
        self.active = 0
        self.peak = 0
        self.hold = True
        self.fail: Callable[[dict[str, Any]], bool] = lambda update: False
        self.reply: dict[str, Any] = {}
        self._gates: dict[int, asyncio.Event] = {}
        self._changed = asyncio.Event()
        self.url = ""
        self.runner: web.AppRunner | None = None

    def _signal(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _gate(self, update_id: int) -> asyncio.Event:
        return self._gates.setdefault(update_id, asyncio.Event())

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.active += 1
        self.peak = max(self.peak, self.active)
        self.arrived.append(update)
        self._signal()
        try:
            if self.fail(update):
                return web.Response(status=500)
            if self.hold:
                await self._gate(update["update_id"]).wait()
            self.delivered.append(update)
            return web.json_response(self.reply)
        finally:
            self.active -= 1
            self._signal()

    def release(self, update: dict[str, Any]) -> None:
        self._gate(update["update_id"]).set()

    def release_all(self) -> None:
        self.hold = False
        for gate in self._gates.values():
            gate.set()

    async def until(self, predicate: Callable[[], bool], seconds: float = 10.0) -> None:
        """Wait for ``predicate`` (re-checked on each request and every few ms)."""
        async with asyncio.timeout(seconds):
            while not predicate():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [u["message"]["text"] for u in updates]


def ids(updates: list[dict[str, Any]]) -> list[int]:
    return [u["update_id"] for u in updates]


def in_flight(server: BotAPIServer) -> int:
    hook = server.webhook
    assert hook is not None
    return len(hook.in_flight)


@pytest.fixture
async def receiver() -> AsyncIterator[HoldingReceiver]:
    rec = HoldingReceiver()
    await rec.start()
    yield rec
    rec.release_all()
    assert rec.runner is not None
    await rec.runner.cleanup()


async def queue_from_chats(server: BotAPIServer, count: int, first_chat: int = 1001) -> None:
    """One message from each of ``count`` private chats, queued before the webhook is set."""
    for i in range(count):
        await server.user(first_chat + i).send(f"m{i}")


async def test_one_connection_delivers_strictly_one_after_another(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    await queue_from_chats(server, 5)
    assert await bot.set_webhook(receiver.url, max_connections=1)
    assert (await bot.get_webhook_info()).max_connections == 1
    for i in range(5):
        await receiver.until(lambda i=i: len(receiver.arrived) == i + 1)  # type: ignore[misc]
        # the loop has started every delivery it may start: only this one
        assert in_flight(server) == 1 and receiver.active == 1
        assert (await bot.get_webhook_info()).pending_update_count == 5 - i  # in flight counts
        receiver.release(receiver.arrived[i])
    await receiver.until(lambda: len(receiver.delivered) == 5 and not server.pending_updates())
    assert receiver.peak == 1
    assert texts(receiver.arrived) == [f"m{i}" for i in range(5)]
    assert ids(receiver.arrived) == sorted(ids(receiver.arrived))
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert server.stats.webhook_deliveries == 5 and server.stats.webhook_failures == 0


async def test_four_connections_keep_four_in_flight_none_lost_or_doubled(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    await queue_from_chats(server, 10)
    assert await bot.set_webhook(receiver.url, max_connections=4)
    await receiver.until(lambda: receiver.active == 4)
    assert in_flight(server) == 4
    assert receiver.peak == 4  # at most 4 at once, and more than one
    assert (await bot.get_webhook_info()).pending_update_count == 10
    receiver.release(receiver.arrived[0])  # one ends: one more starts, still 4 at most
    await receiver.until(lambda: len(receiver.arrived) == 5 and receiver.active == 4)
    assert in_flight(server) == 4
    receiver.release_all()
    await receiver.until(lambda: len(receiver.delivered) == 10 and not server.pending_updates())
    assert receiver.peak == 4
    assert sorted(texts(receiver.delivered)) == sorted(f"m{i}" for i in range(10))
    assert len(set(ids(receiver.arrived))) == len(receiver.arrived) == 10  # none sent twice
    assert server.stats.webhook_deliveries == 10 and server.stats.webhook_failures == 0
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_updates_of_one_chat_go_one_at_a_time_in_order(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    anna, boris = server.user(1001), server.user(1002)
    for text in ("a1", "a2", "a3"):
        await anna.send(text)
    await boris.send("b1")
    assert await bot.set_webhook(receiver.url, max_connections=4)
    await receiver.until(lambda: len(receiver.arrived) == 2)
    assert in_flight(server) == 2  # a2 and a3 wait behind a1
    assert sorted(texts(receiver.arrived)) == ["a1", "b1"]
    for expected in ("a2", "a3"):
        held = next(u for u in receiver.arrived if u["message"]["chat"]["id"] == 1001)
        receiver.release(held)
        count = len(receiver.arrived)
        await receiver.until(lambda count=count: len(receiver.arrived) == count + 1)  # type: ignore[misc]
        assert texts(receiver.arrived)[-1] == expected
        assert in_flight(server) == 2
        receiver.arrived.remove(held)
    receiver.release_all()
    await receiver.until(lambda: len(receiver.delivered) == 4 and not server.pending_updates())
    assert [t for t in texts(receiver.delivered) if t.startswith("a")] == ["a1", "a2", "a3"]


async def test_without_per_chat_order_one_chat_fills_the_connections(
    receiver: HoldingReceiver,
) -> None:
    async with BotAPIServer(
        limits=relaxed_limits(), webhook_retry_delay=0.05, webhook_per_chat_order=False
    ) as server:
        bot = local_bot(server)
        try:
            user = server.user(1001)
            for i in range(5):
                await user.send(f"m{i}")
            assert await bot.set_webhook(receiver.url, max_connections=3)
            await receiver.until(lambda: receiver.active == 3)
            assert in_flight(server) == 3 and receiver.peak == 3
            receiver.release_all()
            await receiver.until(
                lambda: len(receiver.delivered) == 5 and not server.pending_updates()
            )
            assert receiver.peak == 3
            assert sorted(texts(receiver.delivered)) == [f"m{i}" for i in range(5)]
        finally:
            await close_bot(bot)


async def test_failing_update_is_retried_without_holding_the_others(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    receiver.hold = False
    failing = True
    receiver.fail = lambda update: failing and update["message"]["text"] == "a1"
    anna = server.user(1001)
    await anna.send("a1")
    await anna.send("a2")
    await queue_from_chats(server, 3, first_chat=2001)
    assert await bot.set_webhook(receiver.url, max_connections=2)
    # the other chats get through while a1 keeps failing (and is tried again)
    await receiver.until(
        lambda: len(receiver.delivered) == 3 and server.stats.webhook_failures >= 3
    )
    assert sorted(texts(receiver.delivered)) == ["m0", "m1", "m2"]
    assert "a2" not in texts(receiver.arrived)  # it waits behind a1
    assert (await bot.get_webhook_info()).pending_update_count == 2
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    failing = False
    await receiver.until(lambda: len(receiver.delivered) == 5 and not server.pending_updates())
    assert texts(receiver.delivered)[3:] == ["a1", "a2"]
    assert texts(receiver.arrived).count("a1") == server.stats.webhook_failures + 1
    assert server.stats.webhook_deliveries == 5
    assert len(set(ids(receiver.delivered))) == 5  # each delivered once


async def test_delete_webhook_cancels_deliveries_in_flight(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    await queue_from_chats(server, 3)
    assert await bot.set_webhook(receiver.url, max_connections=5)
    await receiver.until(lambda: receiver.active == 3)
    hook = server.webhook
    assert hook is not None and hook.task is not None
    assert await bot.delete_webhook()
    assert hook.task.done() and hook.in_flight == {}
    assert server.stats.webhook_deliveries == 0
    # nothing was confirmed: the updates are still there for getUpdates
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["m0", "m1", "m2"]


async def test_set_webhook_again_cancels_the_old_deliveries(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    await queue_from_chats(server, 2)
    assert await bot.set_webhook(receiver.url, max_connections=5)
    await receiver.until(lambda: receiver.active == 2)
    old = server.webhook
    assert old is not None and old.task is not None
    assert await bot.set_webhook(receiver.url, max_connections=5)
    assert old.task.done() and old.in_flight == {}
    receiver.release_all()
    # each update was sent again through the new webhook and delivered once (the old
    # requests, cut off, still reach the receiver's handler: only the server's count is exact)
    await receiver.until(
        lambda: server.stats.webhook_deliveries == 2 and not server.pending_updates()
    )
    assert set(texts(receiver.delivered)) == {"m0", "m1"}
    assert server.stats.webhook_deliveries == 2


@pytest.mark.parametrize("value", [0, 101, -1])
async def test_max_connections_out_of_range_refused(bot: Bot, value: int) -> None:
    with pytest.raises(TelegramBadRequest, match="max_connections must be between 1 and 100"):
        await bot.set_webhook("https://example.org/hook", max_connections=value)
    assert (await bot.get_webhook_info()).url == ""


async def test_max_connections_bounds_and_default(bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook", max_connections=100)
    assert (await bot.get_webhook_info()).max_connections == 100
    assert await bot.set_webhook("http://127.0.0.1:9/hook", max_connections=1)
    assert (await bot.get_webhook_info()).max_connections == 1
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    assert (await bot.get_webhook_info()).max_connections == 40
    assert await bot.delete_webhook(drop_pending_updates=True)


async def test_update_dropped_when_older_than_max_age(receiver: HoldingReceiver) -> None:
    now = [1000.0]
    async with BotAPIServer(
        limits=relaxed_limits(), webhook_retry_delay=0.05, monotonic=lambda: now[0]
    ) as server:
        bot = local_bot(server)
        try:
            receiver.hold = False
            receiver.fail = lambda update: update["message"]["text"] == "old"
            await server.user(1001).send("old")
            await server.user(1002).send("fresh")
            assert await bot.set_webhook(receiver.url)
            await receiver.until(
                lambda: server.stats.webhook_failures >= 1 and len(receiver.delivered) == 1
            )
            assert len(server.pending_updates()) == 1  # kept and retried meanwhile
            now[0] += 24 * 3600  # a day later the next failure drops it
            await receiver.until(lambda: not server.pending_updates())
            assert server.stats.webhook_given_up == 1
            assert texts(receiver.delivered) == ["fresh"]
        finally:
            await close_bot(bot)


async def test_webhook_reply_cannot_delete_the_webhook(
    server: BotAPIServer, bot: Bot, receiver: HoldingReceiver
) -> None:
    receiver.hold = False
    receiver.reply = {"method": "deleteWebhook", "drop_pending_updates": True}
    await queue_from_chats(server, 2)
    assert await bot.set_webhook(receiver.url)
    await receiver.until(lambda: len(receiver.delivered) == 2 and not server.pending_updates())
    assert (await bot.get_webhook_info()).url == receiver.url  # ignored, as Telegram does
    assert [r.method for r in server.requests if r.method.lower() == "deletewebhook"] == []


def test_the_command_line_sets_the_per_chat_order() -> None:
    from testkit.botapi.__main__ import parse_args

    assert parse_args(["--port", "0"]).webhook_per_chat_order is True
    assert (
        parse_args(["--port", "0", "--no-webhook-per-chat-order"]).webhook_per_chat_order is False
    )
