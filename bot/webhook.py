"""Telegram's webhook: one aiohttp listener for every Telegram bot of the deployment.

Each bot is served at ``TELEGRAM_WEBHOOK_PATH/<bot id>`` and subscribed (``setWebhook``) at
``TELEGRAM_WEBHOOK_URL/<bot id>`` with ``TELEGRAM_WEBHOOK_SECRET`` as its ``secret_token``;
a reverse proxy terminates TLS and forwards to any number of replicas. Here:

- a request without the right ``X-Telegram-Bot-Api-Secret-Token`` is answered 401 and logged (the
  path and the peer, never the header's value); a path of no bot of ours is 404;
- a body that is not a JSON object with an ``update_id`` is answered 400;
- the update is handled *before* the answer (at most UPDATE_CONCURRENCY at a time): 200 once it
  is handled, 500 when handling failed, so that Telegram delivers it again;
- an update another replica has already taken (Telegram delivers again after a timeout or a
  network error) is answered 200 without handling it a second time: each bot's ``update_id`` is
  claimed in Redis (``SET NX``, 24 hours, Telegram's own limit for keeping an update) when Redis
  is configured and reachable;
- ``setWebhook`` at start never drops pending updates (``drop_pending_updates=False`` is sent
  explicitly); on a clean stop the webhook is removed (``deleteWebhook``, again keeping the
  pending updates) only by the last replica still serving that bot — the replicas note
  themselves in Redis (``schoolbot:webhook:<bot id>``, refreshed while they run) — so that a
  rolling restart of one replica does not cut the others off. Without Redis there is one
  process, and it removes the webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web

from services.redis_link import REDIS_DOWN_ERRORS, RedisGate

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
KEY_PREFIX = "schoolbot"
UPDATE_TTL_SECONDS = 24 * 3600
HEARTBEAT_SECONDS = 15.0
FRONT_TTL_SECONDS = 3 * HEARTBEAT_SECONDS
DRAIN_SECONDS = 10.0

WEBHOOK_KEY = web.AppKey("telegram_webhook", object)


def bot_url(base: str, bot: Bot) -> str:
    """The public URL of one bot's webhook."""
    return f"{base.rstrip('/')}/{bot.id}"


