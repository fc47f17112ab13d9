"""In group chats the bot shows nothing personal."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import SendMessage, SetMyCommands
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import Role
from services.models import MessengerBinding
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.handlers.conftest import World

GROUP = -100123456


async def test_start_in_group_is_neutral_for_signed_in_user(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await world.signed_in(5001, Role.TEACHER, first_name="Мария", last_name="Петрова")
    await dp.feed_update(bot, make_message_update(5001, "/start", chat_id=GROUP))
    await dp.feed_update(bot, make_message_update(5001, "/help", chat_id=GROUP))
    texts = bot.session.sent_texts(GROUP)
    assert texts == [t("ru", "group.neutral")] * 2
    assert all("Мария" not in text and "учитель" not in text for text in texts)
    assert bot.session.sent_texts(5001) == []


async def test_invite_in_group_is_not_redeemed(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT)
    await world.invite(member, "group_token_abcdefghijklmnop")
    await dp.feed_update(
        bot, make_message_update(5002, "/start group_token_abcdefghijklmnop", chat_id=GROUP)
    )
    assert bot.session.sent_texts(GROUP) == [t("ru", "group.neutral")]
    assert bot.session.requests_of(SetMyCommands) == []
    async with session_factory() as s:
        assert (await s.scalars(select(MessengerBinding))).all() == []


async def test_command_for_another_bot_in_group_is_ignored(
    dp: Dispatcher, bot: RecordingBot
) -> None:
    await dp.feed_update(bot, make_message_update(5003, "/start@other_bot", chat_id=GROUP))
    assert bot.session.requests_of(SendMessage) == []
    await dp.feed_update(bot, make_message_update(5003, "/help@test_bot", chat_id=GROUP))
    assert bot.session.sent_texts(GROUP) == [t("ru", "group.neutral")]


async def test_plain_text_in_group_gets_no_answer(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(5004, "всем привет", chat_id=GROUP))
    assert bot.session.requests_of(SendMessage) == []


async def test_group_neutral_text_in_english(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(
        bot, make_message_update(5005, "/start", chat_id=GROUP, language_code="en")
    )
    assert bot.session.sent_texts(GROUP) == [t("en", "group.neutral")]


async def test_group_callback_is_answered_silently(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_callback_update(5006, "x:1", chat_id=GROUP))
    assert bot.session.requests_of(SendMessage) == []
    answers = [r for r in bot.session.requests if type(r).__name__ == "AnswerCallbackQuery"]
    assert len(answers) == 1
