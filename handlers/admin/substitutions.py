"""Substitutions for any date: the day picker (today, tomorrow, the week ahead, a date typed),
the class of that day (then handlers/admin/tools.py: the lessons and the teachers), and the
log of a period's substitutions, on the screen or as a spreadsheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin import substitutions as screens
from screens.admin import tools as tool_screens
from screens.admin.actions import OfficeCb
from screens.admin.substitutions import CancelCb, SubDayCb, SubLogCb
from screens.common.dates import parse_day
from screens.screen import Screen
from screens.teacher.common import unpack_day
from services.errors import DomainError
from services.school import audit_trail, office_reads
from services.timetable import cancellations, substitutions


class SubForm(StatesGroup):
    day = State()
    cancel_reason = State()


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


async def open_days(query: CallbackQuery, turn: Turn) -> None:
    """/admin → Substitutions: the day first."""
    await turn.state.clear()
    office_reads.ensure_office(turn.me, "substitution")
    today = await office_reads.today_of(turn.session, turn.me, turn.now())
    await show_screen(query, screens.days_screen(turn.t, today))


async def day_action(query: CallbackQuery, callback_data: SubDayCb, turn: Turn) -> None:
    cb = callback_data
    office_reads.ensure_office(turn.me, "substitution")
    if cb.action == "days":
        await turn.state.clear()
        today = await office_reads.today_of(turn.session, turn.me, turn.now())
        await show_screen(query, screens.days_screen(turn.t, today))
    elif cb.action == "type":
        await turn.state.set_state(SubForm.day)
        await show_screen(query, screens.ask_day_screen(turn.t))
    elif cb.action == "cls" and cb.day:
        day = unpack_day(cb.day)
        classes = await office_reads.office_classes(turn.session, turn.me)
        await show_screen(query, screens.classes_screen(turn.t, day, classes, cb.page))
    else:
        raise DomainError("error.invalid")


async def day_typed(message: Message, turn: Turn) -> None:
    office_reads.ensure_office(turn.me, "substitution")
    today = await office_reads.today_of(turn.session, turn.me, turn.now())
    day = parse_day(message.text or "", today)
    if day is None:
        await send_screen(message, screens.bad_day_screen(turn.t))
        return
    await turn.state.clear()
    classes = await office_reads.office_classes(turn.session, turn.me)
    await send_screen(message, screens.classes_screen(turn.t, day, classes, 0, replace=False))


async def log_action(query: CallbackQuery, callback_data: SubLogCb, turn: Turn) -> None:
    today = await office_reads.today_of(turn.session, turn.me, turn.now())
    start, end = screens.log_period(callback_data.per, today)
    rows = await substitutions.substitution_log(turn.session, turn.me, start, end)
    if callback_data.fmt == "xlsx":
        await show_screen(query, screens.log_file_screen(turn.t, start, end, rows))
        return
    await show_screen(query, screens.log_screen(turn.t, callback_data.per, start, end, rows))


async def cancel_action(query: CallbackQuery, callback_data: CancelCb, turn: Turn) -> None:
    """Cancel a lesson (its reason typed next), or put a cancelled one back once confirmed
    (families are told); "no" leaves it as it is."""
    cb, me, session, t = callback_data, turn.me, turn.session, turn.t
    office_reads.ensure_office(me, "cancel_lesson")
    lesson = await audit_trail.lesson_title(session, me, cb.lesson_id)
    if cb.action == "ask":
        await turn.state.set_state(SubForm.cancel_reason)
        await turn.state.update_data(lesson_id=lesson.id)
        await show_screen(query, screens.ask_cancel_screen(t, lesson, cancellations.MAX_REASON))
        return
    await turn.state.clear()
    if cb.action == "back":
        reason = await cancellations.cancel_reason_of(session, me, lesson.id)
        await show_screen(query, screens.ask_reinstate_screen(t, lesson, reason))
        return
    if cb.action == "no":
        await show_screen(query, await _lessons(turn, lesson.class_id, lesson.date, ""))
        return
    told = await cancellations.reinstate_lesson(session, me, lesson.id, now=turn.now())
    note = t("corrections.reinstated_told" if told else "corrections.reinstated_teacher")
    await show_screen(query, await _lessons(turn, lesson.class_id, lesson.date, note))


async def cancel_reason_typed(message: Message, turn: Turn) -> None:
    data = await turn.state.get_data()
    lesson = await audit_trail.lesson_title(turn.session, turn.me, int(data.get("lesson_id", 0)))
    told = await cancellations.cancel_lesson(
        turn.session, turn.me, lesson.id, message.text, now=turn.now()
    )
    await turn.state.clear()
    note = turn.t("corrections.cancelled_told" if told else "corrections.cancelled_teacher")
    screen = await _lessons(turn, lesson.class_id, lesson.date, note)
    await send_screen(message, replace(screen, replace=False))


async def _lessons(turn: Turn, class_id: int, day: dt.date, note: str) -> Screen:
    lessons = await substitutions.class_lessons_on(turn.session, turn.me, class_id, day)
    return tool_screens.sub_lessons_screen(turn.t, day, lessons, note)


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *OFFICE))
    router.callback_query.register(open_days, on(OfficeCb, F.action == "sub"))
    router.callback_query.register(day_action, on(SubDayCb))
    router.callback_query.register(log_action, on(SubLogCb))
    router.message.register(day_typed, StateFilter(SubForm.day), F.text, F.func(not_command))
    router.callback_query.register(cancel_action, on(CancelCb))
    router.message.register(
        cancel_reason_typed, StateFilter(SubForm.cancel_reason), F.text, F.func(not_command)
    )
    return router
