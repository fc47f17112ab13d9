"""Helpers shared by the family routers: the clock, the reader, sending and editing views.

``family_clock`` may be put into the dispatcher's workflow data (a callable returning an aware
UTC datetime) so that tests and demos fix "now"; by default it is the real time. What "today" is
is decided by the school's time zone in the services.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from handlers.common.bounds import day_in_window, window_error
from services.enums import Role
from services.identity import Actor
from services.models import utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
FAMILY_ROLES = (Role.PARENT, Role.TRUSTED, Role.STUDENT)


def now_of(family_clock: Clock | None) -> dt.datetime:
    return family_clock() if family_clock is not None else utcnow()


async def family_reader(message: Message, actor: Actor | None, t: Translator) -> Actor | None:
    """The signed-in family member, or None after telling the user why not."""
    if actor is None:
        await message.answer(t("signin.required"))
        return None
    if not actor.has(*FAMILY_ROLES):
        await message.answer(t("family.not_family"))
        return None
    return actor


def callback_reader(
    actor: Actor | None, callback_answer: CallbackAnswer, t: Translator
) -> Actor | None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return None
    return actor


# A view of several messages may meet the messenger's per-chat pace: wait a little and retry.
MAX_PACE_WAIT = 5


async def paced(method: TelegramMethod[Any], attempts: int = 3) -> Any:
    """Send a prepared Bot API method (``message.answer(...)`` without await)."""
    for attempt in range(attempts):
        try:
            return await method
        except TelegramRetryAfter as exc:
            if attempt == attempts - 1 or exc.retry_after > MAX_PACE_WAIT:
                raise
            await asyncio.sleep(exc.retry_after)
    return None  # pragma: no cover


async def send_pages(
    message: Message, texts: Sequence[str], markup: InlineKeyboardMarkup | None
) -> None:
    """Send a view as new messages; the buttons go under the last one."""
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        await paced(message.answer(text, reply_markup=markup if last else None))


async def show_pages(
    callback: CallbackQuery, texts: Sequence[str], markup: InlineKeyboardMarkup | None
) -> None:
    """Show a view in the message whose button was pressed (edited in place). A view longer
    than one message continues in new messages, with the buttons under the last one."""
    message = callback.message
    if not isinstance(message, Message):  # too old to edit: send afresh
        if callback.from_user is not None and callback.bot is not None:
            bot, chat_id = callback.bot, callback.from_user.id
            for i, text in enumerate(texts):
                last = i == len(texts) - 1
                await paced(
                    SendMessage(
                        chat_id=chat_id, text=text, reply_markup=markup if last else None
                    ).as_(bot)
                )
        return
    first, rest = texts[0], list(texts[1:])
    try:
        await message.edit_text(first, reply_markup=None if rest else markup)
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    for i, text in enumerate(rest):
        last = i == len(rest) - 1
        await paced(message.answer(text, reply_markup=markup if last else None))


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """ "20.11", "20.11.2026", "2026-11-20" → a date; without a year, the nearest such date.

    None when it is no date; a date outside the journal's window (``0001-01-01``,
    ``9999-12-31``) is refused with a message that names the window."""
    day = _parse_day(text, today)
    if day is not None and not day_in_window(day):
        raise window_error()
    return day


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    text = text.strip().rstrip(".")
    try:
        if "-" in text and len(text) == 10:
            return dt.date.fromisoformat(text)
        parts = [p for p in text.replace("/", ".").split(".") if p]
        if len(parts) == 3:
            year = int(parts[2])
            year = year + 2000 if year < 100 else year
            return dt.date(year, int(parts[1]), int(parts[0]))
        if len(parts) == 2:
            day, month = int(parts[0]), int(parts[1])
            candidates = []
            for year in (today.year - 1, today.year, today.year + 1):
                try:
                    candidates.append(dt.date(year, month, day))
                except (ValueError, OverflowError):
                    continue
            if not candidates:
                return None
            return min(candidates, key=lambda d: abs((d - today).days))
    except (ValueError, OverflowError):
        return None
    return None


def parse_range(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """ "20.11" or "20.11–22.11" (any dash) → (first, last)."""
    for dash in ("–", "—", " - ", "-"):
        if dash in text and not (dash == "-" and len(text.strip()) == 10):
            left, _, right = text.partition(dash)
            start, end = parse_day(left, today), parse_day(right, today)
            if start is None or end is None:
                return None
            return start, end
    day = parse_day(text, today)
    return (day, day) if day is not None else None
