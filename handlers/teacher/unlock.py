"""A deputy or admin opens a locked lesson for its teacher (seed 003 §3.2): from the lesson card
of a teacher's day (``/today <surname>``), with a preset or typed reason, for 48 hours."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import sheet_now, show, typed_lesson
from screens.teacher.actions import UnlockCb
from screens.teacher.unlock import reason_screen, reason_text, unlocked_screen
from services.enums import Role
from services.errors import DomainError
from services.people import policy
from services.timetable import lesson_edits

HOURS = 48


class UnlockStates(StatesGroup):
    reason = State()


async def unlock_action(query: CallbackQuery, callback_data: UnlockCb, turn: Turn) -> None:
    cb = callback_data
    if cb.reason <= 0:
        # Who may unlock is checked before the reason prompt opens.
        await policy.ensure_can_unlock_lesson(turn.session, turn.me, cb.lesson_id)
        sheet = await sheet_now(turn, cb.lesson_id)
        await turn.state.set_state(UnlockStates.reason)
        await turn.state.update_data(unlock_lesson=sheet.lesson_id)
        await show(query, reason_screen(turn.t, sheet, HOURS))
        return
    reason = reason_text(turn.t, cb.reason)
    if reason is None:
        raise DomainError("error.invalid")
    await _unlock(query, turn, cb.lesson_id, reason)


async def typed_reason(message: Message, turn: Turn) -> None:
    lesson_id = await typed_lesson(turn.state, "unlock_lesson")
    await _unlock(message, turn, lesson_id, message.text or "")


async def _unlock(target: CallbackQuery | Message, turn: Turn, lesson_id: int, reason: str) -> None:
    await lesson_edits.unlock_lesson(
        turn.session, turn.me, lesson_id, hours=HOURS, reason=reason, now=turn.now()
    )
    await turn.state.set_state(None)
    await show(target, unlocked_screen(turn.t, await sheet_now(turn, lesson_id), HOURS))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.DEPUTY, Role.ADMIN))
    router.callback_query.register(unlock_action, on(UnlockCb))
    router.message.register(
        typed_reason, StateFilter(UnlockStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
