"""/timetable for every signed-in role: a family sees the child's timetable, staff their own
teaching timetable (and, by button, a class's: every class for the administration, their own
class for a class teacher); a day or a week, substitutions and cancelled lessons marked."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate
from handlers.common.screens import answer_screen, on, show_screen
from handlers.common.turn import Turn
from handlers.family.common import action_day
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


async def timetable_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: TimetableAction | None = None
) -> None:
    """/timetable (the chat's child, or one's own teaching, today), and its ◀ ▶ and week
    buttons."""
    action = callback_data
    week = bool(action and action.w)
    page = await load_timetable(
        turn.session,
        turn.me,
        action.s if action else None,
        action_day(action.d) if action else None,
        week=week,
        now=turn.now(),
    )
    classes = await staff_classes(turn.session, turn.me, page)
    await answer_screen(event, timetable_screen(turn.t, page, week=week, classes=classes))


async def class_timetable_button(
    callback: CallbackQuery, callback_data: ClassTimetableAction, turn: Turn
) -> None:
    now = turn.now()
    day = action_day(callback_data.d) or await family.today_for(turn.session, turn.me, now)
    week = bool(callback_data.w)
    start, end = school_days.week_of(day) if week else (day, day)
    page = await timetable_reads.class_timetable_page(
        turn.session, turn.me, callback_data.c, start, end, now
    )
    await show_screen(callback, timetable_screen(turn.t, page, week=week))


def build_router() -> Router:
    router = gate(Router(name=__name__), clock="family_clock")  # any signed-in person
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(timetable_view, Command("timetable"))
    router.callback_query.register(timetable_view, on(TimetableAction))
    router.callback_query.register(class_timetable_button, on(ClassTimetableAction))
    return router
