"""/termmarks: period marks of a class in a subject. Each student's suggested mark with the
weighted average and the number of marks behind it (thresholds 2.5 / 3.5 / 4.5, seed 003 §6.3);
too few marks are flagged; the teacher confirms all, overriding some, in one flow. The screens
are screens/teacher/termmarks.py; the overrides wait in the FSM data until saved."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen
from handlers.common.turn import Turn
from handlers.teacher.common import show
from screens.teacher.actions import TermCb
from screens.teacher.termmarks import (
    options_screen,
    periods_screen,
    saved_note,
    sheet_screen,
    value_screen,
)
from services.enums import Role, SpecialMark
from services.errors import AccessDenied, DomainError
from services.marks import final_marks
from services.marks.final_marks import TermSheet

STATE_KEY = "term"
ROLES = (Role.TEACHER, Role.CLASS_TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR)


def _key(cb: TermCb) -> str:
    return f"{cb.class_id}:{cb.subject_id}:{cb.period_id}"


async def _overrides(state: FSMContext, cb: TermCb) -> dict[int, str]:
    data = (await state.get_data()).get(STATE_KEY) or {}
    if data.get("key") != _key(cb):
        return {}
    return {int(k): str(v) for k, v in (data.get("ov") or {}).items()}


async def _store(state: FSMContext, cb: TermCb, overrides: dict[int, str] | None) -> None:
    value = (
        None
        if overrides is None
        else {"key": _key(cb), "ov": {str(k): v for k, v in overrides.items()}}
    )
    await state.update_data({STATE_KEY: value})


async def termmarks_command(message: Message, turn: Turn) -> None:
    await turn.state.set_state(None)
    options = await final_marks.term_options(turn.session, turn.me)
    if len(options) == 1:
        await _open_default(message, turn, options[0].class_id, options[0].subject_id)
        return
    await send_screen(message, options_screen(turn.t, options))


async def _open_default(
    target: Message | CallbackQuery, turn: Turn, class_id: int, subject_id: int
) -> None:
    _, default = await final_marks.periods_for_class(
        turn.session, turn.me, class_id, now=turn.now()
    )
    if default is None:
        raise DomainError("term.no_period")
    cb = TermCb(action="pick", class_id=class_id, subject_id=subject_id, period_id=default)
    await _show_sheet(target, turn, cb, new=isinstance(target, Message))


async def _term_sheet(turn: Turn, cb: TermCb) -> TermSheet:
    return await final_marks.term_sheet(
        turn.session, turn.me, cb.class_id, cb.subject_id, cb.period_id, now=turn.now()
    )


async def _show_sheet(
    target: Message | CallbackQuery, turn: Turn, cb: TermCb, *, new: bool = False
) -> None:
    sheet = await _term_sheet(turn, cb)
    overrides = await _overrides(turn.state, cb)
    await show(target, sheet_screen(turn.t, sheet, overrides), new=new)


async def term_action(query: CallbackQuery, callback_data: TermCb, turn: Turn) -> None:
    cb, session, me, t = callback_data, turn.session, turn.me, turn.t
    if cb.action == "per":
        periods, default = await final_marks.periods_for_class(
            session, me, cb.class_id, now=turn.now()
        )
        # The sheet checks who may set the marks; list the periods only for them.
        if default is not None:
            await final_marks.term_sheet(
                session, me, cb.class_id, cb.subject_id, default, now=turn.now()
            )
        await show(query, periods_screen(t, cb.class_id, cb.subject_id, periods, default))
        return
    if cb.action == "pick":
        await _show_sheet(query, turn, cb)
        return
    sheet = await _term_sheet(turn, cb)
    overrides = await _overrides(turn.state, cb)
    if cb.action == "stu":
        row = next((r for r in sheet.rows if r.student_id == cb.student_id), None)
        if row is None:
            raise AccessDenied()
        await show(query, value_screen(t, sheet, row))
        return
    if cb.action == "set":
        if cb.student_id not in {r.student_id for r in sheet.rows}:
            raise AccessDenied()
        if cb.value:
            final_marks.parse_value(cb.value)
            overrides[cb.student_id] = cb.value
        else:
            overrides.pop(cb.student_id, None)
        await _store(turn.state, cb, overrides)
        await show(query, sheet_screen(t, sheet, overrides))
        return
    if cb.action != "save":
        raise DomainError("error.invalid")
    marks: dict[int, int | SpecialMark] = {}
    for row in sheet.rows:
        if row.student_id in overrides:
            marks[row.student_id] = final_marks.parse_value(overrides[row.student_id])
        elif row.suggested is not None:
            marks[row.student_id] = row.suggested
    saved = await final_marks.set_period_marks(
        session, me, cb.class_id, cb.subject_id, cb.period_id, marks, now=turn.now()
    )
    await _store(turn.state, cb, None)
    fresh = await _term_sheet(turn, cb)
    await show(query, sheet_screen(t, fresh, {}, saved_note(t, fresh, saved)))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(termmarks_command, Command("termmarks"))
    router.callback_query.register(term_action, on(TermCb))
    return router
