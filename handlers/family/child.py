"""/child: a parent (or trusted person) with several children picks whose data the views show."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.family.callbacks import ChildCb
from handlers.family.common import callback_reader, family_reader, show_pages
from screens.family.render import header
from services import context
from services.context import ChatContext
from services.identity import Actor


def child_keyboard(t: Translator, ctx: ChatContext) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for ref in ctx.students:
        label = f"{ref.name}, {ref.class_name}" if ref.class_name else ref.name
        if ctx.student is not None and ref.id == ctx.student.id:
            label = "✅ " + label
        kb.button(text=label, callback_data=ChildCb(s=ref.id))
    kb.adjust(1)
    return kb.as_markup()


def child_text(t: Translator, ctx: ChatContext, key: str) -> str:
    assert ctx.student is not None
    return "\n".join([t(key), header(t, ctx.student)])


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
    if len(ctx.students) == 1:
        await message.answer(child_text(t, ctx, "family.child.only_one"))
        return
    await message.answer(
        child_text(t, ctx, "family.child.choose"), reply_markup=child_keyboard(t, ctx)
    )


async def child_button(
    callback: CallbackQuery,
    callback_data: ChildCb,
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
    await show_pages(callback, [child_text(t, ctx, "family.child.chosen")], child_keyboard(t, ctx))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(child_command, Command("child"))
    router.callback_query.register(child_button, ChildCb.filter())
    return router
