"""Database fixtures: every service test runs on SQLite and on PostgreSQL.

- SQLite: the schema is migrated once per run into a template file, copied for each test.
- PostgreSQL: a database ``schoolbot_test_<hex>`` is created and migrated once per run (one per
  xdist worker) and dropped at the end. Each test runs inside one transaction that is rolled
  back at its end: the sessions of ``session_factory`` join it through a SAVEPOINT each
  (SQLAlchemy's "join a session into an external transaction" recipe), so that a
  ``session.commit()`` releases its savepoint and a rollback undoes only that session's work.
  The sequences are restarted before each test, as ``TRUNCATE … RESTART IDENTITY`` did.

Two markers choose something else (see ``pytest --markers``):

- ``committed`` (and ``e2e``, which starts the bot process): the test's data must be committed
  for other connections or processes to see it — the URL handed to a subprocess, a second
  engine, sessions used at the same time, advisory locks, transaction-scoped settings. Such a
  test gets a real engine on the run's database, emptied after the test. Asking for ``db_url``
  on PostgreSQL without this marker is an error: the URL leads outside the test's transaction.
- ``ui``: given to every test that feeds updates to the Dispatcher (it uses the ``dp``
  fixture). A UI test runs on one backend (SQLite), since the services under it run on both;
  ``every_backend`` keeps a UI test that is about a backend fact on both.

TEST_BACKENDS=sqlite,postgres (the default) chooses the backends. PostgreSQL is found at
TEST_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres), as a role
that may create databases and set ``session_replication_role`` (the tests empty the tables
with the triggers off). When it is unreachable the PostgreSQL half is skipped with the reason,
except under CI=true, where that is an error: CI must test both.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from services.db import make_engine, make_session_factory
from services.tools.migrate import upgrade
from testkit.recording import TEST_TOKEN, RecordingBot

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [b.strip() for b in os.environ.get("TEST_BACKENDS", "sqlite,postgres").split(",") if b]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The one backend of the UI tests: the services beneath them are tested on every backend.
UI_BACKEND = "sqlite" if "sqlite" in BACKENDS else BACKENDS[0]

MARKERS = (
    "committed: the test's data must be committed for other connections or processes to see "
    "it (a subprocess, a second engine, sessions at the same time, advisory locks): on "
    "PostgreSQL it runs on the run's database, emptied afterwards, instead of inside a "
    "transaction rolled back",
    "ui: feeds updates to the Dispatcher (uses the dp fixture); given automatically; runs on "
    f"one backend ({UI_BACKEND})",
    "every_backend: a UI test about a backend fact: runs on every backend",
    "demo_school: the test's database holds the demo school (python -m bot demo), built once "
    "per run and copied for the test",
)

T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def _is_ui(fixturenames: list[str], node: Any) -> bool:
    return "dp" in fixturenames and node.get_closest_marker("every_backend") is None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The ``backend`` fixture's values: every backend, or the UI backend for a UI test."""
    if "backend" not in metafunc.fixturenames:
        return
    ui = _is_ui(metafunc.fixturenames, metafunc.definition)
    backends = [UI_BACKEND] if ui else BACKENDS
    if "messenger" in metafunc.fixturenames:
        # An end-to-end test runs on every backend in Telegram and on the UI backend in MAX:
        # what MAX adds is its adapter, and the database under it is the Telegram run's.
        combos = [(b, "telegram") for b in backends] + [(UI_BACKEND, "max")]
        metafunc.parametrize(
            ("backend", "messenger"),
            combos,
            indirect=True,
            ids=[f"{b}-{m}" for b, m in combos],
        )
        return
    metafunc.parametrize("backend", backends, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixturenames: list[str] = getattr(item, "fixturenames", [])
        if "backend" in fixturenames and _is_ui(fixturenames, item):
            item.add_marker("ui")


def is_committed(node: pytest.Item) -> bool:
    return any(node.get_closest_marker(m) is not None for m in ("committed", "e2e"))


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code, even inside a running event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def on_engine(url: str, work: Callable[[AsyncEngine], Awaitable[object]]) -> None:
    """Run ``work`` on an engine of its own (no pool), from synchronous code; dispose of it."""

    async def run() -> None:
        engine = make_engine(url, pool=False)
        try:
            await work(engine)
        finally:
            await engine.dispose()

    run_async(run())


def _pg_admin(sql: str) -> None:
    """One statement outside a transaction (CREATE / DROP DATABASE) on the server."""

    async def execute(engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))

    on_engine(PG_ADMIN_URL, execute)


