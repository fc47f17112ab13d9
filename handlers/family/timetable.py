"""/timetable for every signed-in role: a family sees the child's timetable, staff their own
teaching timetable (and, by button, a class's: every class for the administration, their own
class for a class teacher); a day or a week, substitutions and cancelled lessons marked."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import on, send_screen, show_screen
from handlers.family.common import Clock, callback_reader, now_of
from screens.family.timetable import ClassTimetableAction, TimetableAction, timetable_screen
from services.people import family
from services.people.identity import Actor
from services.school import school_days
from services.timetable import timetable_reads
from services.timetable.timetable_reads import TimetablePage


async def staff_classes(
    session: AsyncSession, actor: Actor, page: TimetablePage
) -> list[tuple[int, str]]:
    if page.student is not None or page.class_id is not None:
        return []
    return await timetable_reads.timetable_classes(session, actor, page.today)


async def load_timetable(
    session: AsyncSession,
    actor: Actor,
    student_id: int | None,
    day: dt.date | None,
    *,
    week: bool,
    now: dt.datetime,
) -> TimetablePage:
    if day is None:
        day = await family.today_for(session, actor, now)
    start, end = school_days.week_of(day) if week else (day, day)
    if student_id == 0 or (student_id is None and not await family.acts_as_family(session, actor)):
        return await timetable_reads.staff_timetable(session, actor, start, end, now)
    student = await family.family_student(session, actor, student_id)
    return await timetable_reads.family_timetable(session, actor, student.id, start, end, now)


async def timetable_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    family_clock: Clock | None = None,
) -> None:
    if actor is None:
        await message.answer(t("signin.required"))
        return
    page = await load_timetable(session, actor, None, None, week=False, now=now_of(family_clock))
    classes = await staff_classes(session, actor, page)
    await send_screen(message, timetable_screen(t, page, week=False, classes=classes))


async def timetable_button(
    callback: CallbackQuery,
    callback_data: TimetableAction,
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
    week = bool(callback_data.w)
    page = await load_timetable(
        session, reader, callback_data.s, day, week=week, now=now_of(family_clock)
    )
    classes = await staff_classes(session, reader, page)
    await show_screen(callback, timetable_screen(t, page, week=week, classes=classes))


async def class_timetable_button(
    callback: CallbackQuery,
    callback_data: ClassTimetableAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    now = now_of(family_clock)
    day = (
        dt.date.fromordinal(callback_data.d)
        if callback_data.d > 0
        else await family.today_for(session, reader, now)
    )
    week = bool(callback_data.w)
    start, end = school_days.week_of(day) if week else (day, day)
    page = await timetable_reads.class_timetable_page(
        session, reader, callback_data.c, start, end, now
    )
    await show_screen(callback, timetable_screen(t, page, week=week))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(timetable_command, Command("timetable"))
    router.callback_query.register(timetable_button, on(TimetableAction))
    router.callback_query.register(class_timetable_button, on(ClassTimetableAction))
    return router
