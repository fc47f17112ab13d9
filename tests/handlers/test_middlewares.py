"""The middleware chain on its own, with small routers made for the test."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Translator, t
from bot.middlewares import setup_middlewares
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.models import School
from services.people.identity import Actor
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.handlers.conftest import World

seen: dict[str, Any] = {}


def make_dp(session_factory: async_sessionmaker[AsyncSession], router: Router) -> Dispatcher:
    dp = Dispatcher(storage=MemoryStorage(), session_factory=session_factory)
    setup_middlewares(dp)
    dp.include_router(router)
    return dp


def make_router() -> Router:
    router = Router(name="test")

    @router.message(F.text == "forbidden")
    async def forbidden(message: Message) -> None:
        raise AccessDenied()

    @router.message(F.text == "params")
    async def with_params(message: Message) -> None:
        raise DomainError("signin.already_signed_in", name="<script>x</script>")

    @router.message(F.text == "boom")
    async def boom(message: Message) -> None:
        raise RuntimeError("kaboom")

    @router.message(F.text == "value")
    async def value(message: Message) -> str:
        return "result-42"

    @router.message(F.text == "context")
    async def context(
        message: Message, actor: Actor | None, lang: str, t: Translator, session: AsyncSession
    ) -> str:
        seen.update(actor=actor, lang=lang, text=t("role.teacher"), session=session)
        return "ok"

    @router.message(F.text == "dirty")
    async def dirty(message: Message, session: AsyncSession) -> None:
        session.add(School(code="dirty", name="not committed"))
        await session.flush()
        seen["session"] = session

    @router.message(F.text == "clean")
    async def clean(message: Message, session: AsyncSession) -> None:
        session.add(School(code="clean", name="committed"))
        await session.commit()

    @router.callback_query(F.data == "forbidden")
    async def cb_forbidden(query: CallbackQuery) -> None:
        raise AccessDenied()

    @router.callback_query(F.data == "value")
    async def cb_value(query: CallbackQuery) -> str:
        return "cb-result"

    return router


@pytest.fixture
def tdp(session_factory: async_sessionmaker[AsyncSession]) -> Dispatcher:
    seen.clear()
    return make_dp(session_factory, make_router())


async def _schools(factory: async_sessionmaker[AsyncSession], code: str) -> int:
    async with factory() as s:
        return int(await s.scalar(select(func.count()).where(School.code == code)) or 0)


async def test_domain_error_is_translated(tdp: Dispatcher, bot: RecordingBot) -> None:
    await tdp.feed_update(bot, make_message_update(7001, "forbidden", language_code="en"))
    assert bot.session.sent_texts(7001) == [t("en", "error.forbidden")]


async def test_domain_error_params_are_escaped(tdp: Dispatcher, bot: RecordingBot) -> None:
    await tdp.feed_update(bot, make_message_update(7002, "params"))
    (text,) = bot.session.sent_texts(7002)
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    assert "<script>" not in text


async def test_domain_error_in_callback_is_one_alert(tdp: Dispatcher, bot: RecordingBot) -> None:
    await tdp.feed_update(bot, make_callback_update(7003, "forbidden"))
    (answer,) = bot.session.requests_of(AnswerCallbackQuery)
    assert answer.text == t("ru", "error.forbidden")
    assert answer.show_alert is True
    assert bot.session.requests_of(SendMessage) == []


async def test_callback_is_answered_and_result_kept(tdp: Dispatcher, bot: RecordingBot) -> None:
    result = await tdp.feed_update(bot, make_callback_update(7004, "value"))
    assert result == "cb-result"
    (answer,) = bot.session.requests_of(AnswerCallbackQuery)
    assert answer.text is None and not answer.show_alert


async def test_unexpected_error_gets_generic_answer_and_log(
    tdp: Dispatcher, bot: RecordingBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        await tdp.feed_update(bot, make_message_update(7005, "boom"))
    assert bot.session.sent_texts(7005) == [t("ru", "error.internal")]
    assert any(r.exc_info and "kaboom" in str(r.exc_info[1]) for r in caplog.records)


async def test_handler_result_survives_middlewares(tdp: Dispatcher, bot: RecordingBot) -> None:
    assert await tdp.feed_update(bot, make_message_update(7006, "value")) == "result-42"


async def test_context_for_guest_and_member(
    tdp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await tdp.feed_update(bot, make_message_update(7007, "context", language_code="en"))
    assert seen["actor"] is None and seen["lang"] == "en" and seen["text"] == "teacher"

    member = await world.signed_in(7008, Role.TEACHER, language="ru")
    await tdp.feed_update(bot, make_message_update(7008, "context", language_code="en"))
    actor = seen["actor"]
    assert isinstance(actor, Actor)
    assert actor.account_id == member.account_id and actor.roles == frozenset({Role.TEACHER})
    assert seen["lang"] == "ru" and seen["text"] == "учитель"


async def test_uncommitted_changes_are_rolled_back(
    tdp: Dispatcher, bot: RecordingBot, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await tdp.feed_update(bot, make_message_update(7009, "dirty"))
    session: AsyncSession = seen["session"]
    assert not session.in_transaction()
    assert await _schools(session_factory, "dirty") == 0

    await tdp.feed_update(bot, make_message_update(7009, "clean"))
    assert await _schools(session_factory, "clean") == 1


async def test_one_log_line_per_update(
    tdp: Dispatcher, bot: RecordingBot, caplog: pytest.LogCaptureFixture
) -> None:
    update = make_message_update(7010, "value")
    with caplog.at_level(logging.INFO, logger="bot.updates"):
        await tdp.feed_update(bot, update)
    (record,) = [r for r in caplog.records if r.name == "bot.updates"]
    fields = vars(record)
    assert fields["update_id"] == update.update_id
    assert fields["user_id"] == 7010
    assert fields["handler"].endswith("value")
    assert isinstance(fields["duration_ms"], float) and fields["duration_ms"] >= 0
    assert record.getMessage() != "value"  # the message text itself is never logged
