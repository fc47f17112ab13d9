"""A lesson's details: the kind of work of the lesson (from the card), "no homework" (from the
homework prompt), and a mark's weight and comment (from the mark's screen; the comment is
typed and waits in the FSM state). The screens are screens/teacher/details.py's; the use cases
check the teacher and the lesson's lock again and record every change in the audit log."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import TEACHING, editable_sheet, marks_sheet, sheet_now, show
from handlers.teacher.topic import HW_KEY
from screens.teacher import details as screens
from screens.teacher import marks as mark_screens
from screens.teacher.actions import DetailCb
from services.errors import DomainError
from services.homework import lesson_details
from services.marks import marking
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent

COMMENT_KEY = "mk_comment"
CLEAR = "-"


class DetailStates(StatesGroup):
    comment = State()


def _mark_of(sheet: LessonSheet, mark_id: int) -> tuple[SheetStudent, SheetMark]:
    for s in sheet.students:
        for m in s.marks:
            if m.id == mark_id:
                return s, m
    raise DomainError("error.not_found")


async def detail_action(query: CallbackQuery, callback_data: DetailCb, turn: Turn) -> None:
    cb, t, lid = callback_data, turn.t, callback_data.lesson_id
    if cb.action in ("kinds", "kind", "nohw", "hwback"):
        sheet = await editable_sheet(turn.session, turn.me, lid, turn.now(), lock="text")
        if cb.action == "kinds":
            await show(query, screens.work_kind_screen(t, sheet))
            return
        if cb.action == "kind":
            await lesson_details.set_work_kind(
                turn.session, turn.me, lid, cb.kind or None, now=turn.now()
            )
            await show(query, screens.kind_saved_screen(t, await sheet_now(turn, lid)))
            return
        on_ = cb.action == "nohw"
        await lesson_details.set_no_homework(turn.session, turn.me, lid, on_, now=turn.now())
        # The homework draft being collected, if any, is given up.
        await turn.state.set_state(None)
        await turn.state.update_data({HW_KEY: None})
        await show(query, screens.no_homework_screen(t, await sheet_now(turn, lid)))
        return
    sheet = await marks_sheet(turn.session, turn.me, lid, turn.now())
    student, mark = _mark_of(sheet, cb.mark_id)
    if cb.action == "w":
        await show(query, screens.weight_screen(t, lid, student, mark))
    elif cb.action == "setw":
        await marking.set_mark_details(
            turn.session, turn.me, mark.id, weight=cb.weight, now=turn.now()
        )
        note = screens.weight_note(t, student, mark.value, cb.weight)
        fresh = await sheet_now(turn, lid)
        await show(query, mark_screens.students_screen(t, fresh, mark.work_kind, 0, note))
    else:  # "cm"
        await turn.state.set_state(DetailStates.comment)
        await turn.state.update_data({COMMENT_KEY: {"lesson_id": lid, "mark_id": mark.id}})
        await show(query, screens.comment_screen(t, lid, student, mark))


async def typed_comment(message: Message, turn: Turn) -> None:
    data = (await turn.state.get_data()).get(COMMENT_KEY) or {}
    if not data:
        await turn.state.set_state(None)
        raise DomainError("quick.expired")
    lid, mark_id = int(data["lesson_id"]), int(data["mark_id"])
    sheet = await marks_sheet(turn.session, turn.me, lid, turn.now())
    student, mark = _mark_of(sheet, mark_id)
    text = (message.text or "").strip()
    cleared = text == CLEAR
    await marking.set_mark_details(
        turn.session, turn.me, mark.id, comment="" if cleared else text, now=turn.now()
    )
    # Saved: the wait ends (a refused comment, e.g. too long, keeps it for another try).
    await turn.state.set_state(None)
    await turn.state.update_data({COMMENT_KEY: None})
    note = screens.comment_note(turn.t, student, mark.value, cleared=cleared)
    fresh = await sheet_now(turn, lid)
    await show(message, mark_screens.students_screen(turn.t, fresh, mark.work_kind, 0, note))


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING)
    router.callback_query.register(detail_action, on(DetailCb))
    router.message.register(
        typed_comment, StateFilter(DetailStates.comment), F.text, ~F.text.startswith("/")
    )
    return router
