"""The teacher's day and the lesson card: texts and keyboards (no handlers here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from screens.teacher.actions import DayCb, LessonCb, UnlockCb
from screens.teacher.common import code_text, day_text, lesson_title, lock_text, pack_day
from services.enums import AttendanceCode
from services.people.identity import Actor
from services.timetable import lesson_sheet
from services.timetable.lesson_sheet import LessonSheet
from services.timetable.teacher_day import TeacherLesson

MAX_LIST = 12


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


def day_view(
    t: Translator,
    lessons: Sequence[TeacherLesson],
    *,
    teacher_id: int,
    teacher_name: str | None,
    day: dt.date,
    today: dt.date,
    now: dt.time,
    around: tuple[dt.date, dt.date] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """``around``: the school days before and after ``day`` that "◀" and "▶" lead to
    (weekends and holidays skipped); the calendar neighbours without it."""
    header = (
        t("teacher.day.title_of", name=escape(teacher_name), day=day_text(t, day))
        if teacher_name
        else t("teacher.day.title", day=day_text(t, day))
    )
    lines = [header]
    # Marked only while it runs, or the next one; none after the last lesson of the day.
    running = running_lesson(lessons, now) if day == today else None
    current = running or (next_lesson(lessons, now) if day == today else None)
    kb = InlineKeyboardBuilder()
    if not lessons:
        lines.append(t("teacher.day.empty"))
    for x in lessons:
        marks = []
        marks.append("👥" if x.attendance_taken else "·")
        marks.append("📖" if x.topic else "·")
        marks.append("🏠" if x.homework_count else "·")
        if x.marks_count:
            marks.append(f"✏️{x.marks_count}")
        time = f"{x.starts_at:%H:%M}" if x.starts_at else ""
        line = t(
            "teacher.day.line",
            number=x.number,
            time=time,
            cls=escape(x.class_name),
            subject=escape(x.subject),
            filled=" ".join(marks),
        )
        if x.substitute:
            line += " " + t("teacher.day.substitute")
        if x.cancelled:
            line = f"<s>{line}</s> " + t("teacher.day.cancelled")
        if current is not None and x.lesson_id == current.lesson_id:
            line = "▶ " + line
        lines.append(line)
        kb.button(
            text=f"{x.number}. {x.class_name} {x.subject}"[:60],
            callback_data=LessonCb(lesson_id=x.lesson_id, action="open"),
        )
    kb.adjust(2)
    if current is not None:
        lines.append("")
        lines.append(
            t(
                "teacher.day.now" if running is not None else "teacher.day.next",
                number=current.number,
                cls=escape(current.class_name),
            )
        )
        kb.row()
        kb.button(
            text=t("teacher.btn.attendance"),
            callback_data=LessonCb(lesson_id=current.lesson_id, action="att"),
        )
        kb.button(
            text=t("teacher.btn.quick"),
            callback_data=LessonCb(lesson_id=current.lesson_id, action="qm"),
        )
        lines.append(t("teacher.day.quick_hint"))
    nav = InlineKeyboardBuilder()
    prev_day, next_day = around or (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    nav.button(text="◀", callback_data=DayCb(teacher_id=teacher_id, day=pack_day(prev_day)))
    if day != today:
        nav.button(
            text=t("teacher.btn.today"),
            callback_data=DayCb(teacher_id=teacher_id, day=pack_day(today)),
        )
    nav.button(text="▶", callback_data=DayCb(teacher_id=teacher_id, day=pack_day(next_day)))
    kb.attach(nav)
    return "\n".join(lines), kb.as_markup()


def _names(students: Sequence[lesson_sheet.SheetStudent], limit: int = MAX_LIST) -> str:
    names = [escape(s.short_name) for s in students]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" +{len(names) - limit}"
    return ", ".join(names)


def card_text(t: Translator, sheet: LessonSheet) -> str:
    lines = [lesson_title(t, sheet)]
    if sheet.starts_at and sheet.ends_at:
        lines[0] += f" · {sheet.starts_at:%H:%M}–{sheet.ends_at:%H:%M}"
    if sheet.substituted:
        lines.append(t("teacher.card.substitution", teacher=escape(sheet.teacher)))
    if sheet.cancelled:
        lines.append(t("teacher.day.cancelled"))
    absent = [s for s in sheet.students if s.code is not None and s.code != AttendanceCode.LATE]
    late = [s for s in sheet.students if s.code == AttendanceCode.LATE]
    if sheet.attendance_taken or absent or late:
        lines.append(
            t(
                "teacher.card.attendance",
                total=len(sheet.students),
                absent=len(absent),
                late=len(late),
            )
        )
        for s in absent + late:
            lines.append(f"  · {escape(s.short_name)} — {code_text(t, s.code)}")
    else:
        lines.append(t("teacher.card.attendance_none", total=len(sheet.students)))
    announced = [s for s in sheet.students if s.notice_code is not None]
    if announced:
        lines.append(t("teacher.card.announced", names=_names(announced)))
    lines.append(
        t("teacher.card.topic", topic=escape(sheet.topic))
        if sheet.topic
        else t("teacher.card.topic_none")
    )
    if sheet.homework:
        hw = sheet.homework[0]
        files = sum(len(h.files) for h in sheet.homework)
        lines.append(t("teacher.card.homework", text=escape(hw.text[:300]), files=files))
    elif not sheet.first_grade:
        lines.append(t("teacher.card.homework_none"))
    if sheet.individual_homework:
        lines.append(t("teacher.card.homework_individual", count=sheet.individual_homework))
    marked = [s for s in sheet.students if s.marks]
    if marked:
        parts = [
            f"{escape(s.short_name)} {' '.join(str(m.value) for m in s.marks)}"
            for s in marked[:MAX_LIST]
        ]
        more = f" +{len(marked) - MAX_LIST}" if len(marked) > MAX_LIST else ""
        lines.append(t("teacher.card.marks", marks="; ".join(parts) + more))
    if sheet.first_grade:
        lines.append(t("teacher.card.first_grade"))
    if sheet.unlocked_until is not None:
        # Who opened it: the actual role (a deputy, the admin or the director).
        by = sheet.unlocked_by.value if sheet.unlocked_by is not None else "unknown"
        lines.append(t(f"teacher.card.unlocked.{by}"))
    lock = sheet.records_lock
    if lock is not None and lock.code != "journal.lesson_in_future":
        lines.append("🔒 " + lock_text(t, lock))
    elif lock is not None:
        lines.append("⏳ " + t("teacher.card.future"))
    if not sheet.can_edit and not sheet.can_unlock:
        lines.append(t("teacher.card.read_only"))
    return "\n".join(lines)


def card_markup(t: Translator, sheet: LessonSheet) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    lid = sheet.lesson_id
    if sheet.can_edit and not sheet.cancelled:
        kb.button(
            text=t("teacher.btn.attendance"), callback_data=LessonCb(lesson_id=lid, action="att")
        )
        kb.button(text=t("teacher.btn.marks"), callback_data=LessonCb(lesson_id=lid, action="mk"))
        kb.button(text=t("teacher.btn.quick"), callback_data=LessonCb(lesson_id=lid, action="qm"))
        kb.button(
            text=t("teacher.btn.topic"), callback_data=LessonCb(lesson_id=lid, action="topic")
        )
        kb.button(
            text=t("teacher.btn.homework"), callback_data=LessonCb(lesson_id=lid, action="hw")
        )
        kb.button(
            text=t("teacher.btn.control_work"), callback_data=LessonCb(lesson_id=lid, action="cw")
        )
    lock = sheet.records_lock
    if (
        sheet.can_unlock
        and lock is not None
        and lock.code in ("journal.lesson_locked", "journal.period_closed")
    ):
        kb.button(text=t("teacher.btn.unlock"), callback_data=UnlockCb(lesson_id=lid, reason=-1))
    kb.button(
        text=t("teacher.btn.day"),
        callback_data=DayCb(teacher_id=sheet.teacher_id, day=pack_day(sheet.date)),
    )
    kb.adjust(2)
    return kb.as_markup()


async def lesson_card(
    session: AsyncSession, actor: Actor, t: Translator, lesson_id: int, now: dt.datetime
) -> tuple[str, InlineKeyboardMarkup]:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now)
    return card_text(t, sheet), card_markup(t, sheet)


def back_to_card(t: Translator, lesson_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("teacher.btn.back"), callback_data=LessonCb(lesson_id=lesson_id, action="open")
    )
    return kb.as_markup()
