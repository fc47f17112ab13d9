"""Helpers of the office screens: who may act, the clock, editing in place, long texts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.common.keyboard import InlineKeyboardBuilder
from screens.actions import Action
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.models import utcnow
from services.people.identity import Actor
from services.richtext import TEXT_LIMIT, shorten_html, visible_length

Clock = Callable[[], dt.datetime]
MAX_TEXT = TEXT_LIMIT
PAGE = 24

OFFICE = (Role.ADMIN, Role.DEPUTY)
REPORTERS = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.CLASS_TEACHER, Role.TEACHER)


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


def pack_day(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def unpack_day(value: int) -> dt.date:
    try:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError as exc:
        raise DomainError("error.invalid") from exc


def when(moment: dt.datetime | None) -> str:
    return moment.strftime("%d.%m.%Y %H:%M") if moment is not None else "—"


async def show(
    target: CallbackQuery | Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> Any:
    """Edit the callback's message in place, or answer a text message; a text longer than
    Telegram takes is shortened (long lists go through :func:`send_long`)."""
    text = shorten_html(text)
    if isinstance(target, CallbackQuery):
        if isinstance(target.message, Message):
            try:
                return await target.message.edit_text(text, reply_markup=markup)
            except TelegramBadRequest as exc:
                if "not modified" in str(exc).lower():
                    return None
                raise
        return None
    return await target.answer(text, reply_markup=markup)


def chunks(lines: Sequence[str], limit: int = MAX_TEXT, sep: str = "\n") -> list[str]:
    """Join lines into messages of at most ``limit`` characters as Telegram counts them (visible
    text after the HTML is parsed, UTF-16 units); a longer line is cut, its tags kept balanced."""
    out: list[str] = []
    current = ""
    size = 0
    gap = visible_length(sep)
    for line in lines:
        line = shorten_html(line, limit)
        width = visible_length(line)
        if current and size + gap + width > limit:
            out.append(current)
            current, size = line, width
        elif current:
            current, size = f"{current}{sep}{line}", size + gap + width
        else:
            current, size = line, width
    if current or not out:
        out.append(current)
    return out


async def send_long(
    target: CallbackQuery | Message,
    lines: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Long lists: the first part edits the callback's message, the rest are new messages;
    the keyboard goes with the last part."""
    parts = chunks(lines)
    message = target.message if isinstance(target, CallbackQuery) else target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if i == 0:
            await show(target, part, markup if last else None)
        elif isinstance(message, Message):
            await message.answer(part, reply_markup=markup if last else None)


def paged(
    kb: InlineKeyboardBuilder,
    items: Sequence[tuple[str, Action]],
    page: int,
    nav: Callable[[int], Action],
    *,
    columns: int = 1,
    size: int = PAGE,
) -> None:
    """Buttons of one page of ``items`` and ◀ ▶ to the neighbours."""
    chunk = items[page * size : (page + 1) * size]
    body = InlineKeyboardBuilder()
    for text, data in chunk:
        body.button(text=text, callback_data=data)
    body.adjust(columns)
    kb.attach(body)
    arrows = InlineKeyboardBuilder()
    if page > 0:
        arrows.button(text="◀", callback_data=nav(page - 1))
    if (page + 1) * size < len(items):
        arrows.button(text="▶", callback_data=nav(page + 1))
    kb.attach(arrows)
