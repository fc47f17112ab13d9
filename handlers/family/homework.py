"""/homework: what is to be ready for the next school day (or a day given: /homework 20.11),
with ◀ ▶ between school days and a button that sends the files."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import on, send_screen, show_screen
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
    parse_day,
)
from screens.family.diary import HomeworkAction, homework_screen
from screens.screen import Screen
from services.homework import assignments
from services.homework.assignments import HomeworkPage
from services.people import family
from services.people.identity import Actor
from services.school import school_days


async def homework_view(
    session: AsyncSession, actor: Actor, t: Translator, page: HomeworkPage
) -> Screen:
    calendar = await school_days.school_calendar(session, actor)
    prev_day = school_days.previous_school_day(calendar, page.day)
    next_day = school_days.next_school_day(calendar, page.day)
    return homework_screen(t, page, prev_day=prev_day, next_day=next_day)


async def _page(
    session: AsyncSession,
    actor: Actor,
    student_id: int | None,
    day: dt.date | None,
    now: dt.datetime,
) -> HomeworkPage:
    student = await family.family_student(session, actor, student_id)
    if day is None:
        day = await school_days.next_school_day_for(session, actor, now)
    return await assignments.homework_page(session, actor, student.id, day, now)


async def homework_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        return
    now = now_of(family_clock)
    day = None
    if command.args:
        day = parse_day(command.args, await family.today_for(session, reader, now))
        if day is None:
            await message.answer(t("family.bad_date"))
            return
    page = await _page(session, reader, None, day, now)
    await send_screen(message, await homework_view(session, reader, t, page))


async def homework_button(
    callback: CallbackQuery,
    callback_data: HomeworkAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    day = dt.date.fromordinal(callback_data.d) if callback_data.d > 0 else None
    page = await _page(session, reader, callback_data.s, day, now_of(family_clock))
    await show_screen(callback, await homework_view(session, reader, t, page))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(homework_command, Command("homework"))
    router.callback_query.register(homework_button, on(HomeworkAction))
    return router
