"""The office's command line (bot/cli_admin.py) on a private SQLite file."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bot.cli_admin import add_commands
from services.db import make_engine, make_session_factory
from services.imports.specs import KINDS
from services.models import (
    AuditEntry,
    Person,
    PlanItem,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    TimetableEntry,
    start_clock_at,
)
from tests.admin.helpers import fill_journal
from tests.factories import build_school


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    path = tmp_path_factory.mktemp("cli") / "world.sqlite3"
    shutil.copyfile(sqlite_template, path)

    async def fill() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with make_session_factory(engine)() as s:
                await fill_journal(s, await build_school(s, "s1"))
        finally:
            await engine.dispose()

    asyncio.run(fill())
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite3"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def after_the_year() -> Iterator[None]:
    """The command line's clock (CLOCK_START) on 15 June 2027: the year 2026/2027 is over."""
    start_clock_at(dt.datetime(2027, 6, 15, 9, 0, tzinfo=dt.UTC))
    yield
    start_clock_at(None)


@pytest.fixture
def mid_year() -> Iterator[None]:
    start_clock_at(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC))
    yield
    start_clock_at(None)


def run(db: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    settings = SimpleNamespace(database_url=f"sqlite+aiosqlite:///{db}")
    code: int = args.admin_handler(args, settings)
    return code


def query(db: Path, stmt: object) -> object:
    async def go() -> object:
        engine = make_engine(f"sqlite+aiosqlite:///{db}")
        try:
            async with make_session_factory(engine)() as s:
                return (await s.execute(stmt)).all()  # type: ignore[call-overload]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_templates_are_written_and_import_in_order(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tpl"
    assert run(db, "templates", "--out", str(out)) == 0
    # Every kind of import has its template; KINDS lists them in an order in which each
    # template's examples find what they refer to (staff before classes, students before
    # their parents and subgroups, subjects before assignments and the thematic plan).
    kinds = list(KINDS)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{k}.csv" for k in kinds] + [f"{k}.xlsx" for k in kinds]
    )
    capsys.readouterr()
    for kind in kinds:
        ext = "xlsx" if kind in ("students", "timetable") else "csv"
        assert run(db, "import", kind, str(out / f"{kind}.{ext}"), "--school", "s1") == 0, (
            kind,
            capsys.readouterr().err,
        )
    printed = capsys.readouterr().out
    assert "Сотрудники: строк 2; создано 2" in printed
    assert query(db, select(func.count()).select_from(TimetableEntry)) == [(2,)]
    # The new kinds' templates went in too: the two students in their English groups, the
    # two lines of the maths plan.
    members = query(
        db,
        select(Person.external_id, Subgroup.name)
        .join(SubgroupMember, SubgroupMember.student_id == Person.id)
        .join(Subgroup, Subgroup.id == SubgroupMember.subgroup_id)
        .where(Person.external_id.in_(["S-1001", "S-1002"]))
        .order_by(Person.external_id),
    )
    assert members == [("S-1001", "Группа 1"), ("S-1002", "Группа 2")]
    topics = query(db, select(PlanItem.topic).order_by(PlanItem.number))
    assert topics == [("Натуральные числа. Повторение",), ("Входная контрольная работа",)]
    cli_entries = query(
        db, select(func.count()).select_from(AuditEntry).where(AuditEntry.source == "cli")
    )
    assert cli_entries[0][0] > 8  # type: ignore[index]


def test_bad_import_exits_1_and_names_rows(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "staff.csv"
    bad.write_text("Табельный номер,Фамилия,Имя,Роли\nT-1,,Анна,учитель\n", encoding="utf-8")
    assert run(db, "import", "staff", str(bad), "--lang", "en") == 1
    err = capsys.readouterr().err
    assert 'Row 2, column "Фамилия": a required value is empty' in err
    assert query(db, select(Person.id).where(Person.external_id == "T-1")) == []
    assert run(db, "import", "staff", str(tmp_path / "missing.csv")) == 1
    assert run(db, "import", "staff", str(bad), "--school", "nope") == 1
    assert "admin.school_not_found" in capsys.readouterr().err


def test_report_command_writes_the_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    code = run(db, "report", "class_results", "--class", "7А", "--period", "2", "--out", str(out))
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    assert (
        run(
            db,
            "report",
            "attendance_month",
            "--class",
            "7А",
            "--month",
            "2026-11",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path),
        )
        == 0
    )
    assert list(tmp_path.glob("attendance_month-7a-2026-11.xlsx"))
    assert run(db, "report", "class_results", "--class", "7А", "--out", str(out)) == 1


