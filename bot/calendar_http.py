"""``GET /calendar/<token>.ics``: a family's calendar feed over HTTP (services/calendar_feed).

Served by the process's health server (bot/health.py) when PUBLIC_BASE_URL is set; the reverse
proxy forwards the public ``/calendar/`` path there (docs/deploy.md) and nothing else of that
port. An unknown, malformed or revoked token and a holder who lost access to the child get the
same 404 (the token's hash is looked up, then compared in constant time). Each token may fetch
at most ``limit`` times per ``window`` seconds in this process (a calendar app polls about
hourly); more get 429 with Retry-After. Answers are private and cacheable for a while.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.calendar_feed import feed, links
from services.models import utcnow

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/calendar"
CACHE_SECONDS = 900
RATE_LIMIT = 20
RATE_WINDOW = 600.0
MAX_TRACKED = 10_000


class TokenRate:
    """At most ``limit`` hits per ``window`` seconds per key (the tokens seen lately, bounded)."""

    def __init__(
        self,
        limit: int = RATE_LIMIT,
        window: float = RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, key: str) -> int:
        """0 when the hit is allowed (and counted); else the seconds to wait."""
        now = self.clock()
        hits = self.hits.pop(key, None) or deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        self.hits[key] = hits
        while len(self.hits) > MAX_TRACKED:
            self.hits.popitem(last=False)
        if len(hits) >= self.limit:
            return max(1, int(self.window - (now - hits[0])) + 1)
        hits.append(now)
        return 0


def _not_found() -> web.Response:
    return web.Response(status=404, text="Not found", headers={"Cache-Control": "no-store"})


class CalendarRoutes:
    """The route, with the process's sessions, clock and rate limit."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        rate: TokenRate | None = None,
        now: Callable[[], Any] = utcnow,
    ) -> None:
        self.session_factory = session_factory
        self.rate = rate or TokenRate()
        self.now = now

    def add(self, app: web.Application) -> None:
        app.router.add_get("/calendar/{name}", self.get)

    async def get(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if not name.endswith(".ics"):
            return _not_found()
        token = name.removesuffix(".ics")
        if not links.well_formed(token):
            return _not_found()
        wait = self.rate.retry_after(links.token_hash(token))
        if wait:
            return web.Response(
                status=429, text="Too many requests", headers={"Retry-After": str(wait)}
            )
        async with self.session_factory() as session:
            holder = await links.holder_of(session, token)
            if holder is None:
                return _not_found()
            body = await feed.feed_text(session, holder, self.now())
        log.info("calendar feed served", extra={"link_id": holder.link_id})
        return web.Response(
            body=body.encode("utf-8"),
            headers={
                "Content-Type": f"{CONTENT_TYPE}; charset=utf-8",
                "Cache-Control": f"private, max-age={CACHE_SECONDS}",
                "Content-Disposition": 'inline; filename="calendar.ics"',
                "X-Robots-Tag": "noindex",
                "Referrer-Policy": "no-referrer",
            },
        )
