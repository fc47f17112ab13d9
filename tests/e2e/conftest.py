"""End-to-end fixtures: the local Bot API server in the test process and the unchanged bot
as a subprocess (`python -m bot run`) talking HTTP to it through TELEGRAM_API_URL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.models import start_clock_at
from testkit.botapi import BotAPIServer

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


async def run_cli(env: dict[str, str], *args: str, wait_s: float = 120.0) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    out, err = await asyncio.wait_for(proc.communicate(), wait_s)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def demo_credentials(env: dict[str, str]) -> list[dict[str, str]]:
    code, out, err = await run_cli(env, "demo", "--json")
    assert code == 0, err
    data: list[dict[str, str]] = json.loads(out)
    return data


_started = 0


async def start_bot(env: dict[str, str], tmp_path: Path) -> BotProcess:
    global _started
    _started += 1
    log_path = tmp_path / f"bot-{_started}.log"
    log_file = log_path.open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,
    )
    log_file.close()
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
