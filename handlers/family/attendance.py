"""/attendance: lessons missed in the period by reason (Н, Б, УП) and lateness (ОП)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import private
from handlers.common.screens import answer_screen, register_view
from handlers.common.turn import Turn
from handlers.family.common import child_id, family_gate
from screens.family.marks import AttendanceAction, attendance_screen
from services.attendance import attendance_views


async def attendance_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: AttendanceAction | None = None
) -> None:
    """/attendance (the chat's child, the current period), and a period's button."""
    action = callback_data
    page = await attendance_views.attendance_page(
        turn.session,
        turn.me,
        await child_id(turn, action.s if action else None),
        action.p or None if action else None,
        turn.now(),
    )
    await answer_screen(event, attendance_screen(turn.t, page))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    register_view(router, attendance_view, "attendance", AttendanceAction)
    return router
