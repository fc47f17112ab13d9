"""Substitutions for any date (seed 002 §5.2.4): the day (today, tomorrow, the days ahead or
a date typed), the class, then the lesson (screens/admin/tools.py: the lessons and the
teachers, free ones first); the log of a period's substitutions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.admin.actions import PickCb
from screens.admin.common import home_row, long_screen, one_per_row, text_screen
from screens.bounds import Id, OneOf, OptDay, Page
from screens.paging import paged
from screens.screen import Attachment, Button, Row, Screen, rows_of
from screens.teacher.common import pack_day
from services.reports.document import Column, Document, Section, Table
from services.reports.render_xlsx import render_xlsx
from services.richtext import escape
from services.school.audit_trail import LessonTitle
from services.school.office_reads import Choice
from services.timetable.substitutions import LogRow

DAYS_AHEAD = 7
CLASS_PAGE = 48
LOG_PERIODS = ("week", "month", "prev")


class SubDayCb(Action, prefix="o_sday"):
    """days: the day picker; type: a date typed; cls: the classes of ``day``."""

    action: Annotated[str, OneOf("days", "type", "cls")]
    day: OptDay = 0
    page: Page = 0


class SubLogCb(Action, prefix="o_slog"):
    """The substitution log of a period: this week, this month, the month before; ``fmt``
    xlsx sends it as a spreadsheet."""

    per: Annotated[str, OneOf(*LOG_PERIODS)]
    fmt: Annotated[str, OneOf("", "xlsx")] = ""


class CancelCb(Action, prefix="o_lcan"):
    """Cancel a dated lesson (ask: the reason is typed next) or put a cancelled one back
    (back: asks to confirm; put: confirmed); no: back to the class's lessons of its day."""

    action: Annotated[str, OneOf("ask", "back", "put", "no")]
    lesson_id: Id


def ask_cancel_screen(t: Translator, lesson: LessonTitle, limit: int) -> Screen:
    """The reason of cancelling ``lesson``, typed next; back to the class's lessons."""
    text = t(
        "corrections.ask_reason",
        day=lesson.date.strftime("%d.%m.%Y"),
        number=lesson.number,
        cls=escape(lesson.class_name),
        subject=escape(lesson.subject),
        limit=limit,
    )
    back = Button(t("corrections.back"), CancelCb(action="no", lesson_id=lesson.id))
    return text_screen(text, ((back,),), replace=False)


def ask_reinstate_screen(t: Translator, lesson: LessonTitle, reason: str | None) -> Screen:
    """A cancelled lesson (and why): put it back in the timetable? Yes / no (its class's
    lessons again)."""
    card = t(
        "corrections.cancelled_card",
        day=lesson.date.strftime("%d.%m.%Y"),
        number=lesson.number,
        cls=escape(lesson.class_name),
        subject=escape(lesson.subject),
        reason=escape(reason or "—"),
    )
    yes = Button(t("corrections.reinstate_yes"), CancelCb(action="put", lesson_id=lesson.id))
    no = Button(t("corrections.reinstate_no"), CancelCb(action="no", lesson_id=lesson.id))
    return text_screen(f"{card}\n\n{t('corrections.reinstate_ask')}", ((yes, no),))


def day_label(t: Translator, day: dt.date, today: dt.date) -> str:
    if day == today:
        return t("subs.today", day=day.strftime("%d.%m"))
    if day == today + dt.timedelta(days=1):
        return t("subs.tomorrow", day=day.strftime("%d.%m"))
    return t(f"subs.weekday.{day.isoweekday()}", day=day.strftime("%d.%m"))


