"""RecordingSession / RecordingBot with a Dispatcher fed directly."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import Command, CommandStart
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetChatMember,
    GetMe,
    GetMyCommands,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)

from testkit.recording import (
    RecordingBot,
    make_callback_update,
    make_document_update,
    make_message_update,
)


def build_dispatcher() -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(
            f"Привет, {message.from_user.first_name}!",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Оценки", callback_data="marks")]]
            ),
        )

    @router.message(Command("lang"))
    async def lang(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(f"lang={message.from_user.language_code}")

    @router.callback_query(F.data == "marks")
    async def marks(callback: CallbackQuery) -> None:
        await callback.answer()
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("Оценки: 5")

    @router.message(F.document)
    async def document(message: Message) -> None:
        assert message.document is not None and message.bot is not None
        data = await message.bot.download(message.document.file_id)
        assert data is not None
        await message.answer(f"got {len(data.read())} bytes")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def test_dispatcher_reply_is_recorded() -> None:
    bot = RecordingBot()
    dp = build_dispatcher()
    await dp.feed_update(bot, make_message_update(1001, "/start", first_name="Анна"))
    assert bot.session.sent_texts(1001) == ["Привет, Анна!"]
    assert bot.session.sent_texts(2002) == []
    request = bot.session.requests_of(SendMessage)[0]
    assert request.chat_id == 1001
    assert isinstance(request.reply_markup, InlineKeyboardMarkup)

    await dp.feed_update(bot, make_message_update(1001, "/lang", language_code="uk"))
    assert bot.session.sent_texts()[-1] == "lang=uk"
    bot.session.clear()
    assert bot.session.requests == []
    await bot.session.close()


async def test_callback_and_edit() -> None:
    bot = RecordingBot()
    dp = build_dispatcher()
    update = make_callback_update(1001, "marks", message_id=5, message_text="Меню")
    await dp.feed_update(bot, update)
    kinds = [type(r) for r in bot.session.requests]
    assert kinds == [AnswerCallbackQuery, EditMessageText]
    edit = bot.session.requests_of(EditMessageText)[0]
    assert edit.text == "Оценки: 5" and edit.message_id == 5 and edit.chat_id == 1001
    await bot.session.close()


async def test_document_download() -> None:
    bot = RecordingBot()
    bot.session.add_file("doc-1", b"12345")
    dp = build_dispatcher()
    await dp.feed_update(bot, make_document_update(1001, file_id="doc-1", file_name="a.csv"))
    assert bot.session.sent_texts() == ["got 5 bytes"]
    await bot.session.close()


async def test_default_results_and_message_ids() -> None:
    bot = RecordingBot()
    first = await bot.send_message(7, "a")
    second = await bot.send_message(7, "b")
    group = await bot.send_message(-100123, "g")
    assert (first.message_id, second.message_id, group.message_id) == (1, 2, 1)
    assert first.chat.type == "private" and group.chat.type == "supergroup"
    assert first.from_user is not None and first.from_user.id == bot.id == 42
    edited = await bot.edit_message_text("c", chat_id=7, message_id=2)
    assert isinstance(edited, Message) and edited.text == "c"
    assert await bot.answer_callback_query("q") is True
    assert await bot.delete_message(7, 1) is True
    assert await bot.set_my_commands([BotCommand(command="start", description="s")]) is True
    assert await bot.send_chat_action(7, "typing") is True
    me = await bot.get_me()
    assert me.is_bot and me.id == 42
    assert await bot.get_my_commands() == []
    assert len(bot.session.requests) == 10
    assert isinstance(bot.session.last_request, GetMyCommands)
    await first.answer("bound to the bot")  # results are mounted to the bot
    with pytest.raises(NotImplementedError, match="add_result_for"):
        await bot.get_chat_member(7, 7)
    await bot.session.close()


async def test_queued_results_and_errors() -> None:
    bot = RecordingBot()
    session = bot.session
    session.add_result_for(GetMe, result=User(id=42, is_bot=True, first_name="Custom"))
    session.add_result_for(SendMessage, ok=False, error_code=400, description="Bad Request: x")
    session.add_result_for(
        SendMessage, ok=False, error_code=403, description="Forbidden: bot was blocked by the user"
    )
    session.add_result_for(SendMessage, ok=False, error_code=429, retry_after=5)
    session.add_result_for(SetMyCommands, ok=False, error_code=400, description="Bad Request: y")
    session.add_result_for(
        GetChatMember,
        result={"status": "member", "user": {"id": 7, "is_bot": False, "first_name": "U"}},
    )
    assert (await bot.get_me()).first_name == "Custom"
    with pytest.raises(TelegramBadRequest, match="Bad Request: x"):
        await bot.send_message(1, "x")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1, "x")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1, "x")
    assert info.value.retry_after == 5
    assert (await bot.send_message(1, "queue is empty → default")).text is not None
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([])
    member = await bot.get_chat_member(1, 7)
    assert member.status == "member"
    assert len(session.sent_texts()) == 4
    await session.close()
    assert session.closed
