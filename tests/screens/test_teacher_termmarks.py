"""The period-marks screens as a teacher sees them, from read models alone: the class and
subject, the period, the sheet with overrides and one student's mark."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from i18n import translator
from screens.screen import Screen
from screens.teacher.actions import TermCb
from screens.teacher.termmarks import (
    VALUES,
    options_screen,
    periods_screen,
    saved_note,
    sheet_screen,
    value_screen,
    value_text,
)
from services.enums import PeriodKind, SpecialMark
from services.marks.final_marks import PeriodMarksSaved, TermOption, TermRow, TermSheet
from services.models import StudyPeriod

t = translator("ru")
IDS = {"class_id": 5, "subject_id": 6, "period_id": 7}


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def sheet(*, closed: bool = False, rows: tuple[TermRow, ...] | None = None) -> TermSheet:
    if rows is None:
        rows = (
            TermRow(1, "Анна <Смирнова>", 6, Decimal("4.61"), 5, False, None),
            TermRow(2, "Пётр & Ко", 1, Decimal("3"), 3, True, 4),
            TermRow(3, "Ева", 0, None, None, True, None),
        )
    return TermSheet(5, "5<А>", 6, "Алгебра", 7, "2 четверть", closed, 3, rows)


def test_options_two_a_row_open_the_periods_of_the_class_and_subject() -> None:
    options = [
        TermOption(n, f"{n}А", 10 + n, "Очень длинное название предмета " * 3, False)
        for n in range(1, 4)
    ]
    screen = options_screen(t, options)
    assert screen.texts == (t("term.pick"),)
    assert [len(row) for row in screen.rows] == [2, 1]
    assert all(len(b.text) <= 60 for b in screen.buttons)
    assert screen.rows[1][0].action == TermCb(action="per", class_id=3, subject_id=13)
    none = options_screen(t, [])
    assert none.texts == (t("term.none"),) and none.rows == ()


def test_periods_mark_the_one_offered_first() -> None:
    periods = [
        StudyPeriod(
            id=70 + n,
            kind=PeriodKind.QUARTER,
            number=n,
            name=f"{n} четверть",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 10, 1),
        )
        for n in range(1, 4)
    ]
    screen = periods_screen(t, 5, 6, periods, default=72)
    assert screen.texts == (t("term.pick_period"),)
    assert labels(screen) == [["1 четверть", "• 2 четверть"], ["3 четверть"]]
    assert screen.rows[0][1].action == TermCb(action="pick", class_id=5, subject_id=6, period_id=72)


def test_the_sheet_shows_suggestions_overrides_and_flags_with_names_escaped() -> None:
    screen = sheet_screen(t, sheet(), {2: "pass"})
    (text,) = screen.texts
    assert "5&lt;А&gt;" in text
    assert "Анна &lt;Смирнова&gt;: 4.61 (6)" in text
    assert "Пётр &amp; Ко" in text
    assert t("term.override", value=t("term.special.pass")) in text
    assert t("term.current", value="4") in text
    assert t("term.few_total", count=2) in text
    assert text.endswith(t("term.hint"))
    # The students two a row (what each will get), then save and the other period.
    assert labels(screen) == [
        ["Анна <Смирнова> → 5", f"Пётр & Ко → {t('term.special.pass')}"],
        ["Ева → —"],
        [t("term.save", count=2)],
        [t("term.other_period")],
    ]
    assert screen.rows[1][0].action == TermCb(action="stu", student_id=3, **IDS)
    assert screen.rows[2][0].action == TermCb(action="save", **IDS)
    assert screen.rows[3][0].action == TermCb(action="per", class_id=5, subject_id=6)


def test_a_closed_period_cannot_be_saved_and_the_note_goes_first() -> None:
    screen = sheet_screen(t, sheet(closed=True), {}, note="✅ saved")
    (text,) = screen.texts
    assert text.startswith("✅ saved\n\n")
    assert t("yearmarks.period_marks_locked", period="2 четверть") in text
    assert [b.action for b in screen.rows[-1]] == [TermCb(action="per", class_id=5, subject_id=6)]
    assert not any(b.action == TermCb(action="save", **IDS) for b in screen.buttons)


def test_nothing_to_save_no_save_button() -> None:
    rows = (TermRow(3, "Ева", 0, None, None, True, None),)
    screen = sheet_screen(t, sheet(rows=rows), {})
    assert labels(screen) == [["Ева → —"], [t("term.other_period")]]


def test_a_students_mark_four_then_four_then_back_to_the_suggested() -> None:
    s = sheet()
    screen = value_screen(t, s, s.rows[0])
    (text,) = screen.texts
    assert "<b>Анна &lt;Смирнова&gt;</b>" in text and "4.61" in text
    assert [len(row) for row in screen.rows] == [4, 4, 1]
    assert [b.text for b in screen.buttons[:4]] == ["5", "4", "3", "2"]
    assert screen.buttons[4].text == t("term.special.na")
    assert [b.action for b in screen.buttons[:-1]] == [
        TermCb(action="set", student_id=1, value=v, **IDS) for v in VALUES
    ]
    assert screen.rows[2][0].text == t("term.back_to_suggested")
    assert screen.rows[2][0].action == TermCb(action="set", student_id=1, **IDS)


def test_value_texts() -> None:
    assert value_text(t, None) == value_text(t, "") == "—"
    assert value_text(t, 4) == value_text(t, "4") == "4"
    assert value_text(t, SpecialMark.EXEMPT) == t("term.special.exempt")


def test_the_saved_note_counts_each_change_and_escapes_the_period() -> None:
    sheet_ = dataclasses.replace(sheet(), period="2 <четверть> & итог")
    note = saved_note(t, sheet_, PeriodMarksSaved(created=2, changed=1, unchanged=7))
    assert "2 &lt;четверть&gt; &amp; итог" in note and "<четверть>" not in note
    assert note == t(
        "term.saved", period="2 &lt;четверть&gt; &amp; итог", created=2, changed=1, same=7
    )
    english = saved_note(translator("en"), sheet_, PeriodMarksSaved(1, 0, 0))
    assert english != note and "&lt;четверть&gt;" in english
