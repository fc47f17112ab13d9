"""The scheduled jobs' notification kinds (notifications/jobs.py): the weekly summary to the
families, the fill-in reminder to teachers, the unfilled lessons to deputies, the monthly
activity to admins (services.notifications.kinds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import Field

from services.notifications.kinds import (
    Kind,
    Payload,
    Safe,
    Value,
    child_text,
    date_text,
    escape,
    missing_text,
    t,
    turned_off,
)


class WeeklySubject(Payload):
    subject: Value
    marks: tuple[Value, ...]


class AheadItem(Payload):
    """The week ahead: an agreed control work (``subject``, ``kind``) or a dated class event or
    school news (``time``), on ``date``."""

    date: str | None = None
    subject: Value = None
    kind: str | None = None
    title: Value = None
    time: Value = None
    all_day: bool = False  # an event of the whole day: no time


class WeeklyChild(Payload):
    student: Value = ""
    subjects: tuple[WeeklySubject, ...] = ()
    absent: Value = 0
    late: Value = 0
    ahead: tuple[AheadItem, ...] = ()


def _ahead_day(lang: str, value: str | None) -> str:
    """ "вт 8.12" (a malformed date as it is)."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return escape(value or "")
    weekday = t(lang, f"works.weekday.{day.isoweekday()}")
    return t(lang, "works.day", weekday=Safe(weekday), day=day.day, month=day.month)


def _ahead_lines(lang: str, child: WeeklyChild) -> list[str]:
    """The week ahead of a child: "На следующей неделе:" and a line a work or an event."""
    if not child.ahead:
        return []
    lines = [t(lang, "works.ahead.title")]
    for item in child.ahead:
        day = Safe(_ahead_day(lang, item.date))
        if item.all_day:
            lines.append(t(lang, "works.ahead.event_day", day=day, title=item.title))
            continue
        if item.time is not None:
            lines.append(t(lang, "works.ahead.event", day=day, time=item.time, title=item.title))
            continue
        kind = Safe(t(lang, f"works.kind.{item.kind or 'control'}"))
        key = "works.ahead.work_titled" if item.title else "works.ahead.work"
        lines.append(t(lang, key, day=day, subject=item.subject, kind=kind, title=item.title))
    return lines


class WeeklyPayload(Payload):
    date_from: str | None = None
    date_to: str | None = None
    children: tuple[WeeklyChild, ...] = ()


def _weekly_text(p: WeeklyPayload, lang: str) -> str:
    lines = [
        t(
            lang,
            "notify.weekly.title",
            date_from=date_text(lang, p.date_from),
            date_to=date_text(lang, p.date_to),
        )
    ]
    for child in p.children:
        lines.append("")
        lines.append(t(lang, "notify.weekly.child", student=child.student))
        for s in child.subjects:
            marks = ", ".join(str(v) for v in s.marks)
            lines.append(t(lang, "notify.weekly.subject", subject=s.subject, marks=marks))
        if not child.subjects:
            lines.append(t(lang, "notify.weekly.no_marks"))
        lines.append(t(lang, "notify.weekly.absences", absent=child.absent, late=child.late))
        lines.extend(_ahead_lines(lang, child))
    return "\n".join(lines)


def _weekly_brief(p: WeeklyPayload, lang: str) -> str:
    """The minimal personal data form: counts by child, no marks."""
    lines = [
        t(
            lang,
            "notify.weekly.title",
            date_from=date_text(lang, p.date_from),
            date_to=date_text(lang, p.date_to),
        )
    ]
    for child in p.children:
        marks = sum(len(s.marks) for s in child.subjects)
        lines.append(
            t(
                lang,
                "notify.minimal.weekly",
                student=child_text(lang, child.student),
                marks=marks,
                absent=_count(child.absent),
                late=_count(child.late),
            )
        )
        # The week ahead names no mark, reason or person: as it is.
        lines.extend(_ahead_lines(lang, child))
    return "\n".join(lines)


