"""/periods: the deputy (or admin) closes a study period (services.marks.period_close); its
lessons and period marks are then locked for teachers until an unlock with a reason."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin.periods import PeriodCb, closed_note, confirm_screen, periods_screen
from services.errors import AccessDenied
from services.marks import period_close


async def periods_command(message: Message, turn: Turn) -> None:
    await turn.state.set_state(None)
    overview = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    await send_screen(message, periods_screen(turn.t, overview))


async def period_action(query: CallbackQuery, callback_data: PeriodCb, turn: Turn) -> None:
    cb, t = callback_data, turn.t
    overview = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    if cb.action == "list":
        await show_screen(query, periods_screen(t, overview))
        return
    period = next((p for p in overview.periods if p.period_id == cb.period_id), None)
    if period is None:
        raise AccessDenied()
    if cb.action == "ask":
        await show_screen(query, confirm_screen(t, period))
        return
    closed = await period_close.close_period(
        turn.session, turn.me, period.period_id, now=turn.now()
    )
    fresh = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    await show_screen(query, periods_screen(t, fresh, closed_note(t, closed)))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *OFFICE))
    router.message.register(periods_command, Command("periods"))
    router.callback_query.register(period_action, on(PeriodCb))
    return router
