"""/notice: a parent tells the school in advance that the child will miss a day (seed 000 §3.2).

Today, the next school day or a typed date or period; then the reason: ill, family reasons,
or a typed one. The class teacher is alerted by the service (outbox), not from here.
"""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on, show_pages
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
    parse_range,
)
from screens.family.actions import (
    NoticeCancelCb,
    NoticeDayCb,
    NoticeReasonCb,
    NoticeWithdrawCb,
)
from screens.family.render import date_long, date_short, header
from services.attendance import notices
from services.enums import AttendanceCode, Role
from services.people import family, policy
from services.people.identity import Actor
from services.school import school_days

REASON_CODES = {
    "ill": AttendanceCode.ILL,
    "family": AttendanceCode.EXCUSED,
    "other": AttendanceCode.ABSENT,
}


class NoticeForm(StatesGroup):
    dates = State()
    reason = State()


def _cancel_button(kb: InlineKeyboardBuilder, t: Translator, s: int) -> None:
    kb.button(text=t("notice.btn.cancel"), callback_data=NoticeCancelCb(s=s))


def days_keyboard(t: Translator, s: int, today: dt.date, next_day: dt.date) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("notice.btn.today", date=date_short(t, today)),
        callback_data=NoticeDayCb(s=s, a=today.toordinal()),
    )
    kb.button(
        text=t("notice.btn.next_day", date=date_short(t, next_day)),
        callback_data=NoticeDayCb(s=s, a=next_day.toordinal()),
    )
    kb.button(text=t("notice.btn.other_day"), callback_data=NoticeDayCb(s=s, a=0))
    _cancel_button(kb, t, s)
    kb.adjust(2, 1, 1)
    return kb.as_markup()


