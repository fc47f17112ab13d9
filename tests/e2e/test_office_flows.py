"""The office over HTTP: the real bot process against the local Bot API server, on the demo
school. The admin signs in by the invite link, asks /reports, picks a report, a class, a month
and PDF by buttons, and receives the file as a document."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from screens.admin.actions import ReportCb
from screens.admin.reports import KINDS
from testkit.botapi import BotAPIServer
from testkit.botapi.models import SentMessage
from tests.e2e.conftest import base_url, bot_env, demo_credentials, start_bot, wait_polling

pytestmark = pytest.mark.e2e

WAIT = 20.0
USER = 8301


def first_button(message: SentMessage, prefix: str) -> str:
    for b in message.buttons:
        data = str(b.get("callback_data", ""))
        if data.startswith(prefix) and ":-1:" not in data:
            return data
    raise AssertionError(f"no button {prefix!r} in {message.buttons}")


@pytest.mark.demo_school
async def test_admin_gets_a_pdf_report(
    botapi: BotAPIServer, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = bot_env(base_url(botapi), db_url)
    admin = next(c for c in await demo_credentials(env) if c["role"] == "admin")
    bot = await start_bot(env, tmp_path)
    try:
        await wait_polling(botapi, bot)
        user = botapi.user(USER, first_name="Админ", language_code="ru")
        await user.command("/start", admin["invite"].rsplit("start=", 1)[1])
        await botapi.wait_for(USER, lambda m: admin["name"].split()[1] in m.content, timeout=WAIT)

        await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await user.command("/reports")
        menu = await botapi.wait_for(USER, lambda m: len(m.buttons) >= 5, timeout=WAIT)
        kind = ReportCb(k=KINDS.index("attendance_month")).pack()
        assert kind in [b["callback_data"] for b in menu.buttons]

        await user.press(menu, kind)
        classes = await botapi.wait_for(USER, lambda m: "класс" in m.content, timeout=WAIT)
        await user.press(classes, first_button(classes, "o_rep:"))
        months = await botapi.wait_for(USER, lambda m: "месяц" in m.content, timeout=WAIT)
        await user.press(months, first_button(months, "o_rep:"))
        formats = await botapi.wait_for(USER, lambda m: "формат" in m.content, timeout=WAIT)
        pdf = next(b["callback_data"] for b in formats.buttons if b["text"] == "PDF")
        await user.press(formats, pdf)
        sent = await botapi.wait_for(USER, lambda m: m.document is not None, timeout=WAIT)
        assert sent.document is not None
        assert str(sent.document.get("file_name", "")).endswith(".pdf")
        data = botapi.file_data(str(sent.document["file_id"]))
        assert data is not None and data.startswith(b"%PDF")
        documents = [m for m in botapi.sent_to(USER) if m.document is not None]
        assert len(documents) == 1
        actions = [r for r in botapi.requests if r.method.lower() == "sendchataction"]
        assert actions, "upload_document was announced"
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
