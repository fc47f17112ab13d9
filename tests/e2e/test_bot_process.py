"""The real bot process against the local Bot API server of each messenger: start, /start,
sign-in by the invite link, clean stop; a user who blocks the bot makes the binding unreachable."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.enums import Messenger
from services.models import MessengerBinding
from tests.e2e.conftest import (
    BOT_ID,
    MAX_TOKEN,
    TOKEN,
    Front,
    demo_credentials,
    invite_token,
    serve,
    start_bot,
    wait_front,
)

pytestmark = pytest.mark.e2e


@pytest.mark.demo_school
async def test_bot_answers_start_and_signs_in_by_invite(
    front: Front, db_url: str, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = await demo_credentials(env)
    parent = next(c for c in creds if c["role"] == "parent")
    token = invite_token(parent)

    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        if front.is_max:  # one command list: MAX has no per-chat or per-language menus
            assert front.mx.commands()
        else:  # the command menu is set at start-up, in Russian and in English
            assert front.tg.commands("default")
            assert front.tg.commands("default", language_code="en")

        stranger = front.user(1001, first_name="Гость")
        await stranger.command("/start")
        hello = await stranger.wait()
        assert hello.content  # a greeting that explains how to sign in
        assert parent["name"].split()[0] not in hello.content

        user = front.user(2002, first_name="Родитель")
        await user.start(token)
        greeting = await user.wait(lambda m: parent["name"].split()[0] in m.content)
        if front.is_max:
            assert greeting.user_id == 2002
        else:
            assert greeting.chat_id == 2002
            # The signed-in chat gets a menu of its roles.
            assert front.tg.commands({"type": "chat", "chat_id": 2002})

        # The same invite cannot be used again, by anyone.
        intruder = front.user(3003, first_name="Чужой")
        await intruder.start(token)
        refusal = await intruder.wait()
        assert parent["name"].split()[0] not in refusal.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    log = bot.log()
    assert code == 0, log
    # The token's secret never reaches the logs.
    assert TOKEN.split(":")[1] not in log and MAX_TOKEN not in log
    lines = [json.loads(x) for x in log.splitlines() if x.startswith("{")]
    assert lines, log
    assert any("stop" in str(line.get("msg", "")).lower() for line in lines[-5:]), log
    if not front.is_max:
        assert all(r.bot_id == BOT_ID for r in front.tg.requests)


@pytest.mark.demo_school
async def test_a_stopped_bot_makes_the_binding_unreachable(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    """The user blocks the bot — Telegram: a my_chat_member "kicked"; MAX: a ``bot_stopped``
    update — and the binding in that messenger is unreachable; coming back makes it reachable."""
    env = front.env(db_url)
    parent = next(c for c in await demo_credentials(env) if c["role"] == "parent")
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        user = front.user(2102, first_name="Родитель")
        await user.start(invite_token(parent))
        await user.wait(lambda m: parent["name"].split()[1] in m.content)
        assert await _reachable(engine, front.messenger, "2102") is True

        user.block_bot()
        assert await _until(engine, front.messenger, "2102", False)
        user.unblock_bot()
        assert await _until(engine, front.messenger, "2102", True)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()


async def _reachable(engine: AsyncEngine, messenger: Messenger, chat_id: str) -> bool | None:
    async with async_sessionmaker(engine)() as s:
        binding = await s.scalar(
            select(MessengerBinding).where(
                MessengerBinding.messenger == messenger,
                MessengerBinding.chat_id == chat_id,
                MessengerBinding.ended_at.is_(None),
            )
        )
        return None if binding is None else binding.is_reachable


async def _until(engine: AsyncEngine, messenger: Messenger, chat_id: str, reachable: bool) -> bool:
    for _ in range(300):
        if await _reachable(engine, messenger, chat_id) is reachable:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("name", ["telegram", "max"])
async def test_sigint_stops_cleanly(name: str, sqlite_url: str, tmp_path: Path) -> None:
    async with serve(name) as front:
        bot = await start_bot(front.env(sqlite_url), tmp_path)
        await wait_front(front, bot)
        assert await bot.stop(signal.SIGINT) == 0, bot.log()


async def test_missing_token_is_one_clear_line(sqlite_url: str) -> None:
    import os

    from tests.e2e.conftest import run_cli

    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "MAX_BOT_TOKEN")}
    env["DATABASE_URL"] = sqlite_url
    code, _, err = await run_cli(env, "run", wait_s=60)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0], err
