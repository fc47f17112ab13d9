"""/classjournal: a compact view of the class journal of one subject and period — a monospace
table that fits a phone (surnames shortened, lessons' dates as columns), in pages under 4096
characters (screens/class_teacher/journal.py)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.class_teacher.common import open_class
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import Clock, now_of, show
from screens.class_teacher.actions import JournalCb
from screens.class_teacher.journal import journal_screen, subjects_screen
from services.enums import Role
from services.errors import DomainError
from services.marks import class_journal, final_marks
from services.people.identity import Actor

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


async def _subjects(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    class_id: int,
    clock: Clock | None,
) -> None:
    subjects = await class_journal.class_subjects(session, me, class_id)
    _, period = await final_marks.periods_for_class(session, me, class_id, now=now_of(clock))
    if period is None:
        raise DomainError("term.no_period")
    await show(target, subjects_screen(t, class_id, subjects, period))


async def classjournal_command(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    clock: Clock | None = None,
) -> None:

    async def open_one(class_id: int) -> None:
        await _subjects(message, session, me, t, class_id, clock)

    await open_class(
        message, session, me, t, lambda cid: JournalCb(action="cls", class_id=cid), open_one
    )


async def journal_callback(
    query: CallbackQuery,
    callback_data: JournalCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    if cb.action == "cls":
        await _subjects(query, session, me, t, cb.class_id, clock)
        return
    if cb.action != "show":
        raise DomainError("error.invalid")
    grid = await class_journal.class_journal(session, me, cb.class_id, cb.subject_id, cb.period_id)
    await show(query, journal_screen(t, grid, cb))


def build_router() -> Router:
    router = gate(Router(name=__name__), *ROLES)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(classjournal_command, Command("classjournal"))
    router.callback_query.register(journal_callback, on(JournalCb))
    return router
