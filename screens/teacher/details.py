"""A lesson's details as its teacher fills them in: the kind of work of the lesson, "no
homework", and a mark's weight and comment (reached from the mark's screen)."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Button, Screen, rows_of
from screens.teacher.actions import DetailCb, MarkCb
from screens.teacher.card import back_button, card_screen
from screens.teacher.common import kind_text, lesson_title
from services.enums import WorkKind
from services.richtext import escape
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent

WEIGHTS = tuple(range(1, 11))


def work_kind_screen(t: Translator, sheet: LessonSheet) -> Screen:
    """The kinds of work, three a row (the lesson's own marked with •), none, back."""
    lid = sheet.lesson_id
    buttons = [
        Button(
            ("• " if kind == sheet.work_kind else "") + kind_text(t, kind),
            DetailCb(lesson_id=lid, action="kind", kind=kind.value),
        )
        for kind in WorkKind
    ]
    buttons.append(Button(t("details.btn.none"), DetailCb(lesson_id=lid, action="kind")))
    buttons.append(back_button(t, lid))
    text = lesson_title(t, sheet) + "\n" + t("details.pick_kind")
    return Screen((text,), rows_of(buttons, 3))


def kind_saved_screen(t: Translator, sheet: LessonSheet) -> Screen:
    if sheet.work_kind is None:
        return card_screen(t, sheet, note=t("details.kind_cleared"))
    return card_screen(t, sheet, note=t("details.kind_saved", kind=kind_text(t, sheet.work_kind)))


def no_homework_screen(t: Translator, sheet: LessonSheet) -> Screen:
    """The card after "no homework" was chosen or taken back."""
    key = "details.no_homework_saved" if sheet.no_homework else "details.no_homework_cleared"
    return card_screen(t, sheet, note=t(key))


def homework_buttons(t: Translator, sheet: LessonSheet) -> list[Button]:
    """Under the homework prompt: "no homework", or its undo when it is chosen."""
    lid = sheet.lesson_id
    if sheet.no_homework:
        return [Button(t("details.btn.homework_back"), DetailCb(lesson_id=lid, action="hwback"))]
    return [Button(t("details.btn.no_homework"), DetailCb(lesson_id=lid, action="nohw"))]


def mark_buttons(t: Translator, lesson_id: int, mark: SheetMark) -> list[Button]:
    """On a mark's screen: its weight and its comment."""
    return [
        Button(
            t("details.btn.weight", weight=mark.weight),
            DetailCb(lesson_id=lesson_id, action="w", mark_id=mark.id),
        ),
        Button(
            t("details.btn.comment"), DetailCb(lesson_id=lesson_id, action="cm", mark_id=mark.id)
        ),
    ]


def _back_to_mark(lesson_id: int, student: SheetStudent, mark: SheetMark) -> MarkCb:
    return MarkCb(
        lesson_id=lesson_id,
        action="edit",
        kind=mark.work_kind.value,
        student_id=student.id,
        mark_id=mark.id,
    )


def weight_screen(t: Translator, lesson_id: int, student: SheetStudent, mark: SheetMark) -> Screen:
    """The weights 1–10, five a row (the mark's own marked with •), back to the mark."""
    buttons = [
        Button(
            ("• " if w == mark.weight else "") + str(w),
            DetailCb(lesson_id=lesson_id, action="setw", mark_id=mark.id, weight=w),
        )
        for w in WEIGHTS
    ]
    back = Button(t("teacher.btn.back"), _back_to_mark(lesson_id, student, mark))
    text = t(
        "details.pick_weight",
        student=escape(student.short_name),
        value=mark.value,
        kind=kind_text(t, mark.work_kind),
        weight=mark.weight,
    )
    return Screen((text,), (*rows_of(buttons, 5), (back,)))


def comment_screen(t: Translator, lesson_id: int, student: SheetStudent, mark: SheetMark) -> Screen:
    """Asks for the comment as a message; the comment now, if any; back to the mark."""
    lines = [t("details.comment_prompt", student=escape(student.short_name), value=mark.value)]
    if mark.comment:
        lines.append(t("details.comment_now", comment=escape(mark.comment)))
    back = Button(t("teacher.btn.cancel"), _back_to_mark(lesson_id, student, mark))
    return Screen(("\n".join(lines),), ((back,),))


def weight_note(t: Translator, student: SheetStudent, value: int, weight: int) -> str:
    return t("details.weight_saved", student=escape(student.short_name), value=value, weight=weight)


def comment_note(t: Translator, student: SheetStudent, value: int, *, cleared: bool) -> str:
    key = "details.comment_cleared" if cleared else "details.comment_saved"
    return t(key, student=escape(student.short_name), value=value)
