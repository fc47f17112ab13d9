"""GET /calendar/<token>.ics over HTTP: the feed, the same 404 for every dead token, the rate
limit per token, the headers; and the health server serves it when PUBLIC_BASE_URL is set."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.calendar_http import CalendarRoutes, TokenRate
from bot.health import HealthServer, start_health_server
from services.calendar_feed import ics, links
from services.models import Guardianship

from .world import NOW, calendar_school


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def client(
    session_factory: async_sessionmaker[AsyncSession], ticks: Ticks
) -> AsyncIterator[TestClient[Any, Any]]:
    app = web.Application()
    routes = CalendarRoutes(session_factory, rate=TokenRate(limit=3, window=60, clock=ticks))
    routes.now = lambda: NOW
    routes.add(app)
    async with TestClient(TestServer(app)) as made:
        yield made


async def test_the_feed_and_the_dead_links(
    session: AsyncSession, client: TestClient[Any, Any]
) -> None:
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    answer = await client.get(f"/calendar/{token}.ics")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"] == "private, max-age=900"
    body = await answer.text()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert any(e["SUMMARY"] == "2. Математика" for e in ics.events_of(body))

    unknown = await client.get("/calendar/" + "A" * 43 + ".ics")
    malformed = await client.get("/calendar/not-a-token.ics")
    no_suffix = await client.get(f"/calendar/{token}")
    new = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    revoked = await client.get(f"/calendar/{token}.ics")
    assert (await client.get(f"/calendar/{new}.ics")).status == 200
    await session.execute(delete(Guardianship).where(Guardianship.guardian_id == w.parent.id))
    await session.commit()
    lost = await client.get(f"/calendar/{new}.ics")
    dead = [unknown, malformed, no_suffix, revoked, lost]
    assert [a.status for a in dead] == [404] * 5
    assert {await a.text() for a in dead} == {"Not found"}


async def test_the_rate_limit_per_token(
    session: AsyncSession, client: TestClient[Any, Any], ticks: Ticks
) -> None:
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    other = await links.issue_link(session, w.actors["parent2"], w.students[1].id, now=NOW)
    statuses = [(await client.get(f"/calendar/{token}.ics")).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = await client.get(f"/calendar/{token}.ics")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert (await client.get(f"/calendar/{other}.ics")).status == 200  # another token
    ticks.now += 61
    assert (await client.get(f"/calendar/{token}.ics")).status == 200


async def test_the_health_server_serves_the_route_only_with_a_public_address(
    session: AsyncSession,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[HealthServer] = []

    async def start(self: HealthServer) -> int:  # built as at start-up, not listening
        made.append(self)
        return 0

    monkeypatch.setattr(HealthServer, "start", start)
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    for base in (None, "https://school.example"):
        settings = types.SimpleNamespace(
            health_port=1, health_host="127.0.0.1", public_base_url=base
        )
        await start_health_server(
            settings, role="web", engine=engine, session_factory=session_factory
        )
    statuses = []
    for server in made:
        async with TestClient(TestServer(server.app())) as http:
            statuses.append((await http.get(f"/calendar/{token}.ics")).status)
    assert statuses == [404, 200]
