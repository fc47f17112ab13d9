"""Database fixtures: every service test runs on SQLite and on PostgreSQL.

- SQLite: the schema is migrated once per run into a template file, copied for each test.
- PostgreSQL: a fresh database ``schoolbot_test_<hex>`` is created and migrated once per run,
  tables are truncated before each test, and the database is dropped at the end.

TEST_BACKENDS=sqlite,postgres (the default) chooses the backends. PostgreSQL is found at
TEST_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres). When it is
unreachable the PostgreSQL half is skipped with the reason, except under CI=true, where that is
an error: CI must test both.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from services.db import make_engine, make_session_factory
from services.migrate import upgrade
from services.models import Base
from testkit.recording import TEST_TOKEN, RecordingBot

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [b.strip() for b in os.environ.get("TEST_BACKENDS", "sqlite,postgres").split(",") if b]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


async def _pg_admin(sql: str) -> None:
    engine = make_engine(PG_ADMIN_URL, pool=False)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = make_engine(url, pool=False)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def pg_create_database(prefix: str = "schoolbot_test") -> str:
    """Create a fresh database; returns its URL. Raises when PostgreSQL is unreachable."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def pg_drop_database(url: str) -> None:
    name = make_url(url).database
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    try:
        url = pg_create_database()
    except (OSError, ConnectionError) as exc:
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required under CI and unreachable: {exc}") from exc
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}")
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        pg_drop_database(url)


async def _truncate_all(engine: AsyncEngine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each backend, private to the test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    raise ValueError(f"unknown backend {request.param}")


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":
        await _truncate_all(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis_client() -> AsyncIterator[object]:
    """A Redis client and a key prefix private to the test; its keys are deleted afterwards."""
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as exc:
        await client.aclose()
        if IN_CI:
            raise RuntimeError(f"Redis is required under CI and unreachable: {exc}") from exc
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    prefix = f"schoolbot_test:{uuid.uuid4().hex[:12]}"
    client.test_prefix = prefix  # type: ignore[attr-defined]
    try:
        yield client
    finally:
        keys = [k async for k in client.scan_iter(f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
def settings() -> Settings:
    """Settings for handler tests: no .env, a test token."""
    return Settings(_env_file=None, BOT_TOKEN=TEST_TOKEN, BOT_USERNAME="test_bot")


@pytest.fixture
def bot() -> RecordingBot:
    """A bot whose session records every request instead of sending it."""
    return RecordingBot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
