"""/homework: what is to be ready for the next school day (or a day given: /homework 20.11),
with ◀ ▶ between school days and a button that sends the files."""

from __future__ import annotations

import datetime as dt

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from handlers.family.common import action_day, family_gate, parse_day
from screens.family.diary import HomeworkAction, homework_screen
from screens.screen import Screen
from services.homework import assignments
from services.homework.assignments import HomeworkPage
from services.people import family
from services.school import school_days


async def homework_view(turn: Turn, page: HomeworkPage) -> Screen:
    calendar = await school_days.school_calendar(turn.session, turn.me)
    prev_day = school_days.previous_school_day(calendar, page.day)
    next_day = school_days.next_school_day(calendar, page.day)
    return homework_screen(turn.t, page, prev_day=prev_day, next_day=next_day)


async def _page(turn: Turn, student_id: int | None, day: dt.date | None) -> HomeworkPage:
    student = await family.family_student(turn.session, turn.me, student_id)
    now = turn.now()
    if day is None:
        day = await school_days.next_school_day_for(turn.session, turn.me, now)
    return await assignments.homework_page(turn.session, turn.me, student.id, day, now)


async def homework_command(message: Message, command: CommandObject, turn: Turn) -> None:
    day = None
    if command.args:
        today = await family.today_for(turn.session, turn.me, turn.now())
        day = parse_day(command.args, today)
        if day is None:
            await message.answer(turn.t("family.bad_date"))
            return
    await send_screen(message, await homework_view(turn, await _page(turn, None, day)))


async def homework_button(
    callback: CallbackQuery, callback_data: HomeworkAction, turn: Turn
) -> None:
    page = await _page(turn, callback_data.s, action_day(callback_data.d))
    await show_screen(callback, await homework_view(turn, page))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    router.message.register(homework_command, Command("homework"))
    router.callback_query.register(homework_button, on(HomeworkAction))
    return router
