"""/diary: a child's diary for a day (today by default) or a week, in one message edited in
place with ◀ ▶; homework files are sent by a button."""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.family.callbacks import DiaryCb, DiaryFilesCb
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
    send_pages,
    show_pages,
)
from screens.family.render import date_button, diary_messages
from services import family
from services.calendar import school_days_around
from services.family import DiaryPage
from services.identity import Actor


def diary_keyboard(
    t: Translator,
    page: DiaryPage,
    *,
    week: bool,
    around: tuple[dt.date, dt.date] | None = None,
) -> InlineKeyboardMarkup:
    """``around``: the school days before and after the page's day, where "◀" and "▶" of the
    day view lead (weekends and holidays skipped); the calendar neighbours without it."""
    kb = InlineKeyboardBuilder()
    s = page.student.id
    if week:
        prev_start = page.date_from - dt.timedelta(days=7)
        next_start = page.date_from + dt.timedelta(days=7)
        kb.button(
            text=t("diary.btn.prev", label=date_button(prev_start)),
            callback_data=DiaryCb(s=s, d=prev_start.toordinal(), w=1),
        )
        kb.button(text=t("diary.btn.this_week"), callback_data=DiaryCb(s=s, d=0, w=1))
        kb.button(
            text=t("diary.btn.next", label=date_button(next_start)),
            callback_data=DiaryCb(s=s, d=next_start.toordinal(), w=1),
        )
        day = page.today if page.date_from <= page.today <= page.date_to else page.date_from
        kb.button(text=t("diary.btn.day"), callback_data=DiaryCb(s=s, d=day.toordinal()))
    else:
        day = page.date_from
        prev_day, next_day = around or (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
        kb.button(
            text=t("diary.btn.prev", label=date_button(prev_day)),
            callback_data=DiaryCb(s=s, d=prev_day.toordinal()),
        )
        kb.button(text=t("diary.btn.today"), callback_data=DiaryCb(s=s, d=0))
        kb.button(
            text=t("diary.btn.next", label=date_button(next_day)),
            callback_data=DiaryCb(s=s, d=next_day.toordinal()),
        )
        kb.button(text=t("diary.btn.week"), callback_data=DiaryCb(s=s, d=day.toordinal(), w=1))
    sizes = [3, 1]
    files = page.files
    if files:
        kb.button(
            text=t("diary.btn.files", n=len(files)),
            callback_data=DiaryFilesCb(s=s, d=page.date_from.toordinal(), w=int(week)),
        )
        sizes = [3, 2]
    kb.adjust(*sizes)
    return kb.as_markup()


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
    start, end = family.week_of(day) if week else (day, day)
    return await family.diary_page(session, actor, student.id, start, end, now)


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
    await send_pages(
        message,
        diary_messages(t, page, week=False),
        diary_keyboard(t, page, week=False, around=around),
    )


async def diary_button(
    callback: CallbackQuery,
    callback_data: DiaryCb,
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
    await show_pages(
        callback,
        diary_messages(t, page, week=week),
        diary_keyboard(t, page, week=week, around=around),
    )


async def send_files(
    bot: Bot,
    chat_id: int,
    files: list[tuple[str, str, str | None]],
) -> None:
    """Send homework files by their messenger references (one message each)."""
    seen: set[str] = set()
    for kind, ref, name in files:
        if ref in seen:
            continue
        seen.add(ref)
        caption = escape(name) if name else None
        if kind == "photo":
            await bot.send_photo(chat_id, ref, caption=caption)
        else:
            await bot.send_document(chat_id, ref, caption=caption)


async def files_button(
    callback: CallbackQuery,
    callback_data: DiaryFilesCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    bot: Bot,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    day = dt.date.fromordinal(max(callback_data.d, 1))
    now = now_of(family_clock)
    if callback_data.h:
        hw = await family.homework_page(session, reader, callback_data.s, day, now)
        files = hw.files
    else:
        start, end = family.week_of(day) if callback_data.w else (day, day)
        page = await family.diary_page(session, reader, callback_data.s, start, end, now)
        files = page.files
    if not files:
        callback_answer.text = t("diary.no_files")
        return
    assert callback.from_user is not None
    await send_files(bot, callback.from_user.id, files)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(diary_command, Command("diary"))
    router.callback_query.register(diary_button, DiaryCb.filter())
    router.callback_query.register(files_button, DiaryFilesCb.filter())
    return router
