"""bot/health.py: a real aiohttp server of /health, /ready and /metrics; /ready against the
test's database (SQLite and PostgreSQL), a real Redis behind a proxy that a test stops and
starts, and the local Telegram and MAX Bot API servers with their injected faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from yarl import URL

from bot.config import Settings
from bot.health import HealthServer, start_health_server
from maxbot.client import MaxClient
from services.db import make_engine
from services.enums import OutboxStatus
from services.models import OutboxMessage, School
from services.redis_link import RedisGate, create_redis
from testkit.botapi import BotAPIServer
from testkit.maxapi import MaxAPIServer
from testkit.maxapi.limits import Limits as MaxLimits
from testkit.recording import TEST_TOKEN
from testkit.tcpproxy import TcpProxy
from tests.conftest import IN_CI, REDIS_URL
from tests.e2e.conftest import ROOT, python_m_bot
from tests.testkit.conftest import close_bot, local_bot, relaxed_limits

MAX_TOKEN = "max-health-token"


class Clock:
    """The health server's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def get(server: HealthServer, path: str) -> tuple[int, Any, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{server.port}{path}") as resp,
    ):
        raw = await resp.text()
        body = json.loads(raw) if resp.content_type == "application/json" else raw
        return resp.status, body, resp.headers.get("Content-Type", "")


@pytest.fixture
async def running() -> AsyncIterator[list[HealthServer]]:
    """Health servers the test started; closed after it."""
    servers: list[HealthServer] = []
    yield servers
    for server in servers:
        await server.close()


async def start(running: list[HealthServer], **options: Any) -> HealthServer:
    server = HealthServer(port=0, **options)
    await server.start()
    running.append(server)
    return server


