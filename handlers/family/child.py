"""/child: a parent (or trusted person) with several children picks whose data the views show."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import on, send_screen, show_screen
from handlers.family.common import callback_reader, family_reader
from screens.family.child import ChildAction, child_screen
from services.people import context
from services.people.identity import Actor


async def child_command(
    message: Message, session: AsyncSession, actor: Actor | None, t: Translator
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        return
    ctx = await context.chat_context(session, reader)
    if ctx.student is None:
        await message.answer(t("family.no_child"))
        return
    key = "family.child.only_one" if len(ctx.students) == 1 else "family.child.choose"
    await send_screen(message, child_screen(t, ctx, key))


async def child_button(
    callback: CallbackQuery,
    callback_data: ChildAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    ctx = await context.set_student(session, reader, callback_data.s)
    assert ctx.student is not None
    callback_answer.text = ctx.student.name
    await show_screen(callback, child_screen(t, ctx, "family.child.chosen"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(child_command, Command("child"))
    router.callback_query.register(child_button, on(ChildAction))
    return router
