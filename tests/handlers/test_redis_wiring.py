"""Redis wiring of the bot process: one client with a bounded blocking pool, shared by FSM
storage, event isolation and throttling; no update lost under load; the bot keeps answering
while Redis is away and says so in its log once each way."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiogram import Dispatcher
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from bot.redis_state import FallbackIsolation, FallbackStorage, FallbackThrottle
from services.people.throttle import DatabaseThrottle
from services.redis_link import RedisGate
from testkit.recording import TEST_TOKEN, RecordingBot, make_message_update
from testkit.tcpproxy import TcpProxy
from tests.conftest import REDIS_URL

# Updates handled at once, each in a session of its own, over a pool of connections.
pytestmark = pytest.mark.committed

DOWN = "redis unreachable"
BACK = "redis is back"


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, BOT_TOKEN=TEST_TOKEN, **env)  # type: ignore[arg-type]


async def _close(dp: Dispatcher) -> None:
    await dp.storage.close()
    await dp.fsm.events_isolation.close()
    redis = dp.workflow_data.get("redis")
    if redis is not None:
        await redis.aclose()


async def _forget(redis_client: Any, users: list[int]) -> None:
    keys = [k for u in users async for k in redis_client.scan_iter(f"schoolbot:fsm:*:{u}:*")]
    if keys:
        await redis_client.delete(*keys)


async def _answered(dp: Dispatcher, users: list[int], expected: list[str]) -> list[int]:
    bot = RecordingBot()
    await asyncio.gather(*(dp.feed_update(bot, make_message_update(u, "/help")) for u in users))
    return [u for u in users if bot.session.sent_texts(u) == expected]


@pytest.fixture
async def help_text(session_factory: async_sessionmaker[AsyncSession]) -> list[str]:
    dp = create_dispatcher(_settings(), session_factory)
    bot = RecordingBot()
    await dp.feed_update(bot, make_message_update(7_799_999, "/help"))
    texts = bot.session.sent_texts(7_799_999)
    assert texts
    return texts


def _messages(caplog: pytest.LogCaptureFixture, start: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(start)]


async def test_150_concurrent_updates_with_10_connections_are_all_answered(
    session_factory: async_sessionmaker[AsyncSession],
    redis_client: Any,
    help_text: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """redis-py's default pool refuses the 101st connection (MaxConnectionsError) and the
    update is lost; the blocking pool makes the 150 updates wait their turn."""
    settings = _settings(REDIS_URL=REDIS_URL, REDIS_MAX_CONNECTIONS="10")
    dp = create_dispatcher(settings, session_factory)
    users = [7_700_000 + i for i in range(150)]
    try:
        assert await _answered(dp, users, help_text) == users
        redis = dp.workflow_data["redis"]
        assert redis.connection_pool.max_connections == 10
        # FSM storage, event isolation and throttling share the one client.
        storage = dp.storage
        assert isinstance(storage, FallbackStorage)
        assert storage.primary.redis is redis  # type: ignore[attr-defined]
        isolation = dp.fsm.events_isolation
        assert isinstance(isolation, FallbackIsolation) and isolation.redis is redis
        throttle = dp.workflow_data["throttle"]
        assert isinstance(throttle, FallbackThrottle)
        assert throttle.primary._r is redis
        assert isinstance(throttle.fallback, DatabaseThrottle)
        gate = dp.workflow_data["redis_gate"]
        assert gate.up and gate.outages == 0 and gate.pool_timeouts == 0
        assert not _messages(caplog, DOWN)
    finally:
        await _forget(redis_client, users)
        await _close(dp)


async def test_redis_never_reachable_bot_answers_and_logs_once(
    session_factory: async_sessionmaker[AsyncSession],
    help_text: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    dp = create_dispatcher(_settings(REDIS_URL=closed), session_factory)
    try:
        users = [7_710_000 + i for i in range(30)]
        assert await _answered(dp, users, help_text) == users
        assert await _answered(dp, users, help_text) == users
        assert len(_messages(caplog, DOWN)) == 1
        assert not dp.workflow_data["redis_gate"].up
    finally:
        await _close(dp)


async def test_redis_outage_and_return(
    session_factory: async_sessionmaker[AsyncSession],
    redis_client: Any,
    help_text: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = make_url(REDIS_URL)
    users = [7_720_000 + i for i in range(20)]
    async with TcpProxy(target.host or "127.0.0.1", target.port or 6379) as proxy:
        url = f"redis://127.0.0.1:{proxy.port}/{target.database or 0}"
        dp = create_dispatcher(_settings(REDIS_URL=url), session_factory)
        gate: RedisGate = dp.workflow_data["redis_gate"]
        now = [0.0]
        gate.clock = lambda: now[0]
        try:
            assert await _answered(dp, users, help_text) == users
            assert gate.up

            await proxy.stop()  # Redis goes away
            for _ in range(3):
                assert await _answered(dp, users, help_text) == users
            assert not gate.up
            assert len(_messages(caplog, DOWN)) == 1
            assert not _messages(caplog, BACK)

            await proxy.start()  # back, on the same port
            assert await _answered(dp, users, help_text) == users
            assert not gate.up  # not tried again before REDIS_RETRY_SECONDS
            now[0] += gate.probe_seconds
            assert await _answered(dp, users, help_text) == users
            assert gate.up
            assert await _answered(dp, users, help_text) == users
            assert len(_messages(caplog, DOWN)) == 1
            assert len(_messages(caplog, BACK)) == 1
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        finally:
            await _forget(redis_client, users)
            await _close(dp)


async def test_fallback_throttle_uses_the_database_while_redis_is_away() -> None:
    calls: list[tuple[str, str, tuple[Any, ...]]] = []

    class Fake:
        def __init__(self, name: str, fail: bool) -> None:
            self.name = name
            self.fail = fail

        async def locked_for(self, *args: Any) -> int:
            calls.append((self.name, "locked_for", args))
            if self.fail:
                raise ConnectionRefusedError("refused")
            return 7 if self.name == "db" else 3

    redis_side = Fake("redis", fail=False)
    gate = RedisGate(clock=lambda: 0.0)
    throttle = FallbackThrottle(redis_side, Fake("db", fail=False), gate)
    assert await throttle.locked_for(["k"]) == 3
    redis_side.fail = True
    assert await throttle.locked_for(["k"]) == 7
    assert await throttle.locked_for(["k"]) == 7  # not tried again before the probe time
    assert [(n, m) for n, m, _ in calls] == [
        ("redis", "locked_for"),
        ("redis", "locked_for"),
        ("db", "locked_for"),
        ("db", "locked_for"),
    ]
    assert not gate.up


def test_pool_settings_are_validated_and_named() -> None:
    from bot.config import ConfigError, load_settings

    settings = _settings()
    assert settings.redis_max_connections == 50 and settings.redis_pool_timeout == 10
    assert settings.update_concurrency == 10
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("REDIS_MAX_CONNECTIONS", "0")
        with pytest.raises(ConfigError, match=r"^REDIS_MAX_CONNECTIONS is invalid"):
            load_settings()
        mp.setenv("REDIS_MAX_CONNECTIONS", "20")
        mp.setenv("UPDATE_CONCURRENCY", "0")
        with pytest.raises(ConfigError, match=r"^UPDATE_CONCURRENCY is invalid"):
            load_settings()
    finally:
        mp.undo()


async def test_dispatcher_throttle_counts_in_the_database_while_redis_is_away(
    session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import select

    from services.models import SigninThrottle
    from services.people.throttle import Limit

    dp = create_dispatcher(_settings(REDIS_URL="redis://127.0.0.1:1/0"), session_factory)
    try:
        throttle = dp.workflow_data["throttle"]
        limits = [Limit("chat:test:1", 2)]
        assert await throttle.attempt(limits) == 0
        assert await throttle.attempt(limits) == 0
        assert await throttle.attempt(limits) > 0  # paused: counted in the database
        async with session_factory() as s:
            keys = (await s.scalars(select(SigninThrottle.key))).all()
        assert "chat:test:1" in keys
        assert len(_messages(caplog, DOWN)) == 1
    finally:
        await _close(dp)


async def test_isolation_closed_while_an_update_runs_releases_quietly() -> None:
    """A stop closes the isolation while an update still holds its chat's lock: the update
    must finish without an error (it raised KeyError in the log of every such stop)."""
    from aiogram.fsm.storage.base import StorageKey

    from bot.redis_state import LocalIsolation

    isolation = LocalIsolation()
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    async with isolation.lock(key):
        await isolation.close()
    async with isolation.lock(key):  # and the chat can be served again
        pass
    assert isolation._locks == {}
