"""Every button press gets exactly one answerCallbackQuery: Telegram refuses a second one ("query
is too old … or query ID is invalid"), so a handler that answers by itself while the
CallbackAnswerMiddleware answers again logs an error on every press.

The convention: handlers never call ``query.answer()``; they set the text (and ``show_alert``)
of the middleware's ``callback_answer``, which answers once after the handler.
"""

from __future__ import annotations

import logging
import random

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.actions import Action
from services.messages import broadcasts
from services.models import Attendance, NewsReceipt
from testkit.recording import RecordingBot, make_callback_update
from tests.factories import NOW, SchoolWorld, absent_today
from tests.handlers.buttons import (
    GUEST,
    ROLE_USERS,
    answers_per_query,
    callback_classes,
    callback_routes,
    failures,
    field_choices,
    internal_errors,
    pack,
    world_ids,
)

# Callback routes without a data class, and a press for each (a new one must be added here).
OTHER_ROUTES = {
    "handlers.common.group.group_callback",
    "handlers.common.alerts.absence_reason",
    "handlers.common.alerts.news_ack",
    "handlers.common.fallback.stale_button",
}


@pytest.fixture
def world(signed_in_world: SchoolWorld) -> SchoolWorld:
    """Here ``world`` is the factories' school, everyone of ``ROLE_USERS`` signed in."""
    return signed_in_world


async def press(dp: Dispatcher, bot: RecordingBot, user_id: int, data: str) -> str:
    update = make_callback_update(user_id, data, message_text="…")
    await dp.feed_update(bot, update)
    assert update.callback_query is not None
    return update.callback_query.id


def answer_of(bot: RecordingBot, query_id: str) -> AnswerCallbackQuery:
    (answer,) = [
        r for r in bot.session.requests_of(AnswerCallbackQuery) if r.callback_query_id == query_id
    ]
    return answer


async def test_alert_buttons_and_guest_branches_are_answered_once(
    dp: Dispatcher,
    bot: RecordingBot,
    session: AsyncSession,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    s0 = world.students[0].id
    await absent_today(session, world, s0)
    att = await session.scalar(select(Attendance))
    assert att is not None
    news = await broadcasts.create_broadcast(
        session, world.actors["class_teacher"], class_id=world.cls.id, text="Собрание", now=NOW
    )
    parent = ROLE_USERS["parent"]
    with caplog.at_level(logging.INFO):
        reason = await press(dp, bot, parent, f"abs:{att.id}:ill")
        ack = await press(dp, bot, parent, f"news:ack:{news.id}")
        guest = [
            await press(dp, bot, GUEST, data)
            for data in (
                f"abs:{att.id}:ill",
                f"news:ack:{news.id}",
                f"t_les:{world.lesson_today.id}:cw",
                "nw:1",
                "lang:en",
                "role:teacher",
                "pref:marks:0",
                "pref:nonsense:1",
            )
        ]
    assert answer_of(bot, reason).text == t("ru", "alerts.reason_saved")
    assert answer_of(bot, ack).text == t("ru", "alerts.news_acknowledged")
    await session.refresh(att)
    assert att.family_reason == "ill"
    assert await session.get(NewsReceipt, (news.id, world.parent.id)) is not None
    counts = answers_per_query(bot)
    assert [counts[q] for q in (reason, ack, *guest)] == [1] * (2 + len(guest))
    alerts = [answer_of(bot, q) for q in guest]
    assert all(a.show_alert for a in alerts)
    assert failures(caplog.records) == []


async def test_every_callback_route_is_answered_exactly_once(
    dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each registered callback class, with each of its codes and real ids of the world, pressed
    by a guest and by three users of other roles (seeded): one answer per press, no error."""
    ids = world_ids(world)
    rng = random.Random(20261118)
    routes = callback_routes(dp)
    assert {r.name for r in routes if r.cls is None} == OTHER_ROUTES
    pressed: list[str] = []
    with caplog.at_level(logging.INFO):
        for cls in callback_classes(dp):
            choices = {name: field_choices(cls, name, ids) for name in cls.model_fields}
            widest = max((len(c) for c in choices.values()), default=1)
            for i in range(min(widest, 8)):
                values = {
                    name: c[i] if len(c) == widest else rng.choice(c) for name, c in choices.items()
                }
                data = pack(cls, values)
                users = [GUEST, *rng.sample(sorted(ROLE_USERS.values()), 3)]
                for user_id in users:
                    pressed.append(await press(dp, bot, user_id, data))
        for data in ("abs:1:ill", "news:ack:1", "zz:unknown"):
            for user_id in (GUEST, ROLE_USERS["parent"]):
                pressed.append(await press(dp, bot, user_id, data))
    counts = answers_per_query(bot)
    assert [q for q in pressed if counts[q] != 1] == []
    assert internal_errors(bot) == []
    assert failures(caplog.records) == []


def test_every_callback_class_checks_its_fields(dp: Dispatcher) -> None:
    """Every callback data class the bot registers is a screen's Action, whose
    fields are checked when a press is parsed."""
    classes = callback_classes(dp)
    assert len(classes) > 30
    checked = (Action,)
    assert [c.__name__ for c in classes if not issubclass(c, checked)] == []
