"""The teacher's day (/today): the lessons of a day with what is filled in for each, the lesson
on now (or next) with its quick buttons, and steps to the school days around; a deputy's choice
among colleagues of the same surname."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.paging import arrows
from screens.screen import Button, Row, Screen, rows_of
from screens.teacher.actions import DayCb, LessonCb
from screens.teacher.common import day_text, pack_day
from services.people.class_teacher import TeacherRef
from services.richtext import escape
from services.timetable.teacher_day import TeacherLesson

MAX_LABEL = 60


def running_lesson(lessons: Sequence[TeacherLesson], now: dt.time) -> TeacherLesson | None:
    """The lesson on now (not cancelled), if any."""
    for x in lessons:
        if x.cancelled or x.starts_at is None or x.ends_at is None:
            continue
        if x.starts_at <= now <= x.ends_at:
            return x
    return None


def next_lesson(lessons: Sequence[TeacherLesson], now: dt.time) -> TeacherLesson | None:
    """The first lesson after now (not cancelled), if any."""
    for x in lessons:
        if not x.cancelled and x.starts_at is not None and x.starts_at > now:
            return x
    return None


def current_lesson(lessons: Sequence[TeacherLesson], now: dt.time) -> TeacherLesson | None:
    """Where typed marks go: the lesson on now, else the next one, else the last one of the
    day (marks are often typed after the lessons)."""
    live = [x for x in lessons if not x.cancelled]
    return running_lesson(live, now) or next_lesson(live, now) or (live[-1] if live else None)


def _line(t: Translator, x: TeacherLesson, current: TeacherLesson | None) -> str:
    filled = ["👥" if x.attendance_taken else "·", "📖" if x.topic else "·"]
    filled.append("🏠" if x.homework_count else "·")
    if x.marks_count:
        filled.append(f"✏️{x.marks_count}")
    line = t(
        "teacher.day.line",
        number=x.number,
        time=f"{x.starts_at:%H:%M}" if x.starts_at else "",
        cls=escape(x.class_name),
        subject=escape(x.subject),
        filled=" ".join(filled),
    )
    if x.substitute:
        line += " " + t("teacher.day.substitute")
    if x.distance:
        line += " " + t("distance.mark")
    if x.cancelled:
        line = f"<s>{line}</s> " + (
            t("corrections.day_cancelled_reason", reason=escape(x.cancel_reason))
            if x.cancel_reason
            else t("corrections.day_cancelled")
        )
    if current is not None and x.lesson_id == current.lesson_id:
        line = "▶ " + line
    return line


def day_screen(
    t: Translator,
    lessons: Sequence[TeacherLesson],
    *,
    teacher_id: int,
    teacher_name: str | None,
    day: dt.date,
    today: dt.date,
    now: dt.time,
    around: tuple[dt.date, dt.date] | None = None,
    note: str = "",
) -> Screen:
    """``around``: the school days before and after ``day`` that "◀" and "▶" lead to
    (weekends and holidays skipped); the calendar neighbours without it. ``note`` goes under
    the day, after an empty line."""
    header = (
        t("teacher.day.title_of", name=escape(teacher_name), day=day_text(t, day))
        if teacher_name
        else t("teacher.day.title", day=day_text(t, day))
    )
    # Marked only while it runs, or the next one; none after the last lesson of the day.
    running = running_lesson(lessons, now) if day == today else None
    current = running or (next_lesson(lessons, now) if day == today else None)
    lines = [header]
    if not lessons:
        lines.append(t("teacher.day.empty"))
    lines += [_line(t, x, current) for x in lessons]
    opened = [
        Button(
            f"{x.number}. {x.class_name} {x.subject}"[:MAX_LABEL],
            LessonCb(lesson_id=x.lesson_id, action="open"),
        )
        for x in lessons
    ]
    rows: list[Row] = list(rows_of(opened, 2))
    if current is not None:
        lines.append("")
        key = "teacher.day.now" if running is not None else "teacher.day.next"
        lines.append(t(key, number=current.number, cls=escape(current.class_name)))
        lines.append(t("teacher.day.quick_hint"))
        quick = (
            Button(
                t("teacher.btn.attendance"), LessonCb(lesson_id=current.lesson_id, action="att")
            ),
            Button(t("teacher.btn.quick"), LessonCb(lesson_id=current.lesson_id, action="qm")),
        )
        # They join the last row of lessons (a day with a current lesson has lessons).
        rows[-1] += quick
    prev_day, next_day = around or (day - dt.timedelta(days=1), day + dt.timedelta(days=1))

    def show(other: dt.date) -> DayCb:
        return DayCb(teacher_id=teacher_id, day=pack_day(other))

    back_today = [Button(t("teacher.btn.today"), show(today))] if day != today else []
    rows.append(arrows(show(prev_day), show(next_day), *back_today))
    text = "\n".join(lines)
    return Screen((f"{text}\n\n{note}" if note else text,), tuple(rows))


def pick_teacher_screen(t: Translator, teachers: Sequence[TeacherRef], day: dt.date) -> Screen:
    """``/today <surname>`` matched several colleagues: one button each, for that day."""
    buttons = [Button(x.name, DayCb(teacher_id=x.id, day=pack_day(day))) for x in teachers]
    return Screen((t("teacher.day.pick_teacher"),), rows_of(buttons, 2), replace=False)


def no_teacher_screen(t: Translator, query: str) -> Screen:
    """``/today <surname>`` found no colleague (``query`` as typed)."""
    return Screen((t("teacher.day.no_teacher", query=escape(query)),), replace=False)


def reader_hint_screen(t: Translator) -> Screen:
    """A reader who teaches nothing: how to open a colleague's day."""
    return Screen((t("teacher.day.reader_hint"),), replace=False)
