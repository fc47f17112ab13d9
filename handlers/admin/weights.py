"""The school's weights of marks per kind of work (the admin's; the use case checks the role
again and records each change in the audit log)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from handlers.common.gate import gate, private
from handlers.common.screens import on, show_screen
from handlers.common.turn import Turn
from screens.admin import weights as screens
from screens.admin.weights import WeightsCb
from services.enums import Role, WorkKind
from services.marks import weights


async def weights_action(query: CallbackQuery, callback_data: WeightsCb, turn: Turn) -> None:
    cb = callback_data
    if not cb.kind:
        current = await weights.work_weights(turn.session, turn.me)
        await show_screen(query, screens.weights_screen(turn.t, current))
        return
    kind = WorkKind(cb.kind)
    if cb.weight == 0:
        current = await weights.work_weights(turn.session, turn.me)
        await show_screen(query, screens.pick_screen(turn.t, kind, current[kind]))
        return
    saved = await weights.set_work_weight(turn.session, turn.me, kind, cb.weight, now=turn.now())
    note = screens.saved_note(turn.t, kind, cb.weight)
    await show_screen(query, screens.weights_screen(turn.t, saved, note))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(weights_action, on(WeightsCb))
    return router
