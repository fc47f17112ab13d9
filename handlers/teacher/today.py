"""/today: the teacher's lessons of a day (substitutions included) and the lesson card.

A deputy or admin opens a colleague's day with ``/today <surname>``.
"""

from __future__ import annotations

import datetime as dt
import re

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.gate import gate
from handlers.common.screens import on, send_screen
from handlers.teacher.common import (
    READERS,
    TEACHING,
    Clock,
    local_time,
    local_today,
    now_of,
    show,
)
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
from services.models import Person
from services.people import class_teacher
from services.people.identity import Actor
from services.school.calendar import school_days_around
from services.timetable import lesson_sheet, teacher_day


async def _day(
    session: AsyncSession,
    actor: Actor,
    t: Translator,
    teacher_id: int,
    day: dt.date,
    now: dt.datetime,
    note: str = "",
) -> Screen:
    lessons = await teacher_day.teacher_lessons(session, actor, day, teacher_id)
    name = None
    if teacher_id != actor.person_id:
        person = await session.get(Person, teacher_id)
        name = person.short_name if person is not None else None
    return day_screen(
        t,
        lessons,
        teacher_id=teacher_id,
        teacher_name=name,
        day=day,
        today=local_today(actor, now),
        now=local_time(actor, now),
        around=await school_days_around(session, actor.school_id, day),
        note=note,
    )


async def today_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    await state.set_state(None)
    now = now_of(clock)
    query, day = parse_args(command.args or "", local_today(me, now))
    teacher_id = me.person_id
    if query:
        found = await class_teacher.find_teachers(session, me, query)
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
    await send_screen(message, await _day(session, me, t, teacher_id, day, now, note))


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


async def day_callback(
    query: CallbackQuery,
    callback_data: DayCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    await state.set_state(None)
    day = unpack_day(callback_data.day)
    await show(query, await _day(session, me, t, callback_data.teacher_id, day, now_of(clock)))


async def open_lesson(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    await state.set_state(None)
    sheet = await lesson_sheet.lesson_sheet(session, me, callback_data.lesson_id, now=now_of(clock))
    await show(query, card_screen(t, sheet))


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING, *READERS)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(today_command, Command("today"))
    router.callback_query.register(day_callback, on(DayCb))
    router.callback_query.register(open_lesson, on(LessonCb, F.action == "open"))
    return router
