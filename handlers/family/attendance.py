"""/attendance: lessons missed in the period by reason (Н, Б, УП) and lateness (ОП)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import on, send_screen, show_screen
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
)
from screens.family.marks import AttendanceAction, attendance_screen
from services.attendance import attendance_views
from services.people import family
from services.people.identity import Actor


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
    page = await attendance_views.attendance_page(
        session, reader, student.id, None, now_of(family_clock)
    )
    await send_screen(message, attendance_screen(t, page))


async def attendance_button(
    callback: CallbackQuery,
    callback_data: AttendanceAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await attendance_views.attendance_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    await show_screen(callback, attendance_screen(t, page))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(attendance_command, Command("attendance"))
    router.callback_query.register(attendance_button, on(AttendanceAction))
    return router