def _count(value: Value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


SUMMARY_WEEKLY: Kind[WeeklyPayload] = Kind(
    "summary.weekly", WeeklyPayload, _weekly_text, brief=_weekly_brief
)


class UnfilledLesson(Payload):
    lesson_id: int | None = None
    lesson_number: Value
    class_name: Value = Field(alias="class")
    subject: Value
    missing: tuple[str, ...]


class TeachersLesson(UnfilledLesson):
    teacher: Value


class FillPayload(Payload):
    date: str | None = None
    deadline: Value = ""
    lessons: tuple[UnfilledLesson, ...] = ()


class UnfilledPayload(Payload):
    date: str | None = None
    deadline: Value = ""
    lessons: tuple[TeachersLesson, ...] = ()


def _lessons_text(title: str, item: str, *, teachers: bool = True) -> Callable[[Any, str], str]:
    """The day's unfilled lessons under a title (a teacher's own; a deputy's: with teachers,
    unless ``teachers`` is off: the minimal personal data mode)."""

    def text(p: FillPayload | UnfilledPayload, lang: str) -> str:
        lines = [t(lang, title, date=date_text(lang, p.date), deadline=p.deadline)]
        for lesson in p.lessons:
            teacher = (
                {"teacher": lesson.teacher}
                if teachers and isinstance(lesson, TeachersLesson)
                else {}
            )
            lines.append(
                t(
                    lang,
                    item,
                    **teacher,
                    lesson_number=lesson.lesson_number,
                    class_name=lesson.class_name,
                    subject=lesson.subject,
                    missing=missing_text(lang, lesson.missing),
                )
            )
        return "\n".join(lines)

    return text


REMINDER_FILL: Kind[FillPayload] = Kind(
    "reminder.fill",
    FillPayload,
    _lessons_text("notify.reminder.fill_title", "notify.reminder.fill_item"),
    gates=(turned_off("reminders"),),
)
REPORT_UNFILLED: Kind[UnfilledPayload] = Kind(
    "report.unfilled",
    UnfilledPayload,
    _lessons_text("notify.reminder.unfilled_title", "notify.reminder.unfilled_item"),
    brief=_lessons_text(
        "notify.reminder.unfilled_title", "notify.reminder.fill_item", teachers=False
    ),
)


class RoleCounts(Payload):
    accounts: Value = 0
    bound: Value = 0
    active: Value = 0


class ActivityPayload(Payload):
    month: Value = ""
    accounts: Value = 0
    bound: Value = 0
    active: Value = 0
    by_role: dict[str, RoleCounts] = Field(default_factory=dict)
    marks: Value = 0
    attendance: Value = 0
    topics: Value = 0
    sent: Value = 0
    dead: Value = 0


def _activity_text(p: ActivityPayload, lang: str) -> str:
    lines = [
        t(lang, "notify.activity.title", month=p.month),
        t(lang, "notify.activity.accounts", accounts=p.accounts, bound=p.bound, active=p.active),
    ]
    for role, c in p.by_role.items():
        lines.append(
            t(
                lang,
                "notify.activity.role",
                role=t(lang, f"notify.role.{role}"),
                accounts=c.accounts,
                bound=c.bound,
                active=c.active,
            )
        )
    lines.append(
        t(
            lang,
            "notify.activity.journal",
            marks=p.marks,
            attendance=p.attendance,
            topics=p.topics,
        )
    )
    lines.append(t(lang, "notify.activity.deliveries", sent=p.sent, dead=p.dead))
    return "\n".join(lines)


REPORT_ACTIVITY: Kind[ActivityPayload] = Kind("report.activity", ActivityPayload, _activity_text)

KINDS: tuple[Kind[Any], ...] = (SUMMARY_WEEKLY, REMINDER_FILL, REPORT_UNFILLED, REPORT_ACTIVITY)
