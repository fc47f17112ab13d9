"""bot.app with MAX: serving MAX alone runs the Dispatcher's startup and shutdown around the
MAX receiver, a stop ends it, and a receiver that fails ends serve with its error; the
Dispatcher names the bot of each messenger the process runs (invite links in chats)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from aiogram import Bot, Dispatcher

from bot.app import MaxFront, create_dispatcher, serve
from bot.config import Settings
from services.db import make_engine, make_session_factory
from tests.maxbot.support import TOKEN


class Receiver:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.running = asyncio.Event()
        self.stopped = False

    async def run(self, stop: asyncio.Event) -> None:
        self.running.set()
        if self.error is not None:
            raise self.error
        await stop.wait()
        self.stopped = True


class Front:
    def __init__(self, receiver: Receiver, bot: Bot) -> None:
        self.receiver = receiver
        self.bot = bot


def _settings() -> Settings:
    return Settings(_env_file=None, MAX_BOT_TOKEN="max-serve-token-0123456789")


async def test_max_only_runs_startup_then_the_receiver_then_shutdown() -> None:
    events: list[str] = []
    dp = Dispatcher()

    async def on_startup(bot: Bot, **_: Any) -> None:
        events.append(f"startup {bot.id}")

    async def on_shutdown(**_: Any) -> None:
        events.append("shutdown")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    bot = Bot(TOKEN)
    receiver = Receiver()
    stop = asyncio.Event()
    try:
        task = asyncio.create_task(
            serve(dp, _settings(), None, cast(MaxFront, Front(receiver, bot)), stop)
        )
        await receiver.running.wait()
        assert events == [f"startup {bot.id}"]
        stop.set()
        await task
    finally:
        await bot.session.close()
    assert receiver.stopped
    assert events == [f"startup {bot.id}", "shutdown"]


async def test_a_failing_receiver_ends_serve_with_its_error() -> None:
    dp = Dispatcher()
    bot = Bot(TOKEN)
    try:
        with pytest.raises(RuntimeError, match="refused"):
            await serve(
                dp,
                _settings(),
                None,
                cast(MaxFront, Front(Receiver(RuntimeError("refused")), bot)),
                asyncio.Event(),
            )
    finally:
        await bot.session.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BOT_TOKEN": TOKEN}, {"telegram": "schoolbot"}),
        ({"MAX_BOT_TOKEN": "max-serve-token-0123456789"}, {}),
        (
            {"MAX_BOT_TOKEN": "max-serve-token-0123456789", "MAX_BOT_USERNAME": "school_max"},
            {"max": "school_max"},
        ),
        (
            {
                "BOT_TOKEN": TOKEN,
                "BOT_USERNAME": "school_tg",
                "MAX_BOT_TOKEN": "max-serve-token-0123456789",
                "MAX_BOT_USERNAME": "school_max",
            },
            {"telegram": "school_tg", "max": "school_max"},
        ),
    ],
)
async def test_invite_bots_name_each_messenger_the_process_runs(
    env: dict[str, str], expected: dict[str, str]
) -> None:
    engine = make_engine("sqlite+aiosqlite://")
    try:
        dp = create_dispatcher(Settings.model_validate(env), make_session_factory(engine))
        assert dp["invite_bots"] == expected
        assert dp["max_bot_username"] == env.get("MAX_BOT_USERNAME")
    finally:
        await engine.dispose()
