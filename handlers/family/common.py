"""Helpers shared by the family routers: their gate, the clock, the reader, a day in a button
(typed dates are read by screens.common.dates).

``family_clock`` may be put into the dispatcher's workflow data (a callable returning an aware
UTC datetime) so that tests and demos fix "now"; by default it is the real time. What "today" is
is decided by the school's time zone in the services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import RoleGate
from handlers.common.turn import Turn, with_turn
from i18n import Translator
from screens.common.dates import parse_day, parse_range
from services.enums import Role
from services.models import utcnow
from services.people import family
from services.people.identity import Actor

log = logging.getLogger(__name__)

__all__ = [
    "FAMILY_ROLES",
    "Clock",
    "action_day",
    "callback_reader",
    "child_id",
    "family_gate",
    "family_reader",
    "now_of",
    "parse_day",
    "parse_range",
]

Clock = Callable[[], dt.datetime]
FAMILY_ROLES = (Role.PARENT, Role.TRUSTED, Role.STUDENT)


def now_of(family_clock: Clock | None) -> dt.datetime:
    return family_clock() if family_clock is not None else utcnow()


def family_gate(router: Router) -> Router:
    """The family's commands answer the family only (anyone else is told they are the
    family's); their buttons any signed-in person (the services check whose child it is).
    The handlers get ``turn`` with the ``family_clock``."""
    router.message.middleware(RoleGate(FAMILY_ROLES, refusal="family.not_family"))
    router.callback_query.middleware(RoleGate(()))
    return with_turn(router, clock="family_clock")


def action_day(ordinal: int) -> dt.date | None:
    """The day a button carries (0: none, the view's default)."""
    return dt.date.fromordinal(ordinal) if ordinal > 0 else None


async def child_id(turn: Turn, student_id: int | None) -> int:
    """The child a view is for: a button's (checked by the read model), else the chat's."""
    if student_id is not None:
        return student_id
    return (await family.family_student(turn.session, turn.me)).id


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
