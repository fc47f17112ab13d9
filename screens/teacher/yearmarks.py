"""/yearmarks: year, exam and final marks of a class in a subject — the choice of class and
subject, the sheet of one kind (each student's period marks, the suggested and set marks;
locked after the teachers' council), and the choice of one student's mark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.bounds import OneOf, OptId
from screens.screen import Button, Row, Screen, rows_of
from screens.teacher.termmarks import VALUES, value_text
from services.enums import FinalMarkKind, SpecialMark
from services.marks.final_marks import FinalValue, TermOption
from services.marks.year_marks import YearMarksSaved, YearRow, YearSheet
from services.richtext import escape, shorten_html

KINDS = ("year", "exam", "final")
LABEL_LIMIT = 60


class YearCb(Action, prefix="t_yr"):
    """``sheet``: the sheet of ``kind``; ``stu``: one student's choice; ``set``: that mark
    saved; ``fill``: every suggested mark not set yet saved."""

    action: Annotated[str, OneOf("sheet", "stu", "set", "fill")]
    class_id: OptId = 0
    subject_id: OptId = 0
    kind: Annotated[str, OneOf(*KINDS)] = "year"
    student_id: OptId = 0
    value: Annotated[str, OneOf("", "5", "4", "3", "2", *SpecialMark)] = ""


def options_screen(t: Translator, options: Sequence[TermOption]) -> Screen:
    if not options:
        return Screen((t("term.none"),))
    buttons = [
        Button(
            f"{o.class_name} · {o.subject}"[:LABEL_LIMIT],
            YearCb(action="sheet", class_id=o.class_id, subject_id=o.subject_id),
        )
        for o in options
    ]
    return Screen((t("term.pick"),), rows_of(buttons, 2))


def _on(sheet: YearSheet, action: str, kind: str, student_id: int = 0, value: str = "") -> YearCb:
    return YearCb(
        action=action,
        class_id=sheet.class_id,
        subject_id=sheet.subject_id,
        kind=kind,
        student_id=student_id,
        value=value,
    )


def current(row: YearRow, kind: str) -> FinalValue | None:
    return {"year": row.year, "exam": row.exam, "final": row.final}[kind]


def suggested(row: YearRow, kind: str) -> FinalValue | None:
    return {"year": row.suggested_year, "exam": None, "final": row.suggested_final}[kind]


def sheet_screen(t: Translator, sheet: YearSheet, kind: str, note: str = "") -> Screen:
    """The sheet of one kind of mark: a row per student with the period marks, the year, exam
    and final marks (suggested in brackets); the kinds as tabs; a student's button to set."""
    lines = [
        t(
            "yearmarks.sheet_title",
            cls=escape(sheet.class_name),
            subject=escape(sheet.subject),
            year=escape(sheet.year),
            mark_kind=kind,
        ),
        t("yearmarks.sheet_legend", periods=escape(" / ".join(sheet.periods)) or "—"),
    ]
    if sheet.council_on is not None:
        lines.append(t("yearmarks.council", date=sheet.council_on))
    if sheet.locked:
        lines.append(t("yearmarks.locked", year=escape(sheet.year)))
    students: list[Button] = []
    to_fill = 0
    for n, row in enumerate(sheet.rows, start=1):
        periods = " ".join(value_text(t, v) for v in row.periods) or "—"
        lines.append(
            t(
                "yearmarks.row",
                n=n,
                student=escape(row.student),
                periods=periods,
                year=value_text(t, row.year),
                suggested_year=value_text(t, row.suggested_year),
                exam=value_text(t, row.exam),
                final=value_text(t, row.final),
                suggested_final=value_text(t, row.suggested_final),
            )
        )
        if current(row, kind) is None and suggested(row, kind) is not None:
            to_fill += 1
        students.append(
            Button(
                f"{row.student} → {value_text(t, current(row, kind))}"[:LABEL_LIMIT],
                _on(sheet, "stu", kind, row.student_id),
            )
        )
    tabs = [
        Button(
            ("• " if k == kind else "") + t("yearmarks.tab", mark_kind=k), _on(sheet, "sheet", k)
        )
        for k in KINDS
    ]
    rows: tuple[Row, ...] = (tuple(tabs),)
    if not sheet.locked:
        rows += rows_of(students, 2)
        if to_fill:
            rows += ((Button(t("yearmarks.fill", count=to_fill), _on(sheet, "fill", kind)),),)
    text = "\n".join(lines)
    text = shorten_html(f"{note}\n\n{text}" if note else text)
    return Screen((text,), rows)


def value_screen(t: Translator, sheet: YearSheet, row: YearRow, kind: str) -> Screen:
    buttons = [Button(value_text(t, v), _on(sheet, "set", kind, row.student_id, v)) for v in VALUES]
    buttons.append(Button(t("yearmarks.back"), _on(sheet, "sheet", kind)))
    text = t(
        "yearmarks.pick_value",
        student=escape(row.student),
        mark_kind=kind,
        suggested=value_text(t, suggested(row, kind)),
    )
    return Screen((text,), rows_of(buttons, 4, 4, 1))


def saved_note(t: Translator, kind: str, saved: YearMarksSaved) -> str:
    return t(
        "yearmarks.saved",
        mark_kind=kind,
        created=saved.created,
        changed=saved.changed,
        same=saved.unchanged,
    )


def kind_of(value: str) -> FinalMarkKind:
    return FinalMarkKind(value)
