"""Starts delivery and scheduling inside the bot's process (``await start(transports, ...)``
from ``run_polling``, with the messengers' transports the bot's wiring built —
``{Messenger.TELEGRAM: TelegramTransport(bot), Messenger.MAX: MaxTransport(client)}``; a single
transport is Telegram's; ``await runtime.stop()`` on shutdown). One worker delivers to every
messenger given: it claims every row, so a process that delivers should have every messenger's
transport (a messenger without one is never chosen for an alert).

Settings read (all optional, with defaults): ``redis_url`` (shared pacing and the scheduler
lock), ``notify_rate_per_second`` (25: Telegram's bot), ``notify_max_rate_per_second`` (25:
MAX's bot), ``notify_concurrency`` (16), ``notify_lease_seconds`` (60), ``notify_scheduler``
(True), ``notify_worker`` (True), and the ``redis_*`` pool settings.

A deployment may run several bots of a messenger (BOT_TOKEN and BOT_TOKENS): the transports
are then keyed by bot, ``{Messenger.TELEGRAM: default, (Messenger.TELEGRAM, "<id>"): other,
Messenger.MAX: max}``, and each alert goes through its binding's bot. Each bot is paced on its
own (notifications/pacing.py): its messenger's limits, and in Redis its own keys,
``schoolbot:pace:<messenger>:<bot>`` — the bot from ``bot_ids``, else the key's bot id, else
the transport's ``bot_id`` or its aiogram ``bot.id``.

The bot passes its own Redis client and gate (one client per process); without them a client
of the runtime's own is made from ``redis_url`` and closed by :meth:`Runtime.stop`. While
Redis is away pacing falls back to this process's limiter and the scheduler lock to the
database's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.daily import DailyTask
from notifications.pacing import (
    FallbackPacer,
    MemoryPacer,
    Pacer,
    RedisPacer,
    pace_prefix,
    pacing_for,
)
from notifications.scheduler import Scheduler, make_lock
from notifications.transport import Transport
from notifications.worker import (
    BotKey,
    Worker,
    WorkerConfig,
    as_bot_key,
    key_label,
    key_messenger,
)
from services.enums import Messenger
from services.redis_link import RedisGate, create_redis

log = logging.getLogger(__name__)


def setting(settings: Any, name: str, default: Any) -> Any:
    """``settings.name``, or ``default`` where it is missing or unset (None)."""
    value = getattr(settings, name, None)
    return default if value is None else value


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def settings_redis_url(settings: Any) -> str | None:
    """The settings' Redis URL (a secret) as text; None where there is none."""
    return _secret(getattr(settings, "redis_url", None))


def redis_client(settings: Any, url: str) -> Redis:
    """The process's Redis client for ``url``, with the settings' pool size and timeouts."""
    return create_redis(
        url,
        max_connections=int(setting(settings, "redis_max_connections", 50)),
        pool_timeout=float(setting(settings, "redis_pool_timeout", 10.0)),
        socket_timeout=float(setting(settings, "redis_socket_timeout", 5.0)),
    )


def redis_gate(settings: Any) -> RedisGate:
    """Whether Redis is used right now, probed again every ``redis_retry_seconds`` while down."""
    return RedisGate(probe_seconds=float(setting(settings, "redis_retry_seconds", 5.0)))


@dataclass
class Runtime:
    worker: Worker | None
    scheduler: Scheduler | None
    stop_event: asyncio.Event
    worker_task: asyncio.Task[None] | None
    redis: Any | None = None  # closed by stop(): only a client the runtime made itself

    async def stop(self) -> None:
        self.stop_event.set()
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.worker_task is not None:
            try:
                await asyncio.wait_for(self.worker_task, timeout=30)
            except TimeoutError:
                log.warning("delivery worker did not stop in time; leases will expire")
                self.worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.worker_task
        if self.redis is not None:
            await self.redis.aclose()


def daily_tasks(
    settings: Any, session_factory: async_sessionmaker[AsyncSession]
) -> tuple[DailyTask, ...]:
    """Dated lessons kept two weeks ahead of the timetable; finished alerts past retention
    deleted (notifications/retention.py); the nightly backup, when BACKUP_DIR is set (seed 002
    §5.1.7: more than one medium)."""
    tz = setting(settings, "default_timezone", "Europe/Moscow")
    tasks = [DailyTask("lessons", dt.time(1, 0), tz, _lessons_ahead(session_factory, tz))]
    tasks.append(
        DailyTask(
            "outbox_retention", dt.time(3, 30), tz, _outbox_retention(session_factory, settings)
        )
    )
    directory = getattr(settings, "backup_dir", None)
    if not directory:
        return tuple(tasks)
    from services.tools.backup import run_scheduled_backup

    mirrors = tuple(getattr(settings, "backup_mirrors", ()) or ())

    async def nightly_backup() -> Any:
        run = await run_scheduled_backup(
            settings.database_url,
            directory,
            mirrors=mirrors,
            keep_daily=int(setting(settings, "backup_keep_daily", 7)),
            keep_weekly=int(setting(settings, "backup_keep_weekly", 5)),
        )
        return run.path

    tasks.append(
        DailyTask("backup", setting(settings, "backup_at", dt.time(2, 30)), tz, nightly_backup)
    )
    return tuple(tasks)


