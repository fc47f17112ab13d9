"""/timetable for every signed-in role: a family sees the child's timetable, staff their own
teaching timetable (and, by button, a class's: every class for the administration, their own
class for a class teacher); a day or a week, substitutions and cancelled lessons marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.family.callbacks import ClassTimetableCb, TimetableCb
from handlers.family.common import Clock, callback_reader, now_of, send_pages, show_pages
from handlers.family.render import date_button, timetable_messages
from services import family
from services.family import TimetablePage
from services.identity import Actor

MAX_CLASS_BUTTONS = 48


def timetable_keyboard(
    t: Translator,
    page: TimetablePage,
    *,
    week: bool,
    classes: Sequence[tuple[int, str]] = (),
) -> InlineKeyboardMarkup:
    s = page.student.id if page.student is not None else 0
    c = page.class_id

    def cb(d: int, w: int) -> TimetableCb | ClassTimetableCb:
        return ClassTimetableCb(c=c, d=d, w=w) if c is not None else TimetableCb(s=s, d=d, w=w)

    first = page.days[0].date
    step = dt.timedelta(days=7 if week else 1)
    prev_day, next_day = first - step, first + step
    w = int(week)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("diary.btn.prev", label=date_button(prev_day)),
        callback_data=cb(prev_day.toordinal(), w),
    )
    kb.button(
        text=t("diary.btn.this_week") if week else t("diary.btn.today"), callback_data=cb(0, w)
    )
    kb.button(
        text=t("diary.btn.next", label=date_button(next_day)),
        callback_data=cb(next_day.toordinal(), w),
    )
    if week:
        day = page.today if first <= page.today <= page.days[-1].date else first
        kb.button(text=t("diary.btn.day"), callback_data=cb(day.toordinal(), 0))
    else:
        kb.button(text=t("diary.btn.week"), callback_data=cb(first.toordinal(), 1))
    sizes = [3, 1]
    if c is not None:
        kb.button(
            text=t("family.timetable.btn_own"),
            callback_data=TimetableCb(s=0, d=first.toordinal(), w=w),
        )
        sizes.append(1)
    elif page.student is None and classes:
        shown = list(classes)[:MAX_CLASS_BUTTONS]
        for class_id, name in shown:
            kb.button(
                text=name, callback_data=ClassTimetableCb(c=class_id, d=first.toordinal(), w=w)
            )
        sizes.extend([6] * ((len(shown) + 5) // 6))
    kb.adjust(*sizes)
    return kb.as_markup()


async def staff_classes(
    session: AsyncSession, actor: Actor, page: TimetablePage
) -> list[tuple[int, str]]:
    if page.student is not None or page.class_id is not None:
        return []
    return await family.timetable_classes(session, actor, page.today)


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
    start, end = family.week_of(day) if week else (day, day)
    if student_id == 0 or (student_id is None and not await family.acts_as_family(session, actor)):
        return await family.staff_timetable(session, actor, start, end, now)
    student = await family.family_student(session, actor, student_id)
    return await family.family_timetable(session, actor, student.id, start, end, now)


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
    await send_pages(
        message,
        timetable_messages(t, page, week=False),
        timetable_keyboard(t, page, week=False, classes=classes),
    )


async def timetable_button(
    callback: CallbackQuery,
    callback_data: TimetableCb,
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
    await show_pages(
        callback,
        timetable_messages(t, page, week=week),
        timetable_keyboard(t, page, week=week, classes=classes),
    )


async def class_timetable_button(
    callback: CallbackQuery,
    callback_data: ClassTimetableCb,
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
    start, end = family.week_of(day) if week else (day, day)
    page = await family.class_timetable_page(session, reader, callback_data.c, start, end, now)
    await show_pages(
        callback, timetable_messages(t, page, week=week), timetable_keyboard(t, page, week=week)
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(timetable_command, Command("timetable"))
    router.callback_query.register(timetable_button, TimetableCb.filter())
    router.callback_query.register(class_timetable_button, ClassTimetableCb.filter())
    return router
