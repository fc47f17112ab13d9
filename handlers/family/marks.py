"""/marks: marks of the current period by subject, weighted averages, the projected period
mark and what the next one needs; other periods by button; a chart sent as a photo."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.family.callbacks import ChartCb, MarksCb
from handlers.family.common import (
    Clock,
    callback_reader,
    family_reader,
    now_of,
    send_pages,
    show_pages,
)
from screens.family.render import marks_messages, period_button
from services import charts, family
from services.family import MarksPage
from services.identity import Actor


def marks_keyboard(t: Translator, page: MarksPage) -> InlineKeyboardMarkup | None:
    kb = InlineKeyboardBuilder()
    s = page.student.id
    current = page.period.id if page.period is not None else None
    for p in page.periods:
        label = period_button(t, p)
        if p.id == current:
            label = f"• {label} •"
        kb.button(text=label, callback_data=MarksCb(s=s, p=p.id))
    sizes = [min(len(page.periods), 4)] if page.periods else []
    if page.available and page.subjects and any(r.marks for r in page.subjects):
        kb.button(text=t("chart.button"), callback_data=ChartCb(s=s, p=current or 0))
        sizes.append(1)
    if not sizes:
        return None
    kb.adjust(*sizes)
    return kb.as_markup()


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
    page = await family.marks_page(session, reader, student.id, None, now_of(family_clock))
    await send_pages(message, marks_messages(t, page), marks_keyboard(t, page))


async def marks_button(
    callback: CallbackQuery,
    callback_data: MarksCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await family.marks_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    await show_pages(callback, marks_messages(t, page), marks_keyboard(t, page))


def chart_png(t: Translator, page: MarksPage) -> bytes:
    bars = [
        charts.SubjectBar(r.subject, r.average, r.suggested, len(r.marks)) for r in page.subjects
    ]
    period = page.period.name if page.period is not None else ""
    return charts.marks_chart_png(
        bars,
        title=t("chart.title", name=page.student.name, period=period),
        xlabel=t("chart.xlabel"),
        no_marks=t("chart.no_marks"),
        decimal_point=t("family.decimal_point"),
    )


async def chart_button(
    callback: CallbackQuery,
    callback_data: ChartCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    bot: Bot,
    callback_answer: CallbackAnswer,
    family_clock: Clock | None = None,
) -> None:
    reader = callback_reader(actor, callback_answer, t)
    if reader is None:
        return
    page = await family.marks_page(
        session, reader, callback_data.s, callback_data.p or None, now_of(family_clock)
    )
    if not page.available or not any(r.marks for r in page.subjects):
        callback_answer.text = t("chart.empty")
        return
    assert callback.from_user is not None
    png = chart_png(t, page)
    period = page.period.name if page.period is not None else ""
    await bot.send_photo(
        callback.from_user.id,
        BufferedInputFile(png, filename="marks.png"),
        caption=t("chart.caption", name=escape(page.student.name), period=escape(period)),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(marks_command, Command("marks"))
    router.callback_query.register(marks_button, MarksCb.filter())
    router.callback_query.register(chart_button, ChartCb.filter())
    return router
