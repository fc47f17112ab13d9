"""Helpers shared by the teacher and class-teacher routers: who may act, the clock, dates in
callback data, editing a message in place, and the texts of lessons and lock states."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import Translator, escape
from services.enums import AttendanceCode, Role, WorkKind
from services.errors import AccessDenied, DomainError
from services.models import utcnow
from services.people.identity import Actor
from services.richtext import shorten_html
from services.timetable.lesson_sheet import LessonLock, LessonSheet
from services.timetable.lessons import group_label

Clock = Callable[[], dt.datetime]
TEACHING = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY)
READERS = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY)

CODE_KEYS = {
    AttendanceCode.ABSENT: "teacher.code.absent",
    AttendanceCode.ILL: "teacher.code.ill",
    AttendanceCode.EXCUSED: "teacher.code.excused",
    AttendanceCode.LATE: "teacher.code.late",
}
WEEKDAY_KEYS = tuple(f"teacher.weekday.{n}" for n in range(1, 8))


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


def pack_day(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def unpack_day(value: int) -> dt.date:
    try:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError as exc:
        raise DomainError("error.invalid") from exc


def day_text(t: Translator, day: dt.date) -> str:
    return f"{t(WEEKDAY_KEYS[day.weekday()])} {day:%d.%m}"


def kind_text(t: Translator, kind: WorkKind | str | None) -> str:
    return t(f"teacher.kind.{WorkKind(kind or WorkKind.ANSWER).value}")


def code_text(t: Translator, code: AttendanceCode | None) -> str:
    return t(CODE_KEYS[code]) if code is not None else t("teacher.code.present")


def lock_text(t: Translator, lock: LessonLock) -> str:
    params = {k: escape(v) if isinstance(v, str) else v for k, v in lock.params.items()}
    if "date" in params and isinstance(lock.params.get("date"), str):
        with contextlib.suppress(ValueError):
            params["date"] = dt.date.fromisoformat(str(lock.params["date"])).strftime("%d.%m.%Y")
    return t(lock.code, **params)


def raise_lock(lock: LessonLock | None) -> None:
    if lock is not None:
        raise DomainError(lock.code, **lock.params)


class Titled(Protocol):
    """What a lesson's title is made of (a LessonSheet, or the attendance screen's roster)."""

    @property
    def subject(self) -> str: ...
    @property
    def subgroup(self) -> str | None: ...
    @property
    def class_name(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def number(self) -> int: ...


def lesson_title(t: Translator, sheet: Titled) -> str:
    label = group_label(sheet.subject, sheet.subgroup)
    group = t("teacher.lesson.group", name=escape(label)) if label else ""
    return t(
        "teacher.lesson.title",
        cls=escape(sheet.class_name),
        subject=escape(sheet.subject),
        group=group,
        day=day_text(t, sheet.date),
        number=sheet.number,
    )


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