def days_screen(t: Translator, today: dt.date) -> Screen:
    """The day of the lessons to substitute: today, tomorrow, the week ahead, a date typed;
    the log."""
    days = [today + dt.timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    buttons = [
        Button(day_label(t, day, today), SubDayCb(action="cls", day=pack_day(day))) for day in days
    ]
    rows: tuple[Row, ...] = (
        *rows_of(buttons[:2], 2),
        *rows_of(buttons[2:], 3),
        (Button(t("subs.type_day"), SubDayCb(action="type")),),
        tuple(Button(t(f"subs.log.{p}"), SubLogCb(per=p)) for p in LOG_PERIODS),
        home_row(t),
    )
    return text_screen(t("subs.pick_day"), rows)


def ask_day_screen(t: Translator) -> Screen:
    back = Button(t("subs.back_days"), SubDayCb(action="days"))
    return text_screen(t("subs.ask_day"), ((back,),), replace=False)


def bad_day_screen(t: Translator) -> Screen:
    back = Button(t("subs.back_days"), SubDayCb(action="days"))
    return text_screen(t("subs.bad_day"), ((back,),), replace=False)


def classes_screen(
    t: Translator, day: dt.date, classes: Sequence[Choice], page: int, *, replace: bool = True
) -> Screen:
    """The class whose lessons of ``day`` to substitute."""
    items = [
        (c.title, PickCb(tool="sub", step="next", id=c.id, day=pack_day(day))) for c in classes
    ]

    def nav(p: int) -> SubDayCb:
        return SubDayCb(action="cls", day=pack_day(day), page=p)

    rows = (
        *paged(items, page, nav, size=CLASS_PAGE, columns=4),
        (Button(t("subs.other_day"), SubDayCb(action="days")),),
        home_row(t),
    )
    return text_screen(t("subs.pick_class", day=day.strftime("%d.%m.%Y")), rows, replace=replace)


def log_period(per: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """This week (Monday to Sunday), this month, the month before."""
    if per == "week":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    first = today.replace(day=1)
    if per == "prev":
        last = first - dt.timedelta(days=1)
        return last.replace(day=1), last
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def log_lines(t: Translator, rows: Sequence[LogRow]) -> list[str]:
    lines = []
    for row in rows:
        line = t(
            "subs.log.row",
            day=row.date.strftime("%d.%m"),
            number=row.number,
            cls=escape(row.class_name),
            subject=escape(row.subject),
            absent=escape(row.absent),
            sub=escape(row.substitute),
        )
        if row.reason:
            line += " " + t("subs.log.reason", reason=escape(row.reason))
        lines.append(line)
    return lines


def log_screen(
    t: Translator, per: str, start: dt.date, end: dt.date, rows: Sequence[LogRow]
) -> Screen:
    """Who replaced whom, when, in which class and subject."""
    title = t(
        "subs.log.title",
        start=start.strftime("%d.%m.%Y"),
        end=end.strftime("%d.%m.%Y"),
        count=len(rows),
    )
    lines = [title, *(log_lines(t, rows) if rows else [t("subs.log.empty")])]
    buttons: list[Button] = []
    if rows:
        buttons.append(Button(t("subs.log.xlsx"), SubLogCb(per=per, fmt="xlsx")))
    buttons.append(Button(t("subs.back_days"), SubDayCb(action="days")))
    return long_screen(lines, (*one_per_row(buttons), home_row(t)))


def log_document(t: Translator, start: dt.date, end: dt.date, rows: Sequence[LogRow]) -> Document:
    """The log as a report document (one table)."""
    columns = [
        Column(t("subs.col.date"), 18),
        Column(t("subs.col.number"), 8),
        Column(t("subs.col.class"), 12),
        Column(t("subs.col.subject"), 30, "L"),
        Column(t("subs.col.absent"), 36, "L"),
        Column(t("subs.col.substitute"), 36, "L"),
        Column(t("subs.col.reason"), 30, "L"),
        Column(t("subs.col.recorded"), 36, "L"),
    ]
    table = Table(
        columns,
        [
            [
                r.date.strftime("%d.%m.%Y"),
                r.number,
                r.class_name,
                r.subject,
                r.absent,
                r.substitute,
                r.reason or "",
                r.recorded_by or "",
            ]
            for r in rows
        ],
    )
    period = f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"
    title = t("subs.file.title", period=period)
    section = Section(title, t("subs.file.sheet"), tables=[table], landscape=True)
    return Document(title, f"substitutions_{start:%Y%m%d}_{end:%Y%m%d}", [section])


def log_file_screen(t: Translator, start: dt.date, end: dt.date, rows: Sequence[LogRow]) -> Screen:
    doc = log_document(t, start, end, rows)
    data = render_xlsx(doc)
    caption = t("subs.file.caption", start=f"{start:%d.%m.%Y}", end=f"{end:%d.%m.%Y}")
    document = Attachment("document", data, f"{doc.filename}.xlsx", caption)
    return Screen((), attachments=(document,), replace=False)