def reasons_keyboard(t: Translator, s: int, a: int, b: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for r in REASON_CODES:
        kb.button(text=t(f"notice.btn.{r}"), callback_data=NoticeReasonCb(s=s, a=a, b=b, r=r))
    _cancel_button(kb, t, s)
    kb.adjust(2, 1, 1)
    return kb.as_markup()


def dates_text(t: Translator, start: dt.date, end: dt.date) -> str:
    if start == end:
        return date_long(t, start, mid=True)
    return t("notice.period", start=date_short(t, start), end=date_short(t, end))


async def notice_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        return
    if not reader.has(Role.PARENT):
        await message.answer(t("notice.parents_only"))
        return
    await state.clear()
    student = await family.family_student(session, reader)
    now = now_of(family_clock)
    today = await family.today_for(session, reader, now)
    next_day = await school_days.next_school_day_for(session, reader, now)
    keyboard = days_keyboard(t, student.id, today, next_day)
    lines = [header(t, student)]
    for notice in await notices.upcoming_notices(session, reader, student.id, now=now):
        dates = dates_text(t, notice.date_from, notice.date_to)
        lines.append(t("notice.upcoming", dates=dates, reason=escape(notice.reason)))
        keyboard.inline_keyboard.insert(
            0,
            [
                InlineKeyboardButton(
                    text=t("notice.btn.withdraw", dates=dates),
                    callback_data=NoticeWithdrawCb(n=notice.id).pack(),
                )
            ],
        )
    lines.append(t("notice.ask_day"))
    await message.answer("\n".join(lines), reply_markup=keyboard)


async def notice_withdraw(
    callback: CallbackQuery,
    callback_data: NoticeWithdrawCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    notice = await notices.cancel_notice(session, actor, callback_data.n, now=now_of(family_clock))
    text = t("notice.withdrawn", dates=dates_text(t, notice.date_from, notice.date_to))
    await show_pages(callback, [text], None)


async def notice_day(
    callback: CallbackQuery,
    callback_data: NoticeDayCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    student = await family.family_student(session, reader, callback_data.s)
    # Only a parent of the child gives notice: checked before any prompt opens.
    await policy.ensure_can_give_notice(session, reader, student.id)
    s = student.id
    if callback_data.a == 0:
        await state.set_state(NoticeForm.dates)
        await state.update_data(s=s)
        kb = InlineKeyboardBuilder()
        _cancel_button(kb, t, s)
        await show_pages(
            callback, ["\n".join([header(t, student), t("notice.ask_dates")])], kb.as_markup()
        )
        return
    day = dt.date.fromordinal(callback_data.a)
    await state.clear()
    await show_pages(
        callback,
        ["\n".join([header(t, student), t("notice.ask_reason", dates=dates_text(t, day, day))])],
        reasons_keyboard(t, s, callback_data.a, callback_data.a),
    )


async def notice_dates_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        await state.clear()
        return
    data = await state.get_data()
    student = await family.family_student(session, reader, int(data.get("s", 0)))
    today = await family.today_for(session, reader, now_of(family_clock))
    found = parse_range(message.text or "", today)
    if found is None:
        await message.answer(t("notice.bad_dates"))
        return
    start, end = found
    await state.clear()
    await message.answer(
        "\n".join([header(t, student), t("notice.ask_reason", dates=dates_text(t, start, end))]),
        reply_markup=reasons_keyboard(t, student.id, start.toordinal(), end.toordinal()),
    )


async def _create(
    session: AsyncSession,
    actor: Actor,
    t: Translator,
    student_id: int,
    start: dt.date,
    end: dt.date,
    code: AttendanceCode,
    reason: str,
    now: dt.datetime,
) -> str:
    student = await family.family_student(session, actor, student_id)
    created = await notices.create_notice(
        session, actor, student.id, start, end, code, reason, now=now
    )
    key = "notice.done" if created.class_teacher_id is not None else "notice.done_no_teacher"
    return "\n".join(
        [
            header(t, student),
            t(key, dates=dates_text(t, start, end), reason=escape(created.reason)),
        ]
    )


async def notice_reason(
    callback: CallbackQuery,
    callback_data: NoticeReasonCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    code = REASON_CODES.get(callback_data.r)
    if code is None or callback_data.a <= 0 or callback_data.b <= 0:
        callback_answer.text = t("fallback.stale_button")
        return
    start, end = dt.date.fromordinal(callback_data.a), dt.date.fromordinal(callback_data.b)
    student = await family.family_student(session, reader, callback_data.s)
    await policy.ensure_can_give_notice(session, reader, student.id)
    if callback_data.r == "other":
        await state.set_state(NoticeForm.reason)
        await state.update_data(s=student.id, a=callback_data.a, b=callback_data.b)
        kb = InlineKeyboardBuilder()
        _cancel_button(kb, t, student.id)
        await show_pages(
            callback,
            ["\n".join([header(t, student), t("notice.ask_reason_text")])],
            kb.as_markup(),
        )
        return
    text = await _create(
        session,
        reader,
        t,
        student.id,
        start,
        end,
        code,
        t(f"notice.reason.{callback_data.r}"),
        now_of(family_clock),
    )
    await state.clear()
    await show_pages(callback, [text], None)


async def notice_reason_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        await state.clear()
        return
    data = await state.get_data()
    try:
        s, a, b = int(data["s"]), int(data["a"]), int(data["b"])
    except (KeyError, TypeError, ValueError):
        await state.clear()
        await message.answer(t("fallback.stale_button"))
        return
    text = await _create(
        session,
        reader,
        t,
        s,
        dt.date.fromordinal(a),
        dt.date.fromordinal(b),
        REASON_CODES["other"],
        message.text or "",
        now_of(family_clock),
    )
    await state.clear()
    await message.answer(text)


async def notice_cancel(
    callback: CallbackQuery,
    state: FSMContext,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    await state.clear()
    await show_pages(callback, [t("notice.cancelled")], None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(notice_command, Command("notice"))
    not_command = F.text & ~F.text.startswith("/")
    router.message.register(notice_dates_typed, NoticeForm.dates, not_command)
    router.message.register(notice_reason_typed, NoticeForm.reason, not_command)
    router.callback_query.register(notice_day, on(NoticeDayCb))
    router.callback_query.register(notice_reason, on(NoticeReasonCb))
    router.callback_query.register(notice_cancel, on(NoticeCancelCb))
    router.callback_query.register(notice_withdraw, on(NoticeWithdrawCb))
    return router
