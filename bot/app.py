"""The app factory: Bot, Dispatcher (storage, routers, middlewares) and the polling runner."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from aiogram import Bot, Dispatcher, methods, types
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import lazy_types, limits, retry
from bot.config import Settings
from bot.logging import register_secret
from bot.middlewares import setup_middlewares
from bot.redis_state import FallbackIsolation, FallbackStorage, FallbackThrottle, LocalIsolation
from bot.routing import keep_on_loop
from handlers import build_router
from handlers.common.commands import set_default_commands
from handlers.common.transport import TelegramTransport
from notifications import runtime as notifications_runtime
from services.db import make_engine, make_session_factory
from services.people.throttle import DatabaseThrottle, RedisThrottle
from services.redis_link import RedisGate
from services.redis_link import create_redis as create_redis_client
from services.tools.migrate import upgrade

log = logging.getLogger(__name__)

# Built before polling (bot/lazy_types.py): what every update reads or sends.
PREBUILT_TYPES = (
    types.Update,
    methods.GetUpdates,
    methods.SendMessage,
    methods.EditMessageText,
    methods.EditMessageReplyMarkup,
    methods.AnswerCallbackQuery,
    methods.DeleteMessage,
    methods.SendDocument,
    methods.SendPhoto,
)

FSM_KEY_PREFIX = "schoolbot:fsm"
FSM_TTL_SECONDS = 7 * 24 * 3600


def register_settings_secrets(settings: Settings) -> None:
    """Mask the token and the Redis URL (it may hold a password) in every log line."""
    if settings.bot_token is not None:
        register_secret(settings.bot_token.get_secret_value())
    if settings.redis_url is not None:
        register_secret(settings.redis_url.get_secret_value())


def create_bot(settings: Settings) -> Bot:
    token = settings.require_token()
    register_secret(token)
    session = None
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    retry.install(bot)
    limits.install(bot)
    return bot


def _key_builder() -> DefaultKeyBuilder:
    return DefaultKeyBuilder(prefix=FSM_KEY_PREFIX, with_bot_id=True)


def create_redis(settings: Settings) -> Redis | None:
    """The process's one Redis client (FSM state, event isolation, sign-in throttling, pacing,
    scheduler lock), over a bounded blocking pool, if REDIS_URL is set."""
    if settings.redis_url is None:
        return None
    return create_redis_client(
        settings.redis_url.get_secret_value(),
        max_connections=settings.redis_max_connections,
        pool_timeout=settings.redis_pool_timeout,
        socket_timeout=settings.redis_socket_timeout,
    )


def create_gate(settings: Settings) -> RedisGate:
    return RedisGate(
        probe_seconds=settings.redis_retry_seconds,
        max_connections=settings.redis_max_connections,
        pool_timeout=settings.redis_pool_timeout,
    )


def create_storage(settings: Settings, redis: Redis | None = None) -> BaseStorage:
    """FSM state in memory, or in Redis (over ``redis``, else a client of its own)."""
    if settings.redis_url is None:
        return MemoryStorage()
    return RedisStorage(
        redis if redis is not None else create_redis(settings),  # type: ignore[arg-type]
        key_builder=_key_builder(),
        state_ttl=FSM_TTL_SECONDS,
        data_ttl=FSM_TTL_SECONDS,
    )


def create_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    redis = create_redis(settings)
    gate = create_gate(settings) if redis is not None else None
    # One update at a time per chat: fast taps on one keyboard cannot overwrite each
    # other's unsaved state (across processes through Redis when it is configured).
    isolation: BaseEventIsolation = LocalIsolation()
    if storage is None:
        storage = create_storage(settings, redis)
        if redis is not None and gate is not None:
            # While Redis is away: state in memory, isolation inside the process.
            storage = FallbackStorage(storage, gate)
            isolation = FallbackIsolation(redis, _key_builder(), gate)
    throttle: object = DatabaseThrottle(session_factory)
    if redis is not None and gate is not None:
        throttle = FallbackThrottle(RedisThrottle(redis), throttle, gate)
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        session_factory=session_factory,
        bot_username=settings.bot_username,
        redis=redis,
        redis_gate=gate,
        throttle=throttle,
    )
    setup_middlewares(dp)
    dp.include_router(build_router())
    # Magic filters and other sync callables would each cost a hop to a worker thread.
    keep_on_loop(dp)
    dp.shutdown.register(drain_updates)
    return dp


DRAIN_SECONDS = 10.0


async def drain_updates(dispatcher: Dispatcher) -> None:
    """On stop, updates still being handled finish (for at most DRAIN_SECONDS) before aiogram
    closes the bot's session: a press or message that arrived just before SIGTERM gets its reply,
    and no request of it fails with "Server disconnected"."""
    running = [task for task in getattr(dispatcher, "_handle_update_tasks", ()) if not task.done()]
    if not running:
        return
    log.info("waiting for updates in flight", extra={"updates": len(running)})
    _done, pending = await asyncio.wait(running, timeout=DRAIN_SECONDS)
    if pending:
        log.warning("updates still running at stop are cancelled", extra={"updates": len(pending)})
        for task in pending:
            task.cancel()


@contextmanager
def _cancel_on_signals() -> Iterator[None]:
    """Until polling installs its own handlers: SIGINT/SIGTERM cancel start-up cleanly."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    installed: list[signal.Signals] = []

    def _cancel(sig: signal.Signals) -> None:
        log.warning("received signal during start-up", extra={"signal": sig.name})
        if task is not None:
            task.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, _cancel, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def run_polling(settings: Settings) -> None:
    """Migrate, getMe, set the menu, long-poll until SIGINT/SIGTERM, then clean up."""
    settings.require_token()
    register_settings_secrets(settings)
    engine = make_engine(settings.database_url)
    bot: Bot | None = None
    dp: Dispatcher | None = None
    runtime: notifications_runtime.Runtime | None = None
    try:
        with _cancel_on_signals():
            await upgrade(engine)
            bot = create_bot(settings)
            dp = create_dispatcher(settings, make_session_factory(engine))
            lazy_types.build(*PREBUILT_TYPES)
            me = await bot.get_me()
            if me.username:
                dp["bot_username"] = me.username
                # Invite links printed later by the command line (demo, invite) use it too.
                from services.tools.app_settings import remember_bot_username

                await remember_bot_username(dp["session_factory"], me.username)
            log.info("bot ready", extra={"bot_id": me.id, "bot_username": me.username})
            await set_default_commands(bot)
            # Alerts are delivered and schedules run beside polling, never from a handler.
            # They share the dispatcher's Redis client and its view of whether Redis is up.
            runtime = await notifications_runtime.start(
                TelegramTransport(bot),
                dp["session_factory"],
                settings,
                redis=dp["redis"],
                gate=dp["redis_gate"],
            )
        # aiogram replaces the handlers above with its own: both signals stop polling.
        await dp.start_polling(
            bot,
            handle_signals=True,
            close_bot_session=True,
            # A burst of updates waits here, in order, instead of timing out on the database pool.
            tasks_concurrency_limit=settings.update_concurrency,
            allowed_updates=dp.resolve_used_update_types(),
        )
    finally:
        if runtime is not None:
            await runtime.stop()
        if bot is not None:
            await bot.session.close()
        if dp is not None:
            await dp.storage.close()
            redis = dp.workflow_data.get("redis")
            if redis is not None:
                await redis.aclose()
        await engine.dispose()
        log.info("stopped")
