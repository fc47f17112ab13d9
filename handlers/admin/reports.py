"""/reports: the reports this actor may build, their parameters by buttons (class, period,
month, subject, student — from the school's data, narrowed to what the actor may see), the
format, and the file as a document.

The chosen parameters ride in the button (``ReportCb``); ``build_report`` checks access again,
so a forged button for another class or school is refused like every other refusal.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.admin.common import REPORTERS
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from i18n import Translator
from screens.admin import reports as screens
from screens.admin.actions import ReportCb
from screens.admin.reports import Choice
from services.errors import AccessDenied, DomainError
from services.people import policy
from services.people.identity import Actor
from services.reports import REPORTS, available_reports, build_report, report_choices


async def reports_command(
    message: Message, me: Actor, session: AsyncSession, t: Translator
) -> None:
    kinds = await available_reports(session, me)
    if not kinds:
        await send_screen(message, screens.no_reports_screen(t))
        return
    await send_screen(message, screens.reports_screen(t, kinds, replace=False))


async def load_choices(
    session: AsyncSession, actor: Actor, cb: ReportCb, kind: str, step: str, now: dt.datetime
) -> tuple[list[Choice], bool]:
    """The choices of one step, and whether this step may be skipped (optional parameter)."""
    class_id = cb.cls if cb.cls > 0 else None
    if step == "class":
        classes = await report_choices.report_classes(session, actor, kind)
        first = next(p for p in REPORTS[kind].params if p.name in ("class", "student"))
        optional = not first.required and policy.is_journal_reader(actor)
        return [(c.id, c.title) for c in classes], optional
    if step == "student":
        if class_id is None:
            raise DomainError("error.invalid")
        students = await report_choices.report_students(session, actor, class_id)
        return [(s.id, s.title) for s in students], False
    if step == "period":
        periods = await report_choices.report_periods(session, actor, class_id)
        return [(p.id, p.name) for p in periods], False
    if step == "month":
        months = await report_choices.report_months(session, actor, class_id, now=now)
        return [screens.month_choice(y, m) for y, m in months], False
    subjects = await report_choices.report_subjects(session, actor, class_id or 0)
    return [(s.id, s.title) for s in subjects], False


async def report_step(
    query: CallbackQuery, callback_data: ReportCb, turn: Turn, bot: Bot, lang: str
) -> None:
    cb, session, me, t = callback_data, turn.session, turn.me, turn.t
    available = await available_reports(session, me)
    if cb.k == -1:
        await show_screen(query, screens.reports_screen(t, available))
        return
    kind = screens.kind_of(cb.k)
    if kind not in available:
        raise AccessDenied()
    while (step := screens.missing(cb, kind)) is not None:
        choices, optional = await load_choices(session, me, cb, kind, step, turn.now())
        # One choice of a required parameter: take it without asking.
        if len(choices) == 1 and not optional:
            cb = screens.chosen(cb, step, choices[0][0])
            continue
        await show_screen(query, screens.step_screen(t, cb, kind, step, choices, optional=optional))
        return
    if not cb.fmt:
        await show_screen(query, screens.format_screen(t, cb, kind))
        return
    if not isinstance(query.message, Message):
        return
    await bot.send_chat_action(query.message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    report = await build_report(session, me, kind, screens.params_of(cb, lang), cb.fmt)
    await show_screen(query, screens.report_screen(t, kind, report))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *REPORTERS))
    router.message.register(reports_command, Command("reports"))
    router.callback_query.register(report_step, on(ReportCb))
    return router
