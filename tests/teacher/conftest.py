"""Handler fixtures for the teacher's flows: the factories' school (tests/factories.py) with
its staff signed in to Telegram, a dispatcher whose clock is the factories' NOW, and helpers to
press buttons and read what the bot showed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from testkit.recording import (
    RecordingBot,
    make_callback_update,
    make_document_update,
    make_message_update,
)
from tests.factories import NOW, SchoolWorld, bind_chats, build_school

USERS = {
    "teacher": 100,
    "colleague": 101,
    "class_teacher": 102,
    "first_teacher": 103,
    "deputy": 104,
    "parent": 105,
    "admin": 106,
}


@pytest.fixture
def clock() -> list[dt.datetime]:
    """The dispatcher's "now"; a test may move it: ``clock[0] = ...``."""
    return [NOW]


@pytest.fixture
def dp(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    clock: list[dt.datetime],
) -> Dispatcher:
    dispatcher = create_dispatcher(settings, session_factory, storage=MemoryStorage())
    dispatcher["clock"] = lambda: clock[0]
    return dispatcher


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    w = await build_school(session)
    await bind_chats(session, w, USERS)
    return w


@dataclass
class Chat:
    """One user's chat with the bot: sends, presses, and counts the interactions."""

    dp: Dispatcher
    bot: RecordingBot
    user_id: int
    language: str = "ru"
    interactions: int = 0
    message_id: int = 1
    seen: list[Any] = field(default_factory=list)

    async def send(self, text: str) -> None:
        self.interactions += 1
        await self.dp.feed_update(
            self.bot, make_message_update(self.user_id, text, language_code=self.language)
        )

    async def upload(self, **kwargs: Any) -> None:
        self.interactions += 1
        await self.dp.feed_update(
            self.bot,
            make_document_update(self.user_id, language_code=self.language, **kwargs),
        )

    async def press(self, data: str) -> None:
        self.interactions += 1
        await self.dp.feed_update(
            self.bot,
            make_callback_update(
                self.user_id, data, message_id=self.message_id, language_code=self.language
            ),
        )

    async def press_text(self, contains: str) -> None:
        await self.press(self.button(contains))

    # --- what the bot showed ---------------------------------------------------

    def shown(self) -> list[SendMessage | EditMessageText]:
        return [
            r
            for r in self.bot.session.requests
            if isinstance(r, SendMessage | EditMessageText) and str(r.chat_id) == str(self.user_id)
        ]

    @property
    def text(self) -> str:
        shown = self.shown()
        assert shown, "the bot showed nothing"
        return str(shown[-1].text)

    @property
    def markup(self) -> InlineKeyboardMarkup:
        shown = self.shown()
        assert shown, "the bot showed nothing"
        markup = shown[-1].reply_markup
        assert isinstance(markup, InlineKeyboardMarkup), "no inline keyboard"
        return markup

    def buttons(self) -> list[tuple[str, str]]:
        return [(b.text, str(b.callback_data)) for row in self.markup.inline_keyboard for b in row]

    def button(self, contains: str) -> str:
        for text, data in self.buttons():
            if contains in text:
                return data
        raise AssertionError(f"no button with {contains!r} in {self.buttons()}")

    def alerts(self) -> list[str]:
        return [
            str(r.text)
            for r in self.bot.session.requests_of(AnswerCallbackQuery)
            if r.show_alert and r.text
        ]

    def answers(self) -> list[str]:
        return [str(r.text) for r in self.bot.session.requests_of(AnswerCallbackQuery) if r.text]


@pytest.fixture
def chat(dp: Dispatcher, bot: RecordingBot, world: SchoolWorld) -> Any:
    def make(name: str, language: str = "ru") -> Chat:
        return Chat(dp, bot, USERS[name], language)

    return make
