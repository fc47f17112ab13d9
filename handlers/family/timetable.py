"""/timetable for every signed-in role: a family sees the child's timetable, staff their own
teaching timetable (and, by button, a class's: every class for the administration, their own
class for a class teacher); a day or a week, substitutions and cancelled lessons marked."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate, private
from handlers.common.screens import answer_screen, on, register_view, show_screen
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


async def load_timetable(turn: Turn, action: TimetableAction | None) -> TimetablePage:
    """A button's timetable (a child's, or one's own teaching with ``s`` 0) of a day or week,
    else today's of the chat's child, or one's own for staff."""
    session, actor, now = turn.session, turn.me, turn.now()
    student_id = action.s if action else None
    day = (action_day(action.d) if action else None) or await family.today_for(session, actor, now)
    start, end = school_days.week_of(day) if action and action.w else (day, day)
    if student_id == 0 or (student_id is None and not await family.acts_as_family(session, actor)):
        return await timetable_reads.staff_timetable(session, actor, start, end, now)
    student = await family.family_student(session, actor, student_id)
    return await timetable_reads.family_timetable(session, actor, student.id, start, end, now)


async def timetable_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: TimetableAction | None = None
) -> None:
    """/timetable (the chat's child, or one's own teaching, today), and its ◀ ▶ and week
    buttons."""
    page = await load_timetable(turn, callback_data)
    week = bool(callback_data and callback_data.w)
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
    router = private(gate(Router(name=__name__), clock="family_clock"))  # any signed-in person
    register_view(router, timetable_view, "timetable", TimetableAction)
    router.callback_query.register(class_timetable_button, on(ClassTimetableAction))
    return router
