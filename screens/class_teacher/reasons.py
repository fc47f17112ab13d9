"""/reasons: the week's absences by student and day; Н becomes Б (ill) or УП (excused) with one
tap, or every answer the families gave is accepted at once; ◀ ▶ walk the weeks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.class_teacher.absences import absence_line
from screens.class_teacher.actions import ReasonCb
from screens.paging import arrows
from screens.screen import Button, Row, Screen
from screens.teacher.common import day_text, pack_day
from services.attendance.attendance_views import StudentDay
from services.enums import AttendanceCode
from services.richtext import escape, shorten_html

MAX_BUTTON_ROWS = 15
REASONS = ((AttendanceCode.ILL, "ct.rs.ill"), (AttendanceCode.EXCUSED, "ct.rs.excused"))


def week_screen(
    t: Translator,
    class_name: str,
    class_id: int,
    monday: dt.date,
    rows: Sequence[StudentDay],
    note: str | None = None,
) -> Screen:
    """The week from ``monday``; ``note`` (what was just saved) goes above it."""
    sunday = monday + dt.timedelta(days=6)
    lines = [
        t("ct.rs.title", cls=escape(class_name), start=f"{monday:%d.%m}", end=f"{sunday:%d.%m}")
    ]
    absences = [x for x in rows if x.lessons]
    if not absences:
        lines.append(t("ct.rs.none"))
    open_rows = [x for x in absences if x.unexplained]
    for x in absences:
        mark = "❗" if x.unexplained else "✔️"
        lines.append(f"{mark} {day_text(t, x.date)} · " + absence_line(t, x))
    if open_rows:
        lines.append("")
        lines.append(t("ct.rs.todo", count=len(open_rows)))
    keyboard: list[Row] = []
    for x in open_rows[:MAX_BUTTON_ROWS]:
        label = f"{x.student} {x.date:%d.%m}"
        keyboard.append(
            tuple(
                Button(
                    t(key, who=label)[:60],
                    ReasonCb(
                        action="set",
                        class_id=class_id,
                        day=pack_day(x.date),
                        student_id=x.student_id,
                        code=code.value,
                    ),
                )
                for code, key in REASONS
            )
        )
    answered = [x for x in open_rows if x.suggested is not None]
    if answered:
        accept = ReasonCb(action="fam", class_id=class_id, day=pack_day(monday))
        keyboard.append((Button(t("ct.rs.accept_families", count=len(answered)), accept),))

    def week(other: dt.date) -> ReasonCb:
        return ReasonCb(action="week", class_id=class_id, day=pack_day(other))

    keyboard.append(
        arrows(week(monday - dt.timedelta(days=7)), week(monday + dt.timedelta(days=7)))
    )
    text = "\n".join(lines)
    return Screen((shorten_html(f"{note}\n\n{text}" if note else text),), tuple(keyboard))
