"""/today: the teacher's lessons of a day (substitutions included) and the lesson card.

A deputy or admin opens a colleague's day with ``/today <surname>``.
"""

from __future__ import annotations

import datetime as dt
import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen
from handlers.common.turn import Turn
from handlers.teacher.common import READERS, TEACHING, local_time, local_today, sheet_now, show
from screens.bounds import day_in_window, typed_query, window_error
from screens.screen import Screen
from screens.teacher.actions import DayCb, LessonCb
from screens.teacher.card import card_screen
from screens.teacher.common import unpack_day
from screens.teacher.today import (
    day_screen,
    no_teacher_screen,
    pick_teacher_screen,
    reader_hint_screen,
)
from services.errors import DomainError
from services.people import class_teacher
from services.school.calendar import school_days_around
from services.timetable import teacher_day


async def _day(turn: Turn, teacher_id: int, day: dt.date, note: str = "") -> Screen:
    session, actor, now = turn.session, turn.me, turn.now()
    lessons = await teacher_day.teacher_lessons(session, actor, day, teacher_id)
    name = await teacher_day.teacher_name(session, actor, teacher_id)
    return day_screen(
        turn.t,
        lessons,
        teacher_id=teacher_id,
        teacher_name=name,
        day=day,
        today=local_today(actor, now),
        now=local_time(actor, now),
        around=await school_days_around(session, actor.school_id, day),
        note=note,
    )


async def today_command(message: Message, command: CommandObject, turn: Turn) -> None:
    me, t = turn.me, turn.t
    await turn.state.set_state(None)
    query, day = parse_args(command.args or "", local_today(me, turn.now()))
    teacher_id = me.person_id
    if query:
        found = await class_teacher.find_teachers(turn.session, me, query)
        if not found:
            await send_screen(message, no_teacher_screen(t, query))
            return
        if len(found) > 1:
            await send_screen(message, pick_teacher_screen(t, found, day))
            return
        teacher_id = found[0].id
    elif not me.has(*TEACHING):
        await send_screen(message, reader_hint_screen(t))
        return
    note = t("teacher.day.reader_hint") if not query and me.has(*READERS) else ""
    await send_screen(message, await _day(turn, teacher_id, day, note))


_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4}))?$|^(\d{4})-(\d{2})-(\d{2})$")


def parse_args(args: str, today: dt.date) -> tuple[str, dt.date]:
    """``/today [surname] [date]``: the date as 03.11, 03.11.2026 or 2026-11-03 (without a
    year: the nearest such date); the rest is a teacher's surname."""
    words = []
    day = today
    for word in args.split():
        m = _DATE.match(word)
        if m is None:
            words.append(word)
            continue
        try:
            if m.group(4):
                day = dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            elif m.group(3):
                year = int(m.group(3))
                day = dt.date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
            else:
                candidates = [
                    dt.date(today.year + k, int(m.group(2)), int(m.group(1))) for k in (-1, 0, 1)
                ]
                day = min(candidates, key=lambda d: abs((d - today).days))
        except (ValueError, OverflowError) as exc:
            raise DomainError("teacher.day.bad_date") from exc
        if not day_in_window(day):
            raise window_error()
    return typed_query(" ".join(words)), day


async def day_callback(query: CallbackQuery, callback_data: DayCb, turn: Turn) -> None:
    await turn.state.set_state(None)
    await show(query, await _day(turn, callback_data.teacher_id, unpack_day(callback_data.day)))


async def open_lesson(query: CallbackQuery, callback_data: LessonCb, turn: Turn) -> None:
    await turn.state.set_state(None)
    await show(query, card_screen(turn.t, await sheet_now(turn, callback_data.lesson_id)))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *TEACHING, *READERS))
    router.message.register(today_command, Command("today"))
    router.callback_query.register(day_callback, on(DayCb))
    router.callback_query.register(open_lesson, on(LessonCb, F.action == "open"))
    return router
