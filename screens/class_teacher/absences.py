"""/absences: a day's absences across the class, with what the families announced; ◀ ▶ walk
the days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.class_teacher.actions import AbsCb
from screens.paging import arrows
from screens.screen import Screen
from screens.teacher.common import code_text, day_text, pack_day
from services.attendance.attendance_views import StudentDay
from services.richtext import escape, shorten_html


def absence_line(t: Translator, x: StudentDay) -> str:
    """A student's day: the lessons missed by code, the notice and the family's answer."""
    if x.lessons:
        by_code: dict[str, list[str]] = {}
        for lesson in x.lessons:
            by_code.setdefault(code_text(t, lesson.code), []).append(
                t(
                    "ct.abs.lesson_at" if lesson.starts_at is not None else "ct.abs.lesson",
                    number=lesson.number,
                    time=f"{lesson.starts_at:%H:%M}" if lesson.starts_at is not None else "",
                    subject=escape(lesson.subject),
                )
            )
        what = "; ".join(f"{code}: {', '.join(nums)}" for code, nums in by_code.items())
    else:
        what = t("ct.abs.not_marked")
    line = t("ct.abs.line", student=escape(x.student), what=what)
    if x.notice_reason is not None:
        line += " " + t("ct.abs.notice", reason=escape(x.notice_reason))
    if x.family_reason:
        line += " " + t(
            f"ct.family.{x.family_reason}"
            if x.family_reason in ("ill", "excused")
            else "ct.family.unknown"
        )
    return line


def absences_screen(
    t: Translator, class_name: str, class_id: int, day: dt.date, rows: Sequence[StudentDay]
) -> Screen:
    lines = [t("ct.abs.title", cls=escape(class_name), day=day_text(t, day))]
    if not rows:
        lines.append(t("ct.abs.none"))
    lines += [absence_line(t, x) for x in rows]
    days = arrows(
        AbsCb(class_id=class_id, day=pack_day(day - dt.timedelta(days=1))),
        AbsCb(class_id=class_id, day=pack_day(day + dt.timedelta(days=1))),
    )
    return Screen((shorten_html("\n".join(lines)),), (days,))
