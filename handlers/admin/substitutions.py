"""Substitutions for any date: the day picker (today, tomorrow, the week ahead, a date typed),
the class of that day (then handlers/admin/tools.py: the lessons and the teachers), and the
log of a period's substitutions, on the screen or as a spreadsheet."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin import substitutions as screens
from screens.admin.actions import OfficeCb
from screens.admin.substitutions import SubDayCb, SubLogCb
from screens.common.dates import parse_day
from screens.teacher.common import unpack_day
from services.errors import DomainError
from services.school import office_reads
from services.timetable import substitutions


class SubForm(StatesGroup):
    day = State()


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


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *OFFICE))
    router.callback_query.register(open_days, on(OfficeCb, F.action == "sub"))
    router.callback_query.register(day_action, on(SubDayCb))
    router.callback_query.register(log_action, on(SubLogCb))
    router.message.register(day_typed, StateFilter(SubForm.day), F.text, F.func(not_command))
    return router
