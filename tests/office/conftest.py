"""Handler fixtures for the office's flows (/reports, /admin): the factories' school with its
staff and a parent signed in to Telegram, a dispatcher whose clock is the factories' NOW, and a
``Chat`` that sends, uploads, presses and reads what the bot showed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
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
    "admin": 300,
    "director": 301,
    "deputy": 302,
    "teacher": 303,
    "class_teacher": 304,
    "parent": 305,
}


@pytest.fixture
def clock() -> list[dt.datetime]:
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


@pytest.fixture
async def other(session: AsyncSession, world: SchoolWorld) -> SchoolWorld:
    """A second school: its ids are forgeries for the first school's users."""
    return await build_school(session, code="s2")


@dataclass
class Chat:
    dp: Dispatcher
    bot: RecordingBot
    user_id: int
    language: str = "ru"

    async def send(self, text: str) -> None:
        await self.dp.feed_update(
            self.bot, make_message_update(self.user_id, text, language_code=self.language)
        )

    async def upload(self, file_id: str, file_name: str, data: bytes) -> None:
        self.bot.session.add_file(file_id, data)
        await self.dp.feed_update(
            self.bot,
            make_document_update(
                self.user_id,
                file_id=file_id,
                file_name=file_name,
                file_size=len(data),
                language_code=self.language,
            ),
        )

    async def press(self, data: Any) -> None:
        packed = data if isinstance(data, str) else data.pack()
        await self.dp.feed_update(
            self.bot, make_callback_update(self.user_id, packed, language_code=self.language)
        )

    async def press_text(self, contains: str) -> None:
        await self.press(self.button(contains))

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

    def texts(self) -> list[str]:
        return [str(r.text) for r in self.shown()]

    @property
    def markup(self) -> InlineKeyboardMarkup:
        shown = [r for r in self.shown() if r.reply_markup is not None]
        assert shown, "no keyboard shown"
        markup = shown[-1].reply_markup
        assert isinstance(markup, InlineKeyboardMarkup)
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

    def documents(self) -> list[tuple[str, bytes]]:
        out = []
        for r in self.bot.session.requests_of(SendDocument):
            if str(r.chat_id) == str(self.user_id) and isinstance(r.document, BufferedInputFile):
                out.append((r.document.filename or "", r.document.data))
        return out


@pytest.fixture
def chat(dp: Dispatcher, bot: RecordingBot, world: SchoolWorld) -> Any:
    def make(name: str, language: str = "ru") -> Chat:
        return Chat(dp, bot, USERS[name], language)

    return make
