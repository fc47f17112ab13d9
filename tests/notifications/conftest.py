"""Fixtures for delivery tests: a local Bot API server, an aiogram bot on it, a fake clock,
and a school world whose people have messenger bindings (chat id = 10_000 + person id).

Every test here is ``committed`` (tests/conftest.py): the worker delivers several messages at
once, each in a session of its own, and the scheduler, the daily tasks and the command lines
open connections of their own; on one connection inside one transaction they would not."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.common.transport import TelegramTransport
from notifications.pacing import MemoryPacer, PacingConfig
from notifications.worker import Worker, WorkerConfig
from services.enums import Messenger, OutboxStatus
from services.models import Account, MessengerBinding, OutboxMessage, Person
from services.notifications import outbox
from testkit.botapi import BotAPIServer
from tests.factories import NOW, SchoolWorld, build_school
from tests.testkit.conftest import close_bot, relaxed_limits
from tests.testkit.conftest import local_bot as make_bot

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.committed)


class FakeClock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, value: dt.datetime) -> None:
        self.now = value


def fast_pacing() -> PacingConfig:
    return PacingConfig(global_per_second=500, global_burst=50, private_per_second=100)


def chat_of(p: Person | int) -> int:
    return 10_000 + (p if isinstance(p, int) else p.id)


async def bind(
    session: AsyncSession, server: BotAPIServer | None, p: Person, *, language: str | None = None
) -> int:
    """A live binding for ``p`` (and an opened chat on the server); returns the chat id."""
    account = await session.scalar(select(Account).where(Account.person_id == p.id))
    assert account is not None
    if language is not None:
        account.language = language
    chat = chat_of(p)
    session.add(
        MessengerBinding(
            school_id=p.school_id,
            account_id=account.id,
            messenger=Messenger.TELEGRAM,
            external_user_id=str(chat),
            chat_id=str(chat),
        )
    )
    await session.commit()
    if server is not None:
        server.user(chat, first_name=p.first_name, last_name=p.last_name).open_chat()
    return chat


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer(limits=relaxed_limits()) as srv:
        yield srv


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    b = make_bot(server)
    yield b
    await close_bot(b)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def worker(session_factory: async_sessionmaker[AsyncSession], bot: Bot, clock: FakeClock) -> Worker:
    return Worker(
        session_factory,
        TelegramTransport(bot, request_timeout=5),
        pacer=MemoryPacer(fast_pacing()),
        clock=clock,
        config=WorkerConfig(backoff_base=1.0),
        worker_id="w1",
    )


@dataclass
class World:
    w: SchoolWorld
    chats: dict[str, int]


@pytest.fixture
async def world(session: AsyncSession, server: BotAPIServer) -> World:
    w = await build_school(session)
    chats = {}
    for name in ("parent", "parent2", "trusted", "class_teacher", "teacher", "deputy", "admin"):
        chats[name] = await bind(session, server, getattr(w, name))
    return World(w, chats)


async def rows(session: AsyncSession) -> list[OutboxMessage]:
    """The outbox as committed (read through a separate session)."""
    factory = async_sessionmaker(session.bind, expire_on_commit=False)
    async with factory() as fresh:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await fresh.scalars(q)).all())


async def align(session: AsyncSession, when: dt.datetime) -> None:
    """Journal use cases queue mark alerts at the real time; tests run on the fake clock."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before > when)
        .values(not_before=when)
    )
    await session.commit()


async def queue_mark_alert(
    session: AsyncSession,
    world: World,
    key: str,
    *,
    to: Person | None = None,
    value: int = 5,
    **kw: Any,
) -> None:
    """A ``value`` in "М" for the first pupil, queued (not committed) as an alert to ``to`` (by
    default the parent); ``kw``: urgent, not_before…"""
    w = world.w
    await outbox.enqueue(
        session,
        school_id=w.school.id,
        recipient_person_id=(to or w.parent).id,
        kind="mark.new",
        dedup_key=key,
        payload={"student_id": w.students[0].id, "subject": "М", "value": value},
        **kw,
    )
