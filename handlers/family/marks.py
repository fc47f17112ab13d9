"""/marks: marks of the current period by subject, weighted averages, the projected period
mark and what the next one needs; other periods by button; a chart sent as a photo."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import private
from handlers.common.screens import answer_screen, on, register_view, show_screen
from handlers.common.turn import Turn
from handlers.family.common import child_id, family_gate
from screens.family.marks import ChartAction, MarksAction, chart_screen, has_chart, marks_screen
from services.marks import mark_reads
from services.marks.mark_reads import MarksPage


async def load_page(turn: Turn, action: MarksAction | ChartAction | None) -> MarksPage:
    """The page of a button's child and period, else the chat's child in the current one."""
    student_id = await child_id(turn, action.s if action else None)
    period_id = action.p or None if action else None
    return await mark_reads.marks_page(turn.session, turn.me, student_id, period_id, turn.now())


async def marks_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: MarksAction | None = None
) -> None:
    """/marks, and a period's button."""
    await answer_screen(event, marks_screen(turn.t, await load_page(turn, callback_data)))


async def chart_button(
    callback: CallbackQuery, callback_data: ChartAction, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    page = await load_page(turn, callback_data)
    if not has_chart(page):
        callback_answer.text = turn.t("chart.empty")
        return
    await show_screen(callback, chart_screen(turn.t, page))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    register_view(router, marks_view, "marks", MarksAction)
    router.callback_query.register(chart_button, on(ChartAction))
    return router
