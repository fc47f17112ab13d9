"""Marks by taps, from the lesson sheet: the kind of work, the students (pages of forty, their
marks of the lesson beside the names), a student's values and marks to correct, a mark's new
value or deletion, and the reason a change asks for (a preset one, or typed)."""

from __future__ import annotations

from i18n import Translator
from screens.paging import page_of
from screens.screen import Button, Screen, rows_of
from screens.teacher import details
from screens.teacher.actions import MarkCb
from screens.teacher.card import back_button
from screens.teacher.common import kind_text, lesson_title
from services.enums import WorkKind
from services.marks.quickmarks import KIND_SHORT, NOT_PRESENT
from services.richtext import escape
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent

PAGE = 40
VALUES = (5, 4, 3, 2, 1)
# The preset reasons of a change, by their number in MarkCb.reason (1, 2, …).
REASONS = ("teacher.reason.typo", "teacher.reason.retake")
LABEL_LIMIT = 60
# Buttons a row under the students (the most a row of Telegram's keyboard takes).
TAIL_WIDTH = 8


def kinds_screen(t: Translator, sheet: LessonSheet) -> Screen:
    """The kinds of work, three a row, the lesson's own (or "answer") marked with •."""
    current = sheet.work_kind or WorkKind.ANSWER
    buttons = [
        Button(
            ("• " if kind == current else "") + kind_text(t, kind),
            MarkCb(lesson_id=sheet.lesson_id, action="list", kind=kind.value),
        )
        for kind in WorkKind
    ]
    buttons.append(back_button(t, sheet.lesson_id))
    text = lesson_title(t, sheet) + "\n" + t("teacher.mk.pick_kind")
    return Screen((text,), rows_of(buttons, 3))


def students_screen(
    t: Translator, sheet: LessonSheet, kind: WorkKind, page: int = 0, note: str | None = None
) -> Screen:
    """The students of ``page`` (clamped), two a row with their marks of the lesson; then the
    pages, another kind of work and back to the card. ``note`` (what was just done, already in
    markup) goes first."""
    lid = sheet.lesson_id
    on_page, page, pages = page_of(sheet.students, page, PAGE)
    shown = [
        Button(
            f"{s.short_name} {' '.join(str(m.value) for m in s.marks)}".strip()[:LABEL_LIMIT],
            MarkCb(lesson_id=lid, action="stu", kind=kind.value, student_id=s.id, page=page),
        )
        for s in on_page
    ]
    tail = [
        Button(
            f"{n + 1}/{pages}" if n == page else str(n + 1),
            MarkCb(lesson_id=lid, action="list", kind=kind.value, page=n),
        )
        for n in (range(pages) if pages > 1 else ())
    ]
    tail.append(Button(t("teacher.mk.change_kind"), MarkCb(lesson_id=lid, action="kind")))
    tail.append(back_button(t, lid))
    lines = [lesson_title(t, sheet), t("teacher.mk.pick_student", kind=kind_text(t, kind))]
    if note:
        lines.insert(0, note)
    return Screen(("\n".join(lines),), rows_of(shown, 2) + rows_of(tail, TAIL_WIDTH))


def values_screen(
    t: Translator, sheet: LessonSheet, kind: WorkKind, student: SheetStudent, page: int
) -> Screen:
    """The values for a new mark, and the student's marks to correct. A student marked absent
    gets a warning, and the values carry the confirmation (``reason=1``: a mark for an absent
    student, e.g. for work handed in later); at the school's cap no new value is offered."""
    lid = sheet.lesson_id
    absent = student.code in NOT_PRESENT
    full = len(student.marks) >= sheet.max_marks
    buttons = [
        Button(
            str(value),
            MarkCb(
                lesson_id=lid,
                action="put",
                kind=kind.value,
                student_id=student.id,
                value=value,
                page=page,
                reason=int(absent),
            ),
        )
        for value in (() if full else VALUES)
    ]
    buttons.extend(
        Button(
            t("teacher.mk.edit_btn", value=m.value, kind=KIND_SHORT[m.work_kind]),
            MarkCb(
                lesson_id=lid, action="edit", kind=kind.value, student_id=student.id, mark_id=m.id
            ),
        )
        for m in student.marks
    )
    buttons.append(
        Button(
            t("teacher.btn.back"),
            MarkCb(lesson_id=lid, action="list", kind=kind.value, page=page),
        )
    )
    name = escape(student.short_name)
    lines = [
        lesson_title(t, sheet),
        t("teacher.mk.pick_value", student=name, kind=kind_text(t, kind)),
    ]
    if full:
        lines.append(t("teacher.mk.cap_reached", student=name, limit=sheet.max_marks))
    elif absent:
        lines.append(t("teacher.mk.absent_warning", student=name))
    return Screen(("\n".join(lines),), rows_of(buttons, 2) if full else rows_of(buttons, 5, 2))


def edit_screen(
    t: Translator, lesson_id: int, kind: str, student: SheetStudent, mark: SheetMark
) -> Screen:
    """A mark of the student: another value ("→ 4"), delete, or back to the student; ``kind``:
    the kind of work the list was opened with (kept for the way back)."""

    def change(value: int) -> MarkCb:
        return MarkCb(
            lesson_id=lesson_id,
            action="chg",
            kind=kind,
            student_id=student.id,
            mark_id=mark.id,
            value=value,
        )

    buttons = [Button(f"→ {value}", change(value)) for value in VALUES if value != mark.value]
    buttons.append(Button(t("teacher.mk.delete"), change(0)))
    buttons.extend(details.mark_buttons(t, lesson_id, mark))
    buttons.append(
        Button(
            t("teacher.btn.back"),
            MarkCb(lesson_id=lesson_id, action="stu", kind=kind, student_id=student.id),
        )
    )
    text = t(
        "teacher.mk.edit",
        student=escape(student.short_name),
        value=mark.value,
        kind=kind_text(t, mark.work_kind),
    )
    if mark.comment:
        text += "\n" + t("details.comment_now", comment=escape(mark.comment))
    return Screen((text,), rows_of(buttons, 4, 2))


def reason_screen(t: Translator, change: MarkCb, student: SheetStudent) -> Screen:
    """Why the mark is changed (``change.value``) or deleted (value 0): the preset reasons one
    a row, then cancel (back to the student); a typed reason is taken too."""
    buttons = [
        Button(
            t(key),
            MarkCb(
                lesson_id=change.lesson_id,
                action="rsn",
                kind=change.kind,
                student_id=change.student_id,
                mark_id=change.mark_id,
                value=change.value,
                reason=n,
            ),
        )
        for n, key in enumerate(REASONS, start=1)
    ]
    buttons.append(
        Button(
            t("teacher.btn.cancel"),
            MarkCb(
                lesson_id=change.lesson_id,
                action="stu",
                kind=change.kind,
                student_id=change.student_id,
            ),
        )
    )
    what = (
        t("teacher.mk.what_delete")
        if change.value == 0
        else t("teacher.mk.what_change", value=change.value)
    )
    text = t("teacher.mk.reason", student=escape(student.short_name), what=what)
    return Screen((text,), rows_of(buttons, 1))


def saved_note(t: Translator, student: SheetStudent, value: int) -> str:
    """A new mark saved: shown above the students."""
    return t("teacher.mk.saved", student=escape(student.short_name), value=value)


def changed_note(t: Translator, student: SheetStudent, value: int) -> str:
    """A mark changed to ``value`` (0: deleted): shown above the students."""
    if value == 0:
        return t("teacher.mk.deleted", student=escape(student.short_name))
    return t("teacher.mk.changed", student=escape(student.short_name), value=value)
