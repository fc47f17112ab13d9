"""A real Dispatcher with recording handlers, a fake translator and a scripted update source
for the MAX polling and webhook tests (no network, no clock)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Chat, Message, Update, User

from maxbot.polling import MaxFeed
from services.enums import Messenger

TOKEN = "123456:fake-token-for-the-max-feed-tests"
SENT_AT = dt.datetime(2026, 12, 2, 10, 20, tzinfo=dt.UTC)


def message_update(update_id: int, text: str, chat_id: int = 1) -> Update:
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=SENT_AT,
            chat=Chat(id=chat_id, type="private"),
            from_user=User(id=chat_id, is_bot=False, first_name="Anna"),
            text=text,
        ),
    )


def translate(raw: dict[str, Any], next_id: int) -> list[Update]:
    """``{"update_type": "message_created", "text": ..., "chat": ...}`` -> one message update;
    any other type -> none; ``"broken"`` -> an error."""
    if raw.get("update_type") == "broken":
        raise ValueError("cannot read it")
    if raw.get("update_type") != "message_created":
        return []
    return [message_update(next_id, str(raw["text"]), int(raw.get("chat", 1)))]


def raw_message(text: str, chat: int = 1) -> dict[str, Any]:
    return {"update_type": "message_created", "text": text, "chat": chat}


@dataclass
class Handled:
    """What the handlers saw, and the gates tests hold them at."""

    texts: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    messengers: list[Any] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def wait(self, count: int) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.texts) >= count)

    async def wait_started(self, text: str) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: text in self.started)


def dispatcher(handled: Handled) -> Dispatcher:
    """A Dispatcher whose one handler records each message; text "fail" raises, and a text
    with a gate waits for it."""
    router = Router()

    @router.message()
    async def record(message: Message, messenger: Messenger | None = None) -> None:
        text = message.text or ""
        async with handled.changed:
            handled.started.append(text)
            handled.changed.notify_all()
        gate = handled.gates.get(text)
        if gate is not None:
            await gate.wait()
        if text == "fail":
            raise RuntimeError("the handler failed")
        async with handled.changed:
            handled.texts.append(text)
            handled.ids.append(message.message_id)
            handled.messengers.append(messenger)
            handled.changed.notify_all()

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def make_feed(handled: Handled, *, concurrency: int = 4) -> tuple[MaxFeed, Bot]:
    bot = Bot(TOKEN)
    return MaxFeed(dispatcher(handled), bot, translate, concurrency=concurrency), bot
