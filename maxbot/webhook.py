"""The MAX webhook: an aiohttp application that takes MAX's ``POST`` of each update.

MAX sends every update to the subscribed URL with the subscription's secret in the
``X-Max-Bot-Api-Secret`` header (the schema's ``POST /subscriptions``). Here:

- a request without the right secret is answered 401 (compared in constant time);
- a body that is not a JSON object is answered 400;
- the update is handled (through :class:`maxbot.polling.MaxFeed`: the one Dispatcher, the same
  concurrency limit) *before* the answer: 200 once it is handled, 500 when handling failed, so
  that MAX delivers it again; an update of a type the bot does not read is answered 200.

:class:`MaxWebhook` subscribes at start (``POST /subscriptions`` with the public URL and the
secret) and serves the listener (MAX_WEBHOOK_HOST:MAX_WEBHOOK_PORT, MAX_WEBHOOK_PATH; a reverse
proxy with TLS forwards the public URL there) until stopped; stopping closes the listener, lets
the requests in flight finish, and keeps the subscription, so MAX holds the updates for the next
start instead of dropping them.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Protocol

from aiohttp import web

from maxbot.polling import DRAIN_SECONDS, MaxFeed

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Max-Bot-Api-Secret"
FEED_KEY = web.AppKey("max_feed", MaxFeed)
SECRET_KEY = web.AppKey("max_secret", bytes)


class Subscriber(Protocol):
    """The part of :class:`maxbot.client.MaxClient` the webhook uses."""

    async def subscribe(
        self, url: str, *, secret: str | None = None, update_types: Any = None
    ) -> dict[str, Any]: ...


def _ok() -> web.Response:
    return web.json_response({"ok": True})


async def _receive(request: web.Request) -> web.Response:
    secret = request.app[SECRET_KEY]
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, secret):
        log.warning("a MAX webhook request with a wrong secret is refused")
        return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
    try:
        raw: Any = json.loads(await request.read())
    except ValueError:
        return web.json_response({"ok": False, "error": "not JSON"}, status=400)
    if not isinstance(raw, dict):
        return web.json_response({"ok": False, "error": "not an update"}, status=400)
    feed = request.app[FEED_KEY]
    try:
        updates = feed.translate(raw)
    except Exception:
        # Delivering it again would fail again: logged, and acknowledged.
        log.exception("a MAX update could not be read", extra={"type": raw.get("update_type")})
        return _ok()
    for update in updates:
        task = await feed.start(update)
        try:
            # Shielded: a dropped connection does not cancel the handling half-way.
            await asyncio.shield(task)
        except Exception:
            log.exception("a MAX update failed; MAX will deliver it again")
            return web.json_response({"ok": False, "error": "not handled"}, status=500)
    return _ok()


def webhook_app(feed: MaxFeed, *, secret: str, path: str) -> web.Application:
    """The application serving ``POST path`` (the secret is MAX_WEBHOOK_SECRET)."""
    if not secret:
        raise ValueError("the webhook needs a secret")
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[FEED_KEY] = feed
    app[SECRET_KEY] = secret.encode()
    app.router.add_post(path, _receive)
    return app


class MaxWebhook:
    """Subscribe, then serve the webhook until ``stop``; the updates in flight finish."""

    def __init__(
        self,
        client: Subscriber,
        feed: MaxFeed,
        *,
        url: str,
        secret: str,
        host: str,
        port: int,
        path: str,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self.client = client
        self.feed = feed
        self.url = url
        self.secret = secret
        self.host = host
        self.port = port
        self.path = path
        self.drain_seconds = drain_seconds
        self._runner: web.AppRunner | None = None

    @property
    def bound_port(self) -> int | None:
        """The port listened on (useful with port 0 in tests)."""
        if self._runner is None:
            return None
        for site in self._runner.sites:
            server = getattr(site, "_server", None)
            sockets = getattr(server, "sockets", None) or ()
            for sock in sockets:
                return int(sock.getsockname()[1])
        return None

    async def start(self) -> None:
        """Listen first, then subscribe: MAX may deliver as soon as it is subscribed."""
        app = webhook_app(self.feed, secret=self.secret, path=self.path)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=self.drain_seconds, handle_signals=False
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info(
            "MAX webhook listening",
            extra={"host": self.host, "port": self.bound_port, "path": self.path},
        )
        await self.client.subscribe(self.url, secret=self.secret)
        log.info("MAX webhook subscribed", extra={"url": self.url})

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        await self.feed.drain(self.drain_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` (after :meth:`start`), then stop."""
        try:
            if self._runner is None:
                await self.start()
            await stop.wait()
        finally:
            await self.stop()
