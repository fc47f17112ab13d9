"""A control work set from the lesson card: proposed by the teacher, agreed by the deputy."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import EditMessageText
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from screens.teacher.actions import LessonCb
from services.models import ControlWork
from services.timetable import control_works
from testkit.recording import RecordingBot, make_callback_update
from tests.factories import SchoolWorld
from tests.teacher.conftest import USERS


async def press(dp: Dispatcher, bot: RecordingBot, who: str, data: str) -> None:
    await dp.feed_update(bot, make_callback_update(USERS[who], data, message_text="…"))


async def test_teacher_proposes_and_the_deputy_agrees(
    dp: Dispatcher, bot: RecordingBot, world: SchoolWorld, session: AsyncSession
) -> None:
    data = LessonCb(lesson_id=world.lesson_today.id, action="cw").pack()
    # A colleague who does not teach this subject in the class cannot.
    await press(dp, bot, "colleague", data)
    assert await session.scalar(select(func.count()).select_from(ControlWork)) == 0
    await press(dp, bot, "teacher", data)
    text = bot.session.requests_of(EditMessageText)[-1].text or ""
    assert "предложена" in text
    cw = await session.scalar(select(ControlWork))
    assert cw is not None and cw.agreed_at is None and cw.date == world.lesson_today.date
    # Twice on one day: refused with a message, nothing added.
    await press(dp, bot, "teacher", data)
    assert await session.scalar(select(func.count()).select_from(ControlWork)) == 1
    await control_works.agree_control_work(session, world.actors["deputy"], cw.id)
    await session.refresh(cw)
    assert cw.agreed_at is not None


async def test_too_many_on_one_day_is_a_warning(
    dp: Dispatcher, bot: RecordingBot, world: SchoolWorld
) -> None:
    await press(
        dp, bot, "colleague", LessonCb(lesson_id=world.lesson_colleague.id, action="cw").pack()
    )
    await press(dp, bot, "teacher", LessonCb(lesson_id=world.lesson_today.id, action="cw").pack())
    text = bot.session.requests_of(EditMessageText)[-1].text or ""
    assert "⚠️" in text and "7А" in text


async def test_deputy_agrees_in_the_office_menu(
    dp: Dispatcher, bot: RecordingBot, world: SchoolWorld, session: AsyncSession
) -> None:
    from handlers.admin.control import ControlCb
    from screens.admin.actions import OfficeCb

    await press(dp, bot, "teacher", LessonCb(lesson_id=world.lesson_future.id, action="cw").pack())
    cw = await session.scalar(select(ControlWork))
    assert cw is not None and cw.agreed_at is None
    # A teacher cannot agree, even with a forged button.
    await press(dp, bot, "teacher", ControlCb(id=cw.id).pack())
    await session.refresh(cw)
    assert cw.agreed_at is None
    bot.session.clear()
    await press(dp, bot, "deputy", OfficeCb(action="cw").pack())
    listing = bot.session.requests_of(EditMessageText)[-1].text or ""
    assert "⏳" in listing and "Математика" in listing
    await press(dp, bot, "deputy", ControlCb(id=cw.id).pack())
    await session.refresh(cw)
    assert cw.agreed_at is not None
