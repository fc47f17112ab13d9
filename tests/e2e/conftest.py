"""End-to-end fixtures: a messenger's local Bot API server in the test process and the
unchanged bot as a subprocess (`python -m bot run`) talking HTTP to it — Telegram's
(testkit/botapi) through BOT_TOKEN and TELEGRAM_API_URL, MAX's (testkit/maxapi) through
MAX_BOT_TOKEN and MAX_API_URL, or both at once.

A test that takes ``front`` runs once per messenger (the ``messenger`` fixture): ``Front`` starts
that messenger's server, gives the bot's environment, binds test people in that messenger and
offers the same user actions in both (``Chat``: a deep link is "/start token" in Telegram and
``bot_started`` with the payload in MAX); what only one messenger has is reached through
``front.tg`` / ``front.mx``.

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
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy.engine import make_url

from services.enums import Messenger
from services.models import MessengerBinding, start_clock_at
from testkit.botapi import BotAPIServer
from testkit.maxapi import Limits as MaxLimits
from testkit.maxapi import MaxAPIServer
from tests.conftest import Database, pg_create_database, pg_drop_database, run_async
from tests.factories import messenger_binding

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:e2e-test-token-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 424242
MAX_TOKEN = "max-e2e-test-token-0123456789abcdef"
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
    code, out, err = await run_cli(env, "migrate")
    assert code == 0, err
    code, out, err = await run_cli(env, "demo", "--json")
    assert code == 0, err
    data: list[dict[str, str]] = json.loads(out)
    return data


# --- the demo school, built once per run and backend ------------------------------------------

# The credentials of the demo school now in a test's database, by its URL.
_demo_credentials: dict[str, list[dict[str, str]]] = {}


def _build_demo(url: str) -> list[dict[str, str]]:
    """``python -m bot migrate`` then ``python -m bot demo --json`` on ``url``, as an operator
    would run them (same clock, token): no command but ``migrate`` changes a PostgreSQL schema."""
    for command in (["migrate"], ["demo", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            cwd=ROOT,
            env=bot_env("http://127.0.0.1:9", url),  # neither calls Telegram
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


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}"


# --- one suite, two messengers ----------------------------------------------------------------

MESSENGERS = ("telegram", "max")
ANSWER_WAIT = 15.0  # how long a button press may wait for its answer


@dataclass(frozen=True)
class Answer:
    """A button press's answer as the user sees it: a text, shown as an alert or a toast. In MAX
    an answer is a notification (always shown) and an empty one is never sent."""

    text: str
    alert: bool


class Chat:
    """A user of one messenger's local server: the same actions in both."""

    def __init__(self, front: Front, user: Any) -> None:
        self.front = front
        self.user = user
        self.id: int = user.id

    async def command(self, name: str, args: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self.user.command(name, args)
        return result

    async def send(self, text: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.user.send(text)
        return result

    async def start(self, token: str | None = None) -> None:
        """Open the bot, by a deep link when ``token`` is given: "/start token" in Telegram,
        ``bot_started`` with the payload in MAX."""
        if self.front.is_max:
            await self.user.start(token)
        else:
            await self.user.command("/start", token)

    async def press(self, message: Any, data: str, *, strict: bool = True) -> str:
        """Press the button carrying ``data`` (a forged one: ``strict=False``); the press id."""
        return str(await self.user.press(message, data, strict=strict))

    async def press_label(self, message: Any, contains: str) -> str:
        labels = [b for b in message.buttons if "callback_data" in b]
        match = [b for b in labels if contains in b["text"]]
        assert match, f"no button {contains!r} in {[b['text'] for b in labels]}"
        return await self.press(message, str(match[0]["callback_data"]))

    def open_chat(self) -> None:
        self.user.open_chat()

    def block_bot(self) -> None:
        """Block the bot (Telegram: a my_chat_member "kicked"; MAX: ``bot_stopped``)."""
        self.user.block_bot()

    def unblock_bot(self) -> None:
        """Come back (Telegram: a my_chat_member "member"; MAX: ``bot_started``)."""
        self.user.unblock_bot()

    async def wait(
        self,
        predicate: Callable[[Any], bool] | None = None,
        timeout: float = ANSWER_WAIT,  # noqa: ASYNC109
    ) -> Any:
        return await self.front.wait_for(self.id, predicate, timeout)

    def messages(self) -> list[Any]:
        return self.front.sent_to(self.id)


class Front:
    """One messenger's local Bot API server as the end-to-end tests drive it."""

    def __init__(self, name: str, server: BotAPIServer | MaxAPIServer) -> None:
        self.name = name
        self.server = server

    @property
    def is_max(self) -> bool:
        return self.name == "max"

    @property
    def messenger(self) -> Messenger:
        return Messenger.MAX if self.is_max else Messenger.TELEGRAM

    @property
    def tg(self) -> BotAPIServer:
        assert isinstance(self.server, BotAPIServer)
        return self.server

    @property
    def mx(self) -> MaxAPIServer:
        assert isinstance(self.server, MaxAPIServer)
        return self.server

    @property
    def base_url(self) -> str:
        assert self.server.base_url is not None
        return self.server.base_url

    def settings(self) -> dict[str, str]:
        """The bot's environment for this messenger."""
        if self.is_max:
            return {"MAX_BOT_TOKEN": MAX_TOKEN, "MAX_API_URL": self.base_url}
        return {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": self.base_url}

    def env(self, database_url: str, **extra: str) -> dict[str, str]:
        return front_env(database_url, [self], **extra)

    def user(self, user_id: int, first_name: str = "Тест", language_code: str = "ru") -> Chat:
        return Chat(
            self, self.server.user(user_id, first_name=first_name, language_code=language_code)
        )

    async def wait_for(
        self,
        user_id: int,
        predicate: Callable[[Any], bool] | None = None,
        timeout: float = ANSWER_WAIT,  # noqa: ASYNC109
    ) -> Any:
        return await self.server.wait_for(user_id, predicate, timeout=timeout)

    def sent_to(self, user_id: int) -> list[Any]:
        return list(self.server.sent_to(user_id))

    def answers(self, press_id: str) -> list[Answer]:
        if self.is_max:
            return [
                Answer(str(a.get("notification") or ""), True)
                for a in self.mx.callback_answers(callback_id=press_id)
            ]
        return [
            Answer(str(a.get("text") or ""), bool(a.get("show_alert")))
            for a in self.tg.callback_answers(query_id=press_id)
        ]

    async def answer(self, press_id: str) -> Answer:
        """The one answer to a press that shows a text (waits for it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANSWER_WAIT
        while loop.time() < deadline:
            shown = [a for a in self.answers(press_id) if a.text]
            if shown:
                return shown[0]
            await asyncio.sleep(0.05)
        raise AssertionError(f"press {press_id} got no answer with a text")

    def polled(self) -> bool:
        """The bot has asked for updates (MAX records a request once answered: a parked long
        poll counts as asked)."""
        if self.is_max and self.mx.waiting_polls > 0:
            return True
        return any(r.method.lower() == "getupdates" for r in self.server.requests)

    def document(self, message: Any) -> tuple[str, bytes | None]:
        """A sent document's file name and bytes."""
        doc = message.document
        assert doc is not None
        if self.is_max:
            return str(doc.get("file_name", "")), self.mx.file_data(str(doc["token"]))
        return str(doc.get("file_name", "")), self.tg.file_data(str(doc["file_id"]))

    def chat_actions(self) -> list[dict[str, Any]]:
        return list(self.server.chat_actions())

    def binding(self, school_id: int, account_id: int, user_id: int) -> MessengerBinding:
        """An account signed in from this messenger's private chat with ``user_id``; not
        added."""
        return messenger_binding(school_id, account_id, user_id, self.messenger)


def front_env(database_url: str, fronts: list[Front], **extra: str) -> dict[str, str]:
    """The bot's environment with the messengers of ``fronts`` and no other."""
    env = bot_env("http://127.0.0.1:9", database_url)
    for key in ("BOT_TOKEN", "TELEGRAM_API_URL"):
        env.pop(key)
    env = {k: v for k, v in env.items() if not k.startswith("MAX_")}
    for front in fronts:
        env.update(front.settings())
    env.update(extra)
    return env


def invite_token(credential: dict[str, str]) -> str:
    """The token of a printed invite link (the same in every messenger's link)."""
    return credential["invite"].rsplit("start=", 1)[1]


def max_server() -> MaxAPIServer:
    """The local MAX server: no rate limit (the bot's pacing is tested elsewhere), its
    timestamps from the tests' fixed moment."""
    return MaxAPIServer(
        token=MAX_TOKEN, limits=MaxLimits(rate_limits=False), clock=E2E_NOW.timestamp
    )


@asynccontextmanager
async def serve(name: str) -> AsyncIterator[Front]:
    server: BotAPIServer | MaxAPIServer = max_server() if name == "max" else BotAPIServer()
    async with server:
        yield Front(name, server)


@pytest.fixture
def messenger(request: pytest.FixtureRequest) -> str:
    """The test's messenger (one of MESSENGERS), parametrized with the backend by
    tests/conftest.py: MAX on the UI backend, Telegram on every backend."""
    name: str = request.param
    assert name in MESSENGERS
    return name


@pytest.fixture
async def front(messenger: str) -> AsyncIterator[Front]:
    """The local server of the test's messenger."""
    async with serve(messenger) as started:
        yield started


async def wait_front(front: Front, bot: BotProcess, wait_s: float = 60.0) -> None:
    """Until the bot has polled this messenger (it is up)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        if front.polled():
            return
        if bot.proc.returncode is not None:
            raise AssertionError(f"bot exited with {bot.proc.returncode}:\n{bot.log()}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"bot did not start polling in {wait_s}s:\n{bot.log()}")
