"""The roll call of a lesson: the roster as buttons (a tap cycles present → Н → ОП → present),
pages of forty, "all present", save; and the note shown above the lesson card after a save.

The screen is drawn from a :class:`Roster` (the lesson's title and students, taken once from
the lesson sheet when the screen opens) and the draft's codes, so a tap re-draws it without
reading the journal. It is the bot's hottest path (the morning bell): one pass over the class,
one button per student, no copies of the rows built so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from i18n import Translator
from screens.paging import arrows, page_of
from screens.screen import Button, Row, Screen, rows_of
from screens.teacher.actions import AttCb
from screens.teacher.card import back_button
from screens.teacher.common import lesson_title
from services.attendance.roll_call import AttendanceSaved
from services.enums import AttendanceCode
from services.timetable.lesson_sheet import LessonSheet

PAGE = 40
# What a tap makes of a student's code (an absence the family announced is cleared by a tap).
CYCLE: dict[AttendanceCode | None, AttendanceCode | None] = {
    None: AttendanceCode.ABSENT,
    AttendanceCode.ABSENT: AttendanceCode.LATE,
    AttendanceCode.LATE: None,
    AttendanceCode.ILL: None,
    AttendanceCode.EXCUSED: None,
}
ICONS = {
    None: "✅",
    AttendanceCode.ABSENT: "❌ Н",
    AttendanceCode.LATE: "⏰ ОП",
    AttendanceCode.ILL: "🤒 Б",
    AttendanceCode.EXCUSED: "📄 УП",
}
LABEL_LIMIT = 60

Codes = dict[int, AttendanceCode | None]


@dataclass(frozen=True)
class RosterStudent:
    id: int
    short_name: str
    notice_code: AttendanceCode | None  # the family announced an absence for that day


@dataclass(frozen=True)
class Roster:
    """What the roll call shows of a lesson besides the codes: its title and its students."""

    lesson_id: int
    date: dt.date
    number: int
    class_name: str
    subject: str
    subgroup: str | None
    attendance_taken: bool
    students: tuple[RosterStudent, ...]

    @classmethod
    def of(cls, sheet: LessonSheet) -> Roster:
        return cls(
            lesson_id=sheet.lesson_id,
            date=sheet.date,
            number=sheet.number,
            class_name=sheet.class_name,
            subject=sheet.subject,
            subgroup=sheet.subgroup,
            attendance_taken=sheet.attendance_taken,
            students=tuple(
                RosterStudent(s.id, s.short_name, s.notice_code) for s in sheet.students
            ),
        )


def initial_codes(sheet: LessonSheet) -> Codes:
    """What the journal has; before the first save, the families' advance notices."""
    codes: Codes = {}
    for s in sheet.students:
        if s.code is not None:
            codes[s.id] = s.code
        elif not sheet.attendance_taken and s.notice_code is not None:
            codes[s.id] = s.notice_code
    return codes


def student_label(student: RosterStudent, code: AttendanceCode | None) -> str:
    announced = "📝" if student.notice_code is not None else ""
    return f"{ICONS[code]} {announced}{student.short_name}"[:LABEL_LIMIT]


def attendance_screen(t: Translator, roster: Roster, codes: Codes, page: int = 0) -> Screen:
    """The roll call's ``page`` (clamped to the pages there are): the title, how to tap, the
    counts, then two students a row, the pages, "all present" and "save", back to the card."""
    students = roster.students
    on_page, page, pages = page_of(students, page, PAGE)
    absent = sum(1 for c in codes.values() if c is not None and c != AttendanceCode.LATE)
    late = sum(1 for c in codes.values() if c == AttendanceCode.LATE)
    lines = [
        lesson_title(t, roster),
        t("teacher.att.help"),
        t("teacher.att.counts", total=len(students), absent=absent, late=late),
    ]
    if any(s.notice_code is not None for s in students):
        lines.append(t("teacher.att.announced_hint"))
    if roster.attendance_taken:
        lines.append(t("teacher.att.saved_before"))
    lid = roster.lesson_id
    shown = [
        Button(
            student_label(s, codes.get(s.id)),
            AttCb(lesson_id=lid, action="t", student_id=s.id, page=page),
        )
        for s in on_page
    ]
    rows: list[Row] = list(rows_of(shown, 2))
    if pages > 1:

        def turn(n: int) -> AttCb:
            return AttCb(lesson_id=lid, action="pg", page=n % pages)

        rows.append(
            arrows(turn(page - 1), turn(page + 1), Button(f"{page + 1}/{pages}", turn(page)))
        )
    rows.append(
        (
            Button(t("teacher.att.all_present"), AttCb(lesson_id=lid, action="all", page=page)),
            Button(t("teacher.att.save"), AttCb(lesson_id=lid, action="save", page=page)),
        )
    )
    rows.append((back_button(t, lid),))
    return Screen(("\n".join(lines),), tuple(rows))


def saved_note(t: Translator, saved: AttendanceSaved) -> str:
    """What the save did: shown above the lesson card, and as the button's answer."""
    return t("teacher.att.saved", absent=saved.absent, late=saved.late)
