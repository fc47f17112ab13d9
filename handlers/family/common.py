"""Helpers shared by the family routers: the clock, the reader, sending and editing views.

``family_clock`` may be put into the dispatcher's workflow data (a callable returning an aware
UTC datetime) so that tests and demos fix "now"; by default it is the real time. What "today" is
is decided by the school's time zone in the services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from aiogram.types import Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from screens.bounds import day_in_window, window_error
from services.enums import Role
from services.models import utcnow
from services.people.identity import Actor

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
