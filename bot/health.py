"""``/health``, ``/ready`` and ``/metrics`` of a process, when HEALTH_PORT is set
(docs/metrics.md, docs/deploy.md).

- ``GET /health``: 200 ``{"status": "ok", "role": ...}`` as long as the event loop runs.
- ``GET /ready``: 200 when the database answers ``SELECT 1``, Redis answers PING (only when the
  process has a Redis client: REDIS_URL) and the Bot API of each bot the process uses answers
  (Telegram ``getMe``, MAX ``GET /me``; each answer kept ``bot_api_ttl`` seconds, so that
  scrapes do not hammer the API); else 503. The body names each check and, for a failed one,
  the kind of error only (no URL, token or message text). While Redis is away the process
  keeps running on its in-process fallbacks (services/redis_link.py), and ``/ready`` says so.
- ``GET /metrics``: the Prometheus exposition of the process's registry (bot/metrics.py and the
  process collectors).

A process of role ``worker`` or ``run`` also refreshes the outbox gauges in the background
(``outbox_gauges=True``): the web replicas do not count the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from notifications.metrics import run_outbox_gauges
from services.redis_link import RedisGate

if TYPE_CHECKING:
    from aiogram import Bot

    from maxbot.client import MaxClient

log = logging.getLogger(__name__)

DB_TIMEOUT = 2.0
REDIS_TIMEOUT = 1.0
BOT_API_TIMEOUT = 5.0
BOT_API_TTL = 15.0


@dataclass
class CheckResult:
    ok: bool
    error: str | None = None
    # When the answer was taken (the clock's seconds): the Bot API checks are kept a while.
    at: float = 0.0

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok}
        if self.error is not None:
            out["error"] = self.error
        return out


def _error_name(exc: BaseException) -> str:
    """What a failed check says: the kind of error, never its message (which may carry a URL,
    a host or a token)."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    return type(exc).__name__


async def _timed(check: Callable[[], Awaitable[object]], seconds: float) -> CheckResult:
    try:
        async with asyncio.timeout(seconds):
            await check()
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return CheckResult(False, _error_name(exc))
    return CheckResult(True)


class _CachedCheck:
    """A Bot API check whose answer is kept ``ttl`` seconds; concurrent scrapes share one call."""

    def __init__(
        self,
        call: Callable[[], Awaitable[object]],
        *,
        timeout: float,
        ttl: float,
        clock: Callable[[], float],
    ) -> None:
        self.call = call
        self.timeout = timeout
        self.ttl = ttl
        self.clock = clock
        self.result: CheckResult | None = None
        self.calls = 0
        self._lock = asyncio.Lock()

    def _fresh(self) -> CheckResult | None:
        if self.result is not None and self.clock() - self.result.at < self.ttl:
            return self.result
        return None

    async def __call__(self) -> CheckResult:
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        async with self._lock:
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            self.calls += 1
            result = await _timed(self.call, self.timeout)
            result.at = self.clock()
            self.result = result
            return result


