"""A control work's date from the lesson card (seed 002 §5.2.5): the subject's teacher proposes,
the deputy agrees; a warning when the class already has too many that day."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import show
from screens.teacher.actions import LessonCb
from screens.teacher.control import control_work_screen
from services.timetable import control_works


async def set_control_work(
    query: CallbackQuery, callback_data: LessonCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    if not isinstance(query.message, Message):  # too old to edit (the refusal it always had)
        callback_answer.text = turn.t("signin.required")
        callback_answer.show_alert = True
        return
    result = await control_works.schedule_control_work_at_lesson(
        turn.session, turn.me, callback_data.lesson_id
    )
    await show(query, control_work_screen(turn.t, callback_data.lesson_id, result))


def build_router() -> Router:
    # Any signed-in person: whether they may put a control work on the lesson is the policy's.
    router = gate(Router(name=__name__))
    router.callback_query.register(set_control_work, on(LessonCb, F.action == "cw"))
    return router
