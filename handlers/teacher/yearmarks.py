"""/yearmarks: year, exam and final marks of a class in a subject (seed 003 §4.4, §4.5). The
sheet shows each student's period marks and the suggested year and final marks; one tap sets a
student's mark, "fill" saves every suggested mark not set yet. Locked after the teachers'
council (services.marks.year_marks). The screens are screens/teacher/yearmarks.py."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen
from handlers.common.turn import Turn
from handlers.teacher.common import show
from screens.teacher.yearmarks import (
    YearCb,
    current,
    kind_of,
    options_screen,
    saved_note,
    sheet_screen,
    suggested,
    value_screen,
)
from services.enums import FinalMarkKind, Role, SpecialMark
from services.errors import AccessDenied, DomainError
from services.marks import final_marks, year_marks

ROLES = (Role.TEACHER, Role.CLASS_TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR)


async def yearmarks_command(message: Message, turn: Turn) -> None:
    await turn.state.set_state(None)
    options = await final_marks.term_options(turn.session, turn.me)
    if len(options) == 1:
        o = options[0]
        sheet = await year_marks.year_sheet(
            turn.session, turn.me, o.class_id, o.subject_id, now=turn.now()
        )
        await send_screen(message, sheet_screen(turn.t, sheet, "year"))
        return
    await send_screen(message, options_screen(turn.t, options))


async def year_action(query: CallbackQuery, callback_data: YearCb, turn: Turn) -> None:
    cb, session, me, t = callback_data, turn.session, turn.me, turn.t
    sheet = await year_marks.year_sheet(session, me, cb.class_id, cb.subject_id, now=turn.now())
    if cb.action == "sheet":
        await show(query, sheet_screen(t, sheet, cb.kind))
        return
    if cb.action == "stu":
        row = next((r for r in sheet.rows if r.student_id == cb.student_id), None)
        if row is None:
            raise AccessDenied()
        await show(query, value_screen(t, sheet, row, cb.kind))
        return
    marks: dict[int, int | SpecialMark] = {}
    if cb.action == "set":
        if not cb.value:
            raise DomainError("error.invalid")
        marks[cb.student_id] = final_marks.parse_value(cb.value)
    else:  # fill: every suggested mark not set yet
        for row in sheet.rows:
            value = suggested(row, cb.kind)
            if current(row, cb.kind) is None and value is not None:
                marks[row.student_id] = value
    kind: FinalMarkKind = kind_of(cb.kind)
    saved = await year_marks.set_year_marks(
        session, me, cb.class_id, cb.subject_id, kind, marks, now=turn.now()
    )
    fresh = await year_marks.year_sheet(session, me, cb.class_id, cb.subject_id, now=turn.now())
    await show(query, sheet_screen(t, fresh, cb.kind, saved_note(t, cb.kind, saved)))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(yearmarks_command, Command("yearmarks"))
    router.callback_query.register(year_action, on(YearCb))
    return router
