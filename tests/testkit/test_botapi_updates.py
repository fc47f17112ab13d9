"""getUpdates long polling, webhooks, callback queries, a real Dispatcher polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiohttp import web

from testkit.botapi import BotAPIServer, Limits

from .conftest import MakeBot


async def test_long_poll_wakes_when_user_sends(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001, first_name="Анна", language_code="ru")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await user.send("привет")
    updates = await asyncio.wait_for(poll, 9)
    # Woken by the message, not by the end of its 10 s poll (however busy the machine).
    assert time.monotonic() - started < 9.5
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "привет"
    assert message.from_user is not None and message.from_user.first_name == "Анна"
    assert message.from_user.language_code == "ru"
    assert message.chat.type == "private"


async def test_empty_long_poll_times_out(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    elapsed = time.monotonic() - started
    assert elapsed >= 0.9  # it waited its timeout; the upper bound is only a hang guard
    assert elapsed < 30


async def test_offset_confirms_and_limit(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    for i in range(5):
        await user.send(f"m{i}")
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["m0", "m1"]  # type: ignore[union-attr]
    again = await bot.get_updates(limit=2)
    assert [u.update_id for u in again] == [u.update_id for u in first]  # not confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["m2", "m3", "m4"]  # type: ignore[union-attr]
    assert len(server.pending_updates()) == 3
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []
    assert server.pending_updates() == []


async def test_command_entity_and_group_chat(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    group = server.group_chat(-100123, title="7А")
    await user.command("/start", "invite-42")
    await user.send("hi all", chat=group)
    updates = await bot.get_updates()
    start = updates[0].message
    assert start is not None and start.text == "/start invite-42"
    assert start.entities is not None and start.entities[0].type == "bot_command"
    assert start.entities[0].length == len("/start")
    in_group = updates[1].message
    assert in_group is not None
    assert in_group.chat.id == -100123 and in_group.chat.title == "7А"
    assert in_group.chat.type == "supergroup"
    assert in_group.from_user is not None and in_group.from_user.id == 1001
    sent = await bot.send_message(-100123, "ответ")
    assert sent.chat.id == -100123
    assert server.sent_to(-100123)[0].text == "ответ"


async def test_allowed_updates_filter(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    await user.send("text")
    message = await bot.send_message(
        1001,
        "q",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="ok", callback_data="ok")]]
        ),
    )
    await user.press(message.message_id, "ok")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]


async def test_concurrent_get_updates_conflict(bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)
    assert await second == []


async def test_press_and_answer_callback_query(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    user.open_chat()
    message = await bot.send_message(
        1001,
        "Подтвердить?",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Да", callback_data="confirm:1")]]
        ),
    )
    query_id = await user.press(message, "confirm:1")
    with pytest.raises(ValueError, match="available"):
        await user.press(message, "nope")
    assert await user.press(message.message_id, text="Да")
    updates = await bot.get_updates()
    callback = updates[0].callback_query
    assert callback is not None and callback.id == query_id
    assert callback.data == "confirm:1"
    assert callback.message is not None and callback.message.message_id == message.message_id
    assert await bot.answer_callback_query(query_id, text="Готово", show_alert=True)
    assert server.callback_answers(query_id)[0]["text"] == "Готово"
    assert server.callback_answers(user_id=1001)[0]["show_alert"] is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("123")


async def test_callback_query_expires(make_bot: MakeBot) -> None:
    async with BotAPIServer(limits=Limits(callback_query_ttl=0.2)) as srv:
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        assert srv.base_url
        bot = Bot("1:x", session=AiohttpSession(api=TelegramAPIServer.from_base(srv.base_url)))
        try:
            user = srv.user(7)
            user.open_chat()
            msg = await bot.send_message(
                7,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    inline_keyboard=[[InlineKeyboardButton(text="b", callback_data="b")]]
                ),
            )
            query_id = await user.press(msg, "b")
            await asyncio.sleep(0.3)
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await bot.answer_callback_query(query_id)
        finally:
            await bot.session.close()


class Receiver:
    """A tiny webhook endpoint on 127.0.0.1."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.fail_next = 0
        self.reply: dict[str, Any] | None = None
        self.got = asyncio.Event()
        self.url = ""
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=500)
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        self.updates.append(await request.json())
        self.got.set()
        return web.json_response(self.reply or {})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"

    async def wait(self, count: int, seconds: float = 3.0) -> None:
        async with asyncio.timeout(seconds):
            while len(self.updates) < count:
                self.got.clear()
                await self.got.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    assert rec.runner is not None
    await rec.runner.cleanup()


async def test_webhook_delivery_with_secret(
    server: BotAPIServer, bot: Bot, receiver: Receiver
) -> None:
    user = server.user(1001)
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-token")
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await user.send("one")
    await user.send("two")
    await receiver.wait(2)
    assert [u["message"]["text"] for u in receiver.updates] == ["one", "two"]
    assert receiver.secrets == ["s3cr3t-token", "s3cr3t-token"]
    assert receiver.updates[0]["update_id"] < receiver.updates[1]["update_id"]
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_webhook_retries_and_reply_method(
    server: BotAPIServer, bot: Bot, receiver: Receiver
) -> None:
    user = server.user(1001)
    receiver.fail_next = 2
    receiver.reply = {"method": "sendMessage", "chat_id": 1001, "text": "from webhook reply"}
    await bot.set_webhook(receiver.url)
    await user.send("retry me")
    await receiver.wait(1)
    assert receiver.updates[0]["message"]["text"] == "retry me"
    assert receiver.secrets == [None]
    reply = await server.wait_for(1001, lambda m: m.text == "from webhook reply", timeout=2)
    assert reply.method == "sendMessage"
    info = await bot.get_webhook_info()
    assert info.last_error_message and "500" in info.last_error_message
    assert server.stats.webhook_failures == 2


async def test_delete_webhook_drops_pending(
    server: BotAPIServer, bot: Bot, receiver: Receiver
) -> None:
    user = server.user(1001)
    receiver.fail_next = 1000  # never accepts
    await bot.set_webhook(receiver.url)
    await user.send("lost")
    await asyncio.sleep(0.1)
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    await user.send("kept")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["kept"]  # type: ignore[union-attr]


async def test_dispatcher_polling_end_to_end(server: BotAPIServer, bot: Bot) -> None:
    router = Router()

    @router.message(Command("start"))
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(
            f"<b>Здравствуйте!</b> код: {command.args}",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Оценки", callback_data="marks")]]
            ),
        )

    @router.callback_query(F.data == "marks")
    async def marks(callback: CallbackQuery) -> None:
        await callback.answer("Загружаю")
        assert isinstance(callback.message, Message)
        await callback.message.edit_text("Оценки: 5, 4, 5")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        user = server.user(1001, first_name="Пётр")
        await user.command("/start", "abc")
        reply = await server.wait_for(1001, lambda m: "Здравствуйте" in m.content, timeout=5)
        assert reply.text == "Здравствуйте! код: abc"
        assert reply.entities[0]["type"] == "bold"
        query_id = await user.press(reply, "marks")
        edited = await server.wait_for(1001, lambda m: m.text == "Оценки: 5, 4, 5", timeout=5)
        assert edited.message_id == reply.message_id
        assert edited.inline_keyboard == []  # editMessageText without markup drops it
        assert server.callback_answers(query_id)[0]["text"] == "Загружаю"
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 10)
