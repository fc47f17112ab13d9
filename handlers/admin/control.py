"""/admin → control works: the deputy agrees the dates teachers proposed (seed 002 §5.2.5)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from handlers.admin.common import OFFICE
from handlers.common.gate import gate
from handlers.common.screens import on, show_screen
from handlers.common.turn import Turn
from screens.admin.actions import ControlCb, OfficeCb
from screens.admin.control import control_works_screen
from services.timetable import control_works as timetable_control_works


async def control_works(query: CallbackQuery, turn: Turn) -> None:
    rows = await timetable_control_works.office_control_works(turn.session, turn.me, turn.now())
    await show_screen(query, control_works_screen(turn.t, rows))


async def agree(query: CallbackQuery, callback_data: ControlCb, turn: Turn) -> None:
    await timetable_control_works.agree_control_work(turn.session, turn.me, callback_data.id)
    await control_works(query, turn)


def build_router() -> Router:
    router = gate(Router(name=__name__), *OFFICE)
    router.callback_query.register(control_works, on(OfficeCb, F.action == "cw"))
    router.callback_query.register(agree, on(ControlCb))
    return router