def _outbox_retention(
    session_factory: async_sessionmaker[AsyncSession], settings: Any
) -> Callable[[], Awaitable[Any]]:
    async def run() -> Any:
        from notifications.retention import purge_delivered
        from services.models import utcnow

        days = int(setting(settings, "outbox_retention_margin_days", 92))
        done = await purge_delivered(session_factory, utcnow(), margin=dt.timedelta(days=days))
        return sum(r.rows for r in done)

    return run


def _lessons_ahead(
    session_factory: async_sessionmaker[AsyncSession], tz: str
) -> Callable[[], Awaitable[Any]]:
    async def run() -> Any:
        from zoneinfo import ZoneInfo

        from services.models import utcnow
        from services.timetable.lessons import keep_ahead

        async with session_factory() as session:
            done = await keep_ahead(session, utcnow().astimezone(ZoneInfo(tz)).date())
        return sum(g.created for g in done)

    return run


# The setting of each messenger's bulk rate (messages a second of one bot).
RATE_SETTINGS: Mapping[Messenger, str] = {
    Messenger.TELEGRAM: "notify_rate_per_second",
    Messenger.MAX: "notify_max_rate_per_second",
}


def transports_of(transport: Transport | Mapping[Any, Transport]) -> dict[BotKey, Transport]:
    """The transports by bot: a messenger is its default bot, (messenger, bot id) another bot
    of it ((messenger, None) is the default bot too); a single transport is Telegram's default
    bot's."""
    if isinstance(transport, Mapping):
        return {as_bot_key(key): t for key, t in transport.items()}
    return {Messenger.TELEGRAM: transport}


def bot_id_of(transport: Transport) -> str | None:
    """Which bot a transport sends as (its budget's key), when it says: ``bot_id``, or the id
    of its aiogram ``bot``."""
    found = getattr(transport, "bot_id", None)
    if found is None:
        found = getattr(getattr(transport, "bot", None), "id", None)
    return str(found) if found is not None else None


def pacers_for(
    settings: Any,
    transports: Mapping[Any, Transport],
    *,
    redis: Any | None = None,
    gate: RedisGate | None = None,
    bot_ids: Mapping[Any, str] | None = None,
) -> dict[BotKey, Pacer]:
    """One pacer per bot (the keys of ``transports``: see :func:`transports_of`), at its
    messenger's limits: shared through Redis under the bot's own prefix
    (``schoolbot:pace:<messenger>:<bot>``) while Redis is reachable, this process's own while
    it is away. Every bot has its own budget: two Telegram bots send 2 × 25 a second."""
    ids = {as_bot_key(key): bot for key, bot in (bot_ids or {}).items()}
    out: dict[BotKey, Pacer] = {}
    for key, transport in transports_of(transports).items():
        messenger = key_messenger(key)
        rate = setting(settings, RATE_SETTINGS.get(messenger, "notify_rate_per_second"), None)
        config = pacing_for(messenger, None if rate is None else float(rate))
        pacer: Pacer = MemoryPacer(config)
        if redis is not None and gate is not None:
            own = key[1] if isinstance(key, tuple) else None
            bot = ids.get(key) or own or bot_id_of(transport)
            root = str(setting(settings, "redis_pace_prefix", "schoolbot:pace"))
            shared = RedisPacer(redis, config, prefix=pace_prefix(messenger, bot, root=root))
            pacer = FallbackPacer(shared, pacer, gate)
        out[key] = pacer
    return out


async def start(
    transport: Transport | Mapping[Any, Transport],
    session_factory: async_sessionmaker[AsyncSession],
    settings: Any,
    *,
    redis: Any | None = None,
    gate: RedisGate | None = None,
    bot_ids: Mapping[Any, str] | None = None,
) -> Runtime:
    """``transport``: the transports of the deployment's bots, by messenger (its default bot)
    or (messenger, bot id) (see :func:`transports_of`; a single one is Telegram's)."""
    owned = None
    redis_url = settings_redis_url(settings)
    if redis is None and redis_url:
        redis = owned = redis_client(settings, redis_url)
    if redis is not None and gate is None:
        gate = redis_gate(settings)
    transports = transports_of(transport)
    pacers = pacers_for(settings, transports, redis=redis, gate=gate, bot_ids=bot_ids)
    stop_event = asyncio.Event()
    worker = None
    task = None
    if setting(settings, "notify_worker", True):
        worker = Worker(
            session_factory,
            transports,
            pacer=pacers,
            config=WorkerConfig(
                concurrency=int(setting(settings, "notify_concurrency", 16)),
                lease_seconds=float(setting(settings, "notify_lease_seconds", 60)),
            ),
        )
        task = asyncio.create_task(worker.run_forever(stop_event), name="notifications.worker")
    scheduler = None
    if setting(settings, "notify_scheduler", True):
        engine = session_factory.kw["bind"]
        scheduler = Scheduler(
            session_factory,
            make_lock(engine, redis, gate),
            daily_tasks=daily_tasks(settings, session_factory),
        )
        scheduler.start()
    log.info(
        "notifications started",
        extra={"worker": worker is not None, "bots": sorted(key_label(k) for k in transports)},
    )
    return Runtime(worker, scheduler, stop_event, task, owned)
