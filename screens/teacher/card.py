"""The lesson card: what is filled in for one lesson (attendance, topic, homework, marks, lock
state) with the buttons to fill it in, unlock it, or go back to the teacher's day."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Translator
from screens.screen import Button, Row, Screen, rows_of
from screens.teacher.actions import DayCb, DetailCb, LessonCb, UnlockCb
from screens.teacher.common import code_text, kind_text, lesson_title, lock_text, pack_day
from screens.teacher.distance import distance_button
from services.enums import AttendanceCode
from services.richtext import escape
from services.timetable.lesson_sheet import LessonSheet, SheetStudent

MAX_LIST = 12
# The lock states a deputy or admin may lift from the card.
UNLOCKABLE = ("journal.lesson_locked", "journal.period_closed")


def _names(students: Sequence[SheetStudent], limit: int = MAX_LIST) -> str:
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
    if sheet.distance:
        lines.append(t("distance.mark"))
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
    lines.append(topic_line(t, sheet))
    if sheet.work_kind is not None:
        lines.append(t("details.card.work_kind", kind=kind_text(t, sheet.work_kind)))
    if sheet.homework:
        hw = sheet.homework[0]
        files = sum(len(h.files) for h in sheet.homework)
        lines.append(t("teacher.card.homework", text=escape(hw.text[:300]), files=files))
    elif sheet.no_homework:
        lines.append(t("details.card.no_homework"))
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


def topic_line(t: Translator, sheet: LessonSheet) -> str:
    """The lesson's topic, or that it has none yet."""
    if sheet.topic:
        return t("teacher.card.topic", topic=escape(sheet.topic))
    return t("teacher.card.topic_none")


def card_rows(t: Translator, sheet: LessonSheet) -> tuple[Row, ...]:
    """The card's buttons, two per row: what the teacher fills in (a lesson they give that is
    not cancelled), unlocking (a deputy or admin, on a locked lesson), back to the day."""
    lid = sheet.lesson_id
    buttons: list[Button] = []
    if sheet.can_edit and not sheet.cancelled:
        for key, action in (
            ("teacher.btn.attendance", "att"),
            ("teacher.btn.marks", "mk"),
            ("teacher.btn.quick", "qm"),
            ("teacher.btn.topic", "topic"),
            ("teacher.btn.homework", "hw"),
            ("teacher.btn.control_work", "cw"),
        ):
            buttons.append(Button(t(key), LessonCb(lesson_id=lid, action=action)))
        buttons.append(Button(t("details.btn.work_kind"), DetailCb(lesson_id=lid, action="kinds")))
    distance = distance_button(t, sheet)
    if distance is not None:
        buttons.append(distance)
    lock = sheet.records_lock
    if sheet.can_unlock and lock is not None and lock.code in UNLOCKABLE:
        buttons.append(Button(t("teacher.btn.unlock"), UnlockCb(lesson_id=lid, reason=-1)))
    day = DayCb(teacher_id=sheet.teacher_id, day=pack_day(sheet.date))
    buttons.append(Button(t("teacher.btn.day"), day))
    return rows_of(buttons, 2)


def card_screen(t: Translator, sheet: LessonSheet, note: str = "") -> Screen:
    """The lesson card; ``note`` (what was just done, already in markup) goes above it."""
    text = card_text(t, sheet)
    return Screen((f"{note}\n\n{text}" if note else text,), card_rows(t, sheet))


def back_button(t: Translator, lesson_id: int) -> Button:
    return Button(t("teacher.btn.back"), LessonCb(lesson_id=lesson_id, action="open"))


def back_rows(t: Translator, lesson_id: int) -> tuple[Row, ...]:
    """One button back to the lesson's card."""
    return ((back_button(t, lesson_id),),)
