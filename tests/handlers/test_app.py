"""The app factory: bot, storage, dispatcher wiring."""

from __future__ import annotations

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeDefault
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import FSM_KEY_PREFIX, create_bot, create_dispatcher, create_storage
from bot.config import ConfigError, Settings
from bot.i18n import t
from handlers.common.commands import set_default_commands
from testkit.recording import TEST_TOKEN, RecordingBot


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[arg-type]


async def test_create_bot_uses_html_and_custom_server() -> None:
    bot = create_bot(_settings(BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL="http://127.0.0.1:8081"))
    try:
        assert bot.default.parse_mode == ParseMode.HTML
        assert bot.session.api.api_url(TEST_TOKEN, "getMe") == (
            f"http://127.0.0.1:8081/bot{TEST_TOKEN}/getMe"
        )
    finally:
        await bot.session.close()


def test_create_bot_without_token_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^BOT_TOKEN "):
        create_bot(_settings())


async def test_storage_memory_by_default_and_redis_with_prefix() -> None:
    assert isinstance(create_storage(_settings()), MemoryStorage)
    storage = create_storage(_settings(REDIS_URL="redis://127.0.0.1:6379/5"))
    try:
        assert isinstance(storage, RedisStorage)
        key_builder = storage.key_builder
        assert getattr(key_builder, "prefix", None) == FSM_KEY_PREFIX
    finally:
        await storage.close()


def test_dispatcher_has_workflow_data(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    settings = _settings(BOT_TOKEN=TEST_TOKEN, BOT_USERNAME="x_bot")
    dp = create_dispatcher(settings, session_factory)
    assert dp["session_factory"] is session_factory
    assert dp["settings"] is settings
    assert dp["bot_username"] == "x_bot"
    assert "message" in dp.resolve_used_update_types()
    assert "callback_query" in dp.resolve_used_update_types()


async def test_default_commands_in_ru_and_en() -> None:
    bot = RecordingBot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    await set_default_commands(bot)
    calls = bot.session.requests_of(SetMyCommands)
    by_lang = {c.language_code: c for c in calls}
    assert set(by_lang) == {None, "en"}
    for lang_code, call in by_lang.items():
        assert isinstance(call.scope, BotCommandScopeDefault)
        lang = lang_code or "ru"
        assert [(c.command, c.description) for c in call.commands] == [
            (name, t(lang, f"cmd.{name}")) for name in ("login", "help", "start")
        ]


def test_two_dispatchers_can_coexist(session_factory: async_sessionmaker[AsyncSession]) -> None:
    settings = _settings(BOT_TOKEN=TEST_TOKEN)
    create_dispatcher(settings, session_factory, storage=MemoryStorage())
    create_dispatcher(settings, session_factory, storage=MemoryStorage())


async def test_stop_lets_updates_in_flight_finish_before_the_session_closes(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """aiogram closes the bot's session right after the shutdown handlers: an update still
    being handled lost its reply and logged "Server disconnected" on every such stop."""
    import asyncio

    dp = create_dispatcher(_settings(BOT_TOKEN=TEST_TOKEN), session_factory)
    release = asyncio.Event()
    finished: list[bool] = []

    async def update_in_flight() -> None:
        await release.wait()
        finished.append(True)

    task = asyncio.create_task(update_in_flight())
    dp._handle_update_tasks.add(task)
    shutdown = asyncio.create_task(dp.emit_shutdown(bot=RecordingBot(), dispatcher=dp))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not shutdown.done()  # it waits for the update
    release.set()
    await asyncio.wait_for(shutdown, 5)
    assert finished == [True]
