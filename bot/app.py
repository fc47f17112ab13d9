"""The app factory: Bot, Dispatcher (storage, routers, middlewares) and the runner.

``run_bot`` runs Telegram (BOT_TOKEN and BOT_TOKENS: every bot of the deployment), MAX
(MAX_BOT_TOKEN) or both in one process with ONE Dispatcher — the same routers, FSM storage,
per-chat isolation and throttle: Telegram by aiogram's long polling or its webhook
(bot/webhook.py, TELEGRAM_WEBHOOK_URL), MAX by long polling (maxbot/polling.py) or its webhook
(maxbot/webhook.py, MAX_WEBHOOK_URL); MAX updates reach the handlers with
``messenger=Messenger.MAX``, Telegram's without ``messenger`` (docs/max.md). SIGINT/SIGTERM
stop both; the updates in flight finish first.

A process has a role (docs/deploy.md): ``run`` receives updates, delivers alerts and runs the
schedules (NOTIFY_WORKER, NOTIFY_SCHEDULER); ``web`` only receives updates (any number of
replicas behind a balancer with webhooks, state and locks in Redis); ``worker`` only delivers
alerts (any number). The schedules' own process is notifications/scheduler_process.py. No role
migrates a PostgreSQL database (``python -m bot migrate`` does); the embedded SQLite is upgraded
at start as before."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiogram import Bot, Dispatcher, methods, types
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot import invites, lazy_types, limits, retry
from bot.config import Settings
from bot.health import HealthServer, start_health_server
from bot.logging import register_secret
from bot.metrics import install_update_metrics, instrument_transport
from bot.middlewares import setup_middlewares
from bot.redis_state import FallbackIsolation, FallbackStorage, FallbackThrottle, LocalIsolation
from bot.routing import keep_on_loop
from bot.webhook import TelegramWebhook
from handlers import build_router
from handlers.common.commands import set_default_commands
from handlers.common.transport import TelegramTransport
from maxbot.bridge import create_max_bot
from maxbot.client import MaxClient
from maxbot.ids import MessageIds
from maxbot.polling import MaxFeed, MaxPolling
from maxbot.transport import MaxTransport
from maxbot.updates import to_updates
from maxbot.webhook import MaxWebhook
from notifications import runtime as notifications_runtime
from notifications.transport import Transport
from notifications.worker import BotKey, bot_key
from services.db import make_engine, make_session_factory
from services.enums import Messenger
from services.people.bots import remember_bot
from services.people.throttle import DatabaseThrottle, RedisThrottle
from services.redis_link import RedisGate
from services.redis_link import create_redis as create_redis_client
from services.tools.migrate import prepare_schema

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
    """Mask the tokens, the webhook's secret and the Redis URL (it may hold a password) in
    every log line."""
    for secret in settings.secrets():
        register_secret(secret)


class Role(StrEnum):
    """What a process does (``python -m bot run|web|worker``)."""

    RUN = "run"
    WEB = "web"
    WORKER = "worker"


def create_bot(settings: Settings, token: str | None = None) -> Bot:
    """The Telegram bot of ``token`` (BOT_TOKEN, the deployment's default bot, when None)."""
    token = token or settings.require_token()
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
    # The username of each messenger's bot the process runs, for invite links in chats (/invite,
    # /link; "telegram" and "max"); getMe and GET /me replace them at start.
    invite_bots: dict[str, str] = {}
    if settings.telegram_enabled:
        invite_bots[Messenger.TELEGRAM.value] = settings.bot_username
    if settings.max_enabled and settings.max_bot_username:
        invite_bots[Messenger.MAX.value] = settings.max_bot_username
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        session_factory=session_factory,
        bot_username=settings.bot_username,
        # The MAX bot's username for max.ru invite links (GET /me replaces it at start).
        max_bot_username=settings.max_bot_username,
        invite_bots=invite_bots,
        redis=redis,
        redis_gate=gate,
        throttle=throttle,
    )
    setup_middlewares(dp)
    # Updates by kind and outcome, their time and SQL statements (docs/metrics.md): the
    # factory's engine, or the engine of the connection it is bound to (tests).
    bind = session_factory.kw.get("bind")
    if isinstance(bind, AsyncConnection):
        bind = bind.engine
    if isinstance(bind, AsyncEngine):
        install_update_metrics(dp, bind)
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


