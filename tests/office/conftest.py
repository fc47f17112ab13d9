"""Handler fixtures for the office's flows (/reports, /admin): the factories' school with its
staff and a parent signed in to Telegram, a dispatcher whose clock is the factories' NOW, and a
``Chat`` that sends, uploads, presses and reads what the bot showed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from screens.admin.actions import OfficeCb
from testkit.recording import RecordingBot, make_callback_update, make_document_update
from tests.factories import SchoolWorld, bind_chats, build_school
from tests.handlers.conftest import BotChat, clock  # noqa: F401  (fixtures)
from tests.handlers.conftest import clocked_dp as dp  # noqa: F401

USERS = {
    "admin": 300,
    "director": 301,
    "deputy": 302,
    "teacher": 303,
    "class_teacher": 304,
    "parent": 305,
}


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
class Chat(BotChat):
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

    def texts(self) -> list[str]:
        return [str(r.text) for r in self.shown()]

    @property
    def markup(self) -> InlineKeyboardMarkup:
        shown = [r for r in self.shown() if r.reply_markup is not None]
        assert shown, "no keyboard shown"
        markup = shown[-1].reply_markup
        assert isinstance(markup, InlineKeyboardMarkup)
        return markup

    def documents(self) -> list[tuple[str, bytes]]:
        out = []
        for r in self.bot.session.requests_of(SendDocument):
            if str(r.chat_id) == str(self.user_id) and isinstance(r.document, BufferedInputFile):
                out.append((r.document.filename or "", r.document.data))
        return out


@pytest.fixture
def chat(dp: Dispatcher, bot: RecordingBot, world: SchoolWorld) -> Any:  # noqa: F811
    return lambda name, language="ru": Chat(dp, bot, USERS[name], language)


async def open_tool(user: Chat, action: str, *choices: str) -> str:
    """``user`` opens an office tool from /admin and presses the buttons labelled ``choices``
    in turn; returns the text then shown."""
    await user.send("/admin")
    await user.press(OfficeCb(action=action))
    for label in choices:
        await user.press_text(label)
    return user.text


class Held:
    """A blocking function (run off the event loop) made to wait, once entered, until the test
    lets it go: proof that other users are answered meanwhile."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.entered, self.release = threading.Event(), threading.Event()
        self.waited: list[bool] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        self.waited.append(self.release.wait(timeout=30))
        return self.fn(*args, **kwargs)

    async def answered_meanwhile(self, work: Awaitable[object], other: Chat) -> list[str]:
        """Start ``work``; once it holds here, ``other`` asks for /help; then let it finish.
        Returns what ``other`` was shown."""
        task = asyncio.ensure_future(work)
        try:
            assert await asyncio.to_thread(self.entered.wait, 30)
            await other.send("/help")
            return other.texts()
        finally:
            self.release.set()
            await task