async def test_health_ready_and_metrics_on_the_database(
    engine: AsyncEngine, running: list[HealthServer]
) -> None:
    server = await start(running, role="web", engine=engine)
    assert server.port > 0
    assert (await get(server, "/health"))[:2] == (200, {"status": "ok", "role": "web"})
    status, body, _ = await get(server, "/ready")
    assert status == 200, body
    assert body == {"status": "ok", "role": "web", "checks": {"database": {"ok": True}}}
    status, text, content_type = await get(server, "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    assert "# TYPE schoolbot_updates_total counter" in text
    assert "# TYPE schoolbot_outbox_pending gauge" in text
    assert "process_cpu_seconds_total" in text  # prometheus-client's process collector


async def test_ready_fails_when_the_database_is_unreachable(running: list[HealthServer]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = make_engine(f"postgresql+asyncpg://postgres:secret-pw@127.0.0.1:{port}/nowhere")
    try:
        server = await start(running, role="worker", engine=engine, db_timeout=5.0)
        status, body, _ = await get(server, "/ready")
        assert status == 503
        assert body["status"] == "fail" and body["failed"] == ["database"]
        assert body["checks"]["database"]["ok"] is False
        raw = json.dumps(body)
        assert "secret-pw" not in raw and str(port) not in raw and "nowhere" not in raw
        # alive all the same
        assert (await get(server, "/health"))[0] == 200
    finally:
        await engine.dispose()


async def redis_reachable() -> bool:
    client = create_redis(REDIS_URL, socket_timeout=1.0)
    try:
        await client.ping()
    except Exception:
        if IN_CI:
            raise
        return False
    finally:
        await client.aclose()
    return True


async def test_ready_follows_redis_away_and_back(
    engine: AsyncEngine, running: list[HealthServer]
) -> None:
    if not await redis_reachable():
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    target = URL(REDIS_URL)  # host, port and database of the test's Redis
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 6379)
    await proxy.start()
    redis = create_redis(f"redis://127.0.0.1:{proxy.port}{target.path}", socket_timeout=1.0)
    gate = RedisGate(probe_seconds=0.0)
    try:
        server = await start(
            running, role="run", engine=engine, redis=redis, gate=gate, redis_timeout=2.0
        )
        status, body, _ = await get(server, "/ready")
        assert status == 200, body
        assert body["checks"]["redis"] == {"ok": True, "fallback": False}

        await proxy.stop()
        # the process notices too (any user of Redis through the gate) and keeps running on
        # its fallbacks
        used = await gate.call(redis.ping, _fallback, "test")
        assert used == "fallback" and not gate.up
        status, body, _ = await get(server, "/ready")
        assert status == 503
        assert body["failed"] == ["redis"]
        assert body["checks"]["redis"]["ok"] is False
        assert body["checks"]["redis"]["fallback"] is True
        assert body["checks"]["database"] == {"ok": True}
        assert str(proxy.port) not in json.dumps(body)
        assert (await get(server, "/health"))[0] == 200

        await proxy.start()  # the same port again
        status, body, _ = await get(server, "/ready")
        assert status == 200, body
        assert body["checks"]["redis"]["ok"] is True
    finally:
        await redis.aclose()
        await proxy.stop()


async def _fallback() -> str:
    return "fallback"


def getme_calls(server: BotAPIServer) -> int:
    return sum(n for method, n in server.stats.per_method.items() if method.lower() == "getme")


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer(limits=relaxed_limits()) as srv:
        yield srv


@pytest.fixture
async def telegram(botapi: BotAPIServer) -> AsyncIterator[Bot]:
    bot = local_bot(botapi, "777001:HEALTH-token")
    yield bot
    await close_bot(bot)


async def test_bot_api_is_cached_and_its_faults_fail_ready(
    engine: AsyncEngine, running: list[HealthServer], botapi: BotAPIServer, telegram: Bot
) -> None:
    clock = Clock()
    server = await start(
        running,
        role="run",
        engine=engine,
        telegram_bots=[telegram],
        clock=clock,
        bot_api_ttl=15.0,
        bot_api_timeout=0.5,
    )
    status, body, _ = await get(server, "/ready")
    assert status == 200, body
    assert body["checks"]["telegram:777001"] == {"ok": True}
    # scrapes inside the cache's life do not call the Bot API again
    for _ in range(3):
        assert (await get(server, "/ready"))[0] == 200
    assert getme_calls(botapi) == 1

    botapi.faults.inject(method="getMe", kind="5xx", times=None)
    clock.now += 14.0
    assert (await get(server, "/ready"))[0] == 200  # still the cached answer
    clock.now += 1.0
    status, body, _ = await get(server, "/ready")
    assert status == 503
    assert body["failed"] == ["telegram:777001"]
    assert body["checks"]["telegram:777001"] == {"ok": False, "error": "TelegramServerError"}
    assert "HEALTH-token" not in json.dumps(body)
    assert getme_calls(botapi) == 2

    # a Bot API that does not answer in time
    botapi.faults.clear()
    botapi.faults.inject(method="getMe", kind="timeout", delay=5.0, times=None)
    clock.now += 15.0
    status, body, _ = await get(server, "/ready")
    assert status == 503
    assert body["checks"]["telegram:777001"] == {"ok": False, "error": "timeout"}

    botapi.faults.clear()
    clock.now += 15.0
    assert (await get(server, "/ready"))[0] == 200


async def test_max_bot_api_faults_fail_ready(
    engine: AsyncEngine, running: list[HealthServer]
) -> None:
    async with MaxAPIServer(token=MAX_TOKEN, limits=MaxLimits(rate_limits=False)) as maxapi:
        client = MaxClient(MAX_TOKEN, maxapi.base_url, timeout=2.0)
        clock = Clock()
        try:
            server = await start(
                running, role="run", engine=engine, max_clients=[client], clock=clock
            )
            status, body, _ = await get(server, "/ready")
            assert status == 200, body
            assert body["checks"]["max:0"] == {"ok": True}
            maxapi.faults.inject(method="getMyInfo", kind="5xx", times=None)
            clock.now += 15.0
            status, body, _ = await get(server, "/ready")
            assert status == 503
            assert body["failed"] == ["max:0"]
            assert body["checks"]["max:0"]["ok"] is False
            assert MAX_TOKEN not in json.dumps(body)
            maxapi.faults.clear()
            clock.now += 15.0
            assert (await get(server, "/ready"))[0] == 200
        finally:
            await client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_start_health_server_follows_the_settings(engine: AsyncEngine) -> None:
    unset = Settings(_env_file=None, BOT_TOKEN=TEST_TOKEN)
    assert await start_health_server(unset, role="web", engine=engine) is None
    port = free_port()
    settings = Settings(_env_file=None, BOT_TOKEN=TEST_TOKEN, HEALTH_PORT=str(port))
    server = await start_health_server(settings, role="scheduler", engine=engine)
    assert server is not None
    try:
        assert server.port == port
        assert (await get(server, "/health"))[1] == {"status": "ok", "role": "scheduler"}
    finally:
        await server.close()
    with socket.socket() as sock:  # closed: the port is free again
        sock.bind(("127.0.0.1", port))


def gauge(name: str) -> float | None:
    return REGISTRY.get_sample_value(name)


@pytest.mark.committed
async def test_outbox_gauges_are_refreshed_in_the_background(
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    running: list[HealthServer],
) -> None:
    async with session_factory() as session:
        school = School(code="g1", name="Школа g1", timezone="Europe/Moscow")
        session.add(school)
        await session.flush()
        due = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
        statuses = [OutboxStatus.PENDING] * 3 + [OutboxStatus.SENDING, OutboxStatus.SENT]
        statuses += [OutboxStatus.DEAD] * 2
        for n, status in enumerate(statuses):
            session.add(
                OutboxMessage(
                    school_id=school.id,
                    recipient_person_id=None,
                    kind="mark",
                    dedup_key=f"gauge:{n}",
                    payload={},
                    status=status,
                    created_at=due,
                    not_before=due + dt.timedelta(minutes=n),
                )
            )
        await session.commit()
    server = HealthServer(
        role="worker",
        engine=engine,
        port=0,
        session_factory=session_factory,
        outbox_gauges=True,
        outbox_every=0.01,
        outbox_clock=lambda: due + dt.timedelta(minutes=10),
    )
    # The gauges are process-wide: a value no other test sets shows this refresher's round.
    from notifications import metrics

    metrics.OUTBOX_PENDING.set(-1)
    await server.start()
    running.append(server)
    for _ in range(500):
        if gauge("schoolbot_outbox_pending") == 4:
            break
        await _sleep()
    assert gauge("schoolbot_outbox_pending") == 4  # pending and leased
    assert gauge("schoolbot_outbox_dead_letters") == 2
    # the first row waiting was due at 09:00, ten minutes before the refresher's "now"
    assert gauge("schoolbot_outbox_oldest_pending_age_seconds") == 600
    assert (
        gauge("schoolbot_outbox_gauges_refreshed_timestamp_seconds")
        == (due + dt.timedelta(minutes=10)).timestamp()
    )
    await server.close()
    assert server._gauges is None


async def _sleep() -> None:
    await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- a real process

RUN_TOKEN = "987654322:AAE2e_test_token_for_health_0000000"


async def _read_until(stream: asyncio.StreamReader, needle: str, lines: list[str]) -> None:
    while True:
        raw = await stream.readline()
        if not raw:
            raise AssertionError(f"process ended before {needle!r}:\n" + "\n".join(lines))
        lines.append(raw.decode().rstrip("\n"))
        if needle in lines[-1]:
            return


async def fetch(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}{path}") as resp,
    ):
        return resp.status, await resp.text()


