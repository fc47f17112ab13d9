"""The diary (a child's day or week: lessons, marks, homework, attendance, in one message stepped
with ◀ ▶), the homework for a school day, and the homework files sent by a button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from i18n import Translator
from screens.actions import Action
from screens.bounds import Flag, Id, OptOrdinal
from screens.family.render import date_button, diary_messages, homework_messages
from screens.screen import Attachment, Button, Screen, rows_of
from services.homework.assignments import HomeworkPage
from services.richtext import escape
from services.timetable.diary import DiaryPage


class DiaryAction(Action, prefix="fd"):
    s: Id  # student id
    d: OptOrdinal  # day (ordinal); the week of it when ``w``; 0: today
    w: Flag = 0  # 1: the week view


class DiaryFilesAction(Action, prefix="ff"):
    s: Id
    d: OptOrdinal  # first day (ordinal)
    w: Flag = 0  # 1: the whole week
    h: Flag = 0  # 1: homework due on ``d`` (the homework view)


class WorksAction(Action, prefix="fw"):
    """The control works of the child's current study period (screens/family/works.py)."""

    s: Id  # student id


class HomeworkAction(Action, prefix="fh"):
    s: Id
    d: OptOrdinal  # the school day (ordinal); 0: the next one


def steps(
    t: Translator, before: dt.date, middle: str, after: dt.date, go: Callable[[int], Action]
) -> list[Button]:
    """The buttons that step a diary, homework or timetable page: "◀ 17.11", ``middle`` (now,
    ``go(0)``), "19.11 ▶"; ``go`` makes the action for a day's ordinal."""
    return [
        Button(t("diary.btn.prev", label=date_button(before)), go(before.toordinal())),
        Button(middle, go(0)),
        Button(t("diary.btn.next", label=date_button(after)), go(after.toordinal())),
    ]


def diary_screen(
    t: Translator,
    page: DiaryPage,
    *,
    week: bool,
    around: tuple[dt.date, dt.date] | None = None,
) -> Screen:
    """``around``: the school days before and after the page's day, where "◀" and "▶" of the
    day view lead (weekends and holidays skipped); the calendar neighbours without it."""
    s = page.student.id
    if week:
        prev_start = page.date_from - dt.timedelta(days=7)
        next_start = page.date_from + dt.timedelta(days=7)
        day = page.today if page.date_from <= page.today <= page.date_to else page.date_from
        buttons = steps(
            t,
            prev_start,
            t("diary.btn.this_week"),
            next_start,
            lambda d: DiaryAction(s=s, d=d, w=1),
        )
        buttons.append(Button(t("diary.btn.day"), DiaryAction(s=s, d=day.toordinal())))
    else:
        day = page.date_from
        prev_day, next_day = around or (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
        buttons = steps(
            t, prev_day, t("diary.btn.today"), next_day, lambda d: DiaryAction(s=s, d=d)
        )
        buttons.append(Button(t("diary.btn.week"), DiaryAction(s=s, d=day.toordinal(), w=1)))
    if page.files:
        files = DiaryFilesAction(s=s, d=page.date_from.toordinal(), w=int(week))
        buttons.append(Button(t("diary.btn.files", n=len(page.files)), files))
        rows = rows_of(buttons, 3, 2)  # the day/week switch beside the files
    else:
        rows = rows_of(buttons, 3, 1)
    if page.sections.marks or page.sections.homework:
        # The control works' schedule (screens/family/works.py), its own row below.
        rows = (*rows, (Button(t("works.diary.btn"), WorksAction(s=s)),))
    return Screen(tuple(diary_messages(t, page, week=week)), rows)


def homework_screen(
    t: Translator, page: HomeworkPage, *, prev_day: dt.date, next_day: dt.date
) -> Screen:
    """``prev_day`` / ``next_day``: the school days "◀" and "▶" lead to."""
    s = page.student.id
    buttons = steps(
        t,
        prev_day,
        t("family.homework.btn_next_day"),
        next_day,
        lambda d: HomeworkAction(s=s, d=d),
    )
    if page.files:
        files = DiaryFilesAction(s=s, d=page.day.toordinal(), h=1)
        buttons.append(Button(t("diary.btn.files", n=len(page.files)), files))
    return Screen(tuple(homework_messages(t, page)), rows_of(buttons, 3, 1))


def files_screen(files: Sequence[tuple[str, str, str | None]]) -> Screen:
    """Homework files (kind, the messenger's file reference, name), each once, as new messages."""
    seen: set[str] = set()
    attachments = []
    for kind, ref, name in files:
        if ref in seen:
            continue
        seen.add(ref)
        attachments.append(
            Attachment(
                "photo" if kind == "photo" else "document",
                ref=ref,
                caption=escape(name) if name else "",
            )
        )
    return Screen((), replace=False, attachments=tuple(attachments))
