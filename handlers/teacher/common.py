"""Helpers shared by the teacher and class-teacher routers: who may act, the clock, the lesson
sheet a change starts from, the lesson a prompt waits for, showing a text or a neutral Screen
in place of the pressed message, shortened to what Telegram takes (the texts of lessons and
lock states are screens/teacher/common.py's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.screens import markup as screen_markup
from handlers.common.screens import paced, send_attachments
from handlers.common.turn import Turn
from screens.screen import Screen
from services.enums import Role
from services.errors import AccessDenied, DomainError, ValidationFailed
from services.models import utcnow
from services.people.identity import Actor
from services.richtext import shorten_html
from services.timetable import lesson_sheet
from services.timetable.lesson_sheet import LessonLock, LessonSheet

Clock = Callable[[], dt.datetime]
# Who teaches lessons (a teacher of additional education and a tutor too: their groups).
TEACHING = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.EXTRA_TEACHER, Role.EDUCATOR)
READERS = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY)


def now_of(clock: Clock | None) -> dt.datetime:
    """The current time; tests put a ``clock`` into the dispatcher's workflow data."""
    return clock() if clock is not None else utcnow()


def local_today(actor: Actor, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def local_time(actor: Actor, now: dt.datetime) -> dt.time:
    return now.astimezone(ZoneInfo(actor.timezone)).time()


def raise_lock(lock: LessonLock | None) -> None:
    if lock is not None:
        raise DomainError(lock.code, **lock.params)


def ensure_teaches(sheet: LessonSheet) -> None:
    """Only the teacher who gives the lesson changes its record (the services check it too)."""
    if not sheet.can_edit:
        raise AccessDenied()


async def sheet_now(turn: Turn, lesson_id: int) -> LessonSheet:
    """The lesson's sheet as it is now (e.g. after a change, for the card shown next)."""
    return await lesson_sheet.lesson_sheet(turn.session, turn.me, lesson_id, now=turn.now())


async def editable_sheet(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    now: dt.datetime,
    *,
    lock: Literal["records", "text"],
    first_grade: str | None = None,
) -> LessonSheet:
    """The sheet of a lesson its teacher is about to change: only the teacher who gives it,
    not a first grade's when ``first_grade`` names that refusal, and not locked (``lock``: the
    records' lock for attendance and marks, the text's for the topic and homework)."""
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now)
    ensure_teaches(sheet)
    if first_grade is not None and sheet.first_grade:
        raise ValidationFailed(first_grade)
    raise_lock(sheet.records_lock if lock == "records" else sheet.text_lock)
    return sheet


async def marks_sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, now: dt.datetime
) -> LessonSheet:
    """The sheet of a lesson its teacher is about to put marks in (a first grade has none)."""
    return await editable_sheet(
        session, actor, lesson_id, now, lock="records", first_grade="journal.first_grade_no_marks"
    )


async def typed_lesson(state: FSMContext, key: str) -> int:
    """The lesson a prompt waits for typed text about (kept in the FSM data under ``key``);
    with none, the prompt has expired and the wait ends."""
    lesson_id = (await state.get_data()).get(key)
    if not isinstance(lesson_id, int):
        await state.set_state(None)
        raise DomainError("quick.expired")
    return lesson_id


async def show(
    target: CallbackQuery | Message,
    text: str | Screen,
    markup: InlineKeyboardMarkup | None = None,
    *,
    new: bool = False,
) -> Any:
    """Edit the callback's message in place (or send a new message for a text message); a
    text longer than Telegram takes is shortened (services.richtext). Given a Screen, its
    buttons are the keyboard and it is sent anew when it does not replace the pressed message;
    its further messages follow as new ones, the buttons under the last."""
    if isinstance(text, Screen):
        if markup is not None:
            raise TypeError("a Screen carries its own buttons")
        return await _show_screen(target, text, new=new)
    text = shorten_html(text)
    if isinstance(target, CallbackQuery) and not new and isinstance(target.message, Message):
        try:
            return await target.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            if "not modified" in str(exc).lower():
                return None
            raise
    message = target.message if isinstance(target, CallbackQuery) else target
    if message is None:
        return None
    return await message.answer(text, reply_markup=markup)


async def _show_screen(target: CallbackQuery | Message, screen: Screen, *, new: bool) -> Any:
    keyboard = screen_markup(screen)
    texts = [shorten_html(text) for text in screen.texts]
    new = new or not screen.replace
    shown = None
    if texts:
        first, rest = texts[0], texts[1:]
        shown = await show(target, first, None if rest else keyboard, new=new)
        message = target.message if isinstance(target, CallbackQuery) else target
        if rest and isinstance(message, Message):
            for i, text in enumerate(rest):
                last = i == len(rest) - 1
                shown = await paced(message.answer(text, reply_markup=keyboard if last else None))
    if screen.attachments and target.bot is not None:
        chat = target.chat.id if isinstance(target, Message) else target.from_user.id
        await send_attachments(target.bot, chat, screen)
    return shown
