"""Helpers shared by the family routers: the clock, the reader (typed dates are read by
screens.common.dates).

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
from screens.common.dates import parse_day, parse_range
from services.enums import Role
from services.models import utcnow
from services.people.identity import Actor

log = logging.getLogger(__name__)

__all__ = [
    "FAMILY_ROLES",
    "Clock",
    "callback_reader",
    "family_reader",
    "now_of",
    "parse_day",
    "parse_range",
]

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
