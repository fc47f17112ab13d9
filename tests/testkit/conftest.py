from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from testkit.botapi import BotAPIServer, Limits

TOKEN = "123456:TEST-token_for_local_api"

MakeBot = Callable[..., Awaitable[Bot]]


def relaxed_limits(**overrides: object) -> Limits:
    """Real content limits, but rate limits generous enough not to interfere."""
    values: dict[str, object] = {
        "global_per_second": 1000.0,
        "global_burst": 1000,
        "private_per_second": 1000.0,
        "private_burst": 1000,
        "group_per_minute": 60000.0,
        "group_burst": 1000,
    }
    values.update(overrides)
    return Limits(**values)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer(limits=relaxed_limits(), webhook_retry_delay=0.05) as srv:
        yield srv


def local_bot(server: BotAPIServer, token: str = TOKEN, timeout: float = 10.0) -> Bot:
    """An aiogram bot talking to the local Bot API server (also used by tests/notifications)."""
    assert server.base_url is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    session.timeout = timeout
    return Bot(token, session=session)


async def close_bot(bot: Bot) -> None:
    # close the aiohttp session directly: AiohttpSession.close() sleeps 250 ms for TLS
    client = getattr(bot.session, "_session", None)
    if client is not None:
        await client.close()
    await bot.session.close()


@pytest.fixture
async def make_bot(server: BotAPIServer) -> AsyncIterator[MakeBot]:
    bots: list[Bot] = []

    async def factory(token: str = TOKEN, timeout: float = 10.0) -> Bot:  # noqa: ASYNC109
        bot = local_bot(server, token, timeout)
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        await close_bot(bot)


@pytest.fixture
async def bot(make_bot: MakeBot) -> Bot:
    return await make_bot()