@dataclass
class MaxFront:
    """The MAX bot: its client, its aiogram Bot (calls made in MAX), the feed into the one
    Dispatcher and what receives its updates (long polling or the webhook)."""

    client: MaxClient
    bot: Bot
    feed: MaxFeed
    receiver: MaxPolling | MaxWebhook
    me: dict[str, Any]

    @property
    def bot_id(self) -> str:
        return str(self.me.get("user_id"))

    async def close(self) -> None:
        await self.bot.session.close()
        await self.client.close()


async def start_max(settings: Settings, dp: Dispatcher, *, receive: bool = True) -> MaxFront:
    """GET /me (the username for invite links), the command menu (PATCH /me, the guests' list
    of the Telegram menu), and the receiver: the webhook subscription is made when it starts;
    long polling first drops a webhook subscription left from before. A process that does not
    receive (``receive=False``: the delivery worker) only asks GET /me."""
    client = MaxClient(settings.require_max_token(), settings.max_api_url)
    try:
        me = await client.get_me()
        ids = MessageIds()
        bot = create_max_bot(client, me, ids)
    except BaseException:
        await client.close()
        raise
    retry.install(bot)
    bot_id = int(me["user_id"])

    def translate(raw: dict[str, Any], next_id: int) -> list[types.Update]:
        return to_updates(raw, next_id, ids, bot_id=bot_id)

    feed = MaxFeed(dp, bot, translate, concurrency=settings.update_concurrency)
    receiver: MaxPolling | MaxWebhook
    if settings.max_webhook_url and settings.max_webhook_secret is not None:
        receiver = MaxWebhook(
            client,
            feed,
            url=settings.max_webhook_url,
            secret=settings.max_webhook_secret.get_secret_value(),
            host=settings.max_webhook_host,
            port=settings.max_webhook_port,
            path=settings.max_webhook_path,
            drain_seconds=DRAIN_SECONDS,
        )
    else:
        receiver = MaxPolling(client, feed)
    front = MaxFront(client, bot, feed, receiver, me)
    try:
        username = str(me.get("username") or "") or settings.max_bot_username
        if username:
            dp["max_bot_username"] = username
            dp["invite_bots"] = {**dp["invite_bots"], Messenger.MAX.value: username}
            await invites.remember_max_username(dp["session_factory"], username)
        await remember_bot(dp["session_factory"], Messenger.MAX, bot_id, username or None)
        log.info("MAX bot ready", extra={"bot_id": bot_id, "bot_username": username})
        if receive:
            await set_default_commands(bot)
            if isinstance(receiver, MaxPolling):
                await receiver.prepare()
    except BaseException:
        await front.close()
        raise
    return front


async def start_telegram(settings: Settings, dp: Dispatcher, *, menus: bool = True) -> list[Bot]:
    """Every Telegram bot of the deployment (BOT_TOKEN first, then BOT_TOKENS): getMe (the
    default bot's username for invite links) and, in a process that receives updates, the
    guests' command menu."""
    bots: list[Bot] = []
    try:
        for index, token in enumerate(settings.telegram_tokens()):
            bot = create_bot(settings, token)
            bots.append(bot)
            me = await bot.get_me()
            # The deployment's bots by id, with their usernames for a school's links.
            await remember_bot(dp["session_factory"], Messenger.TELEGRAM, me.id, me.username)
            if index == 0 and me.username:
                dp["bot_username"] = me.username
                dp["invite_bots"] = {**dp["invite_bots"], Messenger.TELEGRAM.value: me.username}
                # Invite links printed later by the command line (demo, invite) use it too.
                from services.tools.app_settings import remember_bot_username

                await remember_bot_username(dp["session_factory"], me.username)
            log.info(
                "bot ready",
                extra={"bot_id": me.id, "bot_username": me.username, "default": index == 0},
            )
            if menus:
                await set_default_commands(bot)
    except BaseException:
        for bot in bots:
            await bot.session.close()
        raise
    return bots


def _bots(telegram: Bot | Sequence[Bot] | None) -> list[Bot]:
    if telegram is None:
        return []
    if isinstance(telegram, Bot):
        return [telegram]
    return list(telegram)


def messenger_bots(
    telegram: Bot | Sequence[Bot] | None, max_front: MaxFront | None
) -> dict[str, Bot]:
    """Each messenger's default bot (the first of Telegram's)."""
    bots: dict[str, Bot] = {}
    default = next(iter(_bots(telegram)), None)
    if default is not None:
        bots[Messenger.TELEGRAM.value] = default
    if max_front is not None:
        bots[Messenger.MAX.value] = max_front.bot
    return bots


