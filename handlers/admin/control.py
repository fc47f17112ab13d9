"""/admin → control works: the deputy agrees the dates teachers proposed (seed 002 §5.2.5)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.admin.common import OFFICE, Clock, now_of
from handlers.common.gate import gate
from handlers.common.screens import on, show_screen
from screens.admin.actions import ControlCb, OfficeCb
from screens.admin.control import control_works_screen
from services.people.identity import Actor
from services.timetable import control_works as timetable_control_works


async def control_works(
    query: CallbackQuery,
    me: Actor,
    session: AsyncSession,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    rows = await timetable_control_works.office_control_works(session, me, now_of(clock))
    await show_screen(query, control_works_screen(t, rows))


async def agree(
    query: CallbackQuery,
    callback_data: ControlCb,
    me: Actor,
    session: AsyncSession,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    await timetable_control_works.agree_control_work(session, me, callback_data.id)
    await control_works(query, me, session, t, clock)


def build_router() -> Router:
    router = gate(Router(name=__name__), *OFFICE)
    router.callback_query.register(control_works, on(OfficeCb, F.action == "cw"))
    router.callback_query.register(agree, on(ControlCb))
    return router
