"""``python -m bot run`` as a real process against the local Bot API server.

Start-up migrates a fresh SQLite file, sets the command menu, answers a user, and both SIGTERM
and SIGINT stop it with exit code 0 and a last "stopped" log line; the token never shows.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest

from bot.i18n import t
from testkit.botapi import BotAPIServer, Limits
from tests.e2e.conftest import python_m_bot

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "987654321:AAE2e_test_token_for_run_polling_0000"
START_TIMEOUT = 90.0


def _env(api_url: str, database: Path, **extra: str) -> dict[str, str]:
    """The bot's environment, run from another folder: JSON logs, no Redis."""
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("REDIS_URL", None)
    return env


async def _read_until(stream: asyncio.StreamReader, needle: str, lines: list[str]) -> None:
    while True:
        raw = await stream.readline()
        if not raw:
            raise AssertionError(f"process ended before {needle!r}:\n" + "\n".join(lines))
        line = raw.decode()
        lines.append(line.rstrip("\n"))
        if needle in line:
            return


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_answers_and_stops_on_signal(tmp_path: Path, sig: signal.Signals) -> None:
    async with BotAPIServer(limits=Limits(enforce=False)) as server:
        assert server.base_url is not None
        env = _env(server.base_url, tmp_path / "fresh" / "bot.sqlite3", LOG_LEVEL="INFO")
        proc = await python_m_bot(cwd=tmp_path, env=env)
        assert proc.stderr is not None and proc.stdout is not None
        lines: list[str] = []
        try:
            await asyncio.wait_for(_read_until(proc.stderr, "Start polling", lines), START_TIMEOUT)
            menu = server.commands(None, "en")
            assert [c["command"] for c in menu] == ["login", "help", "start"]

            user = server.user(424242, language_code="en")
            await user.command("/start")
            reply = await user.wait_reply(lambda m: m.text == t("en", "start.guest"), timeout=20)
            assert reply.text == t("en", "start.guest")

            proc.send_signal(sig)
            _, rest = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        lines += rest.decode().splitlines() if rest else []
        assert proc.returncode == 0, "\n".join(lines)
        records = [json.loads(line) for line in lines if line.startswith("{")]
        assert records[-1]["msg"] == "stopped"
        assert any(r["msg"] == "update" and r.get("handler") for r in records)
        text = "\n".join(lines)
        assert TOKEN not in text and TOKEN.split(":")[1] not in text


async def test_unreachable_bot_api_is_one_clear_line(tmp_path: Path) -> None:
    """No network: one line naming the URL and what TELEGRAM_API_URL is for, no traceback."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"  # nothing listens there any more
    env = _env(url, tmp_path / "bot.sqlite3", LOG_LEVEL="WARNING", LANG="ru_RU.UTF-8")
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    proc = await python_m_bot(cwd=tmp_path, env=env)
    out, err = await asyncio.wait_for(proc.communicate(), START_TIMEOUT)
    text = (out + err).decode()
    assert proc.returncode == 1, text
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= 3, text
    assert lines[-1].startswith(f"Bot API по адресу {url} недоступен"), text
    assert "TELEGRAM_API_URL" in lines[-1]
