"""/diary: a child's diary for a day (today by default) or a week, in one message edited in
place with ◀ ▶; homework files are sent by a button."""

from __future__ import annotations

import datetime as dt

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import private
from handlers.common.screens import answer_screen, on, register_view, show_screen
from handlers.common.turn import Turn
from handlers.family.common import action_day, family_gate
from screens.family.diary import DiaryAction, DiaryFilesAction, diary_screen, files_screen
from services.homework import assignments
from services.people import family
from services.school import school_days
from services.school.calendar import school_days_around
from services.timetable import diary
from services.timetable.diary import DiaryPage


async def load_page(turn: Turn, action: DiaryAction | None) -> DiaryPage:
    """A button's child and day (or week), else the chat's child today."""
    session, actor, now = turn.session, turn.me, turn.now()
    student = await family.family_student(session, actor, action.s if action else None)
    day = (action_day(action.d) if action else None) or await family.today_for(session, actor, now)
    start, end = school_days.week_of(day) if action and action.w else (day, day)
    return await diary.diary_page(session, actor, student.id, start, end, now)


async def diary_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: DiaryAction | None = None
) -> None:
    """/diary (the chat's child, today), and the ◀ ▶ and week buttons."""
    page = await load_page(turn, callback_data)
    week = bool(callback_data and callback_data.w)
    around = (
        None if week else await school_days_around(turn.session, turn.me.school_id, page.date_from)
    )
    await answer_screen(event, diary_screen(turn.t, page, week=week, around=around))


async def files_button(
    callback: CallbackQuery,
    callback_data: DiaryFilesAction,
    turn: Turn,
    callback_answer: CallbackAnswer,
) -> None:
    session, reader, action = turn.session, turn.me, callback_data
    day = dt.date.fromordinal(max(action.d, 1))
    now = turn.now()
    if action.h:
        hw = await assignments.homework_page(session, reader, action.s, day, now)
        files = hw.files
    else:
        start, end = school_days.week_of(day) if action.w else (day, day)
        page = await diary.diary_page(session, reader, action.s, start, end, now)
        files = page.files
    if not files:
        callback_answer.text = turn.t("diary.no_files")
        return
    await show_screen(callback, files_screen(files))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    register_view(router, diary_view, "diary", DiaryAction)
    router.callback_query.register(files_button, on(DiaryFilesAction))
    return router
