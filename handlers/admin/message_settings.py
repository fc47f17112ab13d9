"""⚙️ School settings → family messages (the admin's): the teachers' working hours for
messages, typed and validated (a bad answer is refused with the reason and asked again), and
whether students may write themselves. The use case checks the role again and records the
change in the audit log (``school.messages``)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin.message_settings import (
    MsgSetCb,
    hours_prompt_screen,
    message_settings_screen,
)
from services.enums import Role
from services.errors import ValidationFailed
from services.family_messages import settings


class MessageHours(StatesGroup):
    typed = State()  # the working hours, typed


async def message_settings(query: CallbackQuery, callback_data: MsgSetCb, turn: Turn) -> None:
    current = await settings.message_settings(turn.session, turn.me)
    if callback_data.op == "hours":
        await turn.state.set_state(MessageHours.typed)
        await show_screen(query, hours_prompt_screen(turn.t, current))
        return
    await turn.state.set_state(None)
    note = None
    if callback_data.op == "students":
        current = await settings.set_message_settings(
            turn.session,
            turn.me,
            start=current.start,
            end=current.end,
            students_write=callback_data.on == 1,
            now=turn.now(),
        )
        note = turn.t("office.settings.saved")
    elif callback_data.op == "cancel":
        note = turn.t("complaints.settings.unchanged")
    await show_screen(query, message_settings_screen(turn.t, current, note))


async def typed_hours(message: Message, turn: Turn) -> None:
    current = await settings.message_settings(turn.session, turn.me)
    try:
        start, end = settings.parse_hours(message.text)
    except ValidationFailed as err:
        await send_screen(message, hours_prompt_screen(turn.t, current, turn.t(err.code)))
        return
    saved = await settings.set_message_settings(
        turn.session,
        turn.me,
        start=start,
        end=end,
        students_write=current.students_write,
        now=turn.now(),
    )
    await turn.state.set_state(None)
    screen = message_settings_screen(turn.t, saved, turn.t("office.settings.saved"))
    await send_screen(message, screen)


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(message_settings, on(MsgSetCb))
    typed = (F.text, ~F.text.startswith("/"))
    router.message.register(typed_hours, StateFilter(MessageHours.typed), *typed)
    return router
