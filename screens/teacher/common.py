"""Texts shared by the teacher's and the class teacher's screens: days, kinds of work,
attendance codes, lock states and a lesson's title; days as they travel in actions."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Protocol

from i18n import Translator
from services.enums import AttendanceCode, WorkKind
from services.errors import DomainError
from services.richtext import escape
from services.timetable.lesson_sheet import LessonLock
from services.timetable.lessons import group_label

CODE_KEYS = {
    AttendanceCode.ABSENT: "teacher.code.absent",
    AttendanceCode.ILL: "teacher.code.ill",
    AttendanceCode.EXCUSED: "teacher.code.excused",
    AttendanceCode.LATE: "teacher.code.late",
}
WEEKDAY_KEYS = tuple(f"teacher.weekday.{n}" for n in range(1, 8))


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
