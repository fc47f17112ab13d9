"""Telegram's webhook (bot/webhook.py): the secret, one answer per update across replicas, the
subscription set at start and removed only by the last replica."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.methods import DeleteWebhook, SetWebhook
from aiogram.types import Message
from aiohttp import ClientSession

from bot.webhook import SECRET_HEADER, TelegramWebhook
from testkit.recording import RecordingBot, make_message_update

SECRET = "s3cret_-token"


def _dispatcher(seen: list[tuple[int, str]]) -> Dispatcher:
    dp = Dispatcher()
    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        seen.append((message.chat.id, message.text or ""))

    dp.include_router(router)
    return dp


def _webhook(
    dp: Dispatcher, bots: list[RecordingBot], redis: Any | None = None, prefix: str = "schoolbot"
) -> TelegramWebhook:
    return TelegramWebhook(
        dp,
        bots,
        url="https://school.example/tg",
        secret=SECRET,
        host="127.0.0.1",
        port=0,
        path="/telegram/webhook",
        concurrency=4,
        redis=redis,
        key_prefix=prefix,
        allowed_updates=["message", "callback_query"],
    )


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    async with ClientSession() as client:
        yield client


def _body(update_id: int, user: int = 1001, text: str = "hello") -> dict[str, Any]:
    update = make_message_update(user, text)
    raw: dict[str, Any] = update.model_dump(mode="json", exclude_none=True)
    raw["update_id"] = update_id
    return raw


async def _post(
    http: ClientSession, hook: TelegramWebhook, bot_id: int, body: Any, secret: str | None
) -> tuple[int, Any]:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    url = f"http://127.0.0.1:{hook.bound_port}/telegram/webhook/{bot_id}"
    async with http.post(url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_secret_is_checked_and_a_refusal_is_logged(
    http: ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[tuple[int, str]] = []
    bot = RecordingBot()
    hook = _webhook(_dispatcher(seen), [bot])
    await hook.start()
    try:
        caplog.set_level(logging.WARNING, logger="bot.webhook")
        assert (await _post(http, hook, bot.id, _body(1), None))[0] == 401
        assert (await _post(http, hook, bot.id, _body(2), "guessed-zz9"))[0] == 401
        refusals = [r for r in caplog.records if "secret is refused" in r.getMessage()]
        assert len(refusals) == 2
        assert [getattr(r, "secret_given", None) for r in refusals] == [False, True]
        # The secret's value is never logged.
        assert all(
            SECRET not in r.getMessage() and "guessed-zz9" not in str(r.__dict__) for r in refusals
        )
        assert seen == []
        status, _ = await _post(http, hook, bot.id, _body(3), SECRET)
        assert status == 200
        assert seen == [(1001, "hello")]
        # Not one of our bots; not an update.
        assert (await _post(http, hook, 999, _body(4), SECRET))[0] == 404
        assert (await _post(http, hook, bot.id, {"no": "update_id"}, SECRET))[0] == 400
    finally:
        await hook.stop()
        await bot.session.close()


async def test_webhook_set_at_start_without_dropping_and_removed_at_stop(
    http: ClientSession,
) -> None:
    bots = [RecordingBot(), RecordingBot(token="43:TEST_TOKEN_recording_session")]
    hook = _webhook(_dispatcher([]), bots)
    await hook.start()
    try:
        for bot in bots:
            (request,) = bot.session.requests_of(SetWebhook)
            assert request.url == f"https://school.example/tg/{bot.id}"
            assert request.secret_token == SECRET
            assert request.drop_pending_updates is False
            assert request.allowed_updates == ["message", "callback_query"]
        # Each bot's path reaches that bot.
        assert (await _post(http, hook, bots[1].id, _body(7), SECRET))[0] == 200
    finally:
        await hook.stop()
    for bot in bots:
        (removed,) = bot.session.requests_of(DeleteWebhook)
        assert removed.drop_pending_updates is False
        await bot.session.close()


async def test_an_update_delivered_twice_is_handled_once_across_replicas(
    http: ClientSession, redis_client: Any
) -> None:
    seen: list[tuple[int, str]] = []
    dp = _dispatcher(seen)
    bot_a, bot_b = RecordingBot(), RecordingBot()  # the same bot, in two replicas
    prefix = redis_client.test_prefix
    first = _webhook(dp, [bot_a], redis_client, prefix)
    second = _webhook(dp, [bot_b], redis_client, prefix)
    await first.start()
    await second.start()
    try:
        body = _body(500, text="once")
        statuses = await asyncio.gather(
            _post(http, first, bot_a.id, body, SECRET), _post(http, second, bot_b.id, body, SECRET)
        )
        assert [s for s, _ in statuses] == [200, 200]
        assert seen == [(1001, "once")]
        # Another update is handled.
        assert (await _post(http, second, bot_b.id, _body(501, text="next"), SECRET))[0] == 200
        assert seen == [(1001, "once"), (1001, "next")]
    finally:
        await first.stop()
        # The second replica still serves the bot: the first one leaves the webhook alone.
        assert bot_a.session.requests_of(DeleteWebhook) == []
        await second.stop()
        # The last one removes it.
        assert len(bot_b.session.requests_of(DeleteWebhook)) == 1
        await bot_a.session.close()
        await bot_b.session.close()


async def test_a_failed_update_is_answered_500_and_handled_when_delivered_again(
    http: ClientSession, redis_client: Any
) -> None:
    dp = Dispatcher()
    router = Router()
    attempts: list[int] = []

    @router.message()
    async def flaky(message: Message) -> None:
        attempts.append(message.message_id)
        if len(attempts) == 1:
            raise RuntimeError("the database went away")

    dp.include_router(router)
    bot = RecordingBot()
    hook = _webhook(dp, [bot], redis_client, redis_client.test_prefix)
    await hook.start()
    try:
        body = _body(900)
        assert (await _post(http, hook, bot.id, body, SECRET))[0] == 500
        # Telegram delivers it again: the claim was given back, so it is handled now.
        assert (await _post(http, hook, bot.id, body, SECRET))[0] == 200
        assert len(attempts) == 2
    finally:
        await hook.stop()
        await bot.session.close()
