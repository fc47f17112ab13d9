"""/attendance: lessons missed in the period by reason (Н, Б, УП) and lateness (ОП)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.family.callbacks import AttendanceCb
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
    send_pages,
    show_pages,
)
from screens.family.render import attendance_messages, period_button
from services import family
from services.family import AttendancePage
from services.identity import Actor


def attendance_keyboard(t: Translator, page: AttendancePage) -> InlineKeyboardMarkup | None:
    if not page.periods:
        return None
    kb = InlineKeyboardBuilder()
    current = page.period.id if page.period is not None else None
    for p in page.periods:
        label = period_button(t, p)
        if p.id == current:
            label = f"• {label} •"
        kb.button(text=label, callback_data=AttendanceCb(s=page.student.id, p=p.id))
    kb.adjust(4)
    return kb.as_markup()


async def attendance_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    family_clock: Clock | None = None,
) -> None:
    reader = await family_reader(message, actor, t)
    if reader is None:
        return
    student = await family.family_student(session, reader)
    page = await family.attendance_page(session, reader, student.id, None, now_of(family_clock))
    await send_pages(message, attendance_messages(t, page), attendance_keyboard(t, page))


async def attendance_button(
    callback: CallbackQuery,
    callback_data: AttendanceCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await family.attendance_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    await show_pages(callback, attendance_messages(t, page), attendance_keyboard(t, page))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(attendance_command, Command("attendance"))
    router.callback_query.register(attendance_button, AttendanceCb.filter())
    return router
