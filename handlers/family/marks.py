"""/marks: marks of the current period by subject, weighted averages, the projected period
mark and what the next one needs; other periods by button; a chart sent as a photo."""

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
from screens.family.marks import ChartAction, MarksAction, chart_screen, has_chart, marks_screen
from services.marks import mark_reads
from services.people import family
from services.people.identity import Actor


async def marks_command(
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
    page = await mark_reads.marks_page(session, reader, student.id, None, now_of(family_clock))
    await send_screen(message, marks_screen(t, page))


async def marks_button(
    callback: CallbackQuery,
    callback_data: MarksAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await mark_reads.marks_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    await show_screen(callback, marks_screen(t, page))


async def chart_button(
    callback: CallbackQuery,
    callback_data: ChartAction,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await mark_reads.marks_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    if not has_chart(page):
        callback_answer.text = t("chart.empty")
        return
    await show_screen(callback, chart_screen(t, page))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(marks_command, Command("marks"))
    router.callback_query.register(marks_button, on(MarksAction))
    router.callback_query.register(chart_button, on(ChartAction))
    return router
