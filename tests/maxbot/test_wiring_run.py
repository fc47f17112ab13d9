"""``python -m bot run`` as a real process with MAX: MAX only (long polling, and the webhook),
and Telegram and MAX in one process. A user's "/start" gets the guest screen in each messenger;
SIGTERM stops it with exit code 0, a last "stopped" line and no ERROR line; no secret shows."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from pathlib import Path

import pytest

from i18n import t
from testkit.botapi import BotAPIServer
from testkit.botapi import Limits as TelegramLimits
from testkit.maxapi import Limits, MaxAPIServer
from tests.e2e.conftest import E2E_NOW, error_lines, python_m_bot

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
MAX_TOKEN = "max-e2e-token-0123456789abcdef"
TG_TOKEN = "987654321:AAE2e_test_token_for_both_messengers_0"
SECRET = "hook-secret_for-the-e2e"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0


def _env(database: Path, **extra: str) -> dict[str, str]:
    """The bot's environment: MAX settings only unless given, JSON logs, no Redis."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAX_", "TELEGRAM_", "BOT_")) and k not in ("REDIS_URL",)
    }
    env.update(
        MAX_BOT_TOKEN=MAX_TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        CLOCK_START=E2E_NOW.isoformat(),
    )
    env.update(extra)
    return env


def _max_server() -> MaxAPIServer:
    return MaxAPIServer(token=MAX_TOKEN, limits=Limits(rate_limits=False), clock=E2E_NOW.timestamp)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Running:
    """The bot process and its log lines (stderr, read as they come)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    async def read_until(self, needle: str) -> None:
        assert self.proc.stderr is not None
        while True:
            raw = await self.proc.stderr.readline()
            if not raw:
                raise AssertionError(f"ended before {needle!r}:\n" + "\n".join(self.lines))
            line = raw.decode()
            self.lines.append(line.rstrip("\n"))
            if needle in line:
                return

    async def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(self.proc.communicate(), STOP_TIMEOUT)
        self.lines += rest.decode().splitlines() if rest else []
        assert self.proc.returncode is not None
        return self.proc.returncode

    def text(self) -> str:
        return "\n".join(self.lines)

    def records(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.lines if line.startswith("{")]

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def _start(env: dict[str, str], cwd: Path) -> Running:
    proc = await python_m_bot("run", env=env, cwd=cwd)
    return Running(proc)


def _assert_clean_stop(bot: Running, code: int, *secrets: str) -> None:
    assert code == 0, bot.text()
    assert bot.records()[-1]["msg"] == "stopped", bot.text()
    assert error_lines(bot.text()) == [], bot.text()
    for secret in secrets:
        assert secret not in bot.text()


async def test_max_only_by_long_polling(tmp_path: Path) -> None:
    async with _max_server() as server:
        assert server.base_url is not None
        bot = await _start(_env(tmp_path / "bot.sqlite3", MAX_API_URL=server.base_url), tmp_path)
        try:
            await asyncio.wait_for(bot.read_until("MAX polling started"), START_TIMEOUT)
            # The guests' menu of the Telegram bot, as MAX's command list.
            assert [c["name"] for c in server.commands()] == ["login", "help", "start"]
            user = server.user(5001, first_name="Anna", language_code="en")
            await user.command("/start")
            reply = await user.wait_reply(lambda m: m.text == t("en", "start.guest"), timeout=20)
            assert reply.text == t("en", "start.guest")
            code = await bot.stop()
        finally:
            await bot.kill()
    _assert_clean_stop(bot, code, MAX_TOKEN)
    assert not any("telegram" in str(r.get("logger", "")).lower() for r in bot.records())
    assert any(r["msg"] == "update" and r.get("handler") for r in bot.records()), bot.text()


async def test_max_only_by_webhook(tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/max/webhook"
    async with _max_server() as server:
        assert server.base_url is not None
        env = _env(
            tmp_path / "bot.sqlite3",
            MAX_API_URL=server.base_url,
            MAX_WEBHOOK_URL=url,
            MAX_WEBHOOK_SECRET=SECRET,
            MAX_WEBHOOK_PORT=str(port),
        )
        bot = await _start(env, tmp_path)
        try:
            await asyncio.wait_for(bot.read_until("MAX webhook subscribed"), START_TIMEOUT)
            assert [(s.url, s.secret) for s in server.subscriptions] == [(url, SECRET)]
            user = server.user(5002, first_name="Boris", language_code="en")
            await user.command("/start")
            reply = await user.wait_reply(lambda m: m.text == t("en", "start.guest"), timeout=20)
            assert reply.text == t("en", "start.guest")
            # Handled before the webhook's answer; never by long polling.
            assert not any(r.method == "getUpdates" for r in server.requests)
            code = await bot.stop()
        finally:
            await bot.kill()
    _assert_clean_stop(bot, code, MAX_TOKEN, SECRET)


async def test_telegram_and_max_in_one_process(tmp_path: Path) -> None:
    async with (
        _max_server() as max_server,
        BotAPIServer(limits=TelegramLimits(enforce=False)) as tg_server,
    ):
        assert max_server.base_url is not None and tg_server.base_url is not None
        env = _env(
            tmp_path / "bot.sqlite3",
            MAX_API_URL=max_server.base_url,
            BOT_TOKEN=TG_TOKEN,
            TELEGRAM_API_URL=tg_server.base_url,
        )
        bot = await _start(env, tmp_path)
        try:
            await asyncio.wait_for(bot.read_until("Start polling"), START_TIMEOUT)
            max_user = max_server.user(5003, language_code="en")
            tg_user = tg_server.user(5003, language_code="en")
            await max_user.command("/start")
            await tg_user.command("/start")
            guest = t("en", "start.guest")
            assert (await max_user.wait_reply(lambda m: m.text == guest, timeout=20)).text == guest
            assert (await tg_user.wait_reply(lambda m: m.text == guest, timeout=20)).text == guest
            code = await bot.stop()
        finally:
            await bot.kill()
    _assert_clean_stop(bot, code, MAX_TOKEN, TG_TOKEN.split(":")[1])
    assert any(r["msg"] == "MAX polling stopped" for r in bot.records())


async def test_a_refused_max_token_is_one_clear_line(tmp_path: Path) -> None:
    async with MaxAPIServer(token="another-token-entirely-0000") as server:
        assert server.base_url is not None
        env = _env(tmp_path / "bot.sqlite3", MAX_API_URL=server.base_url, LOG_LEVEL="WARNING")
        env["LANG"] = "en_US.UTF-8"
        env.pop("LC_ALL", None)
        env.pop("LC_MESSAGES", None)
        proc = await python_m_bot("run", env=env, cwd=tmp_path)
        out, err = await asyncio.wait_for(proc.communicate(), START_TIMEOUT)
    text = (out + err).decode()
    assert proc.returncode == 1, text
    assert "Traceback" not in text
    last = [line for line in text.splitlines() if line.strip()][-1]
    assert last == t("en", "cli.maxapi_unauthorized", url=server.base_url), text