def test_backup_and_restore_commands(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], after_the_year: None
) -> None:
    assert run(db, "backup", "--dir", str(tmp_path / "b"), "--mirror", str(tmp_path / "m")) == 0
    made = capsys.readouterr().out.split()
    assert len(made) == 2 and all(Path(p).exists() for p in made)
    assert run(db, "year", "close", "--name", "2026/2027") == 0
    assert query(db, select(SchoolYear.is_closed)) == [(True,)]
    assert run(db, "restore", made[0]) == 1  # needs --yes
    assert run(db, "restore", made[0], "--yes") == 0
    assert query(db, select(SchoolYear.is_closed)) == [(False,)]


def test_year_commands(db: Path, capsys: pytest.CaptureFixture[str], after_the_year: None) -> None:
    assert run(db, "year", "archive", "--name", "2026/2027") == 1  # not closed yet
    assert "admin.year_not_closed" in capsys.readouterr().err
    assert (
        run(
            db,
            "year",
            "open",
            "--name",
            "2027/2028",
            "--starts",
            "2027-09-01",
            "--ends",
            "2028-05-31",
            "--from",
            "2026/2027",
        )
        == 0
    )
    assert "classes 2А, 8А, 9Б" in capsys.readouterr().out
    assert run(db, "year", "close", "--name", "2026/2027") == 0
    assert run(db, "year", "archive", "--name", "2026/2027") == 0
    assert run(db, "retention") == 0
    assert "nothing past retention" in capsys.readouterr().out


def test_a_running_year_is_refused_in_words(
    db: Path, capsys: pytest.CaptureFixture[str], mid_year: None
) -> None:
    """30 November 2026: closing or archiving 2026/2027 is refused, with the day it may be."""
    for action in ("close", "archive"):
        for dry in ((), ("--dry-run",)):
            assert run(db, "year", action, "--name", "2026/2027", *dry) == 1
    err = capsys.readouterr().err
    assert "error: year.running: Учебный год 2026/2027 ещё идёт" in err
    assert "можно с 01.06.2027" in err
    assert run(db, "year", "close", "--name", "2026/2027", "--lang", "en") == 1
    assert "it can be closed or archived from 01.06.2027" in capsys.readouterr().err
    assert query(db, select(SchoolYear.is_closed, SchoolYear.archived_at)) == [(False, None)]
    assert query(db, select(AuditEntry.id).where(AuditEntry.action.like("year.%"))) == []


def test_dry_runs_change_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], after_the_year: None
) -> None:
    opening = [
        *("year", "open", "--name", "2027/2028", "--starts", "2027-09-01"),
        *("--ends", "2028-05-31", "--from", "2026/2027"),
    ]
    assert run(db, *opening, "--calendar", "trimesters", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run: open 2027/2028" in out and "nothing changed" in out
    assert "classes 2А, 8А, 9Б" in out
    assert "period\t3 триместр\t2028-03-01\t2028-05-26" in out
    assert query(db, select(SchoolYear.name)) == [("2026/2027",)]
    calendar = tmp_path / "calendar.csv"
    calendar.write_text(
        "Название;Начало;Конец\n1 полугодие;01.09.2027;29.12.2027\n"
        "2 полугодие;12.01.2028;26.05.2028\nЗимние каникулы;30.12.2027;11.01.2028\n",
        encoding="utf-8",
    )
    assert run(db, *opening, "--calendar", str(calendar), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "holiday\tЗимние каникулы\t2027-12-30\t2028-01-11" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("1 полугодие;01.09.2027\n", encoding="utf-8")
    assert run(db, *opening, "--calendar", str(bad)) == 1
    assert "year.calendar_line" in capsys.readouterr().err
    assert run(db, "year", "close", "--name", "2026/2027", "--dry-run") == 0
    assert "periods to close 2" in capsys.readouterr().out
    assert query(db, select(SchoolYear.is_closed)) == [(False,)]
    assert run(db, *opening, "--calendar", str(calendar)) == 0
    assert query(db, select(func.count()).select_from(SchoolYear)) == [(2,)]
