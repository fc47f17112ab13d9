"""The real bot process against the local Bot API server: start, /start, sign-in, clean stop."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from testkit.botapi import BotAPIServer
from tests.e2e.conftest import (
    BOT_ID,
    TOKEN,
    base_url,
    bot_env,
    demo_credentials,
    start_bot,
    wait_polling,
)

pytestmark = pytest.mark.e2e


@pytest.mark.demo_school
async def test_bot_answers_start_and_signs_in_by_invite(
    botapi: BotAPIServer, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = bot_env(base_url(botapi), db_url)
    creds = await demo_credentials(env)
    parent = next(c for c in creds if c["role"] == "parent")
    token = parent["invite"].rsplit("start=", 1)[1]

    bot = await start_bot(env, tmp_path)
    try:
        await wait_polling(botapi, bot)
        # The command menu is set at start-up, in Russian and in English.
        assert botapi.commands("default")
        assert botapi.commands("default", language_code="en")

        stranger = botapi.user(1001, first_name="Гость", language_code="ru")
        await stranger.command("/start")
        hello = await botapi.wait_for(1001, timeout=15)
        assert hello.content  # a greeting that explains how to sign in
        assert parent["name"].split()[0] not in hello.content

        user = botapi.user(2002, first_name="Родитель", language_code="ru")
        await user.command("/start", token)
        greeting = await botapi.wait_for(
            2002, lambda m: parent["name"].split()[0] in m.content, timeout=15
        )
        assert greeting.chat_id == 2002
        # The signed-in chat gets a menu of its roles.
        assert botapi.commands({"type": "chat", "chat_id": 2002})

        # The same invite cannot be used again, by anyone.
        intruder = botapi.user(3003, first_name="Чужой", language_code="ru")
        await intruder.command("/start", token)
        refusal = await botapi.wait_for(3003, timeout=15)
        assert parent["name"].split()[0] not in refusal.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    log = bot.log()
    assert code == 0, log
    assert TOKEN.split(":")[1] not in log  # the token's secret never reaches the logs
    lines = [json.loads(x) for x in log.splitlines() if x.startswith("{")]
    assert lines, log
    assert any("stop" in str(line.get("msg", "")).lower() for line in lines[-5:]), log
    assert all(r.bot_id == BOT_ID for r in botapi.requests)


async def test_sigint_stops_cleanly(botapi: BotAPIServer, sqlite_url: str, tmp_path: Path) -> None:
    bot = await start_bot(bot_env(base_url(botapi), sqlite_url), tmp_path)
    await wait_polling(botapi, bot)
    assert await bot.stop(signal.SIGINT) == 0, bot.log()


async def test_missing_token_is_one_clear_line(sqlite_url: str) -> None:
    import os

    from tests.e2e.conftest import run_cli

    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env["DATABASE_URL"] = sqlite_url
    code, _, err = await run_cli(env, "run", wait_s=60)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0], err
