"""The office's side of family messages: /complaints and the /admin menu's button (the admin,
the director, the deputy). A student found by class, their threads (names and counts only), a
complaint recorded in three typed steps (who, the day, the reason; a bad answer is refused
with the reason and asked again, nothing is written before the last step), the thread read on
that complaint (every reading audited by the service), the list of recorded complaints.

Every id from a button goes back through the service's policy: a thread of another school, a
reading without a recorded complaint, a user outside the office — refused like a forgery."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin.actions import OfficeCb
from screens.admin.complaints import (
    ComplaintCb,
    ask_day_screen,
    ask_reason_screen,
    ask_who_screen,
    classes_screen,
    complaints_screen,
    home_screen,
    reading_screen,
    recorded_screen,
    students_screen,
    threads_screen,
)
from screens.common.dates import parse_day
from services.calendar import school_today
from services.enums import Role
from services.errors import ValidationFailed
from services.family_messages import complaints
from services.richtext import escape
from services.school import office_reads

DATA_KEY = "complaint_ask"
# The office members who record complaints and read on them (policy: the school's readers).
COMPLAINT_ROLES = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY)


class ComplaintStates(StatesGroup):
    who = State()  # who complained, typed
    day = State()  # the day of the complaint, typed or "today"
    reason = State()  # the reason, typed


def _menu(turn: Turn) -> bool:
    return turn.me.has(*OFFICE)


def _refusal(turn: Turn, err: ValidationFailed) -> str:
    params = {k: escape(v) if isinstance(v, str) else v for k, v in (err.params or {}).items()}
    return turn.t(err.code, **params)


async def _tz(turn: Turn) -> ZoneInfo:
    return ZoneInfo((await office_reads.actor_school(turn.session, turn.me)).timezone)


async def _today(turn: Turn) -> dt.date:
    return school_today(await office_reads.actor_school(turn.session, turn.me), turn.now())


async def _asked(turn: Turn) -> dict[str, Any]:
    data = (await turn.state.get_data()).get(DATA_KEY)
    return data if isinstance(data, dict) else {}


async def _forget(turn: Turn) -> None:
    await turn.state.set_state(None)
    await turn.state.update_data({DATA_KEY: None})


async def complaints_command(message: Message, turn: Turn) -> None:
    await _forget(turn)
    await send_screen(message, home_screen(turn.t, menu=_menu(turn)))


async def from_menu(query: CallbackQuery, turn: Turn) -> None:
    await _forget(turn)
    await show_screen(query, home_screen(turn.t, menu=_menu(turn)))


async def complaint_button(query: CallbackQuery, callback_data: ComplaintCb, turn: Turn) -> None:
    op, ident, page = callback_data.op, callback_data.id, callback_data.page
    session, me, t = turn.session, turn.me, turn.t
    if op in ("home", "cancel"):
        await _forget(turn)
        note = t("complaints.cancelled") if op == "cancel" else None
        await show_screen(query, home_screen(t, note, menu=_menu(turn)))
    elif op == "cls":
        classes = await office_reads.office_classes(session, me)
        await show_screen(query, classes_screen(t, classes, page))
    elif op == "stu":
        students = await office_reads.class_students(session, me, ident)
        await show_screen(query, students_screen(t, ident, students, page))
    elif op == "thr":
        headers = await complaints.thread_headers(session, me, ident)
        name = await _student_name(turn, ident)
        await show_screen(query, threads_screen(t, name, headers, await _tz(turn)))
    elif op == "new":
        header = await complaints.thread_header(session, me, ident)
        await turn.state.set_state(ComplaintStates.who)
        await turn.state.update_data({DATA_KEY: {"thread": header.thread_id}})
        await show_screen(query, ask_who_screen(t, header))
    elif op == "now":
        await _day_chosen(query.message, turn, ident, await _today(turn))
    elif op == "read":
        await _forget(turn)
        view = await complaints.read_on_complaint(session, me, ident, page, now=turn.now())
        await show_screen(query, reading_screen(t, view))
    elif op == "list":
        rows, pages = await complaints.recorded_complaints(session, me, page)
        await show_screen(query, complaints_screen(t, rows, page, pages, await _tz(turn)))


async def _student_name(turn: Turn, student_id: int) -> str:
    from services.models import Person

    person = await turn.session.get(Person, student_id)
    return f"{person.last_name} {person.first_name}" if person is not None else ""


async def _header(turn: Turn) -> complaints.ThreadHeader | None:
    thread_id = (await _asked(turn)).get("thread")
    if not isinstance(thread_id, int):
        await _forget(turn)
        return None
    return await complaints.thread_header(turn.session, turn.me, thread_id)


async def typed_who(message: Message, turn: Turn) -> None:
    header = await _header(turn)
    if header is None:
        return
    try:
        who = complaints.clean_complainant(message.text)
    except ValidationFailed as err:
        await send_screen(message, ask_who_screen(turn.t, header, _refusal(turn, err)))
        return
    await turn.state.update_data({DATA_KEY: {**await _asked(turn), "who": who}})
    await turn.state.set_state(ComplaintStates.day)
    await send_screen(message, ask_day_screen(turn.t, header))


async def typed_day(message: Message, turn: Turn) -> None:
    header = await _header(turn)
    if header is None:
        return
    today = await _today(turn)
    day = parse_day(message.text or "", today)
    if day is None:
        note = turn.t("complaints.day_bad")
        await send_screen(message, ask_day_screen(turn.t, header, note))
        return
    await _day_chosen(message, turn, header.thread_id, day)


async def _day_chosen(target: Any, turn: Turn, thread_id: int, day: dt.date) -> None:
    header = await _header(turn)
    if header is None or header.thread_id != thread_id or not isinstance(target, Message):
        return
    asked = await _asked(turn)
    if not isinstance(asked.get("who"), str):
        await _forget(turn)
        return
    try:
        complaints.check_complaint_day(day, await _today(turn))
    except ValidationFailed as err:
        await send_screen(target, ask_day_screen(turn.t, header, _refusal(turn, err)))
        return
    await turn.state.update_data({DATA_KEY: {**asked, "day": day.isoformat()}})
    await turn.state.set_state(ComplaintStates.reason)
    await send_screen(target, ask_reason_screen(turn.t, header))


async def typed_reason(message: Message, turn: Turn) -> None:
    header = await _header(turn)
    if header is None:
        return
    asked = await _asked(turn)
    who, day = asked.get("who"), asked.get("day")
    if not isinstance(who, str) or not isinstance(day, str):
        await _forget(turn)
        return
    try:
        complaints.clean_reason(message.text)
    except ValidationFailed as err:
        await send_screen(message, ask_reason_screen(turn.t, header, _refusal(turn, err)))
        return
    complained_on = dt.date.fromisoformat(day)
    await complaints.record_complaint(
        turn.session,
        turn.me,
        header.thread_id,
        complainant=who,
        complained_on=complained_on,
        reason=message.text or "",
        now=turn.now(),
    )
    await _forget(turn)
    await send_screen(message, recorded_screen(turn.t, header, who, complained_on))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *COMPLAINT_ROLES))
    router.message.register(complaints_command, Command("complaints"))
    router.callback_query.register(from_menu, on(OfficeCb, F.action == "cmp"))
    router.callback_query.register(complaint_button, on(ComplaintCb))
    typed = (F.text, ~F.text.startswith("/"))
    router.message.register(typed_who, StateFilter(ComplaintStates.who), *typed)
    router.message.register(typed_day, StateFilter(ComplaintStates.day), *typed)
    router.message.register(typed_reason, StateFilter(ComplaintStates.reason), *typed)
    return router
