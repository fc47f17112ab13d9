"""The office over HTTP: the real bot process against each messenger's local Bot API server, on
the demo school. The admin signs in by the invite link, asks /reports, picks a report, a class,
a month and PDF by buttons, and receives the file as a document."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from screens.admin.actions import ReportCb
from screens.admin.reports import KINDS
from tests.e2e.conftest import Front, demo_credentials, invite_token, start_bot, wait_front

pytestmark = pytest.mark.e2e

WAIT = 20.0
USER = 8301


def first_button(message: Any, prefix: str) -> str:
    for b in message.buttons:
        data = str(b.get("callback_data", ""))
        if data.startswith(prefix) and ":-1:" not in data:
            return data
    raise AssertionError(f"no button {prefix!r} in {message.buttons}")


@pytest.mark.demo_school
async def test_admin_gets_a_pdf_report(
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
        await user.command("/reports")
        menu = await user.wait(lambda m: len(m.buttons) >= 5, timeout=WAIT)
        kind = ReportCb(k=KINDS.index("attendance_month")).pack()
        assert kind in [b["callback_data"] for b in menu.buttons]

        await user.press(menu, kind)
        classes = await user.wait(lambda m: "класс" in m.content, timeout=WAIT)
        await user.press(classes, first_button(classes, "o_rep:"))
        months = await user.wait(lambda m: "месяц" in m.content, timeout=WAIT)
        await user.press(months, first_button(months, "o_rep:"))
        formats = await user.wait(lambda m: "формат" in m.content, timeout=WAIT)
        pdf = next(b["callback_data"] for b in formats.buttons if b["text"] == "PDF")
        await user.press(formats, pdf)
        sent = await user.wait(lambda m: m.document is not None, timeout=WAIT)
        name, data = front.document(sent)
        assert name.endswith(".pdf")
        assert data is not None and data.startswith(b"%PDF")
        documents = [m for m in user.messages() if m.document is not None]
        assert len(documents) == 1
        assert front.chat_actions(), "upload_document was announced"
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
