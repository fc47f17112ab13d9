"""What the bot registers, found from its routers (never hand-listed), and a signed-in world to
press it in: every callback data class and route, every command, and a Telegram user for each
role of the factories' school (tests/factories.py)."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aiogram import Dispatcher
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.bounds import FIRST_DAY, MAX_ID, OneOf, Range, Ym, Ymd
from services.enums import Messenger
from services.models import MessengerBinding
from testkit.recording import RecordingBot
from tests.factories import TODAY, SchoolWorld

GUEST = 8999
# Telegram user ids of the factories' people, one per role (and two families).
ROLE_USERS = {
    "admin": 8001,
    "director": 8002,
    "deputy": 8003,
    "teacher": 8004,
    "class_teacher": 8005,
    "parent": 8006,
    "parent2": 8007,
    "trusted": 8008,
    "student": 8009,
}


async def sign_in_everyone(session: AsyncSession, world: SchoolWorld) -> None:
    for name, user_id in ROLE_USERS.items():
        session.add(
            MessengerBinding(
                school_id=world.school.id,
                account_id=world.actors[name].account_id,
                messenger=Messenger.TELEGRAM,
                external_user_id=str(user_id),
                chat_id=str(user_id),
            )
        )
    await session.commit()


@dataclass
class Route:
    """One registered callback handler: its data class (None for a regexp or catch-all)."""

    name: str
    cls: type[CallbackData] | None


def callback_routes(dp: Dispatcher) -> list[Route]:
    routes = []
    for router in dp.chain_tail:
        for handler in router.callback_query.handlers:
            found = [
                f.callback.callback_data
                for f in handler.filters or []
                if isinstance(f.callback, CallbackQueryFilter)
            ]
            callback = handler.callback
            name = f"{callback.__module__}.{callback.__qualname__}"
            routes.append(Route(name, found[0] if found else None))
    return routes


def callback_classes(dp: Dispatcher) -> list[type[CallbackData]]:
    seen: dict[str, type[CallbackData]] = {}
    for route in callback_routes(dp):
        if route.cls is not None:
            seen[route.cls.__prefix__] = route.cls
    return [seen[k] for k in sorted(seen)]


def commands(dp: Dispatcher) -> list[str]:
    names: set[str] = set()
    for router in dp.chain_tail:
        for handler in router.message.handlers:
            for f in handler.filters or []:
                if isinstance(f.callback, Command):
                    names.update(c for c in f.callback.commands if isinstance(c, str))
    return sorted(names)


@dataclass
class Pools:
    """Real ids of the world (so that pressed buttons reach deep into handlers)."""

    ids: list[int]
    rng: random.Random = field(default_factory=lambda: random.Random(1))


def world_ids(world: SchoolWorld) -> list[int]:
    objects: list[Any] = [
        world.lesson_today,
        world.lesson_other_class,
        world.lesson_colleague,
        world.lesson_old,
        world.lesson_first,
        world.cls,
        world.other_cls,
        world.math,
        world.english,
        world.q1,
        world.q2,
        world.students[0],
        world.other_student,
        world.teacher,
        world.class_teacher,
        world.parent,
    ]
    return sorted({o.id for o in objects})


def _bounds(cls: type[CallbackData], name: str) -> list[Any]:
    return list(cls.model_fields[name].metadata)


def field_choices(cls: type[CallbackData], name: str, ids: list[int]) -> list[str]:
    """Plausible encoded values of one field (what the bot itself might put in a button)."""
    info = cls.model_fields[name]
    annotation = info.annotation
    for bound in _bounds(cls, name):
        if isinstance(bound, OneOf):
            return sorted(bound.values)
        if isinstance(bound, Ymd):
            return [TODAY.strftime("%Y%m%d")]
        if isinstance(bound, Ym):
            return [TODAY.strftime("%Y%m")]
        if isinstance(bound, Range):
            if bound.low == FIRST_DAY.toordinal():
                return [str(TODAY.toordinal()), str((TODAY - dt.timedelta(days=6)).toordinal())]
            if bound.high == MAX_ID:
                return [str(i) for i in ids]
            return [str(v) for v in {bound.low, max(bound.low, min(bound.high, 1)), bound.high}]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(m.value) for m in annotation]
    if annotation is int:
        return [str(i) for i in ids]
    return ["", "1", "ru"]


HOSTILE_INTS = [
    "",
    "0",
    "-1",
    "-9223372036854775808",
    str(MAX_ID + 1),
    str(2**63 - 1),
    str(2**63),
    str(2**64 + 1),
    "9" * 40,
    "99991231",
    "00010101",
    "3652059",
    "1e3",
    "0x10",
    " 1",
    "٣",
    "²",
]
HOSTILE_STRS = ["", "unknown", "x" * 70, "DROP TABLE", "<b>", "\u0000", "../", "ёж", "%00"]


def hostile_values() -> list[str]:
    return HOSTILE_INTS + HOSTILE_STRS


def pack(cls: type[CallbackData], values: dict[str, str]) -> str:
    return ":".join([cls.__prefix__, *(values[n] for n in cls.model_fields)])


def answers_per_query(bot: RecordingBot) -> Counter[str]:
    return Counter(r.callback_query_id for r in bot.session.requests_of(AnswerCallbackQuery))


def internal_errors(bot: RecordingBot) -> list[str]:
    """Every "something went wrong" the bot showed (a reply or a callback alert)."""
    bad = {t("ru", "error.internal"), t("en", "error.internal")}
    shown = [str(r.text) for r in bot.session.requests_of(SendMessage)]
    shown += [str(r.text) for r in bot.session.requests_of(AnswerCallbackQuery) if r.text]
    return [s for s in shown if s in bad]


def failures(records: list[logging.LogRecord]) -> list[str]:
    """ERROR records and any record with a traceback: none may follow a user's input."""
    return [
        f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
        for r in records
        if r.levelno >= logging.ERROR or r.exc_info
    ]
