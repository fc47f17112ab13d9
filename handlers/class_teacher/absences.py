"""/absences: today's absences across the class (the class teacher; a deputy or admin picks a
class), with what the families announced."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.class_teacher.common import open_class
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import Clock, local_today, now_of, show
from screens.class_teacher.absences import absences_screen
from screens.class_teacher.actions import AbsCb
from screens.teacher.common import pack_day, unpack_day
from services.attendance import attendance_views
from services.enums import Role
from services.people import class_teacher
from services.people.identity import Actor

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


async def _render(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    class_id: int,
    day: dt.date,
) -> None:
    rows = await attendance_views.absence_days(session, me, class_id, day, day)
    cls = await class_teacher.ensure_can_oversee_class(session, me, class_id)
    await show(target, absences_screen(t, cls.name, class_id, day, rows))


async def absences_command(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    today = local_today(me, now_of(clock))

    async def open_one(class_id: int) -> None:
        await _render(message, session, me, t, class_id, today)

    await open_class(
        message, session, me, t, lambda cid: AbsCb(class_id=cid, day=pack_day(today)), open_one
    )


async def absences_callback(
    query: CallbackQuery,
    callback_data: AbsCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
) -> None:
    await _render(query, session, me, t, callback_data.class_id, unpack_day(callback_data.day))


def build_router() -> Router:
    router = gate(Router(name=__name__), *ROLES)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(absences_command, Command("absences"))
    router.callback_query.register(absences_callback, on(AbsCb))
    return router