def alert_transports(
    telegram: Bot | Sequence[Bot] | None, max_front: MaxFront | None
) -> tuple[dict[BotKey, Transport], dict[BotKey, str]]:
    """The delivery worker's transport of each bot running, and each bot's id (its pacing
    budget's key): a messenger is its default bot (Telegram's first), (messenger, bot id) each
    other Telegram bot; alerts go through the bot of each person's binding."""
    transports: dict[BotKey, Transport] = {}
    bot_ids: dict[BotKey, str] = {}
    for index, bot in enumerate(_bots(telegram)):
        key = bot_key(Messenger.TELEGRAM, None if index == 0 else str(bot.id))
        transports[key] = instrument_transport(
            TelegramTransport(bot), Messenger.TELEGRAM.value, str(bot.id)
        )
        bot_ids[key] = str(bot.id)
    if max_front is not None:
        transports[Messenger.MAX] = instrument_transport(
            MaxTransport(max_front.client), Messenger.MAX.value, max_front.bot_id
        )
        bot_ids[Messenger.MAX] = max_front.bot_id
    return transports, bot_ids


def telegram_webhook(
    dp: Dispatcher, settings: Settings, bots: Sequence[Bot]
) -> TelegramWebhook | None:
    """Telegram's webhook when TELEGRAM_WEBHOOK_URL is set (else Telegram is long-polled)."""
    if settings.telegram_webhook_url is None or settings.telegram_webhook_secret is None:
        return None
    return TelegramWebhook(
        dp,
        bots,
        url=settings.telegram_webhook_url,
        secret=settings.telegram_webhook_secret.get_secret_value(),
        host=settings.telegram_webhook_host,
        port=settings.telegram_webhook_port,
        path=settings.telegram_webhook_path,
        concurrency=settings.update_concurrency,
        redis=dp.workflow_data.get("redis"),
        gate=dp.workflow_data.get("redis_gate"),
        drain_seconds=DRAIN_SECONDS,
        allowed_updates=dp.resolve_used_update_types(),
    )


async def serve(
    dp: Dispatcher,
    settings: Settings,
    telegram: Bot | Sequence[Bot] | None,
    max_front: MaxFront | None,
    stop: asyncio.Event | None = None,
    *,
    webhook: TelegramWebhook | None = None,
) -> None:
    """Receive updates until SIGINT/SIGTERM (or ``stop``), or until one messenger's receiving
    fails (its error is raised once both have stopped). Telegram is long-polled (every bot)
    unless ``webhook`` serves it. On stop the updates in flight finish: polled Telegram's by
    ``drain_updates`` (the Dispatcher's shutdown), the webhooks' and MAX's by their own."""
    stop = stop or asyncio.Event()
    bots = _bots(telegram)
    with _stop_on_signals(stop):
        await _receive(dp, settings, bots, max_front, stop, webhook)