class HealthServer:
    """The aiohttp server of ``/health``, ``/ready`` and ``/metrics`` (see the module doc)."""

    def __init__(
        self,
        *,
        role: str,
        engine: AsyncEngine,
        host: str = "127.0.0.1",
        port: int = 0,
        redis: Any | None = None,
        gate: RedisGate | None = None,
        telegram_bots: Iterable[Bot] = (),
        max_clients: Iterable[MaxClient] = (),
        session_factory: async_sessionmaker[AsyncSession] | None = None,
        outbox_gauges: bool = False,
        registry: CollectorRegistry = REGISTRY,
        db_timeout: float = DB_TIMEOUT,
        redis_timeout: float = REDIS_TIMEOUT,
        bot_api_timeout: float = BOT_API_TIMEOUT,
        bot_api_ttl: float = BOT_API_TTL,
        clock: Callable[[], float] = time.monotonic,
        outbox_every: float | None = None,
        outbox_clock: Callable[[], dt.datetime] | None = None,
        routes: Iterable[Callable[[web.Application], None]] = (),
    ) -> None:
        self.role = role
        # More routes of the same server (bot/calendar_http.py: the families' calendar links).
        self.routes = tuple(routes)
        self.engine = engine
        self.host = host
        self.port = port
        self.redis = redis
        self.gate = gate
        self.session_factory = session_factory
        self.outbox_gauges = outbox_gauges
        self.registry = registry
        self.db_timeout = db_timeout
        self.redis_timeout = redis_timeout
        self.outbox_every = outbox_every
        self.outbox_clock = outbox_clock
        self.bot_checks: dict[str, _CachedCheck] = {}
        for bot in telegram_bots:
            self.bot_checks[f"telegram:{bot.id}"] = _CachedCheck(
                bot.get_me, timeout=bot_api_timeout, ttl=bot_api_ttl, clock=clock
            )
        for index, client in enumerate(max_clients):
            self.bot_checks[f"max:{index}"] = _CachedCheck(
                _max_me(client, bot_api_timeout),
                timeout=bot_api_timeout,
                ttl=bot_api_ttl,
                clock=clock,
            )
        self._runner: web.AppRunner | None = None
        self._gauges: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    # ------------------------------------------------------------------ checks

    async def check_database(self) -> CheckResult:
        async def select_one() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        return await _timed(select_one, self.db_timeout)

    async def check_redis(self) -> CheckResult:
        """PING through the process's client. It does not switch the process's gate: a slow
        answer under load must not send every user of Redis to the fallbacks; the gate finds
        out by itself (and is shown beside)."""
        redis = self.redis
        assert redis is not None
        return await _timed(redis.ping, self.redis_timeout)

    async def ready(self) -> tuple[bool, dict[str, Any]]:
        """Every check at once; (all passed, the body)."""
        names = ["database"]
        calls: list[Awaitable[CheckResult]] = [self.check_database()]
        if self.redis is not None:
            names.append("redis")
            calls.append(self.check_redis())
        for name, check in self.bot_checks.items():
            names.append(name)
            calls.append(check())
        results = await asyncio.gather(*calls)
        checks = {name: result.body() for name, result in zip(names, results, strict=True)}
        if self.gate is not None and "redis" in checks:
            checks["redis"]["fallback"] = not self.gate.up
        failed = [name for name, result in zip(names, results, strict=True) if not result.ok]
        body: dict[str, Any] = {
            "status": "ok" if not failed else "fail",
            "role": self.role,
            "checks": checks,
        }
        if failed:
            body["failed"] = failed
        return not failed, body

    # ------------------------------------------------------------------ HTTP

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "role": self.role})

    async def _ready(self, request: web.Request) -> web.Response:
        ok, body = await self.ready()
        return web.json_response(body, status=200 if ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(self.registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/ready", self._ready)
        app.router.add_get("/metrics", self._metrics)
        for add in self.routes:
            add(app)
        return app

    async def start(self) -> int:
        """Listen; returns the port (the one chosen when ``port`` was 0)."""
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        if self.outbox_gauges:
            factory = self.session_factory
            if factory is None:
                from services.db import make_session_factory

                factory = make_session_factory(self.engine)
            options: dict[str, Any] = {}
            if self.outbox_every is not None:
                options["every"] = self.outbox_every
            if self.outbox_clock is not None:
                options["clock"] = self.outbox_clock
            self._gauges = asyncio.create_task(
                run_outbox_gauges(factory, stop=self._stop, **options), name="metrics.outbox"
            )
        log.info("health server listening", extra={"role": self.role, "port": self.port})
        return self.port

    async def close(self) -> None:
        self._stop.set()
        if self._gauges is not None:
            self._gauges.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._gauges
            self._gauges = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _max_me(client: MaxClient, timeout: float) -> Callable[[], Awaitable[object]]:
    async def get_me() -> object:
        return await client.request("GET", "/me", request_timeout=timeout)

    return get_me


async def start_health_server(
    settings: Any,
    *,
    role: str,
    engine: AsyncEngine,
    redis: Any | None = None,
    gate: RedisGate | None = None,
    telegram_bots: Iterable[Bot] = (),
    max_clients: Iterable[MaxClient] = (),
    session_factory: async_sessionmaker[AsyncSession] | None = None,
    outbox_gauges: bool = False,
    **options: Any,
) -> HealthServer | None:
    """The process's health server on HEALTH_HOST:HEALTH_PORT, started; None when HEALTH_PORT
    is unset. ``options``: :class:`HealthServer`'s timeouts, cache and clock (tests)."""
    port = getattr(settings, "health_port", None)
    if port is None:
        return None
    if getattr(settings, "public_base_url", None) and "routes" not in options:
        from bot.calendar_http import CalendarRoutes
        from services.db import make_session_factory

        sessions = session_factory or make_session_factory(engine)
        options["routes"] = (CalendarRoutes(sessions).add,)
    server = HealthServer(
        role=role,
        engine=engine,
        host=getattr(settings, "health_host", "127.0.0.1"),
        port=int(port),
        redis=redis,
        gate=gate,
        telegram_bots=telegram_bots,
        max_clients=max_clients,
        session_factory=session_factory,
        outbox_gauges=outbox_gauges,
        **options,
    )
    await server.start()
    return server
