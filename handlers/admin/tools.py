"""The office's journal tools: the audit log of a student or of a lesson, the dead letters of
the notification queue, substitutions, unfilled lessons of the last week and journal checks.

Pickers (class → day → lesson, class → student) are shared by the tools through ``PickCb``.
"""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from i18n import Translator
from screens.admin import substitutions as sub_screens
from screens.admin import tools as screens
from screens.admin.actions import AuditCb, CheckCb, OfficeCb, PickCb, SubCb
from screens.admin.tools import DAYS_BACK, TOOLS
from screens.screen import Screen
from screens.teacher.common import unpack_day
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.notifications import dead_letters
from services.people.identity import Actor
from services.school import audit_trail, office_reads
from services.timetable import journal_control, substitutions

MAX_NOTE = 4000


class CheckForm(StatesGroup):
    note = State()


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


# --------------------------------------------------------------------------- pickers


async def _classes(
    session: AsyncSession, actor: Actor, t: Translator, tool: str, page: int
) -> Screen:
    classes = await office_reads.office_classes(session, actor)
    return screens.classes_screen(t, tool, classes, page)


async def start_tool(
    query: CallbackQuery,
    callback_data: OfficeCb,
    me: Actor,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    """aus, aul, sub, chk: first the class."""
    await state.clear()
    await show_screen(query, await _classes(session, me, t, callback_data.action, 0))


async def pick(query: CallbackQuery, callback_data: PickCb, turn: Turn) -> None:
    cb, session, me, state, t = callback_data, turn.session, turn.me, turn.state, turn.t
    if cb.tool not in TOOLS:
        raise DomainError("error.invalid")
    if cb.step == "cls" and cb.tool == "sub" and cb.day:
        day_classes = await office_reads.office_classes(session, me)
        screen = sub_screens.classes_screen(t, unpack_day(cb.day), day_classes, cb.page)
    elif cb.step == "cls":
        screen = await _classes(session, me, t, cb.tool, cb.page)
    elif (cb.step == "next" and cb.tool == "aus") or cb.step == "stu":
        students = await office_reads.class_students(session, me, cb.id)
        screen = screens.students_screen(t, cb.id, students, cb.page)
    elif cb.step == "next" and cb.tool == "aul":
        today = await office_reads.today_of(session, me, turn.now())
        office_reads.ensure_office(me, "lesson_audit")
        screen = screens.days_screen(t, cb.id, today)
    elif cb.step == "next" and cb.tool == "sub":
        # A lesson of any day (the day picker's), today by default.
        if cb.day:
            day = unpack_day(cb.day)
        else:
            day = await office_reads.today_of(session, me, turn.now())
        screen = await _sub_lessons(session, me, t, cb.id, day)
    elif cb.step == "les" and cb.tool == "aul":
        day = unpack_day(cb.day)
        lessons = await substitutions.class_lessons_on(session, me, cb.id, day)
        screen = screens.audit_lessons_screen(t, day, lessons)
    elif cb.step == "next" and cb.tool == "chk":
        office_reads.ensure_office(me, "journal_check")
        classes = {c.id: c.title for c in await office_reads.office_classes(session, me)}
        if cb.id not in classes:
            raise AccessDenied()
        await state.set_state(CheckForm.note)
        await state.set_data({"class_id": cb.id})
        screen = screens.check_ask_screen(t, classes[cb.id])
    else:
        raise DomainError("error.invalid")
    await show_screen(query, screen)


# --------------------------------------------------------------------------- audit log


async def show_audit(
    query: CallbackQuery,
    callback_data: AuditCb,
    me: Actor,
    session: AsyncSession,
    t: Translator,
) -> None:
    if callback_data.what == "stu":
        name, rows = await audit_trail.student_audit(session, me, callback_data.id)
        screen = screens.student_audit_screen(t, name, rows)
    elif callback_data.what == "les":
        lesson, rows = await audit_trail.lesson_audit(session, me, callback_data.id)
        screen = screens.lesson_audit_screen(t, lesson, rows)
    else:
        raise DomainError("error.invalid")
    await show_screen(query, screen)


# --------------------------------------------------------------------------- dead letters


async def show_dead(query: CallbackQuery, me: Actor, session: AsyncSession, t: Translator) -> None:
    total, letters = await dead_letters.dead_letters(session, me)
    await show_screen(query, screens.dead_screen(t, total, letters))


# --------------------------------------------------------------------------- substitutions


async def _sub_lessons(
    session: AsyncSession,
    actor: Actor,
    t: Translator,
    class_id: int,
    day: dt.date,
    note: str = "",
) -> Screen:
    lessons = await substitutions.class_lessons_on(session, actor, class_id, day)
    return screens.sub_lessons_screen(t, day, lessons, note)


async def sub_action(query: CallbackQuery, callback_data: SubCb, turn: Turn) -> None:
    cb, me, session, t = callback_data, turn.me, turn.session, turn.t
    if cb.action in ("pick", "page"):
        candidates = await substitutions.substitute_candidates(session, me, cb.lesson_id)
        lesson = await audit_trail.lesson_title(session, me, cb.lesson_id)
        await show_screen(query, screens.sub_teachers_screen(t, lesson, candidates, cb.page))
        return
    if cb.action == "set":
        sub = await substitutions.set_substitution(
            session, me, cb.lesson_id, cb.teacher_id, now=turn.now()
        )
        note = t("office.subs.saved")
        busy = await substitutions.conflict_of(session, me, sub.lesson_id, sub.teacher_id)
        if busy:
            note += "\n" + t("subs.conflict", cls=busy)
    elif cb.action == "del":
        await substitutions.remove_substitution(session, me, cb.lesson_id, now=turn.now())
        note = t("office.subs.removed")
    else:
        raise DomainError("error.invalid")
    lesson = await audit_trail.lesson_title(session, me, cb.lesson_id)
    await show_screen(query, await _sub_lessons(session, me, t, lesson.class_id, lesson.date, note))


# --------------------------------------------------------------------------- unfilled lessons


async def show_unfilled(query: CallbackQuery, turn: Turn) -> None:
    today = await office_reads.today_of(turn.session, turn.me, turn.now())
    start = today - dt.timedelta(days=DAYS_BACK)
    teachers = await journal_control.unfilled_lessons(
        turn.session, turn.me, start, today, today=today
    )
    await show_screen(query, screens.unfilled_screen(turn.t, start, today, teachers))


# --------------------------------------------------------------------------- journal checks


async def check_action(
    query: CallbackQuery,
    callback_data: CheckCb,
    me: Actor,
    session: AsyncSession,
    t: Translator,
) -> None:
    if callback_data.action != "list":
        raise DomainError("error.invalid")
    checks = await journal_control.recent_journal_checks(session, me)
    await show_screen(query, screens.checks_screen(t, checks))


async def check_note_typed(
    message: Message,
    me: Actor,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    data = await state.get_data()
    note = (message.text or "").strip()
    if len(note) > MAX_NOTE:
        await send_screen(message, screens.check_too_long_screen(t, MAX_NOTE))
        return
    await journal_control.add_journal_check(session, me, int(data.get("class_id", 0)), note)
    await state.clear()
    await send_screen(message, screens.check_saved_screen(t))


def build_router() -> Router:
    """The tools of the admin and the deputy; the dead letters (the admin's) in a router of
    their own, gated by their own role."""
    office = private(gate(Router(name=f"{__name__}.office"), *OFFICE))
    office.callback_query.register(start_tool, on(OfficeCb, F.action.in_(set(TOOLS))))
    office.callback_query.register(pick, on(PickCb))
    office.callback_query.register(show_audit, on(AuditCb))
    office.callback_query.register(sub_action, on(SubCb))
    office.callback_query.register(show_unfilled, on(OfficeCb, F.action == "unf"))
    office.callback_query.register(check_action, on(CheckCb))
    office.message.register(
        check_note_typed, StateFilter(CheckForm.note), F.text, F.func(not_command)
    )
    admin = gate(Router(name=f"{__name__}.dead"), Role.ADMIN)
    admin.callback_query.register(show_dead, on(OfficeCb, F.action == "dead"))
    router = Router(name=__name__)
    router.include_routers(office, admin)
    return router
