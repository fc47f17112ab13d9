"""/classjournal: a compact view of the class journal of one subject and period — a monospace
table that fits a phone (surnames shortened, lessons' dates as columns), in pages under 4096
characters (screens/class_teacher/journal.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.class_teacher.common import open_class
from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import show
from screens.class_teacher.actions import JournalCb
from screens.class_teacher.journal import journal_screen, subjects_screen
from services.enums import Role
from services.errors import DomainError
from services.marks import class_journal, final_marks

# The observer reads the class journal too (never a change).
ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR, Role.OBSERVER)


async def _subjects(target: Message | CallbackQuery, turn: Turn, class_id: int) -> None:
    subjects = await class_journal.class_subjects(turn.session, turn.me, class_id)
    _, period = await final_marks.periods_for_class(turn.session, turn.me, class_id, now=turn.now())
    if period is None:
        raise DomainError("term.no_period")
    await show(target, subjects_screen(turn.t, class_id, subjects, period))


async def classjournal_command(message: Message, turn: Turn) -> None:
    async def open_one(class_id: int) -> None:
        await _subjects(message, turn, class_id)

    await open_class(message, turn, lambda cid: JournalCb(action="cls", class_id=cid), open_one)


async def journal_callback(query: CallbackQuery, callback_data: JournalCb, turn: Turn) -> None:
    cb = callback_data
    if cb.action == "cls":
        await _subjects(query, turn, cb.class_id)
        return
    if cb.action != "show":
        raise DomainError("error.invalid")
    grid = await class_journal.class_journal(
        turn.session, turn.me, cb.class_id, cb.subject_id, cb.period_id
    )
    await show(query, journal_screen(turn.t, grid, cb))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(classjournal_command, Command("classjournal"))
    router.callback_query.register(journal_callback, on(JournalCb))
    return router
