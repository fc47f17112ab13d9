"""Sign-in over each messenger's local Bot API server with the real bot process: login and
password (the password message deleted), the lock after repeated failures, a revoked binding
refused at once."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import t
from services.db import make_session_factory
from services.models import Account
from services.people import accounts
from services.people.identity import resolve_actor
from tests.e2e.conftest import (
    BOT_ID,
    Front,
    demo_credentials,
    run_cli,
    start_bot,
    wait_front,
)

pytestmark = pytest.mark.e2e


def password_deleted(front: Front, user_id: int, sent: dict[str, Any]) -> bool:
    """The user's message ``sent`` is gone from the chat (the bot deleted it)."""
    if front.is_max:
        mid = sent["body"]["mid"]
        return mid not in front.mx._dialog_of(user_id).user_messages
    state = front.tg.bot_state(front.settings()["BOT_TOKEN"])
    return sent["message_id"] in state.chats[user_id].deleted_user_messages


@pytest.mark.demo_school
async def test_signin_lock_and_revocation(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = {c["role"]: c for c in await demo_credentials(env)}
    student = creds["student"]
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)

        if not front.is_max:
            # 0. The running bot stored its username from getMe: links printed now reach it.
            cli_env = {k: v for k, v in env.items() if k != "BOT_USERNAME"}
            code, out, err = await run_cli(cli_env, "demo", "--json")
            assert code == 0, err
            links = [u["invite"] for u in json.loads(out)]
            prefix = f"https://t.me/test_{BOT_ID}_bot?start="
            assert links and all(x.startswith(prefix) for x in links)

        # 1. Login and password, step by step; the password message disappears.
        user = front.user(4101, first_name="Ученик")
        await user.command("/start")
        await user.wait(lambda m: m.content == t("ru", "start.guest"))
        # A question is answered with where to get a sign-in, not taken as a login.
        await user.send("Здравствуйте, как войти?")
        await user.wait(lambda m: m.content == t("ru", "guest.how_to_get"))
        await user.send(student["login"])
        await user.wait(lambda m: m.content == t("ru", "login.ask_password"))
        secret = await user.send(student["password"])
        first_name = student["name"].split()[1]
        await user.wait(lambda m: first_name in m.content)
        assert password_deleted(front, 4101, secret)
        assert all(student["password"] not in m.content for m in user.messages())

        # 2. Five wrong passwords for another login lock it, even for the right password.
        teacher = creds["teacher"]
        intruder = front.user(4102, first_name="Кто-то")
        for attempt in ["a1", "a2", "a3", "a4", "a5", teacher["password"]]:
            await intruder.command("/login")
            await intruder.wait(lambda m: m.content == t("ru", "login.ask_login"))
            await intruder.send(teacher["login"])
            await intruder.wait(lambda m: m.content == t("ru", "login.ask_password"))
            await intruder.send(attempt)
            reply = await intruder.wait(lambda m: m.content.startswith(("Неверный", "Слишком")))
        assert reply.content == t("ru", "signin.locked", minutes=1)

        # 3. The school revokes the student's sign-in: the very next update is refused.
        async with make_session_factory(engine)() as s:
            account = await s.scalar(select(Account).where(Account.login == student["login"]))
            assert account is not None
            await accounts.cli_issue(s, login=account.login, revoke=True)
            assert await resolve_actor(s, front.messenger, "4101") is None
        await user.command("/diary")
        refusal = await user.wait()
        assert first_name not in refusal.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
