"""/atrisk: the class's students at risk (the early warning) — the class teacher's class; a
deputy or admin picks a class."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.class_teacher.common import open_class
from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import show
from screens.class_teacher.actions import RiskCb
from screens.class_teacher.at_risk import at_risk_screen
from services.early_warning import reads
from services.enums import Role

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


async def _render(target: Message | CallbackQuery, turn: Turn, class_id: int) -> None:
    risk = await reads.class_at_risk(turn.session, turn.me, class_id, now=turn.now())
    await show(target, at_risk_screen(turn.t, risk))


async def at_risk_command(message: Message, turn: Turn) -> None:
    async def open_one(class_id: int) -> None:
        await _render(message, turn, class_id)

    await open_class(message, turn, lambda cid: RiskCb(class_id=cid), open_one)


async def at_risk_callback(query: CallbackQuery, callback_data: RiskCb, turn: Turn) -> None:
    await _render(query, turn, callback_data.class_id)


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(at_risk_command, Command("atrisk"))
    router.callback_query.register(at_risk_callback, on(RiskCb))
    return router
