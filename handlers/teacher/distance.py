"""A distance lesson from the lesson card: the toggle, then the card again with a note."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import sheet_now, show
from screens.teacher.card import card_screen
from screens.teacher.distance import DistanceCb, distance_note
from services.timetable import distance


async def toggle_distance(query: CallbackQuery, callback_data: DistanceCb, turn: Turn) -> None:
    on_ = bool(callback_data.on)
    await distance.set_distance(turn.session, turn.me, callback_data.lesson_id, on_, now=turn.now())
    sheet = await sheet_now(turn, callback_data.lesson_id)
    await show(query, card_screen(turn.t, sheet, distance_note(turn.t, on_)))


def build_router() -> Router:
    # Any signed-in person: whether they may mark the lesson is the policy's (its teacher, the
    # deputy or the admin).
    router = gate(Router(name=__name__))
    router.callback_query.register(toggle_distance, on(DistanceCb))
    return router
