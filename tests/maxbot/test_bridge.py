"""The handlers' Bot API calls made in MAX (maxbot/bridge.py), against a small MAX stub that
records every request and can answer the next ones with errors."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import AnswerCallbackQuery, SetChatMenuButton
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from aiohttp import web
from aiohttp.test_utils import TestServer

from maxbot.bridge import create_max_bot, fit_text
from maxbot.client import MaxClient
from maxbot.ids import MessageIds, message_int
from maxbot.updates import to_updates
from services.richtext import visible_text

ME = {"user_id": 777, "first_name": "Журнал", "username": "journal_bot", "is_bot": True}
TS = 1_764_556_200_123


@dataclass
class Call:
    verb: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class StubMax:
    """A MAX Bot API stand-in: answers like the schema, records calls, and answers the next
    calls with ``fail`` entries (status, headers, body) while any are queued."""

    calls: list[Call] = field(default_factory=list)
    fail: list[tuple[int, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    def api(self, verb: str | None = None, path: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if not c.path.startswith("/_")
            and (verb is None or c.verb == verb)
            and (path is None or c.path == path)
        ]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path, verb = request.path, request.method
        if path.startswith("/_upload/"):
            form = await request.post()
            data = form["data"]
            assert isinstance(data, web.FileField)
            token = f"up{next(self.seq)}"
            self.files[token] = data.file.read()
            self.calls.append(Call(verb, path, dict(request.query), data.filename))
            if path.endswith("/image"):
                return web.json_response({"photos": {"p": {"token": token}}})
            return web.json_response({"token": token})
        if path.startswith("/_files/"):
            self.calls.append(Call(verb, path, dict(request.query), None))
            stored = self.files.get(path.removeprefix("/_files/"))
            if stored is None:
                return web.json_response({"code": "not.found", "message": "no"}, status=404)
            return web.Response(body=stored)
        raw = await request.read()
        body: Any = json.loads(raw) if raw else {}
        self.calls.append(Call(verb, path, dict(request.query), body))
        if self.fail:
            status, headers, error = self.fail.pop(0)
            return web.json_response(error, status=status, headers=headers)
        if verb == "POST" and path == "/messages":
            n = next(self.seq)
            q = request.query
            recipient = (
                {"chat_id": 90000 + int(q["user_id"]), "chat_type": "dialog", "user_id": 1}
                if "user_id" in q
                else {"chat_id": int(q["chat_id"]), "chat_type": "chat"}
            )
            message = {
                "sender": ME,
                "recipient": recipient,
                "timestamp": TS,
                "body": {"mid": f"mid.{n:08d}", "seq": n, "text": body.get("text")},
            }
            return web.json_response({"message": message})
        if verb == "POST" and path == "/uploads":
            kind = request.query["type"]
            return web.json_response({"url": f"{request.url.origin()}/_upload/{kind}"})
        return web.json_response({"success": True})


@pytest.fixture
async def stub() -> AsyncIterator[tuple[StubMax, str]]:
    max_api = StubMax()
    server = TestServer(max_api.app())
    await server.start_server()
    try:
        yield max_api, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def max_bot(stub: tuple[StubMax, str]) -> AsyncIterator[Bot]:
    client = MaxClient("max-secret-token", stub[1])
    bot = create_max_bot(client, ME, MessageIds())
    try:
        yield bot
    finally:
        await bot.session.close()
        await client.close()


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="◀", callback_data="ft:1:2:0"),
                InlineKeyboardButton(text="▶", callback_data="ft:1:2:2"),
            ],
            [InlineKeyboardButton(text="Сайт", url="https://example.org")],
        ]
    )


MAX_KEYBOARD = {
    "type": "inline_keyboard",
    "payload": {
        "buttons": [
            [
                {"type": "callback", "text": "◀", "payload": "ft:1:2:0"},
                {"type": "callback", "text": "▶", "payload": "ft:1:2:2"},
            ],
            [{"type": "link", "text": "Сайт", "url": "https://example.org"}],
        ]
    },
}


# ---------------------------------------------------------------------- the bot


async def test_the_bot_is_the_max_bot_with_a_synthetic_token(max_bot: Bot) -> None:
    assert max_bot.id == 777
    assert "max-secret-token" not in max_bot.token
    me = await max_bot.get_me()
    assert (me.id, me.username, me.is_bot) == (777, "journal_bot", True)


# ---------------------------------------------------------------------- messages


async def test_a_message_to_a_user_goes_by_user_id_in_html_with_its_keyboard(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    sent = await max_bot.send_message(5001, "<b>Сегодня</b>", reply_markup=keyboard())
    (call,) = stub[0].api("POST", "/messages")
    assert call.query == {"user_id": "5001"}
    assert call.body == {"text": "<b>Сегодня</b>", "format": "html", "attachments": [MAX_KEYBOARD]}
    assert sent.message_id == message_int("mid.00000001")
    assert (sent.chat.id, sent.chat.type) == (5001, "private")
    assert sent.from_user is not None and sent.from_user.id == 777


async def test_a_message_to_a_group_goes_by_chat_id(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    await max_bot.send_message(-70001, "text", parse_mode=None, disable_notification=True)
    (call,) = stub[0].api("POST", "/messages")
    assert call.query == {"chat_id": "-70001"}
    assert call.body == {"text": "text", "notify": False}


async def test_an_overlong_text_is_shortened_with_its_tags_balanced(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    line = "<b>Иванов</b> <i>5</i> &amp; 4\n"
    await max_bot.send_message(5001, line * 400)
    (call,) = stub[0].api("POST", "/messages")
    text = call.body["text"]
    assert len(text) <= 4000
    assert text.count("<b>") == text.count("</b>") and text.count("<i>") == text.count("</i>")
    assert text.endswith("…")
    assert visible_text(text)  # still parses as the checked subset


def test_fit_text_never_cuts_inside_a_tag_and_leaves_short_texts() -> None:
    assert fit_text("<b>short</b>", html=True) == "<b>short</b>"
    long = ('<a href="https://example.org/' + "x" * 100 + '">ссылка</a> ') * 60
    short = fit_text(long, html=True, limit=1000)
    assert len(short) <= 1000
    assert short.count("<a ") == short.count("</a>") >= 6  # as many links as fit
    assert fit_text("я" * 5000, html=False) == "я" * 3999 + "…"


async def test_edits_and_deletion_find_the_mid(max_bot: Bot, stub: tuple[StubMax, str]) -> None:
    sent = await max_bot.send_message(5001, "раз")
    assert await max_bot.edit_message_text("два", chat_id=5001, message_id=sent.message_id)
    assert await max_bot.edit_message_reply_markup(
        chat_id=5001, message_id=sent.message_id, reply_markup=keyboard()
    )
    assert await max_bot.delete_message(5001, sent.message_id)
    edit_text, edit_markup = stub[0].api("PUT", "/messages")
    assert edit_text.query == {"message_id": "mid.00000001"}
    # Telegram's edit without a keyboard drops it: an empty list of attachments in MAX.
    assert edit_text.body == {"text": "два", "format": "html", "attachments": []}
    assert edit_markup.body == {"attachments": [MAX_KEYBOARD]}
    (delete,) = stub[0].api("DELETE", "/messages")
    assert delete.query == {"message_id": "mid.00000001"}


async def test_an_unknown_message_id_is_refused_without_a_call(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await max_bot.edit_message_text("x", chat_id=5001, message_id=123)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await max_bot.delete_message(5001, 123)
    assert stub[0].calls == []


async def test_a_message_in_an_update_can_be_edited(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    session_ids = max_bot.session.ids  # type: ignore[attr-defined]
    raw = {
        "update_type": "message_callback",
        "timestamp": TS,
        "callback": {"callback_id": "cb1", "payload": "ft:1", "user": {"user_id": 5001}},
        "message": {
            "sender": ME,
            "recipient": {"chat_id": 95001, "chat_type": "dialog"},
            "timestamp": TS,
            "body": {"mid": "mid.fromupdate", "seq": 3, "text": "старое"},
        },
    }
    (update,) = to_updates(raw, 1, session_ids)
    assert update.callback_query is not None and update.callback_query.message is not None
    await max_bot.edit_message_text(
        "новое", chat_id=5001, message_id=update.callback_query.message.message_id
    )
    (edit,) = stub[0].api("PUT", "/messages")
    assert edit.query == {"message_id": "mid.fromupdate"}


# ---------------------------------------------------------------------- button answers


async def test_an_answer_with_text_is_one_notification(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    assert await max_bot.answer_callback_query("cb.1", text="Нет доступа", show_alert=True)
    (call,) = stub[0].api()
    assert (call.verb, call.path, call.query) == ("POST", "/answers", {"callback_id": "cb.1"})
    assert call.body == {"notification": "Нет доступа"}


async def test_an_answer_without_text_makes_no_request(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    assert await max_bot(AnswerCallbackQuery(callback_query_id="cb.2"))
    assert stub[0].calls == []


# ---------------------------------------------------------------------- files


async def test_a_document_is_uploaded_then_sent(max_bot: Bot, stub: tuple[StubMax, str]) -> None:
    sent = await max_bot.send_document(
        5001, BufferedInputFile(b"PK\x03\x04", "report.xlsx"), caption="Отчёт"
    )
    verbs = [(c.verb, c.path) for c in stub[0].calls]
    assert verbs == [("POST", "/uploads"), ("POST", "/_upload/file"), ("POST", "/messages")]
    assert stub[0].calls[0].query == {"type": "file"}
    assert stub[0].calls[1].body == "report.xlsx"
    assert stub[0].files["up1"] == b"PK\x03\x04"
    send = stub[0].calls[2]
    assert send.query == {"user_id": "5001"}
    assert send.body == {
        "attachments": [{"type": "file", "payload": {"token": "up1"}}],
        "text": "Отчёт",
        "format": "html",
    }
    assert sent.chat.id == 5001


async def test_a_photo_is_uploaded_as_an_image(max_bot: Bot, stub: tuple[StubMax, str]) -> None:
    await max_bot.send_photo(5001, BufferedInputFile(b"\x89PNG", "chart.png"))
    assert stub[0].calls[0].query == {"type": "image"}
    send = stub[0].calls[-1]
    assert send.body == {
        "attachments": [{"type": "image", "payload": {"photos": {"p": {"token": "up1"}}}}]
    }


async def test_a_max_file_id_is_sent_by_its_token(max_bot: Bot, stub: tuple[StubMax, str]) -> None:
    await max_bot.send_document(5001, "max:tokA")
    (call,) = stub[0].calls
    assert call.body == {"attachments": [{"type": "file", "payload": {"token": "tokA"}}]}


@pytest.mark.parametrize("file_id", ["BQACAgIAAxkBAAIBY2Telegram", "max:"])
async def test_another_file_id_is_refused(
    max_bot: Bot, stub: tuple[StubMax, str], file_id: str
) -> None:
    with pytest.raises(TelegramBadRequest):
        await max_bot.send_document(5001, file_id)
    assert stub[0].calls == []


async def test_a_file_sent_in_max_can_be_downloaded(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    stub[0].files["tokR"] = b"roster bytes"
    ids = max_bot.session.ids  # type: ignore[attr-defined]
    attachment = {
        "type": "file",
        "payload": {"url": f"{stub[1]}/_files/tokR", "token": "tokR"},
        "filename": "roster.csv",
        "size": 12,
    }
    raw = {
        "update_type": "message_created",
        "timestamp": TS,
        "message": {
            "sender": {"user_id": 5001, "first_name": "A"},
            "recipient": {"chat_id": 95001, "chat_type": "dialog"},
            "timestamp": TS,
            "body": {"mid": "mid.file", "seq": 1, "attachments": [attachment]},
        },
    }
    (update,) = to_updates(raw, 1, ids)
    assert update.message is not None and update.message.document is not None
    buffer = io.BytesIO()
    await max_bot.download(update.message.document.file_id, destination=buffer)
    assert buffer.getvalue() == b"roster bytes"
    with pytest.raises(TelegramBadRequest):
        await max_bot.download("max:unknown", destination=io.BytesIO())


# ---------------------------------------------------------------------- menus and actions


async def test_the_default_menu_is_the_bots_commands(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    commands = [BotCommand(command="start", description="Начать")]
    assert await max_bot.set_my_commands(commands, scope=BotCommandScopeDefault())
    assert await max_bot.set_my_commands(commands, language_code="en")
    assert await max_bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=5001))
    assert await max_bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=5001))
    assert await max_bot.delete_my_commands()
    assert await max_bot(SetChatMenuButton(chat_id=5001, menu_button=MenuButtonCommands()))
    patches = stub[0].api("PATCH", "/me")
    assert [c.body for c in patches] == [
        {"commands": [{"name": "start", "description": "Начать"}]},
        {"commands": []},
    ]
    assert len(stub[0].calls) == 2


async def test_a_chat_action_goes_to_a_known_dialog_only(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    ids = max_bot.session.ids  # type: ignore[attr-defined]
    assert await max_bot.send_chat_action(5001, "upload_document")
    assert stub[0].calls == []  # the dialog's id is not known yet
    ids.remember_dialog(5001, 95001)
    assert await max_bot.send_chat_action(5001, "upload_document")
    (call,) = stub[0].calls
    assert (call.path, call.body) == ("/chats/95001/actions", {"action": "sending_file"})


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (429, {"Retry-After": "3"}, TelegramRetryAfter),
        (403, {}, TelegramForbiddenError),
        (401, {}, TelegramUnauthorizedError),
        (400, {}, TelegramBadRequest),
        (404, {}, TelegramBadRequest),
        (500, {}, TelegramServerError),
        (503, {}, TelegramServerError),
    ],
)
async def test_max_errors_are_aiograms(
    max_bot: Bot,
    stub: tuple[StubMax, str],
    status: int,
    headers: dict[str, str],
    error: type[Exception],
) -> None:
    stub[0].fail.append((status, headers, {"code": "some.code", "message": "refused"}))
    with pytest.raises(error) as raised:
        await max_bot.send_message(5001, "x")
    if isinstance(raised.value, TelegramRetryAfter):
        assert raised.value.retry_after == 3


async def test_a_missing_message_on_edit_reads_as_telegrams(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    sent = await max_bot.send_message(5001, "x")
    stub[0].fail.append((404, {}, {"code": "not.found", "message": "Message not found"}))
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await max_bot.edit_message_text("y", chat_id=5001, message_id=sent.message_id)


async def test_an_unreachable_server_is_a_network_error(stub: tuple[StubMax, str]) -> None:
    server = TestServer(web.Application())
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    await server.close()  # nobody listens there now
    client = MaxClient("t", url)
    bot = create_max_bot(client, ME)
    try:
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(5001, "x")
    finally:
        await bot.session.close()
        await client.close()


async def test_a_keyboard_beyond_maxs_limits_is_refused(
    max_bot: Bot, stub: tuple[StubMax, str]
) -> None:
    wide = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(i), callback_data=str(i)) for i in range(8)]
        ]
    )
    with pytest.raises(TelegramBadRequest):
        await max_bot.send_message(5001, "x", reply_markup=wide)
    assert stub[0].calls == []
