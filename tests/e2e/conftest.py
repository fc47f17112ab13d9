"""End-to-end fixtures: the local Bot API server in the test process and the unchanged bot
as a subprocess (`python -m bot run`) talking HTTP to it through TELEGRAM_API_URL.

Every test here is ``e2e``, so its data is committed (tests/conftest.py). A test marked
``demo_school`` starts with the demo school in its database: built once per run and backend by
``python -m bot demo --json`` and copied for each test (SQLite: the file; PostgreSQL: the rows,
by COPY); ``demo_credentials`` then answers with what that one build printed."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy.engine import make_url

from services.models import start_clock_at
from testkit.botapi import BotAPIServer
from tests.conftest import Database, pg_create_database, pg_drop_database, run_async

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:e2e-test-token-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 424242
# The moment both the test process and the bot process start their clocks at (CLOCK_START):
# a Wednesday of a study period, mid-morning, outside quiet hours and every scheduled job,
# so that the end-to-end tests pass at any hour and on any weekday.
E2E_NOW = dt.datetime(2026, 12, 2, 10, 20, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.fixture(autouse=True)
def _e2e_clock() -> Iterator[None]:
    start_clock_at(E2E_NOW)
    try:
        yield
    finally:
        start_clock_at(None)


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    # A test that provokes failures on purpose sets this; otherwise any ERROR line in the log
    # fails the test at teardown (see ``_no_errors_in_bot_logs``).
    errors_expected: bool = False

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self, sig: int = signal.SIGTERM, wait_s: float = 20.0) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), wait_s)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        assert self.proc.returncode is not None
        return self.proc.returncode


def bot_env(base_url: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "TELEGRAM_API_URL")
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="INFO",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
        CLOCK_START=E2E_NOW.isoformat(),
    )
    env.update(extra)
    return env


async def python_m_bot(
    *args: str, env: dict[str, str], cwd: Path = ROOT, log: IO[bytes] | None = None
) -> asyncio.subprocess.Process:
    """``python -m bot ARGS`` in a process of its own, nothing on its stdin: its output piped,
    or both streams written to ``log``."""
    pipe = asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", *args),
        cwd=cwd,
        env=env,
        stdout=pipe if log is None else log,
        stderr=pipe if log is None else asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,
    )


async def run_cli(env: dict[str, str], *args: str, wait_s: float = 120.0) -> tuple[int, str, str]:
    proc = await python_m_bot(*args, env=env)
    out, err = await asyncio.wait_for(proc.communicate(), wait_s)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def demo_credentials(env: dict[str, str]) -> list[dict[str, str]]:
    built = _demo_credentials.get(env["DATABASE_URL"])
    if built is not None:  # a copy of the run's demo school: what its build printed
        return copy.deepcopy(built)
    code, out, err = await run_cli(env, "demo", "--json")
    assert code == 0, err
    data: list[dict[str, str]] = json.loads(out)
    return data


# --- the demo school, built once per run and backend ------------------------------------------

# The credentials of the demo school now in a test's database, by its URL.
_demo_credentials: dict[str, list[dict[str, str]]] = {}


def _build_demo(url: str) -> list[dict[str, str]]:
    """``python -m bot demo --json`` on ``url``, as a test would run it (same clock, token)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--json"],
        cwd=ROOT,
        env=bot_env("http://127.0.0.1:9", url),  # the demo does not call Telegram
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data: list[dict[str, str]] = json.loads(done.stdout)
    return data


@dataclass
class SqliteDemo:
    path: Path
    credentials: list[dict[str, str]]


