"""/subgroups: who is in which subgroup of the class (the class teacher; the admin picks a
class); a tap on a student in a group's list moves them in or out from today, history kept
(services.people.subgroups)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.class_teacher.common import open_class
from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import local_today, show
from screens.class_teacher.actions import GroupCb
from screens.class_teacher.subgroups import class_groups_screen, group_screen
from services.enums import Role
from services.people import subgroups

ROLES = (Role.CLASS_TEACHER, Role.ADMIN)


async def _class(target: Message | CallbackQuery, turn: Turn, class_id: int) -> None:
    today = local_today(turn.me, turn.now())
    view = await subgroups.class_groups(turn.session, turn.me, class_id, today)
    await show(target, class_groups_screen(turn.t, view))


async def subgroups_command(message: Message, turn: Turn) -> None:
    async def open_one(class_id: int) -> None:
        await _class(message, turn, class_id)

    await open_class(message, turn, lambda cid: GroupCb(action="cls", class_id=cid), open_one)


async def subgroups_callback(query: CallbackQuery, callback_data: GroupCb, turn: Turn) -> None:
    cb = callback_data
    if cb.action == "cls" or not cb.group_id:
        await _class(query, turn, cb.class_id)
        return
    done = None
    if cb.action == "tap" and cb.student_id:
        done = await subgroups.toggle_member(
            turn.session, turn.me, cb.group_id, cb.student_id, now=turn.now()
        )
    today = local_today(turn.me, turn.now())
    view = await subgroups.class_groups(turn.session, turn.me, cb.class_id, today)
    if view.group(cb.group_id) is None:
        await _class(query, turn, cb.class_id)
        return
    await show(query, group_screen(turn.t, view, cb.group_id, done))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(subgroups_command, Command("subgroups"))
    router.callback_query.register(subgroups_callback, on(GroupCb))
    return router
