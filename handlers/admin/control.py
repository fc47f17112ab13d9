"""/admin → control works: the deputy agrees the dates teachers proposed (seed 002 §5.2.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.admin.common import OFFICE, require, show
from handlers.admin.menu import home_button
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.actions import Action
from screens.admin.actions import OfficeCb
from screens.bounds import Id
from services.models import School
from services.people.identity import Actor
from services.school.calendar import school_today
from services.timetable import control_works as timetable_control_works


class ControlCb(Action, prefix="o_cw"):
    id: Id


Clock = Callable[[], dt.datetime]


async def _render(
    session: AsyncSession, actor: Actor, t: Translator, clock: Clock | None
) -> tuple[str, InlineKeyboardMarkup]:
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school, clock() if clock else None)
    rows = await timetable_control_works.upcoming_control_works(session, actor, today=today)
    lines = [t("office.cw.title")]
    kb = InlineKeyboardBuilder()
    for row in rows:
        mark = "✅" if row.agreed else "⏳"
        lines.append(f"{mark} {row.date:%d.%m} {escape(row.class_name)} — {escape(row.subject)}")
        if not row.agreed:
            kb.button(
                text=t("office.cw.agree", date=f"{row.date:%d.%m}", cls=row.class_name),
                callback_data=ControlCb(id=row.id),
            )
    if not rows:
        lines.append(t("office.cw.none"))
    kb.adjust(1)
    home_button(kb, t)
    return "\n".join(lines), kb.as_markup()


async def control_works(
    query: CallbackQuery,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *OFFICE)
    text, markup = await _render(session, me, t, clock)
    await show(query, text, markup)


async def agree(
    query: CallbackQuery,
    callback_data: ControlCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *OFFICE)
    await timetable_control_works.agree_control_work(session, me, callback_data.id)
    text, markup = await _render(session, me, t, clock)
    await show(query, text, markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(control_works, on(OfficeCb, F.action == "cw"))
    router.callback_query.register(agree, on(ControlCb))
    return router
