"""Marks by taps: lesson → kind of work → student → mark (two taps a mark once the kind is
chosen). Changing or deleting a mark asks for a reason (a preset one or typed), which goes to
the audit log and to the family. The screens are screens/teacher/marks.py's; this adapter
reads the lesson sheet, calls the use case and shows them (a typed reason waits in the FSM
state)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import (
    TEACHING,
    Clock,
    ensure_teaches,
    now_of,
    raise_lock,
    show,
)
from screens.teacher.actions import LessonCb, MarkCb
from screens.teacher.marks import (
    REASONS,
    changed_note,
    edit_screen,
    kinds_screen,
    reason_screen,
    saved_note,
    students_screen,
    values_screen,
)
from services.actor import Actor
from services.enums import WorkKind
from services.errors import AccessDenied, DomainError, ValidationFailed
from services.marks import marking
from services.timetable import lesson_sheet
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent


class MarkStates(StatesGroup):
    reason = State()


def _kind(value: str) -> WorkKind:
    try:
        return WorkKind(value)
    except ValueError as exc:
        raise DomainError("error.invalid") from exc


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None
) -> LessonSheet:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now_of(clock))
    ensure_teaches(sheet)
    if sheet.first_grade:
        raise ValidationFailed("journal.first_grade_no_marks")
    raise_lock(sheet.records_lock)
    return sheet


def _student(sheet: LessonSheet, student_id: int) -> SheetStudent:
    for s in sheet.students:
        if s.id == student_id:
            return s
    raise AccessDenied()


def _mark(student: SheetStudent, mark_id: int) -> SheetMark:
    for m in student.marks:
        if m.id == mark_id:
            return m
    raise DomainError("error.not_found")


async def open_marks(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    await show(query, kinds_screen(t, sheet))


async def marks_action(
    query: CallbackQuery,
    callback_data: MarkCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    sheet = await _sheet(session, me, cb.lesson_id, clock)
    if cb.action == "kind":
        await show(query, kinds_screen(t, sheet))
        return
    kind = _kind(cb.kind)
    if cb.action == "list":
        await state.set_state(None)
        await show(query, students_screen(t, sheet, kind, cb.page))
        return
    student = _student(sheet, cb.student_id)
    if cb.action == "stu":
        await state.set_state(None)
        await show(query, values_screen(t, sheet, kind, student, cb.page))
    elif cb.action == "put":
        await marking.put_mark(
            session,
            me,
            sheet.lesson_id,
            student.id,
            cb.value,
            kind,
            for_absent=cb.reason == 1,
            now=now_of(clock),
        )
        note = saved_note(t, student, cb.value)
        callback_answer.text = t("teacher.mk.saved_short", value=cb.value)
        fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
        await show(query, students_screen(t, fresh, kind, cb.page, note))
    elif cb.action == "edit":
        mark = _mark(student, cb.mark_id)
        await show(query, edit_screen(t, sheet.lesson_id, cb.kind, student, mark))
    elif cb.action == "chg":
        if not any(m.id == cb.mark_id for m in student.marks):
            raise AccessDenied()
        await state.set_state(MarkStates.reason)
        await state.update_data(
            mk_reason={
                "lesson_id": cb.lesson_id,
                "mark_id": cb.mark_id,
                "value": cb.value,
                "kind": cb.kind,
                "student_id": cb.student_id,
                "message_id": query.message.message_id if query.message else None,
            }
        )
        await show(query, reason_screen(t, cb, student))
    elif cb.action == "rsn":
        if not 1 <= cb.reason <= len(REASONS):
            raise DomainError("error.invalid")
        await _apply(session, me, t, state, cb, student, t(REASONS[cb.reason - 1]), clock)
        fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
        note = changed_note(t, student, cb.value)
        await show(query, students_screen(t, fresh, kind, 0, note))
    else:
        raise DomainError("error.invalid")


async def _apply(
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    cb: MarkCb,
    student: SheetStudent,
    reason: str,
    clock: Clock | None,
) -> None:
    if not any(m.id == cb.mark_id for m in student.marks):
        raise AccessDenied()
    if cb.value == 0:
        await marking.delete_mark(session, me, cb.mark_id, reason=reason, now=now_of(clock))
    else:
        await marking.change_mark(
            session, me, cb.mark_id, reason=reason, value=cb.value, now=now_of(clock)
        )
    await state.set_state(None)
    await state.update_data(mk_reason=None)


async def typed_reason(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    data = (await state.get_data()).get("mk_reason") or {}
    if not data:
        await state.set_state(None)
        return
    cb = MarkCb(
        lesson_id=int(data["lesson_id"]),
        action="rsn",
        kind=str(data["kind"]),
        student_id=int(data["student_id"]),
        value=int(data["value"]),
        mark_id=int(data["mark_id"]),
    )
    sheet = await _sheet(session, me, cb.lesson_id, clock)
    student = _student(sheet, cb.student_id)
    await _apply(session, me, t, state, cb, student, message.text or "", clock)
    fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
    note = changed_note(t, student, cb.value)
    await show(message, students_screen(t, fresh, _kind(cb.kind), 0, note))


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING)
    router.callback_query.register(open_marks, on(LessonCb, F.action == "mk"))
    router.callback_query.register(marks_action, on(MarkCb))
    router.message.register(
        typed_reason, StateFilter(MarkStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
