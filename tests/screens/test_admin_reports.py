"""The /reports screens: the menu, one parameter a step (choices from hand-made lists), the
format, and the file as a document — with the parameters kept in the buttons."""

from __future__ import annotations

import pytest

from i18n import translator
from screens.admin.actions import ReportCb
from screens.admin.reports import (
    KINDS,
    MAX_BUTTONS,
    chosen,
    format_screen,
    kind_of,
    missing,
    month_choice,
    no_reports_screen,
    params_of,
    report_screen,
    reports_screen,
    step_screen,
)
from services.errors import DomainError
from services.reports import REPORTS
from services.reports.registry import ReportFile

BACK = ReportCb(k=-1)
MONTHLY = KINDS.index("attendance_month")
MOVEMENT = KINDS.index("movement")


def test_the_menu_is_one_report_a_row() -> None:
    t = translator("en")
    screen = reports_screen(t, ["movement", "activity"], replace=False)
    assert screen.texts == (t("office.reports.pick"),) and not screen.replace
    assert [b.text for b in screen.buttons] == [
        REPORTS["movement"].title("en"),
        REPORTS["activity"].title("en"),
    ]
    assert [b.action for b in screen.buttons] == [
        ReportCb(k=MOVEMENT),
        ReportCb(k=KINDS.index("activity")),
    ]
    assert no_reports_screen(t).texts == (t("office.reports.none"),)


def test_the_steps_ask_the_class_then_the_month_then_the_format() -> None:
    cb = ReportCb(k=MONTHLY)
    assert missing(cb, "attendance_month") == "class"
    cb = chosen(cb, "class", 5)
    assert cb == ReportCb(k=MONTHLY, cls=5) and missing(cb, "attendance_month") == "month"
    cb = chosen(cb, "month", 202611)
    assert missing(cb, "attendance_month") is None
    assert params_of(cb, "ru") == {"lang": "ru", "class_id": 5, "month": "2026-11"}
    # A student is picked from a class: the class is asked first.
    assert missing(ReportCb(k=KINDS.index("family_weekly")), "family_weekly") == "class"


def test_a_class_step_four_a_row_with_the_whole_school_when_optional() -> None:
    t = translator("ru")
    cb = ReportCb(k=MOVEMENT)
    classes = [(n, f"{n}А") for n in range(1, 7)]
    screen = step_screen(t, cb, "movement", "class", classes, optional=True)
    title = REPORTS["movement"].title("ru")
    assert screen.texts == (t("office.reports.ask.class", title=title),)
    assert [len(row) for row in screen.rows] == [1, 4, 2, 1]
    assert screen.rows[0][0].action == ReportCb(k=MOVEMENT, cls=-1)
    assert screen.rows[1][0].action == ReportCb(k=MOVEMENT, cls=1)
    assert screen.rows[-1][0].action == BACK
    required = step_screen(t, cb, "movement", "class", classes)
    assert required.rows[0][0].action == ReportCb(k=MOVEMENT, cls=1)


def test_months_three_a_row_and_at_most_96_choices() -> None:
    t = translator("ru")
    cb = ReportCb(k=MONTHLY, cls=5)
    months = [month_choice(2026, m) for m in (9, 10, 11, 12)]
    assert months[0] == (202609, "09.2026")
    screen = step_screen(t, cb, "attendance_month", "month", months)
    assert [len(row) for row in screen.rows] == [3, 1, 1]
    assert screen.rows[0][2].action == ReportCb(k=MONTHLY, cls=5, mon=202611)
    many = step_screen(t, cb, "attendance_month", "student", [(n, str(n)) for n in range(1, 200)])
    assert len(many.buttons) == MAX_BUTTONS + 1


def test_nothing_to_choose_says_so_and_keeps_the_way_back() -> None:
    t = translator("ru")
    screen = step_screen(t, ReportCb(k=MONTHLY, cls=5), "attendance_month", "month", [])
    title = REPORTS["attendance_month"].title("ru")
    assert screen.texts == (t("office.reports.nothing", title=title),)
    assert [b.action for b in screen.buttons] == [BACK]


def test_the_format_then_the_file_with_its_title() -> None:
    t = translator("ru")
    cb = ReportCb(k=MONTHLY, cls=5, mon=202611)
    screen = format_screen(t, cb, "attendance_month")
    assert [b.text for b in screen.buttons] == ["PDF", "XLSX", t("office.back")]
    assert screen.buttons[1].action == ReportCb(k=MONTHLY, cls=5, mon=202611, fmt="xlsx")
    report = ReportFile("attendance.pdf", "application/pdf", b"%PDF-1.7")
    (document,) = report_screen(t, "attendance_month", report).attachments
    assert document.kind == "document" and document.filename == "attendance.pdf"
    assert document.caption == t(
        "office.reports.ready", title=REPORTS["attendance_month"].title("ru")
    )


def test_an_unknown_report_is_invalid() -> None:
    assert kind_of(0) == KINDS[0]
    for k in (-1, len(KINDS)):
        with pytest.raises(DomainError) as refused:
            kind_of(k)
        assert refused.value.code == "error.invalid"