class TelegramWebhook:
    """Listen, subscribe every bot, serve until ``stop``; on stop the updates in flight finish
    and the last replica removes the subscriptions."""

    def __init__(
        self,
        dp: Dispatcher,
        bots: Sequence[Bot],
        *,
        url: str,
        secret: str,
        host: str,
        port: int,
        path: str,
        concurrency: int,
        redis: Any | None = None,
        gate: RedisGate | None = None,
        drain_seconds: float = DRAIN_SECONDS,
        allowed_updates: Sequence[str] | None = None,
        key_prefix: str = KEY_PREFIX,
    ) -> None:
        if not secret:
            raise ValueError("the webhook needs a secret")
        self.dp = dp
        self.bots: dict[str, Bot] = {str(bot.id): bot for bot in bots}
        self.url = url
        self.secret = secret.encode()
        self.host = host
        self.port = port
        self.path = path.rstrip("/")
        self.redis: Any = redis
        self.gate = gate
        self.drain_seconds = drain_seconds
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.instance = uuid.uuid4().hex
        self.update_key = f"{key_prefix}:update:telegram"
        self.fronts_key = f"{key_prefix}:webhook"
        self._slots = asyncio.Semaphore(concurrency)
        self._runner: web.AppRunner | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[Any]] = set()

    # -- serving ---------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app[WEBHOOK_KEY] = self
        app.router.add_post(self.path + "/{bot_id}", self._receive)
        return app

    async def _receive(self, request: web.Request) -> web.Response:
        bot = self.bots.get(request.match_info["bot_id"])
        if bot is None:
            log.warning(
                "a Telegram webhook request for no bot of ours is refused",
                extra={"path": request.path, "peer": _peer(request)},
            )
            return web.json_response({"ok": False, "error": "not found"}, status=404)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning(
                "a Telegram webhook request with a wrong or missing secret is refused",
                extra={
                    "path": request.path,
                    "peer": _peer(request),
                    "secret_given": SECRET_HEADER in request.headers,
                },
            )
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            raw: Any = json.loads(await request.read())
        except ValueError:
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        if not await self._claim(bot, raw["update_id"]):
            log.info(
                "a Telegram update delivered again is already taken",
                extra={"bot_id": bot.id, "update_id": raw["update_id"]},
            )
            return _ok()
        try:
            update = Update.model_validate(raw, context={"bot": bot})
        except Exception:
            # Delivering it again would fail again: logged, and acknowledged.
            log.exception("a Telegram update could not be read", extra={"bot_id": bot.id})
            return _ok()
        task = asyncio.create_task(self._handle(bot, update))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        try:
            # Shielded: a dropped connection does not cancel the handling half-way.
            await asyncio.shield(task)
        except Exception:
            log.exception("a Telegram update failed; Telegram will deliver it again")
            await self._unclaim(bot, raw["update_id"])
            return web.json_response({"ok": False, "error": "not handled"}, status=500)
        return _ok()

    async def _handle(self, bot: Bot, update: Update) -> None:
        async with self._slots:
            await self.dp.feed_update(bot, update)

    # -- one answer per update across replicas -----------------------------------------------

    async def _redis(self, primary: Any, fallback: Any, what: str) -> Any:
        """``primary()`` on Redis while it is usable, else (or when it fails) ``fallback()``."""
        if self.redis is None:
            return await fallback()
        if self.gate is None:
            try:
                return await primary()
            except REDIS_DOWN_ERRORS:
                return await fallback()
        return await self.gate.call(primary, fallback, what)

    async def _claim(self, bot: Bot, update_id: int) -> bool:
        """False when another replica (or this one) has taken this update already; while Redis
        is away every update is handled (answering twice is better than not answering)."""
        key = f"{self.update_key}:{bot.id}:{update_id}"

        async def primary() -> bool:
            return bool(await self.redis.set(key, self.instance, nx=True, ex=UPDATE_TTL_SECONDS))

        async def fallback() -> bool:
            return True

        return bool(await self._redis(primary, fallback, "webhook update claim"))

    async def _unclaim(self, bot: Bot, update_id: int) -> None:
        """A failed update is given back, so that Telegram's next delivery is handled."""
        key = f"{self.update_key}:{bot.id}:{update_id}"

        async def primary() -> None:
            await self.redis.delete(key)

        async def fallback() -> None:
            return None

        await self._redis(primary, fallback, "webhook update claim")

    # -- the replicas serving each bot -----------------------------------------------------------

    async def _note_alive(self) -> None:
        expires = time.time() + FRONT_TTL_SECONDS

        async def primary() -> None:
            pipe = self.redis.pipeline(transaction=False)
            for bot_id in self.bots:
                pipe.zadd(f"{self.fronts_key}:{bot_id}", {self.instance: expires})
                pipe.expire(f"{self.fronts_key}:{bot_id}", int(FRONT_TTL_SECONDS * 4))
            await pipe.execute()

        async def fallback() -> None:
            return None

        await self._redis(primary, fallback, "webhook replicas")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await self._note_alive()

    async def _others_serving(self, bot_id: str) -> int | None:
        """How many other replicas serve ``bot_id`` (0 without Redis: one process; None:
        unknown, Redis unreachable)."""
        if self.redis is None:
            return 0
        key = f"{self.fronts_key}:{bot_id}"

        async def primary() -> int | None:
            await self.redis.zrem(key, self.instance)
            await self.redis.zremrangebyscore(key, "-inf", time.time())
            return int(await self.redis.zcard(key))

        async def fallback() -> int | None:
            return None

        found: int | None = await self._redis(primary, fallback, "webhook replicas")
        return found

    # -- life cycle ------------------------------------------------------------------------------

    @property
    def bound_port(self) -> int | None:
        if self._runner is None:
            return None
        for site in self._runner.sites:
            server = getattr(site, "_server", None)
            for sock in getattr(server, "sockets", None) or ():
                return int(sock.getsockname()[1])
        return None

    async def start(self) -> None:
        """Listen first, then subscribe: Telegram delivers as soon as the webhook is set."""
        self._runner = web.AppRunner(
            self.app(), access_log=None, shutdown_timeout=self.drain_seconds, handle_signals=False
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        await self._note_alive()
        self._heartbeat = asyncio.create_task(self._beat(), name="telegram.webhook.heartbeat")
        log.info(
            "Telegram webhook listening",
            extra={"host": self.host, "port": self.bound_port, "path": self.path},
        )
        for bot in self.bots.values():
            await bot.set_webhook(
                url=bot_url(self.url, bot),
                secret_token=self.secret.decode(),
                allowed_updates=self.allowed_updates,
                drop_pending_updates=False,
            )
            log.info(
                "Telegram webhook set", extra={"bot_id": bot.id, "url": bot_url(self.url, bot)}
            )

    async def stop(self) -> None:
        """Stop listening (the requests in flight finish), then remove the webhook of each bot
        no other replica serves."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=self.drain_seconds)
        for bot_id, bot in self.bots.items():
            others = await self._others_serving(bot_id)
            if others:
                log.info(
                    "Telegram webhook kept: other replicas serve it",
                    extra={"bot_id": bot.id, "replicas": others},
                )
                continue
            if others is None:
                log.warning(
                    "Telegram webhook kept: whether other replicas serve it is unknown "
                    "(Redis unreachable)",
                    extra={"bot_id": bot.id},
                )
                continue
            try:
                await bot.delete_webhook(drop_pending_updates=False)
                log.info("Telegram webhook removed", extra={"bot_id": bot.id})
            except Exception as exc:
                log.warning(
                    "Telegram webhook could not be removed",
                    extra={"bot_id": bot.id, "error": type(exc).__name__},
                )

    async def run(self, stop: asyncio.Event) -> None:
        try:
            if self._runner is None:
                await self.start()
            await stop.wait()
        finally:
            await self.stop()


def _ok() -> web.Response:
    return web.json_response({"ok": True})


def _peer(request: web.Request) -> str:
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded:
        return forwarded.split(",", 1)[0].strip()
    return request.remote or ""
