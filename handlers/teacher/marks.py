"""Marks by taps: lesson → kind of work → student → mark (two taps a mark once the kind is
chosen). Changing or deleting a mark asks for a reason (a preset one or typed), which goes to
the audit log and to the family. The screens are screens/teacher/marks.py's; this adapter
reads the lesson sheet, calls the use case and shows them (a typed reason waits in the FSM
state)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import TEACHING, marks_sheet, sheet_now, show
from screens.teacher import marks as screens
from screens.teacher.actions import LessonCb, MarkCb
from services.enums import WorkKind
from services.errors import AccessDenied, DomainError
from services.marks import marking
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent


class MarkStates(StatesGroup):
    reason = State()


def _kind(value: str) -> WorkKind:
    try:
        return WorkKind(value)
    except ValueError as exc:
        raise DomainError("error.invalid") from exc


async def _sheet(turn: Turn, lesson_id: int) -> LessonSheet:
    return await marks_sheet(turn.session, turn.me, lesson_id, turn.now())


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


async def open_marks(query: CallbackQuery, callback_data: LessonCb, turn: Turn) -> None:
    await show(query, screens.kinds_screen(turn.t, await _sheet(turn, callback_data.lesson_id)))


async def marks_action(
    query: CallbackQuery, callback_data: MarkCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    cb, state, t = callback_data, turn.state, turn.t
    sheet = await _sheet(turn, cb.lesson_id)
    if cb.action == "kind":
        await show(query, screens.kinds_screen(t, sheet))
        return
    kind = _kind(cb.kind)
    if cb.action == "list":
        await state.set_state(None)
        await show(query, screens.students_screen(t, sheet, kind, cb.page))
        return
    student = _student(sheet, cb.student_id)
    if cb.action == "stu":
        await state.set_state(None)
        await show(query, screens.values_screen(t, sheet, kind, student, cb.page))
    elif cb.action == "put":
        await marking.put_mark(
            turn.session,
            turn.me,
            sheet.lesson_id,
            student.id,
            cb.value,
            kind,
            for_absent=cb.reason == 1,
            now=turn.now(),
        )
        note = screens.saved_note(t, student, cb.value)
        callback_answer.text = t("teacher.mk.saved_short", value=cb.value)
        fresh = await sheet_now(turn, sheet.lesson_id)
        await show(query, screens.students_screen(t, fresh, kind, cb.page, note))
    elif cb.action == "edit":
        mark = _mark(student, cb.mark_id)
        await show(query, screens.edit_screen(t, sheet.lesson_id, cb.kind, student, mark))
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
        await show(query, screens.reason_screen(t, cb, student))
    elif cb.action == "rsn":
        if not 1 <= cb.reason <= len(screens.REASONS):
            raise DomainError("error.invalid")
        await _changed(query, turn, cb, student, t(screens.REASONS[cb.reason - 1]))
    else:
        raise DomainError("error.invalid")


async def _changed(
    target: CallbackQuery | Message, turn: Turn, cb: MarkCb, student: SheetStudent, reason: str
) -> None:
    """A mark changed (or deleted, value 0) for ``reason``; the students' list shown again."""
    if not any(m.id == cb.mark_id for m in student.marks):
        raise AccessDenied()
    if cb.value == 0:
        await marking.delete_mark(turn.session, turn.me, cb.mark_id, reason=reason, now=turn.now())
    else:
        await marking.change_mark(
            turn.session, turn.me, cb.mark_id, reason=reason, value=cb.value, now=turn.now()
        )
    await turn.state.set_state(None)
    await turn.state.update_data(mk_reason=None)
    fresh = await sheet_now(turn, cb.lesson_id)
    note = screens.changed_note(turn.t, student, cb.value)
    await show(target, screens.students_screen(turn.t, fresh, _kind(cb.kind), 0, note))


async def typed_reason(message: Message, turn: Turn) -> None:
    data = (await turn.state.get_data()).get("mk_reason") or {}
    if not data:
        await turn.state.set_state(None)
        return
    cb = MarkCb(
        lesson_id=int(data["lesson_id"]),
        action="rsn",
        kind=str(data["kind"]),
        student_id=int(data["student_id"]),
        value=int(data["value"]),
        mark_id=int(data["mark_id"]),
    )
    sheet = await _sheet(turn, cb.lesson_id)
    await _changed(message, turn, cb, _student(sheet, cb.student_id), message.text or "")


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING)
    router.callback_query.register(open_marks, on(LessonCb, F.action == "mk"))
    router.callback_query.register(marks_action, on(MarkCb))
    router.message.register(
        typed_reason, StateFilter(MarkStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
