"""⚙️ School settings → the early warning's absence steps (the admin's; the use case checks
the role again and records the change in the audit log)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from handlers.common.gate import gate, private
from handlers.common.screens import on, show_screen
from handlers.common.turn import Turn
from screens.admin.warning_steps import WarnStepsCb, steps_screen
from services.early_warning import settings
from services.enums import Role


async def steps(query: CallbackQuery, callback_data: WarnStepsCb, turn: Turn) -> None:
    if not callback_data.first and not callback_data.second:
        current = await settings.warning_steps(turn.session, turn.me)
        await show_screen(query, steps_screen(turn.t, current))
        return
    saved = await settings.set_warning_steps(
        turn.session, turn.me, callback_data.first, callback_data.second, now=turn.now()
    )
    await show_screen(query, steps_screen(turn.t, saved, saved=True))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(steps, on(WarnStepsCb))
    return router