async def _receive(
    dp: Dispatcher,
    settings: Settings,
    bots: list[Bot],
    max_front: MaxFront | None,
    stop: asyncio.Event,
    webhook: TelegramWebhook | None,
) -> None:
    tasks: dict[str, asyncio.Task[None]] = {}
    polling = bool(bots) and webhook is None
    # Without aiogram's polling the Dispatcher's startup and shutdown are emitted here.
    own_bot = bots[0] if bots else (max_front.bot if max_front is not None else None)
    try:
        if not polling and own_bot is not None:
            await dp.emit_startup(
                bot=own_bot, bots=tuple(bots) or (own_bot,), dispatcher=dp, **dp.workflow_data
            )
        if max_front is not None:
            tasks["max"] = asyncio.create_task(max_front.receiver.run(stop), name="max.receive")
        if webhook is not None:
            tasks["telegram"] = asyncio.create_task(webhook.run(stop), name="telegram.webhook")
        elif bots:
            tasks["telegram"] = asyncio.create_task(
                dp.start_polling(
                    *bots,
                    handle_signals=False,
                    close_bot_session=True,
                    # A burst of updates waits here, in order, instead of timing out on the
                    # database pool.
                    tasks_concurrency_limit=settings.update_concurrency,
                    allowed_updates=dp.resolve_used_update_types(),
                ),
                name="telegram.polling",
            )
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({*tasks.values(), stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        stop.set()  # one messenger stopped: the other stops too
        poll_task = tasks.get("telegram") if polling else None
        if poll_task is not None and not poll_task.done():
            try:
                await dp.stop_polling()
            except RuntimeError:  # not started yet
                poll_task.cancel()
        done = await asyncio.gather(*tasks.values(), return_exceptions=True)
        if not polling and own_bot is not None:
            await dp.emit_shutdown(
                bot=own_bot, bots=tuple(bots) or (own_bot,), dispatcher=dp, **dp.workflow_data
            )
        for outcome in done:
            if isinstance(outcome, BaseException) and not isinstance(
                outcome, asyncio.CancelledError
            ):
                raise outcome
    finally:
        for task in tasks.values():
            task.cancel()


@contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop`` while inside (a clean stop, logged)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []

    def _on_signal(sig: signal.Signals) -> None:
        log.warning("received signal", extra={"signal": sig.name})
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, _on_signal, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def wait_for_stop(stop: asyncio.Event | None = None) -> None:
    """A process that receives nothing (the delivery worker) runs until SIGINT/SIGTERM."""
    stop = stop or asyncio.Event()
    with _stop_on_signals(stop):
        await stop.wait()


async def run_bot(settings: Settings, role: Role | str = Role.RUN) -> None:
    """Check the schema (SQLite: upgrade it), start each messenger configured (getMe/GET /me,
    the menu), then by ``role``: receive updates (run, web), deliver alerts (run with
    NOTIFY_WORKER, worker), run the schedules (run with NOTIFY_SCHEDULER) — until
    SIGINT/SIGTERM, then clean up."""
    role = Role(role)
    settings.require_messenger()
    register_settings_secrets(settings)
    receive = role in (Role.RUN, Role.WEB)
    deliver = role is Role.WORKER or (role is Role.RUN and settings.notify_worker)
    schedule = role is Role.RUN and settings.notify_scheduler
    engine = make_engine(settings.database_url)
    telegram: list[Bot] = []
    max_front: MaxFront | None = None
    dp: Dispatcher | None = None
    runtime: notifications_runtime.Runtime | None = None
    health: HealthServer | None = None
    try:
        with _cancel_on_signals():
            await prepare_schema(engine)
            dp = create_dispatcher(settings, make_session_factory(engine))
            if receive:
                lazy_types.build(*PREBUILT_TYPES)
            if settings.telegram_enabled:
                telegram = await start_telegram(settings, dp, menus=receive)
            if settings.max_enabled:
                max_front = await start_max(settings, dp, receive=receive)
            # Each messenger's bot, for a handler that must reach a person's chat in the other
            # messenger (the school ended their sign-in: both chats are told).
            # ("bots" is aiogram's own key: the bots being polled.)
            dp["messenger_bots"] = messenger_bots(telegram, max_front)
            dp["default_bot_ids"] = {m: str(b.id) for m, b in dp["messenger_bots"].items()}
            # Every Telegram bot by id: a chat is told things through the bot it talks to.
            dp["telegram_bots"] = {str(b.id): b for b in telegram}
            # Alerts are delivered and schedules run beside the updates, never from a handler.
            # They share the dispatcher's Redis client and its view of whether Redis is up.
            if deliver or schedule:
                transports, bot_ids = alert_transports(telegram, max_front)
                runtime = await notifications_runtime.start(
                    transports,
                    dp["session_factory"],
                    _runtime_settings(settings, deliver=deliver, schedule=schedule),
                    redis=dp["redis"],
                    gate=dp["redis_gate"],
                    bot_ids=bot_ids,
                )
            # /health, /ready, /metrics on HEALTH_PORT; the processes that deliver count the
            # outbox (docs/metrics.md).
            health = await start_health_server(
                settings,
                role=role.value,
                engine=engine,
                redis=dp["redis"],
                gate=dp["redis_gate"],
                telegram_bots=telegram,
                max_clients=[max_front.client] if max_front is not None else (),
                session_factory=dp["session_factory"],
                outbox_gauges=deliver,
            )
            log.info(
                "process started",
                extra={
                    "role": role.value,
                    "receive": receive,
                    "deliver": deliver,
                    "schedule": schedule,
                },
            )
        if receive:
            webhook = telegram_webhook(dp, settings, telegram) if telegram else None
            await serve(dp, settings, telegram, max_front, webhook=webhook)
        else:
            await wait_for_stop()
    finally:
        if health is not None:
            await health.close()
        if runtime is not None:
            await runtime.stop()
        for bot in telegram:
            await bot.session.close()
        if max_front is not None:
            await max_front.close()
        if dp is not None:
            await dp.storage.close()
            redis = dp.workflow_data.get("redis")
            if redis is not None:
                await redis.aclose()
        await engine.dispose()
        log.info("stopped", extra={"role": role.value})


def _runtime_settings(settings: Settings, *, deliver: bool, schedule: bool) -> Settings:
    """The settings the notifications runtime reads, with this role's worker and scheduler."""
    return settings.model_copy(update={"notify_worker": deliver, "notify_scheduler": schedule})
