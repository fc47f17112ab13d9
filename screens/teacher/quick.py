"""Quick marks: the prompt (type the whole lesson in one message) and the preview of what was
typed — each line as understood, ambiguous names asked about with buttons, the save button
(one that says so when marks go to students marked absent) and cancel."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Button, Screen, rows_of
from screens.teacher.actions import QuickCb
from screens.teacher.card import back_rows
from screens.teacher.common import code_text, lesson_title
from services.marks.quickmarks import KIND_SHORT, Problem, QuickParse
from services.richtext import escape, fit_lines
from services.timetable.lesson_sheet import LessonSheet

RAW_ECHO = 60  # characters of a typed line shown back in the preview
CANDIDATES_PER_ROW = 4  # Telegram takes at most 8 buttons a row
EXAMPLE = "Иванов"  # a surname for the help when the class has no students


def prompt_screen(t: Translator, sheet: LessonSheet) -> Screen:
    """What to type, with the first student's surname as the example; back to the card."""
    example = " ".join(s.last_name for s in sheet.students[:1]) or EXAMPLE
    text = "\n".join(
        [lesson_title(t, sheet), t("quick.prompt"), "", t("quick.help", example=escape(example))]
    )
    return Screen((text,), back_rows(t, sheet.lesson_id))


def clip(typed: str) -> str:
    """The teacher's own words echoed back: a reminder, not the whole line."""
    return typed if len(typed) <= RAW_ECHO else typed[: RAW_ECHO - 1] + "…"


def preview_screen(t: Translator, sheet: LessonSheet, parsed: QuickParse) -> Screen:
    """The parse of a typed message, line by line, as one message Telegram takes."""
    names = {s.id: s.short_name for s in sheet.students}
    lid = sheet.lesson_id
    head = [lesson_title(t, sheet), t("quick.preview_title")]
    lines: list[str] = []
    rows: list[tuple[Button, ...]] = []
    for n, item in enumerate(parsed.items):
        raw = escape(clip(item.raw))
        marks = ", ".join(f"{m.value} ({KIND_SHORT[m.work_kind]})" for m in item.marks)
        if item.absence is not None:
            marks = ", ".join(x for x in (marks, code_text(t, item.absence)) if x)
        if item.ok and item.student_id is not None:
            student = escape(names.get(item.student_id, ""))
            key = "quick.line_typo" if item.typo else "quick.line_ok"
            lines.append(t(key, student=student, marks=marks, raw=raw))
            if item.for_absent and item.marks:
                lines.append(t("quick.line_for_absent", student=student))
        elif item.problem == Problem.AMBIGUOUS:
            lines.append(t("quick.line_ambiguous", raw=raw, marks=marks))
            candidates = [
                Button(
                    f"{n + 1}: {names.get(sid, '?')}",
                    QuickCb(lesson_id=lid, action="pick", item=n, student_id=sid),
                )
                for sid in item.candidates
            ]
            rows.extend(rows_of(candidates, CANDIDATES_PER_ROW))
        elif item.problem == Problem.TOO_MANY:
            student = escape(names.get(item.student_id or 0, ""))
            lines.append(t("quick.line_too_many", raw=raw, student=student, limit=sheet.max_marks))
        else:
            problem = item.problem.value if item.problem else "unknown"
            token = escape(clip(item.bad_token or ""))
            lines.append(t(f"quick.line_{problem}", raw=raw, token=token))
    tail = [""]
    marks_count = len(parsed.marks())
    absent_count = len(parsed.absences())
    if marks_count or absent_count:
        tail.append(t("quick.confirm_question", marks=marks_count, absent=absent_count))
        # Marks for absent students are saved only by the button that says so (item=1).
        confirm_absent = bool(parsed.for_absent)
        label = t(
            "quick.save_for_absent" if confirm_absent else "quick.save",
            count=marks_count + absent_count,
        )
        save = QuickCb(lesson_id=lid, action="ok", item=int(confirm_absent))
        rows.append((Button(label, save),))
    else:
        tail.append(t("quick.nothing"))
    tail.append(t("quick.retype"))
    rows.append((Button(t("teacher.btn.cancel"), QuickCb(lesson_id=lid, action="cancel")),))
    # A whole class with long names and many marks must still be one message Telegram takes.
    text = fit_lines(head, lines, tail, lambda count: t("quick.more_lines", count=count))
    return Screen((text,), tuple(rows))


def saved_note(t: Translator, marks: int, absent: int) -> str:
    """What a confirmed preview saved, shown above the lesson card."""
    return t("quick.saved", marks=marks, absent=absent)
