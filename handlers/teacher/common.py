"""Helpers shared by the teacher and class-teacher routers: who may act, the clock, editing a
message in place (the texts of lessons and lock states are screens/teacher/common.py's,
re-exported here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.models import utcnow
from services.people.identity import Actor
from services.richtext import shorten_html
from services.timetable.lesson_sheet import LessonLock, LessonSheet

Clock = Callable[[], dt.datetime]
TEACHING = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY)
READERS = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY)


def require(actor: Actor | None, *roles: Role) -> Actor:
    """The signed-in actor with one of ``roles``; otherwise a translated refusal."""
    if actor is None:
        raise DomainError("signin.required")
    if roles and not actor.has(*roles):
        raise AccessDenied()
    return actor


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


async def show(
    target: CallbackQuery | Message,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    new: bool = False,
) -> Any:
    """Edit the callback's message in place (or send a new message for a text message); a
    text longer than Telegram takes is shortened (services.richtext)."""
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
