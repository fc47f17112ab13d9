"""Subgroups over HTTP: the real bot process against each messenger's local Bot API server, on
the demo school (7А is split for English). The admin opens /subgroups, picks 7А and the second
English group, and moves a student of the first group into it with one tap."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Front, demo_credentials, invite_token, start_bot, wait_front

pytestmark = pytest.mark.e2e

WAIT = 20.0
USER = 8311


def button(message: Any, text: str) -> str:
    for b in message.buttons:
        if text in str(b.get("text", "")):
            return str(b["callback_data"])
    raise AssertionError(f"no button {text!r} in {message.buttons}")


@pytest.mark.demo_school
async def test_admin_moves_a_student_between_groups(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    admin = next(c for c in await demo_credentials(env) if c["role"] == "admin")
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        user = front.user(USER, first_name="Админ")
        await user.start(invite_token(admin))
        await user.wait(lambda m: admin["name"].split()[1] in m.content, timeout=WAIT)

        await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await user.command("/subgroups")
        picker = await user.wait(lambda m: any(b.get("text") == "7А" for b in m.buttons), WAIT)
        await user.press(picker, button(picker, "7А"))
        groups = await user.wait(lambda m: "Подгруппы 7А" in m.content, timeout=WAIT)
        await user.press(groups, button(groups, "группа 2"))
        members = await user.wait(
            lambda m: "группа 2 (Английский язык), 7А" in m.content, timeout=WAIT
        )
        outsider = next(b for b in members.buttons if not str(b["text"]).startswith("✅"))
        name = str(outsider["text"]).split()[0]
        await user.press(members, str(outsider["callback_data"]))
        moved = await user.wait(lambda m: "переведён" in m.content, timeout=WAIT)
        assert name in moved.content and "группа 1" in moved.content
        assert any(str(b["text"]).startswith(f"✅ {name}") for b in moved.buttons)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
