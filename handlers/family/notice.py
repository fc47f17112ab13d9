"""/notice: a parent tells the school in advance that the child will miss a day (seed 000 §3.2).

The screens and the typed steps (dates, then a reason) are described in screens/family/notice.py;
this adapter loads, calls the use cases and shows. The class teacher is alerted by the service
(outbox), not from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.conversation import ConversationRunner
from handlers.common.gate import private
from handlers.common.screens import on, send_screen, show_screen
from handlers.family.common import Clock, callback_reader, family_reader, now_of
from i18n import Translator
from screens.family.actions import NoticeDayCb, NoticeReasonCb, NoticeWithdrawCb
from screens.family.notice import (
    NOTICE,
    REASON_CODES,
    days_screen,
    done_screen,
    reasons_screen,
    withdrawn_screen,
)
from screens.screen import Screen
from services.attendance import notices
from services.enums import AttendanceCode, Role
from services.people import family, policy
from services.people.identity import Actor
from services.school import school_days


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
    upcoming = await notices.upcoming_notices(session, reader, student.id, now=now)
    await send_screen(message, days_screen(t, student, today, next_day, upcoming))


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
    await show_screen(callback, withdrawn_screen(t, notice))


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
    if callback_data.a == 0:
        await RUNNER.ask(callback, state, t, "dates", {"s": student.id}, {"student": student})
        return
    day = dt.date.fromordinal(callback_data.a)
    await state.clear()
    await show_screen(callback, reasons_screen(t, student, day, day))


async def notice_facts(
    message: Message,
    step: str,
    values: dict[str, Any],
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    family_clock: Clock | None = None,
) -> dict[str, Any] | None:
    """What a typed answer needs: the signed-in family member; for the dates, the child and the
    school's today."""
    reader = await family_reader(message, actor, t)
    if reader is None:
        return None
    if step != "dates":
        return {"reader": reader}
    student = await family.family_student(session, reader, int(values.get("s", 0)))
    today = await family.today_for(session, reader, now_of(family_clock))
    return {"reader": reader, "student": student, "today": today}


async def dates_typed(
    message: Message, values: dict[str, Any], facts: dict[str, Any], t: Translator
) -> None:
    start, end = values["dates"]
    await send_screen(message, reasons_screen(t, facts["student"], start, end))


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
) -> Screen:
    student = await family.family_student(session, actor, student_id)
    created = await notices.create_notice(
        session, actor, student.id, start, end, code, reason, now=now
    )
    told = created.class_teacher_id is not None
    return done_screen(t, student, start, end, created.reason, told_teacher=told)


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
        values = {"s": student.id, "a": callback_data.a, "b": callback_data.b}
        await RUNNER.ask(callback, state, t, "reason", values, {"student": student})
        return
    reason = t(f"notice.reason.{callback_data.r}")
    screen = await _create(
        session, reader, t, student.id, start, end, code, reason, now_of(family_clock)
    )
    await state.clear()
    await show_screen(callback, screen)


async def reason_typed(
    message: Message,
    values: dict[str, Any],
    facts: dict[str, Any],
    session: AsyncSession,
    t: Translator,
    family_clock: Clock | None = None,
) -> None:
    try:
        s, a, b = int(values["s"]), int(values["a"]), int(values["b"])
    except (KeyError, TypeError, ValueError):
        await message.answer(t("fallback.stale_button"))
        return
    screen = await _create(
        session,
        facts["reader"],
        t,
        s,
        dt.date.fromordinal(a),
        dt.date.fromordinal(b),
        REASON_CODES["other"],
        values["reason"],
        now_of(family_clock),
    )
    await send_screen(message, screen)


RUNNER = ConversationRunner(
    NOTICE, finish={"dates": dates_typed, "reason": reason_typed}, facts=notice_facts
)


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(notice_command, Command("notice"))
    RUNNER.register(router)  # the typed dates and reason; the cancel button
    router.callback_query.register(notice_day, on(NoticeDayCb))
    router.callback_query.register(notice_reason, on(NoticeReasonCb))
    router.callback_query.register(notice_withdraw, on(NoticeWithdrawCb))
    return router
