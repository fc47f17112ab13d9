"""The last guard: whatever a handler sends over Telegram's limit is shortened, not refused."""

from __future__ import annotations

import logging

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from pydantic import SecretStr

from bot import limits
from bot.app import create_bot
from bot.config import Settings
from testkit.botapi.html import seen
from testkit.recording import TEST_TOKEN as TOKEN
from testkit.recording import RecordingBot


async def test_long_texts_and_captions_are_shortened(caplog: pytest.LogCaptureFixture) -> None:
    bot = RecordingBot(default=DefaultBotProperties(parse_mode="HTML"))
    limits.install(bot)
    with caplog.at_level(logging.WARNING, logger="bot.limits"):
        await bot.send_message(1, "<b>" + "😀 &amp; " * 1500 + "</b>")
        await bot.send_message(1, "short &amp; fine")
        await bot.send_document(1, BufferedInputFile(b"x", "a.txt"), caption="я" * 2000)
        await bot.send_message(1, "x" * 5000, parse_mode=None)
    long, short, plain = (r.text for r in bot.session.requests_of(SendMessage))
    assert isinstance(long, str) and isinstance(short, str) and isinstance(plain, str)
    shown = seen(long)
    assert shown.length <= 4096 and shown.formatted("bold") and shown.text.endswith("…")
    assert short == "short &amp; fine"
    assert len(plain) == 4096
    (doc,) = bot.session.requests_of(SendDocument)
    assert isinstance(doc.caption, str) and seen(doc.caption).length <= 1024
    assert sum("shortened" in r.message for r in caplog.records) == 3


def test_the_bot_is_created_with_the_guard(settings: Settings) -> None:
    bot = create_bot(settings.model_copy(update={"bot_token": SecretStr(TOKEN)}))
    assert any(isinstance(m, limits.FitToLimitsMiddleware) for m in bot.session.middleware)
