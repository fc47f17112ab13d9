"""A deputy or admin opens a locked lesson for its teacher (seed 003 §3.2): from the lesson card
of a teacher's day (``/today <surname>``), with a preset or typed reason, for 48 hours."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import Clock, now_of, show
from screens.teacher.actions import UnlockCb
from screens.teacher.unlock import reason_screen, reason_text, unlocked_screen
from services.enums import Role
from services.errors import DomainError
from services.people import policy
from services.people.identity import Actor
from services.timetable import lesson_edits, lesson_sheet

HOURS = 48


class UnlockStates(StatesGroup):
    reason = State()


async def unlock_action(
    query: CallbackQuery,
    callback_data: UnlockCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    if cb.reason <= 0:
        # Who may unlock is checked before the reason prompt opens.
        await policy.ensure_can_unlock_lesson(session, me, cb.lesson_id)
        sheet = await lesson_sheet.lesson_sheet(session, me, cb.lesson_id, now=now_of(clock))
        await state.set_state(UnlockStates.reason)
        await state.update_data(unlock_lesson=sheet.lesson_id)
        await show(query, reason_screen(t, sheet, HOURS))
        return
    reason = reason_text(t, cb.reason)
    if reason is None:
        raise DomainError("error.invalid")
    await _unlock(session, me, t, state, cb.lesson_id, reason, query, clock)


async def typed_reason(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    lesson_id = (await state.get_data()).get("unlock_lesson")
    if not isinstance(lesson_id, int):
        await state.set_state(None)
        raise DomainError("quick.expired")
    await _unlock(session, me, t, state, lesson_id, message.text or "", message, clock)


async def _unlock(
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    lesson_id: int,
    reason: str,
    target: CallbackQuery | Message,
    clock: Clock | None,
) -> None:
    await lesson_edits.unlock_lesson(
        session, me, lesson_id, hours=HOURS, reason=reason, now=now_of(clock)
    )
    await state.set_state(None)
    sheet = await lesson_sheet.lesson_sheet(session, me, lesson_id, now=now_of(clock))
    await show(target, unlocked_screen(t, sheet, HOURS))


def build_router() -> Router:
    router = gate(Router(name=__name__), Role.DEPUTY, Role.ADMIN)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(unlock_action, on(UnlockCb))
    router.message.register(
        typed_reason, StateFilter(UnlockStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