@pytest.mark.e2e
async def test_the_bot_process_serves_health_ready_and_metrics(tmp_path: Path) -> None:
    """``python -m bot run`` with HEALTH_PORT: alive, ready (database and getMe), and its
    /metrics counts the update a user sent and the outbox it delivers from."""
    port = free_port()
    async with BotAPIServer(limits=relaxed_limits()) as api:
        assert api.base_url is not None
        env = {
            **os.environ,
            "BOT_TOKEN": RUN_TOKEN,
            "TELEGRAM_API_URL": api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            "LOG_FORMAT": "json",
            "HEALTH_PORT": str(port),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("REDIS_URL", None)
        proc = await python_m_bot("run", cwd=tmp_path, env=env)
        assert proc.stderr is not None
        lines: list[str] = []
        try:
            await asyncio.wait_for(_read_until(proc.stderr, "Start polling", lines), 90)
            assert await fetch(port, "/health") == (200, '{"status": "ok", "role": "run"}')
            status, body = await fetch(port, "/ready")
            assert status == 200, body
            assert json.loads(body)["checks"] == {
                "database": {"ok": True},
                "telegram:987654322": {"ok": True},
            }
            user = api.user(434343, language_code="en")
            await user.command("/start")
            await user.wait_reply(lambda m: bool(m.text), timeout=20)
            for _ in range(200):  # the counter follows the reply by a moment
                status, text = await fetch(port, "/metrics")
                if 'kind="message",messenger="telegram",outcome="ok"} 1.0' in text:
                    break
                await asyncio.sleep(0.05)
            assert (
                'schoolbot_updates_total{kind="message",messenger="telegram",outcome="ok"} 1.0'
                in text
            )
            assert 'schoolbot_update_sql_statements_count{kind="message"} 1.0' in text
            # this process delivers: it counts the outbox (empty) once started
            assert "schoolbot_outbox_pending 0.0" in text
            assert "schoolbot_outbox_gauges_refreshed_timestamp_seconds 0.0" not in text
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode == 0, "\n".join(lines)
        with socket.socket() as sock:  # the health server closed with the process
            sock.bind(("127.0.0.1", port))
