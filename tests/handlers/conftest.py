"""Handler tests: Updates fed to the real Dispatcher (routers + middlewares) with a recording
bot session, on a migrated database of each backend (fixtures in tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from screens.common.alerts import BroadcastCb
from services.enums import Role
from services.models import Account, Invite, Person, RoleGrant, School
from services.people.accounts import hash_token
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.factories import NOW, SchoolWorld, build_school, telegram_binding


@pytest.fixture
def dp(settings: Settings, session_factory: async_sessionmaker[AsyncSession]) -> Dispatcher:
    return create_dispatcher(settings, session_factory, storage=MemoryStorage())


@pytest.fixture
def clock() -> list[dt.datetime]:
    """The dispatcher's "now" for ``clocked_dp``; a test may move it: ``clock[0] = ...``."""
    return [NOW]


@pytest.fixture
def clocked_dp(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    clock: list[dt.datetime],
) -> Dispatcher:
    """The dispatcher whose clock is ``clock`` (the factories' NOW unless a test moves it)."""
    dispatcher = create_dispatcher(settings, session_factory, storage=MemoryStorage())
    dispatcher["clock"] = lambda: clock[0]
    return dispatcher


@dataclass
class BotChat:
    """One user's chat with the bot: sends text and reads what the bot showed in it."""

    dp: Dispatcher
    bot: RecordingBot
    user_id: int
    language: str = "ru"

    async def send(self, text: str) -> None:
        await self.dp.feed_update(
            self.bot, make_message_update(self.user_id, text, language_code=self.language)
        )

    async def press(self, data: str) -> None:
        raise NotImplementedError

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

    @property
    def markup(self) -> InlineKeyboardMarkup:
        raise NotImplementedError

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


@dataclass
class Member:
    school_id: int
    person_id: int
    account_id: int


class World:
    """Small factories: a school, people with roles and accounts, invites, bindings."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory
        self._seq = itertools.count(1)
        self._school_id: int | None = None

    async def school(self) -> int:
        if self._school_id is None:
            async with self.session_factory() as s:
                school = School(code="sch1", name="Школа № 1", timezone="Europe/Moscow")
                s.add(school)
                await s.commit()
                self._school_id = school.id
        return self._school_id

    async def member(
        self,
        *roles: Role,
        first_name: str = "Анна",
        last_name: str = "Иванова",
        language: str | None = None,
        blocked: bool = False,
    ) -> Member:
        school_id = await self.school()
        async with self.session_factory() as s:
            person = Person(school_id=school_id, last_name=last_name, first_name=first_name)
            s.add(person)
            await s.flush()
            for role in roles:
                s.add(RoleGrant(school_id=school_id, person_id=person.id, role=role))
            account = Account(
                school_id=school_id,
                person_id=person.id,
                login=f"user{next(self._seq)}",
                language=language,
                is_blocked=blocked,
            )
            s.add(account)
            await s.commit()
            return Member(school_id, person.id, account.id)

    async def invite(
        self, member: Member, token: str, *, expires_in: dt.timedelta = dt.timedelta(days=1)
    ) -> None:
        async with self.session_factory() as s:
            s.add(
                Invite(
                    school_id=member.school_id,
                    account_id=member.account_id,
                    token_hash=hash_token(token),
                    expires_at=dt.datetime.now(dt.UTC) + expires_in,
                )
            )
            await s.commit()

    async def bind(self, member: Member, user_id: int) -> None:
        async with self.session_factory() as s:
            s.add(telegram_binding(member.school_id, member.account_id, user_id))
            await s.commit()

    async def signed_in(self, user_id: int, *roles: Role, **kwargs: object) -> Member:
        member = await self.member(*roles, **kwargs)  # type: ignore[arg-type]
        await self.bind(member, user_id)
        return member


@pytest.fixture
def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    return World(session_factory)


async def compose_class_news(
    dp: Dispatcher,
    bot: RecordingBot,
    user_id: int,
    class_id: int,
    text: str,
    event: str | None = None,
) -> None:
    """The class teacher in chat ``user_id`` writes ``text`` to their class's families with
    /broadcast, up to the preview (not sent yet): the event's date typed (``event``, e.g.
    "25.12 18:00") or [Без даты]."""
    await dp.feed_update(bot, make_message_update(user_id, "/broadcast"))
    cls = BroadcastCb(action="cls", id=class_id).pack()
    await dp.feed_update(bot, make_callback_update(user_id, cls, message_text="…"))
    await dp.feed_update(bot, make_message_update(user_id, text))
    if event is not None:
        await dp.feed_update(bot, make_message_update(user_id, event))
    else:
        nodate = BroadcastCb(action="nodate").pack()
        await dp.feed_update(bot, make_callback_update(user_id, nodate, message_text="…"))


@pytest.fixture
async def signed_in_world(session: AsyncSession) -> SchoolWorld:
    """The factories' school with everyone of ``ROLE_USERS`` (tests/handlers/buttons.py)
    signed in to Telegram."""
    from tests.handlers.buttons import sign_in_everyone

    world = await build_school(session)
    await sign_in_everyone(session, world)
    return world