def pg_create_database(prefix: str = "schoolbot_test") -> str:
    """Create a fresh database; returns its URL. Raises when PostgreSQL is unreachable."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def pg_drop_database(url: str) -> None:
    name = make_url(url).database
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- PostgreSQL: empty tables, restarted sequences ----------------------------------------

# Every sequence back to its start, as TRUNCATE … RESTART IDENTITY did. setval() is not
# transactional: it holds even when the test's transaction is rolled back.
RESTART_SEQUENCES = (
    "SELECT count(setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, "
    "false)) FROM pg_sequences WHERE schemaname = current_schema()"
)
# Every table but Alembic's emptied, with the triggers off (foreign keys and the audit log's
# append-only guard): DELETE costs a few milliseconds where TRUNCATE of every table cost ~1 s.
EMPTY_TABLES = """
DO $$
DECLARE r record;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
END $$
"""


async def empty_database(engine: AsyncEngine) -> None:
    """Empty every table and restart every sequence of a PostgreSQL database."""
    async with engine.begin() as conn:
        await conn.execute(text(EMPTY_TABLES))
        await conn.execute(text(RESTART_SEQUENCES))


_truncate_all = empty_database  # the name tests/unit/test_lessons.py imports


async def _restart_sequences(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(RESTART_SEQUENCES))


async def _nonempty_tables(conn: AsyncConnection) -> list[str]:
    names = await conn.scalars(
        text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
    )
    tables = list(names)
    if not tables:
        return []
    probes = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables
    )
    return list(await conn.scalars(text(probes)))


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    on_engine(f"sqlite+aiosqlite:///{path}", upgrade)
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The run's PostgreSQL database (one per xdist worker), migrated and empty."""
    try:
        url = pg_create_database()
    except (OSError, ConnectionError) as exc:
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required under CI and unreachable: {exc}") from exc
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}")
    try:
        on_engine(url, upgrade)
        on_engine(url, empty_database)  # what the migrations may have seeded: tests start empty
        yield url
    finally:
        pg_drop_database(url)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of the test: parametrized by ``pytest_generate_tests``."""
    name: str = request.param
    return name


@dataclass
class Database:
    """The test's database: its URL, and whether its data is committed (see the module doc)."""

    backend: str
    url: str
    committed: bool
    path: Path | None = None  # SQLite's file


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of the test's backend, private to the test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        yield Database(backend, f"sqlite+aiosqlite:///{path}", committed=True, path=path)
        return
    if backend != "postgres":
        raise ValueError(f"unknown backend {backend}")
    url: str = request.getfixturevalue("postgres_url")
    if not is_committed(request.node):
        yield Database(backend, url, committed=False)
        return
    on_engine(url, _restart_sequences)
    try:
        yield Database(backend, url, committed=True)
    finally:
        on_engine(url, empty_database)


@pytest.fixture
def db_url(database: Database, request: pytest.FixtureRequest) -> str:
    """The URL of the test's database, for another engine, a subprocess or a CLI command."""
    if not database.committed:
        pytest.fail(
            f"{request.node.nodeid} hands the database URL to another connection, which sees "
            "only committed data: mark the test @pytest.mark.committed",
            pytrace=False,
        )
    return database.url


@dataclass
class _Savepoints:
    """The savepoints of the test's one connection: the sessions of one test must nest.

    SAVEPOINT, RELEASE and ROLLBACK TO are issued beneath SQLAlchemy's statement events: they
    stand for the BEGIN and COMMIT of a real connection, which those events do not see either,
    so that the tests that count statements count the code's own."""

    stack: list[list[Any]] = field(default_factory=list)  # [name, absorbed another's commit]
    ending: bool = False

    def overlap(self, name: str) -> AssertionError:
        return AssertionError(
            f"savepoint {name} ends while {self.stack[-1][0] if self.stack else 'none'} is the "
            "innermost: two sessions overlap on the test's one connection. Sessions used at the "
            "same time need committed data: mark the test @pytest.mark.committed"
        )


def _raw(connection: Connection, sql: str) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _nest_sessions(engine: AsyncEngine, state: _Savepoints) -> None:
    dialect: Any = engine.sync_engine.dialect

    def savepoint(connection: Connection, name: str) -> None:
        state.stack.append([name, False])
        _raw(connection, f"SAVEPOINT {name}")

    def release(connection: Connection, name: str) -> None:
        if not state.stack or state.stack[-1][0] != name:
            raise state.overlap(name)
        state.stack.pop()
        if state.stack:
            state.stack[-1][1] = True
        _raw(connection, f"RELEASE SAVEPOINT {name}")

    def rollback_to(connection: Connection, name: str) -> None:
        if not state.stack or state.stack[-1][0] != name:
            if state.ending:
                return
            raise state.overlap(name)
        _, absorbed = state.stack.pop()
        if absorbed and not state.ending:
            raise AssertionError(
                f"a session rolls back to {name} after another session committed inside it: "
                "on a real connection that commit would stay. Mark the test "
                "@pytest.mark.committed"
            )
        _raw(connection, f"ROLLBACK TO SAVEPOINT {name}")

    dialect.do_savepoint = savepoint
    dialect.do_release_savepoint = release
    dialect.do_rollback_to_savepoint = rollback_to


@dataclass
class _Outer:
    """The test's one connection and the transaction rolled back at its end (PostgreSQL)."""

    conn: AsyncConnection
    state: _Savepoints


@pytest.fixture
async def engine(database: Database, request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database.url)
    try:
        if not database.committed:
            _nest_sessions(engine, request.getfixturevalue("_savepoints"))
        yield engine
        if not database.committed:
            async with engine.connect() as conn:
                leaked = await _nonempty_tables(conn)
            if leaked:
                await empty_database(engine)
                pytest.fail(
                    f"data committed outside the test's transaction in {', '.join(leaked)}: "
                    "mark the test @pytest.mark.committed",
                    pytrace=False,
                )
    finally:
        await engine.dispose()


@pytest.fixture
def _savepoints() -> _Savepoints:
    return _Savepoints()


@pytest.fixture
async def _outer(
    engine: AsyncEngine, database: Database, _savepoints: _Savepoints
) -> AsyncIterator[_Outer | None]:
    if database.committed:
        yield None
        return
    async with engine.connect() as conn:
        await conn.begin()
        await conn.execute(text(RESTART_SEQUENCES))
        try:
            yield _Outer(conn, _savepoints)
        finally:
            _savepoints.ending = True
            await conn.rollback()


@pytest.fixture
def session_factory(engine: AsyncEngine, _outer: _Outer | None) -> async_sessionmaker[AsyncSession]:
    factory = make_session_factory(engine)
    if _outer is not None:
        factory.configure(bind=_outer.conn, join_transaction_mode="create_savepoint")
    return factory


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession], _outer: _Outer | None
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s
        if _outer is not None:
            _outer.state.ending = True


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
