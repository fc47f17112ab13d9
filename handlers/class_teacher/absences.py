"""/absences: today's absences across the class (the class teacher; a deputy or admin picks a
class), with what the families announced."""

from __future__ import annotations

import datetime as dt

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.class_teacher.common import open_class
from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import local_today, show
from screens.class_teacher.absences import absences_screen
from screens.class_teacher.actions import AbsCb
from screens.teacher.common import pack_day, unpack_day
from services.attendance import attendance_views
from services.enums import Role
from services.people import class_teacher

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


async def _render(target: Message | CallbackQuery, turn: Turn, class_id: int, day: dt.date) -> None:
    rows = await attendance_views.absence_days(turn.session, turn.me, class_id, day, day)
    cls = await class_teacher.ensure_can_oversee_class(turn.session, turn.me, class_id)
    await show(target, absences_screen(turn.t, cls.name, class_id, day, rows))


async def absences_command(message: Message, turn: Turn) -> None:
    today = local_today(turn.me, turn.now())

    async def open_one(class_id: int) -> None:
        await _render(message, turn, class_id, today)

    await open_class(message, turn, lambda cid: AbsCb(class_id=cid, day=pack_day(today)), open_one)


async def absences_callback(query: CallbackQuery, callback_data: AbsCb, turn: Turn) -> None:
    await _render(query, turn, callback_data.class_id, unpack_day(callback_data.day))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(absences_command, Command("absences"))
    router.callback_query.register(absences_callback, on(AbsCb))
    return router
