"""/termmarks: period marks of a class in a subject — the choice of class and subject, of the
period, the sheet (each student's suggested mark with the weighted average and the number of
marks behind it; too few marks flagged; the teacher's overrides) and the choice of one
student's mark."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from i18n import Translator
from screens.screen import Button, Screen, rows_of
from screens.teacher.actions import TermCb
from services.enums import SpecialMark
from services.marks.final_marks import (
    FinalValue,
    PeriodMarksSaved,
    TermOption,
    TermRow,
    TermSheet,
)
from services.models import StudyPeriod
from services.richtext import escape, shorten_html

# The marks a teacher may put, in the order of the buttons.
VALUES = ("5", "4", "3", "2", *(s.value for s in SpecialMark))
LABEL_LIMIT = 60


def value_text(t: Translator, value: FinalValue | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return str(value)
    return t(f"term.special.{SpecialMark(value).value}")


def average_text(row: TermRow) -> str:
    if row.weighted_average is None:
        return "—"
    return f"{row.weighted_average:.2f}"


def options_screen(t: Translator, options: Sequence[TermOption]) -> Screen:
    """The classes and subjects whose period marks the teacher sets, two a row (or that there
    are none)."""
    if not options:
        return Screen((t("term.none"),))
    buttons = [
        Button(
            f"{o.class_name} · {o.subject}"[:LABEL_LIMIT],
            TermCb(action="per", class_id=o.class_id, subject_id=o.subject_id),
        )
        for o in options
    ]
    return Screen((t("term.pick"),), rows_of(buttons, 2))


def periods_screen(
    t: Translator,
    class_id: int,
    subject_id: int,
    periods: Sequence[StudyPeriod],
    default: int | None,
) -> Screen:
    """The periods of the class's year, the one offered first marked with •."""
    buttons = [
        Button(
            ("• " if p.id == default else "") + p.name,
            TermCb(action="pick", class_id=class_id, subject_id=subject_id, period_id=p.id),
        )
        for p in periods
    ]
    return Screen((t("term.pick_period"),), rows_of(buttons, 2))


def on_sheet(sheet: TermSheet, action: str, *, student_id: int = 0, value: str = "") -> TermCb:
    """An action on the sheet of ``sheet``'s class, subject and period."""
    return TermCb(
        action=action,
        class_id=sheet.class_id,
        subject_id=sheet.subject_id,
        period_id=sheet.period_id,
        student_id=student_id,
        value=value,
    )


def sheet_screen(
    t: Translator, sheet: TermSheet, overrides: Mapping[int, str], note: str = ""
) -> Screen:
    """The sheet with the teacher's ``overrides`` (student id → value) of the suggested marks;
    ``note`` (what was just saved, in markup) goes above it."""
    lines = [
        t(
            "term.title",
            cls=escape(sheet.class_name),
            subject=escape(sheet.subject),
            period=escape(sheet.period),
        ),
        t("term.legend", min=sheet.min_marks),
    ]
    if sheet.period_closed:
        lines.append(t("yearmarks.period_marks_locked", period=escape(sheet.period)))
    students: list[Button] = []
    to_save = flagged = 0
    for n, row in enumerate(sheet.rows, start=1):
        chosen: FinalValue | str | None = overrides.get(row.student_id, row.suggested)
        line = t(
            "term.row",
            n=n,
            student=escape(row.student),
            avg=average_text(row),
            count=row.marks_count,
            suggested=value_text(t, row.suggested),
        )
        if row.student_id in overrides:
            line += " " + t("term.override", value=value_text(t, chosen))
        if row.too_few_marks:
            line += " " + t("term.few")
            flagged += 1
        if row.current is not None:
            line += " " + t("term.current", value=value_text(t, row.current))
        lines.append(line)
        if chosen is not None:
            to_save += 1
        students.append(
            Button(
                f"{row.student} → {value_text(t, chosen)}"[:LABEL_LIMIT],
                on_sheet(sheet, "stu", student_id=row.student_id),
            )
        )
    tail: list[Button] = []
    if to_save and not sheet.period_closed:
        tail.append(Button(t("term.save", count=to_save), on_sheet(sheet, "save")))
    other = TermCb(action="per", class_id=sheet.class_id, subject_id=sheet.subject_id)
    tail.append(Button(t("term.other_period"), other))
    if flagged:
        lines.append(t("term.few_total", count=flagged))
    lines.append(t("term.hint"))
    text = "\n".join(lines)
    text = shorten_html(f"{note}\n\n{text}" if note else text)
    return Screen((text,), rows_of(students, 2) + rows_of(tail, 1))


def value_screen(t: Translator, sheet: TermSheet, row: TermRow) -> Screen:
    """One student's period mark to choose: the marks, then back to the suggested one."""

    def put(value: str) -> TermCb:
        return on_sheet(sheet, "set", student_id=row.student_id, value=value)

    buttons = [Button(value_text(t, v), put(v)) for v in VALUES]
    buttons.append(Button(t("term.back_to_suggested"), put("")))
    text = t(
        "term.pick_value",
        student=escape(row.student),
        avg=average_text(row),
        count=row.marks_count,
        suggested=value_text(t, row.suggested),
    )
    return Screen((text,), rows_of(buttons, 4, 4, 1))


def saved_note(t: Translator, sheet: TermSheet, saved: PeriodMarksSaved) -> str:
    """The line above the sheet after "save": how many marks were set, changed, kept."""
    return t(
        "term.saved",
        period=escape(sheet.period),
        created=saved.created,
        changed=saved.changed,
        same=saved.unchanged,
    )
