"""/child: a parent (or trusted person) with several children picks whose data the views show."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from handlers.family.common import family_gate
from screens.family.child import ChildAction, child_screen
from services.people import context


async def child_command(message: Message, turn: Turn) -> None:
    ctx = await context.chat_context(turn.session, turn.me)
    if ctx.student is None:
        await message.answer(turn.t("family.no_child"))
        return
    key = "family.child.only_one" if len(ctx.students) == 1 else "family.child.choose"
    await send_screen(message, child_screen(turn.t, ctx, key))


async def child_button(
    callback: CallbackQuery,
    callback_data: ChildAction,
    turn: Turn,
    callback_answer: CallbackAnswer,
) -> None:
    ctx = await context.set_student(turn.session, turn.me, callback_data.s)
    assert ctx.student is not None
    callback_answer.text = ctx.student.name
    await show_screen(callback, child_screen(turn.t, ctx, "family.child.chosen"))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    router.message.register(child_command, Command("child"))
    router.callback_query.register(child_button, on(ChildAction))
    return router
