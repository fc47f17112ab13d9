"""The handlers' Bot API calls made in MAX (maxbot/bridge.py), against the local MAX Bot API
server (testkit/maxapi): what each call sends, what the user sees, and the errors."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

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
    Update,
)

from maxbot.bridge import create_max_bot, fit_text, keyboard
from maxbot.client import MaxClient
from maxbot.ids import MessageIds, message_int
from maxbot.updates import to_updates
from services.richtext import visible_text
from testkit.maxapi import Limits, MaxAPIServer, MaxUser, RequestRecord

TOKEN = "max-test-token-0001"
NOW = 1_764_556_200.0  # 2025-12-01 02:30 UTC: the server's clock


@dataclass
class Front:
    server: MaxAPIServer
    client: MaxClient
    bot: Bot
    ids: MessageIds
    user: MaxUser
    sleeps: list[float] = field(default_factory=list)
    next_update: int = 1
    marker: int | None = None

    def calls(self, operation: str | None = None) -> list[RequestRecord]:
        return [r for r in self.server.requests if operation is None or r.method == operation]

    async def updates(self) -> list[Update]:
        """What the users did since the last look, as aiogram updates."""
        raws, self.marker = await self.client.get_updates(self.marker, poll_seconds=0)
        found: list[Update] = []
        for raw in raws:
            converted = to_updates(raw, self.next_update, self.ids, bot_id=self.bot.id)
            self.next_update += len(converted)
            found.extend(converted)
        return found


@pytest.fixture
async def front() -> AsyncIterator[Front]:
    limits = Limits(rate_limits=False, retry_after_header=True)
    async with MaxAPIServer(
        token=TOKEN, limits=limits, clock=lambda: NOW, monotonic=lambda: 0.0
    ) as server:
        assert server.base_url is not None
        client = MaxClient(TOKEN, server.base_url)
        ids = MessageIds()
        sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        bot = create_max_bot(client, await client.get_me(), ids, sleep=sleep)
        user = server.user(5001, "Анна", language_code="ru")
        user.open_chat()
        server.requests.clear()
        try:
            yield Front(server, client, bot, ids, user, sleeps)
        finally:
            await bot.session.close()
            await client.close()


def markup() -> InlineKeyboardMarkup:
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


async def test_the_bot_is_the_max_bot_with_a_synthetic_token(front: Front) -> None:
    assert front.bot.id == front.server.bot_user_id
    assert TOKEN not in front.bot.token
    me = await front.bot.get_me()
    assert (me.id, me.username, me.is_bot) == (front.server.bot_user_id, "test_bot", True)
    assert front.calls() == []  # the profile was read once, when the bot was made


# ---------------------------------------------------------------------- messages


async def test_a_message_to_a_user_goes_by_user_id_in_html_with_its_keyboard(
    front: Front,
) -> None:
    sent = await front.bot.send_message(5001, "<b>Сегодня</b>", reply_markup=markup())
    (call,) = front.calls("sendMessage")
    assert call.params == {"user_id": "5001"}
    assert call.body == {"text": "<b>Сегодня</b>", "format": "html", "attachments": [MAX_KEYBOARD]}
    (shown,) = front.user.messages()
    assert shown.content == "Сегодня"
    assert [b["text"] for b in shown.buttons] == ["◀", "▶", "Сайт"]
    assert sent.message_id == message_int(shown.mid)
    assert front.ids.to_mid(sent.message_id) == shown.mid
    assert (sent.chat.id, sent.chat.type) == (5001, "private")
    assert sent.from_user is not None and sent.from_user.id == front.bot.id


async def test_a_message_to_a_group_goes_by_chat_id(front: Front) -> None:
    with pytest.raises(TelegramBadRequest):  # the local server has no group chats
        await front.bot.send_message(-70001, "text", parse_mode=None, disable_notification=True)
    (call,) = front.calls("sendMessage")
    assert call.params == {"chat_id": "-70001"}
    assert call.body == {"text": "text", "notify": False}


async def test_an_overlong_text_is_shortened_with_its_tags_balanced(front: Front) -> None:
    line = "<b>Иванов</b> <i>5</i> &amp; 4\n"
    await front.bot.send_message(5001, line * 400)
    (call,) = front.calls("sendMessage")
    assert call.ok
    text = call.body["text"]
    assert len(text) <= 4000
    assert text.count("<b>") == text.count("</b>") and text.count("<i>") == text.count("</i>")
    assert text.endswith("…")
    assert visible_text(text)


def test_fit_text_keeps_whole_tags_and_as_much_as_fits() -> None:
    assert fit_text("<b>short</b>", html=True) == "<b>short</b>"
    long = ('<a href="https://example.org/' + "x" * 100 + '">ссылка</a> ') * 60
    short = fit_text(long, html=True, limit=1000)
    assert len(short) <= 1000
    assert short.count("<a ") == short.count("</a>") >= 6
    assert fit_text("я" * 5000, html=False) == "я" * 3999 + "…"


async def test_edits_and_deletion_find_the_mid(front: Front) -> None:
    bot = front.bot
    sent = await bot.send_message(5001, "раз", reply_markup=markup())
    assert await bot.edit_message_text("два", chat_id=5001, message_id=sent.message_id)
    (shown,) = front.user.messages()
    # Telegram's edit without a keyboard drops it: an empty list of attachments in MAX.
    assert (shown.content, shown.buttons) == ("два", [])
    assert await bot.edit_message_reply_markup(
        chat_id=5001, message_id=sent.message_id, reply_markup=markup()
    )
    assert front.calls("editMessage")[-1].body == {"attachments": [MAX_KEYBOARD]}
    assert (shown.content, len(shown.buttons)) == ("два", 3)
    assert await bot.delete_message(5001, sent.message_id)
    assert shown.deleted
    assert front.calls("deleteMessage")[0].params == {"message_id": shown.mid}
    # Gone in MAX: a second edit is Telegram's "not found", which the handlers answer anew.
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("три", chat_id=5001, message_id=sent.message_id)


async def test_an_unknown_message_id_is_refused_without_a_call(front: Front) -> None:
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await front.bot.edit_message_text("x", chat_id=5001, message_id=123)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await front.bot.edit_message_reply_markup(chat_id=5001, message_id=123)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await front.bot.delete_message(5001, 123)
    assert front.calls() == []


async def test_a_pressed_message_is_edited_in_place(front: Front) -> None:
    await front.bot.send_message(5001, "Неделя 1", reply_markup=markup())
    (shown,) = front.user.messages()
    callback_id = await front.user.press(shown, "ft:1:2:2")
    (update,) = await front.updates()
    query = update.callback_query
    assert query is not None and query.id == callback_id and query.data == "ft:1:2:2"
    assert query.message is not None
    await front.bot.edit_message_text(
        "Неделя 2", chat_id=5001, message_id=query.message.message_id, reply_markup=markup()
    )
    assert shown.content == "Неделя 2" and len(front.user.messages()) == 1


# ---------------------------------------------------------------------- button answers


async def test_an_answer_with_text_is_one_notification(front: Front) -> None:
    await front.bot.send_message(5001, "x", reply_markup=markup())
    callback_id = await front.user.press(front.user.messages()[0], "ft:1:2:0")
    assert await front.bot.answer_callback_query(callback_id, text="Нет доступа", show_alert=True)
    (answer,) = front.server.callback_answers(callback_id)
    assert answer["notification"] == "Нет доступа" and answer["message"] is None


async def test_an_answer_without_text_makes_no_request(front: Front) -> None:
    assert await front.bot(AnswerCallbackQuery(callback_query_id="cb.any"))
    assert front.calls() == []


# ---------------------------------------------------------------------- files


async def test_a_document_is_uploaded_then_sent(front: Front) -> None:
    sent = await front.bot.send_document(
        5001, BufferedInputFile(b"PK\x03\x04", "report.xlsx"), caption="<b>Отчёт</b>"
    )
    assert [c.method for c in front.calls()] == ["getUploadUrl", "sendMessage"]
    assert front.calls("getUploadUrl")[0].params == {"type": "file"}
    body = front.calls("sendMessage")[0].body
    (attachment,) = body["attachments"]
    token = attachment["payload"]["token"]
    assert body == {
        "attachments": [{"type": "file", "payload": {"token": token}}],
        "text": "<b>Отчёт</b>",
        "format": "html",
    }
    assert front.server.file_data(token) == b"PK\x03\x04"
    (shown,) = front.user.messages()
    assert shown.document is not None and shown.document["file_name"] == "report.xlsx"
    assert shown.content == "Отчёт"
    assert sent.chat.id == 5001


async def test_a_caption_is_edited_and_the_file_stays(front: Front) -> None:
    sent = await front.bot.send_document(
        5001, BufferedInputFile(b"data", "a.pdf"), caption="старая подпись"
    )
    assert await front.bot.edit_message_caption(
        chat_id=5001, message_id=sent.message_id, caption="<i>новая</i>"
    )
    assert front.calls("editMessage")[0].body == {"text": "<i>новая</i>", "format": "html"}
    (shown,) = front.user.messages()
    assert shown.content == "новая"
    assert shown.document is not None and shown.document["file_name"] == "a.pdf"


async def test_a_photo_is_uploaded_as_an_image(front: Front) -> None:
    await front.bot.send_photo(5001, BufferedInputFile(b"\x89PNG", "chart.png"))
    assert front.calls("getUploadUrl")[0].params == {"type": "image"}
    (attachment,) = front.calls("sendMessage")[0].body["attachments"]
    assert attachment["type"] == "image"
    (shown,) = front.user.messages()
    assert [a["type"] for a in shown.attachments] == ["image"]


async def test_a_file_still_processed_is_sent_again_after_a_wait(front: Front) -> None:
    front.server.attachment_not_ready = 2
    await front.bot.send_document(5001, BufferedInputFile(b"data", "a.pdf"))
    assert [c.code for c in front.calls("sendMessage")] == [
        "attachment.not.ready",
        "attachment.not.ready",
        None,
    ]
    assert front.sleeps == [0.5, 1.0]
    assert len(front.user.messages()) == 1


async def test_a_file_never_ready_is_refused_in_the_end(front: Front) -> None:
    front.server.attachment_not_ready = 10
    with pytest.raises(TelegramBadRequest, match=r"attachment\.not\.ready"):
        await front.bot.send_document(5001, BufferedInputFile(b"data", "a.pdf"))
    assert front.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert front.user.messages() == []


async def test_a_file_sent_in_max_is_downloaded_and_sent_again_by_its_id(front: Front) -> None:
    await front.user.upload_document(b"roster bytes", "roster.csv", caption="ученики")
    (update,) = await front.updates()
    assert update.message is not None and update.message.document is not None
    file_id = update.message.document.file_id
    assert file_id.startswith("max:")
    assert update.message.document.file_name == "roster.csv"
    buffer = io.BytesIO()
    await front.bot.download(file_id, destination=buffer)
    assert buffer.getvalue() == b"roster bytes"
    await front.bot.send_document(5001, file_id)
    (shown,) = front.user.messages()
    assert shown.document is not None and shown.document["token"] == file_id.removeprefix("max:")
    assert "getUploadUrl" not in [c.method for c in front.calls()]


async def test_an_unknown_file_cannot_be_downloaded(front: Front) -> None:
    with pytest.raises(TelegramBadRequest):
        await front.bot.download("max:unknown", destination=io.BytesIO())
    with pytest.raises(TelegramBadRequest):
        await front.bot.download("AgACAgIAAxkBTelegram", destination=io.BytesIO())


@pytest.mark.parametrize("file_id", ["BQACAgIAAxkBAAIBY2Telegram", "max:"])
async def test_another_file_id_is_refused(front: Front, file_id: str) -> None:
    with pytest.raises(TelegramBadRequest):
        await front.bot.send_document(5001, file_id)
    assert front.calls() == []


# ---------------------------------------------------------------------- menus and actions


async def test_the_default_menu_is_the_bots_commands(front: Front) -> None:
    bot = front.bot
    commands = [BotCommand(command="start", description="Начать")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeDefault())
    assert front.server.commands() == [{"name": "start", "description": "Начать"}]
    assert await bot.set_my_commands([BotCommand(command="x", description="y")], language_code="en")
    assert await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=5001))
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=5001))
    assert await bot(SetChatMenuButton(chat_id=5001, menu_button=MenuButtonCommands()))
    assert front.server.commands() == [{"name": "start", "description": "Начать"}]
    assert await bot.delete_my_commands()
    assert front.server.commands() == []
    assert [c.method for c in front.calls()] == ["editMyInfo", "editMyInfo"]


async def test_a_chat_action_goes_to_a_known_dialog_only(front: Front) -> None:
    assert await front.bot.send_chat_action(5001, "upload_document")
    assert front.calls() == []  # the dialog's id is not known before an update of it
    await front.user.send("привет")
    await front.updates()
    assert await front.bot.send_chat_action(5001, "upload_document")
    (call,) = front.calls("sendAction")
    assert call.body == {"action": "sending_file"}
    assert front.server.chat_actions(5001)


# ---------------------------------------------------------------------- keyboards


def test_rows_wider_than_max_takes_continue_in_the_next_row() -> None:
    wide = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(i), callback_data=f"m:{i}") for i in range(8)],
            [InlineKeyboardButton(text=f"л{i}", url=f"https://e.org/{i}") for i in range(4)],
        ]
    )
    made = keyboard(wide)
    assert made is not None
    assert [len(row) for row in made["payload"]["buttons"]] == [7, 1, 3, 1]


async def test_a_wide_keyboard_is_accepted_by_max(front: Front) -> None:
    wide = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(i), callback_data=f"m:{i}") for i in range(8)]
        ]
    )
    await front.bot.send_message(5001, "оценки", reply_markup=wide)
    assert len(front.user.messages()[0].buttons) == 8


async def test_a_keyboard_beyond_maxs_limits_is_refused(front: Front) -> None:
    tall = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(i), callback_data=str(i))] for i in range(31)
        ]
    )
    with pytest.raises(TelegramBadRequest):
        await front.bot.send_message(5001, "x", reply_markup=tall)
    assert front.calls() == []


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("429", 429, TelegramRetryAfter),
        ("403", 403, TelegramForbiddenError),
        ("5xx", 400, TelegramBadRequest),
        ("5xx", 404, TelegramBadRequest),
        ("5xx", 500, TelegramServerError),
        ("5xx", 503, TelegramServerError),
        ("disconnect", 0, TelegramNetworkError),
    ],
)
async def test_max_errors_are_aiograms(
    front: Front, kind: str, status: int, error: type[Exception]
) -> None:
    front.server.faults.inject(method="sendMessage", kind=kind, status=status)
    with pytest.raises(error) as raised:
        await front.bot.send_message(5001, "x")
    if isinstance(raised.value, TelegramRetryAfter):
        assert raised.value.retry_after == 1
    assert front.user.messages() == []


async def test_a_stopped_bot_is_forbidden(front: Front) -> None:
    front.user.block_bot()
    with pytest.raises(TelegramForbiddenError):
        await front.bot.send_message(5001, "x")


async def test_a_wrong_token_is_unauthorized(front: Front) -> None:
    assert front.server.base_url is not None
    client = MaxClient("another-token", front.server.base_url)
    bot = create_max_bot(client, {"user_id": 1})
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await bot.send_message(5001, "x")
    finally:
        await bot.session.close()
        await client.close()


async def test_an_unreachable_server_is_a_network_error() -> None:
    async with MaxAPIServer(token=TOKEN, clock=lambda: NOW, monotonic=lambda: 0.0) as server:
        url = server.base_url
    assert url is not None
    client = MaxClient(TOKEN, url)  # nobody listens there any more
    bot = create_max_bot(client, {"user_id": 1})
    try:
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(5001, "x")
    finally:
        await bot.session.close()
        await client.close()
