"""A real aiogram Bot against the local Bot API server: the basic methods."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
)

from testkit.botapi import BotAPIServer

from .conftest import TOKEN, MakeBot


def kb(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def test_get_me_uses_token_id(bot: Bot, make_bot: MakeBot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username
    other = await make_bot("777:other")
    assert (await other.get_me()).id == 777


async def test_malformed_token_and_unknown_method(server: BotAPIServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.base_url}/botnot-a-token/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{server.base_url}/bot{TOKEN}/noSuchMethod") as resp:
            assert resp.status == 404
            body = await resp.json()
            assert body["description"] == "Not Found: method not found"


async def test_unknown_method_raises_not_found(bot: Bot) -> None:
    class Bogus(SendMessage):
        __api_method__ = "sendBogus"

    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot(Bogus(chat_id=1, text="x"))


async def test_form_and_json_requests(server: BotAPIServer) -> None:
    server.user(1001).open_chat()
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{server.base_url}/bot{TOKEN}/sendMessage",
            data={"chat_id": "1001", "text": "form", "reply_markup": '{"inline_keyboard": []}'},
        ) as resp:
            assert (await resp.json())["result"]["text"] == "form"
        async with http.post(
            f"{server.base_url}/bot{TOKEN}/sendMessage",
            json={"chat_id": 1001, "text": "json", "parse_mode": "HTML"},
        ) as resp:
            result = (await resp.json())["result"]
            assert result["text"] == "json"
            assert result["message_id"] == 2
            assert result["from"]["id"] == 123456
            assert result["chat"]["id"] == 1001
        async with http.get(
            f"{server.base_url}/bot{TOKEN}/sendMessage", params={"chat_id": "1001", "text": "get"}
        ) as resp:
            assert (await resp.json())["ok"] is True
    assert [m.text for m in server.sent_to(1001)] == ["form", "json", "get"]


async def test_send_message_to_unknown_chat(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(5555, "hello")


async def test_send_message_html_and_markup(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001, first_name="Анна", last_name="Иванова")
    await user.send("hi")
    message = await bot.send_message(
        1001,
        "<b>Оценки</b> за &lt;неделю&gt; 📚 <i>ok</i>",
        parse_mode="HTML",
        reply_markup=kb(("Да", "yes"), ("Нет", "no")),
    )
    assert message.text == "Оценки за <неделю> 📚 ok"
    assert message.message_id == 2  # the user's message was #1 in this chat
    assert message.entities is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 6),
        ("italic", 22, 2),  # the emoji counts as two UTF-16 units
    ]
    assert message.reply_markup is not None
    rows = message.reply_markup.inline_keyboard
    assert [(b.text, b.callback_data) for row in rows for b in row] == [
        ("Да", "yes"),
        ("Нет", "no"),
    ]
    sent = server.sent_to(1001)
    assert len(sent) == 1
    assert sent[0].parse_mode == "HTML"
    assert sent[0].raw_text == "<b>Оценки</b> за &lt;неделю&gt; 📚 <i>ok</i>"
    assert [b["callback_data"] for b in sent[0].buttons] == ["yes", "no"]
    reply = await bot.send_message(
        1001,
        "reply kb",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Меню")]], resize_keyboard=True
        ),
    )
    assert reply.reply_markup is None  # only inline keyboards are echoed, like Telegram
    assert server.sent_to(1001)[-1].reply_markup == {
        "keyboard": [[{"text": "Меню"}]],
        "resize_keyboard": True,
    }


async def test_edit_and_delete(server: BotAPIServer, bot: Bot) -> None:
    server.user(1001).open_chat()
    message = await bot.send_message(1001, "v1", reply_markup=kb(("a", "a")))
    edited = await bot.edit_message_text(
        chat_id=1001, message_id=message.message_id, text="v2", reply_markup=kb(("b", "b"))
    )
    assert not isinstance(edited, bool)
    assert edited.text == "v2" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            chat_id=1001, message_id=message.message_id, text="v2", reply_markup=kb(("b", "b"))
        )
    await bot.edit_message_reply_markup(
        chat_id=1001, message_id=message.message_id, reply_markup=kb(("c", "c"))
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=1001, message_id=message.message_id, reply_markup=kb(("c", "c"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(chat_id=1001, message_id=999, text="x")
    state = server.sent_to(1001)[0]
    assert state.text == "v2"
    assert [e["text"] for e in state.edits] == ["v1", "v2"]
    assert state.buttons == [{"text": "c", "callback_data": "c"}]

    assert await bot.delete_message(1001, message.message_id) is True
    assert server.sent_to(1001)[0].deleted
    assert server.sent_to(1001, include_deleted=False) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(1001, message.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(chat_id=1001, message_id=message.message_id, text="v3")


async def test_send_document_get_file_download(server: BotAPIServer, bot: Bot) -> None:
    server.user(1001).open_chat()
    payload = "дата;оценка\n2024-09-01;5\n".encode()
    message = await bot.send_document(
        1001,
        BufferedInputFile(payload, filename="marks.csv"),
        caption="<b>Отчёт</b>",
        parse_mode="HTML",
    )
    assert message.document is not None
    assert message.document.file_name == "marks.csv"
    assert message.document.file_size == len(payload)
    assert message.caption == "Отчёт"
    file = await bot.get_file(message.document.file_id)
    assert file.file_path and file.file_size == len(payload)
    downloaded = await bot.download(file)
    assert downloaded is not None and downloaded.read() == payload
    # resend by file_id, and by URL (just recorded)
    again = await bot.send_document(1001, message.document.file_id)
    assert again.document is not None and again.document.file_id == message.document.file_id
    by_url = await bot.send_photo(1001, "https://example.org/pic.jpg", caption="pic")
    assert by_url.photo and by_url.caption == "pic"
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(1001, "no-such-file-id")
    sent = server.sent_to(1001)
    assert [m.method for m in sent] == ["sendDocument", "sendDocument", "sendPhoto"]
    assert sent[0].document is not None and sent[0].document["file_name"] == "marks.csv"
    assert server.file_data(message.document.file_id) == payload
    photo = await bot.send_photo(1001, BufferedInputFile(b"\x89PNG...", filename="p.png"))
    assert photo.photo is not None
    assert (await bot.download(photo.photo[-1].file_id)).read() == b"\x89PNG..."  # type: ignore[union-attr]


async def test_user_upload_is_downloadable(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    sent = await user.upload_document(b"hello", "hw.txt", caption="ДЗ", mime_type="text/plain")
    updates = await bot.get_updates()
    document = updates[0].message.document  # type: ignore[union-attr]
    assert document is not None and document.file_name == "hw.txt"
    assert updates[0].message.caption == "ДЗ"  # type: ignore[union-attr]
    assert document.file_id == sent["document"]["file_id"]
    data = await bot.download(document.file_id)
    assert data is not None and data.read() == b"hello"
    await user.upload_photo(b"jpegdata", caption="фото")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    photo = updates[0].message.photo  # type: ignore[union-attr]
    assert photo is not None
    assert (await bot.download(photo[-1].file_id)).read() == b"jpegdata"  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_commands_per_scope(server: BotAPIServer, bot: Bot) -> None:
    server.user(1001).open_chat()
    default = [BotCommand(command="start", description="Начать")]
    teacher = [BotCommand(command="journal", description="Журнал")]
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(teacher, scope=BotCommandScopeChat(chat_id=1001))
    assert await bot.set_my_commands(
        [BotCommand(command="start", description="Start")], language_code="en"
    )
    assert server.commands() == [{"command": "start", "description": "Начать"}]
    assert server.commands(BotCommandScopeChat(chat_id=1001)) == [
        {"command": "journal", "description": "Журнал"}
    ]
    assert server.commands({"type": "chat", "chat_id": 1001}) == server.commands(
        BotCommandScopeChat(chat_id=1001)
    )
    assert server.commands(language_code="en")[0]["description"] == "Start"
    got = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=1001))
    assert [c.command for c in got] == ["journal"]
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=1001))
    assert await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=1001)) == []
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeDefault())] == [
        "start"
    ]
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(default, scope=BotCommandScopeChat(chat_id=4242))
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_menu_button_chat_action_and_misc(server: BotAPIServer, bot: Bot) -> None:
    server.user(1001).open_chat()
    assert await bot.set_chat_menu_button(chat_id=1001, menu_button=MenuButtonCommands())
    assert server.menu_button(1001) == {"type": "commands"}
    assert await bot.send_chat_action(1001, "typing")
    assert server.chat_actions(1001)[0]["action"] == "typing"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_chat_action(9999, "typing")
    chat = await bot.get_chat(1001)
    assert chat.id == 1001 and chat.type == "private"
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_request_log_and_stats(server: BotAPIServer, bot: Bot) -> None:
    server.user(1001).open_chat()
    await bot.send_message(1001, "one")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(1001, "")
    log = server.requests
    assert [(r.method, r.status) for r in log] == [("sendMessage", 200), ("sendMessage", 400)]
    assert log[0].params["chat_id"] == 1001
    assert log[1].description == "Bad Request: message text is empty"
    assert server.stats.sent_messages == 1
    assert server.stats.per_method["sendMessage"] == 2
    assert server.stats.errors_by_code[400] == 1
