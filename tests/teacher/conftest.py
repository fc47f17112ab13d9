"""Handler fixtures for the teacher's flows: the factories' school (tests/factories.py) with
its staff signed in to Telegram, a dispatcher whose clock is the factories' NOW, and helpers to
press buttons and read what the bot showed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from testkit.recording import RecordingBot, make_callback_update, make_document_update
from tests.factories import SchoolWorld, bind_chats, build_school
from tests.handlers.conftest import BotChat, clock  # noqa: F401  (fixtures)
from tests.handlers.conftest import clocked_dp as dp  # noqa: F401

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
async def world(session: AsyncSession) -> SchoolWorld:
    w = await build_school(session)
    await bind_chats(session, w, USERS)
    return w


@dataclass
class Chat(BotChat):
    """One user's chat with the bot: sends, presses, and counts the interactions."""

    interactions: int = 0
    message_id: int = 1
    seen: list[Any] = field(default_factory=list)

    async def send(self, text: str) -> None:
        self.interactions += 1
        await super().send(text)

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

    @property
    def markup(self) -> InlineKeyboardMarkup:
        shown = self.shown()
        assert shown, "the bot showed nothing"
        markup = shown[-1].reply_markup
        assert isinstance(markup, InlineKeyboardMarkup), "no inline keyboard"
        return markup

    def answers(self) -> list[str]:
        return [str(r.text) for r in self.bot.session.requests_of(AnswerCallbackQuery) if r.text]


@pytest.fixture
def chat(dp: Dispatcher, bot: RecordingBot, world: SchoolWorld) -> Any:  # noqa: F811
    return lambda name, language="ru": Chat(dp, bot, USERS[name], language)
