from __future__ import annotations

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery

from bot.i18n import t
from testkit.recording import RecordingBot, make_callback_update, make_message_update


async def test_unknown_command(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(6001, "/nonsense"))
    assert bot.session.sent_texts(6001) == [t("ru", "fallback.unknown_command")]


async def test_catalogue_command_without_handler_is_coming_soon(
    dp: Dispatcher, bot: RecordingBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A command in the menu catalogue that no router handles yet: the fallback says "soon".
    from handlers.common import fallback

    monkeypatch.setattr(fallback, "KNOWN_COMMANDS", fallback.KNOWN_COMMANDS | {"future"})
    await dp.feed_update(bot, make_message_update(6002, "/future", language_code="en"))
    assert bot.session.sent_texts(6002) == [t("en", "fallback.not_ready")]


async def test_unknown_text(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(6003, "привет"))
    assert bot.session.sent_texts(6003) == [t("ru", "fallback.unknown_text")]


async def test_unknown_button(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_callback_update(6004, "gone:1", language_code="en"))
    (answer,) = bot.session.requests_of(AnswerCallbackQuery)
    assert answer.text == t("en", "fallback.stale_button")
