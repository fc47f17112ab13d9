"""/diary: a child's diary for a day (today by default) or a week, in one message edited in
place with ◀ ▶; homework files are sent by a button."""

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
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
)
from screens.family.diary import DiaryAction, DiaryFilesAction, diary_screen, files_screen
from services.homework import assignments
from services.people import family
from services.people.identity import Actor
from services.school import school_days
from services.school.calendar import school_days_around
from services.timetable import diary
from services.timetable.diary import DiaryPage


async def load_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int | None,
    day: dt.date | None,
    *,
    week: bool,
    now: dt.datetime,
) -> DiaryPage:
    student = await family.family_student(session, actor, student_id)
    if day is None:
        day = await family.today_for(session, actor, now)
    start, end = school_days.week_of(day) if week else (day, day)
    return await diary.diary_page(session, actor, student.id, start, end, now)


async def diary_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        return
    page = await load_page(session, reader, None, None, week=False, now=now_of(family_clock))
    around = await school_days_around(session, reader.school_id, page.date_from)
    await send_screen(message, diary_screen(t, page, week=False, around=around))


async def diary_button(
    callback: CallbackQuery,
    callback_data: DiaryAction,
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
    page = await load_page(
        session, reader, callback_data.s, day, week=week, now=now_of(family_clock)
    )
    around = None if week else await school_days_around(session, reader.school_id, page.date_from)
    await show_screen(callback, diary_screen(t, page, week=week, around=around))


async def files_button(
    callback: CallbackQuery,
    callback_data: DiaryFilesAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    day = dt.date.fromordinal(max(callback_data.d, 1))
    now = now_of(family_clock)
    if callback_data.h:
        hw = await assignments.homework_page(session, reader, callback_data.s, day, now)
        files = hw.files
    else:
        start, end = school_days.week_of(day) if callback_data.w else (day, day)
        page = await diary.diary_page(session, reader, callback_data.s, start, end, now)
        files = page.files
    if not files:
        callback_answer.text = t("diary.no_files")
        return
    await show_screen(callback, files_screen(files))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(diary_command, Command("diary"))
    router.callback_query.register(diary_button, on(DiaryAction))
    router.callback_query.register(files_button, on(DiaryFilesAction))
    return router