@dataclass
class PostgresDemo:
    """The demo's rows, table by table, and where its sequences stood."""

    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    sequences: dict[str, int]
    credentials: list[dict[str, str]]

    async def load(self, url: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            async with conn.transaction():
                # The rows are copied as they are: no foreign key or trigger to check twice.
                await conn.execute("SET LOCAL session_replication_role = replica")
                for table, (columns, rows) in self.tables.items():
                    await conn.copy_records_to_table(table, records=rows, columns=columns)
                for sequence, value in self.sequences.items():
                    await conn.execute("SELECT setval($1::regclass, $2, true)", sequence, value)
        finally:
            await conn.close()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _read_demo(url: str) -> tuple[dict[str, Any], dict[str, int]]:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        names = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
        tables: dict[str, Any] = {}
        for (name,) in names:
            columns = [
                r[0]
                for r in await conn.fetch(
                    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
                    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    f'"{name}"',
                )
            ]
            rows = await conn.fetch(f'SELECT * FROM "{name}"')
            if rows:
                tables[name] = (columns, [tuple(r) for r in rows])
        sequences = {
            f'"{r[0]}"."{r[1]}"': r[2]
            for r in await conn.fetch(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        }
        return tables, sequences
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> SqliteDemo:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    credentials = _build_demo(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as conn:  # all of it in the file that is copied
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return SqliteDemo(path, credentials)


@pytest.fixture(scope="session")
def demo_postgres(postgres_url: str) -> PostgresDemo:
    url = pg_create_database("schoolbot_demo")
    try:
        credentials = _build_demo(url)
        tables, sequences = run_async(_read_demo(url))
    finally:
        pg_drop_database(url)
    return PostgresDemo(tables, sequences, credentials)


@pytest.fixture
def database(database: Database, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The test's database (tests/conftest.py); with the demo school for a ``demo_school`` test."""
    if request.node.get_closest_marker("demo_school") is None:
        yield database
        return
    if database.backend == "sqlite":
        sqlite_demo: SqliteDemo = request.getfixturevalue("demo_sqlite")
        assert database.path is not None
        shutil.copyfile(sqlite_demo.path, database.path)
        credentials = sqlite_demo.credentials
    else:
        postgres_demo: PostgresDemo = request.getfixturevalue("demo_postgres")
        run_async(postgres_demo.load(database.url))
        credentials = postgres_demo.credentials
    _demo_credentials[database.url] = credentials
    try:
        yield database
    finally:
        del _demo_credentials[database.url]


_started = 0


async def start_bot(env: dict[str, str], tmp_path: Path) -> BotProcess:
    global _started
    _started += 1
    log_path = tmp_path / f"bot-{_started}.log"
    with log_path.open("wb") as log_file:
        proc = await python_m_bot("run", env=env, log=log_file)
    bot = BotProcess(proc, log_path, env)
    _bots.append(bot)
    return bot


_bots: list[BotProcess] = []


def error_lines(log: str) -> list[str]:
    """ERROR and CRITICAL lines of a bot log (JSON lines, or text lines and tracebacks)."""
    found = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict):
            if str(record.get("level", "")).upper() in ("ERROR", "CRITICAL"):
                found.append(line)
        elif re.search(r"\b(ERROR|CRITICAL)\b", line) or line.startswith("Traceback"):
            found.append(line)
    return found


def _brief(line: str) -> str:
    """An error line as "logger: message — the exception's last line"."""
    try:
        record = json.loads(line)
    except ValueError:
        return line[:300]
    exc = str(record.get("exc") or "").strip().splitlines()
    return f"{record.get('logger')}: {record.get('msg')}" + (f" — {exc[-1]}" if exc else "")


@pytest.fixture(autouse=True)
def _no_errors_in_bot_logs() -> Iterator[None]:
    """Every bot process a test started must have logged no error (a button answered twice,
    a handler that failed, a refused API call…): checked once the test is over."""
    first = len(_bots)
    yield
    started, _bots[first:] = _bots[first:], []
    bad = [line for bot in started if not bot.errors_expected for line in error_lines(bot.log())]
    if bad:
        shown = "\n".join(_brief(line) for line in bad[:10])
        pytest.fail(f"{len(bad)} error lines in the bot's log:\n{shown}", pytrace=False)


async def wait_polling(server: BotAPIServer, bot: BotProcess, wait_s: float = 60.0) -> None:
    """Until the bot has called getUpdates (it is up and polling)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        if any(r.method.lower() == "getupdates" for r in server.requests):
            return
        if bot.proc.returncode is not None:
            raise AssertionError(f"bot exited with {bot.proc.returncode}:\n{bot.log()}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"bot did not start polling in {wait_s}s:\n{bot.log()}")


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer() as server:
        yield server


def base_url(server: BotAPIServer) -> str:
    assert server.base_url is not None
    return server.base_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}"
