"""The timetable screen: a day or a week of a child's, a class's or one's own teaching lessons,
with buttons to step a day or a week, switch day/week, and (staff) open a class's timetable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.actions import Action
from screens.bounds import Flag, Id, OptId, OptOrdinal
from screens.family.diary import steps
from screens.family.render import timetable_messages
from screens.screen import Button, Screen, rows_of
from services.timetable.timetable_reads import TimetablePage

MAX_CLASS_BUTTONS = 48
CLASS_BUTTONS_PER_ROW = 6


class TimetableAction(Action, prefix="ft"):
    """A family's child's timetable, or the reader's own teaching one (``s`` = 0)."""

    s: OptId  # student id; 0: the reader's own teaching timetable
    d: OptOrdinal  # the day (ordinal); 0: today
    w: Flag = 0  # 1: the week of ``d``


class ClassTimetableAction(Action, prefix="fy"):
    """A class's timetable (staff)."""

    c: Id  # class id
    d: OptOrdinal
    w: Flag = 0


def timetable_screen(
    t: Translator,
    page: TimetablePage,
    *,
    week: bool,
    classes: Sequence[tuple[int, str]] = (),
) -> Screen:
    s = page.student.id if page.student is not None else 0
    c = page.class_id

    def go(d: int, w: int) -> Action:
        return (
            ClassTimetableAction(c=c, d=d, w=w) if c is not None else TimetableAction(s=s, d=d, w=w)
        )

    first = page.days[0].date
    step = dt.timedelta(days=7 if week else 1)
    prev_day, next_day = first - step, first + step
    w = int(week)
    now = t("diary.btn.this_week") if week else t("diary.btn.today")
    buttons = steps(t, prev_day, now, next_day, lambda d: go(d, w))
    if week:
        day = page.today if first <= page.today <= page.days[-1].date else first
        buttons.append(Button(t("diary.btn.day"), go(day.toordinal(), 0)))
    else:
        buttons.append(Button(t("diary.btn.week"), go(first.toordinal(), 1)))
    rows = rows_of(buttons, 3, 1)
    if c is not None:
        own = TimetableAction(s=0, d=first.toordinal(), w=w)
        rows += ((Button(t("family.timetable.btn_own"), own),),)
    elif page.student is None and classes:
        shown = [
            Button(name, ClassTimetableAction(c=class_id, d=first.toordinal(), w=w))
            for class_id, name in list(classes)[:MAX_CLASS_BUTTONS]
        ]
        rows += rows_of(shown, CLASS_BUTTONS_PER_ROW)
    return Screen(tuple(timetable_messages(t, page, week=week)), rows)
