"""/reports: the reports this actor may build, their parameters by buttons (class, period,
month, subject, student — from the school's data, narrowed to what the actor may see), the
format, and the file as a document.

The chosen parameters ride in the button (``ReportCb``); ``build_report`` checks access again,
so a forged button for another class or school is refused like every other refusal.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction, ChatType
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.admin.common import REPORTERS, Clock, now_of, require, show
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.admin.actions import ReportCb
from services.enums import SCHOOL_WIDE_READERS
from services.errors import AccessDenied, DomainError
from services.people.identity import Actor
from services.reports import REPORTS, available_reports, build_report, report_choices
from services.school import office_reads

KINDS: tuple[str, ...] = tuple(REPORTS)
FORMATS = ("pdf", "xlsx")
# The parameters the bot asks for, in this order; the rest take the report's defaults.
ASKED = ("class", "student", "period", "month", "subject")
MAX_BUTTONS = 96  # Telegram allows 100 buttons in a keyboard


def _kind(k: int) -> str:
    if not 0 <= k < len(KINDS):
        raise DomainError("error.invalid")
    return KINDS[k]


def _needs(kind: str) -> list[str]:
    names = {p.name for p in REPORTS[kind].params}
    if "student" in names:
        names.add("class")  # the student is picked from a class
    return [n for n in ASKED if n in names]


def _menu(kinds: list[str], lang: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for kind in kinds:
        kb.button(text=REPORTS[kind].title(lang), callback_data=ReportCb(k=KINDS.index(kind)))
    kb.adjust(1)
    return kb.as_markup()


async def reports_command(
    message: Message, actor: Actor | None, session: AsyncSession, lang: str, t: Translator
) -> None:
    me = require(actor, *REPORTERS)
    kinds = await available_reports(session, me)
    if not kinds:
        await message.answer(t("office.reports.none"))
        return
    await message.answer(t("office.reports.pick"), reply_markup=_menu(kinds, lang))


def _with(cb: ReportCb, **changes: int | str) -> ReportCb:
    return cb.model_copy(update=changes)


def _back(kb: InlineKeyboardBuilder, t: Translator) -> None:
    row = InlineKeyboardBuilder()
    row.button(text=t("office.back"), callback_data=ReportCb(k=-1))
    kb.attach(row)


async def _choices(
    session: AsyncSession, actor: Actor, cb: ReportCb, kind: str, step: str, now: dt.datetime
) -> tuple[list[tuple[str, ReportCb]], bool]:
    """The buttons of one step, and whether this step may be skipped (optional parameter)."""
    class_id = cb.cls if cb.cls > 0 else None
    if step == "class":
        classes = await report_choices.report_classes(session, actor, kind)
        items = [(c.title, _with(cb, cls=c.id)) for c in classes]
        first = next(p for p in REPORTS[kind].params if p.name in ("class", "student"))
        return items, not first.required and actor.has(*SCHOOL_WIDE_READERS)
    if step == "student":
        if class_id is None:
            raise DomainError("error.invalid")
        students = await office_reads.class_students(session, actor, class_id)
        return [(s.title, _with(cb, stu=s.id)) for s in students], False
    if step == "period":
        periods = await report_choices.report_periods(session, actor, class_id)
        return [(p.name, _with(cb, per=p.id)) for p in periods], False
    if step == "month":
        months = await report_choices.report_months(session, actor, class_id, now=now)
        return [(f"{m:02d}.{y}", _with(cb, mon=y * 100 + m)) for y, m in months], False
    subjects = await report_choices.report_subjects(session, actor, class_id or 0)
    return [(s.title, _with(cb, subj=s.id)) for s in subjects], False


def _missing(cb: ReportCb, kind: str) -> str | None:
    chosen = {"class": cb.cls, "student": cb.stu, "period": cb.per, "month": cb.mon}
    chosen["subject"] = cb.subj
    return next((step for step in _needs(kind) if not chosen[step]), None)


def params_of(cb: ReportCb, lang: str) -> dict[str, object]:
    params: dict[str, object] = {"lang": lang}
    if cb.cls > 0:
        params["class_id"] = cb.cls
    if cb.per:
        params["period_id"] = cb.per
    if cb.mon:
        params["month"] = f"{cb.mon // 100:04d}-{cb.mon % 100:02d}"
    if cb.subj:
        params["subject_id"] = cb.subj
    if cb.stu:
        params["student_id"] = cb.stu
    return params


async def report_step(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor | None,
    session: AsyncSession,
    bot: Bot,
    lang: str,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *REPORTERS)
    cb = callback_data
    available = await available_reports(session, me)
    if cb.k == -1:
        await show(query, t("office.reports.pick"), _menu(available, lang))
        return
    kind = _kind(cb.k)
    if kind not in available:
        raise AccessDenied()
    title = escape(REPORTS[kind].title(lang))
    step = _missing(cb, kind)
    if step is not None:
        items, optional = await _choices(session, me, cb, kind, step, now_of(clock))
        # One choice of a required parameter: take it without asking.
        if len(items) == 1 and not optional:
            cb = items[0][1]
            await report_step(query, cb, actor, session, bot, lang, t, clock)
            return
        kb = InlineKeyboardBuilder()
        if optional and step == "class":
            kb.button(text=t("office.reports.whole_school"), callback_data=_with(cb, cls=-1))
        columns = 4 if step == "class" else (3 if step == "month" else 1)
        body = InlineKeyboardBuilder()
        for label, data in items[:MAX_BUTTONS]:
            body.button(text=label, callback_data=data)
        body.adjust(columns)
        kb.attach(body)
        _back(kb, t)
        text = t(f"office.reports.ask.{step}", title=title)
        if not items and not optional:
            text = t("office.reports.nothing", title=title)
        await show(query, text, kb.as_markup())
        return
    if not cb.fmt:
        kb = InlineKeyboardBuilder()
        for fmt in FORMATS:
            kb.button(text=fmt.upper(), callback_data=_with(cb, fmt=fmt))
        kb.adjust(2)
        _back(kb, t)
        await show(query, t("office.reports.ask.format", title=title), kb.as_markup())
        return
    if cb.fmt not in FORMATS:
        raise DomainError("error.invalid")
    if not isinstance(query.message, Message):
        return
    chat_id = query.message.chat.id
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    report = await build_report(session, me, kind, params_of(cb, lang), cb.fmt)
    await bot.send_document(
        chat_id,
        BufferedInputFile(report.data, filename=report.filename),
        caption=t("office.reports.ready", title=title),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(reports_command, Command("reports"))
    router.callback_query.register(report_step, on(ReportCb))
    return router
