"""The thematic plan (КТП) import: lines per class and subject, re-import replacing a plan,
the hours checked against the timetable's lessons of the year, refused files, who may load it."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from screens.admin.imports import result_lines
from services.errors import AccessDenied
from services.homework import topics
from services.imports import import_file
from services.models import Lesson, PlanItem, TimetableEntry
from tests.admin.helpers import csv_bytes, xlsx_bytes
from tests.factories import SchoolWorld

HEADER = ["Класс", "Предмет", "Номер урока", "Тема", "Часов"]
# Monday's first lesson of 7А is maths: the two quarters of the factories' year (1.09–24.10,
# 5.11–27.12, the autumn holidays between) have 7 + 7 Mondays.
MONDAYS = 14


def timetable(world: SchoolWorld) -> TimetableEntry:
    return TimetableEntry(
        school_id=world.school.id,
        year_id=world.year.id,
        class_id=world.cls.id,
        subject_id=world.math.id,
        teacher_id=world.teacher.id,
        weekday=1,
        lesson_number=1,
        valid_from=world.year.starts_on,
    )


async def plan(session: AsyncSession, world: SchoolWorld) -> list[tuple[int, str, int]]:
    # A refused file or a dry run rolls back, which expires the world's rows: by their keys.
    cls, math = (inspect(world.cls).identity or (0,))[0], (inspect(world.math).identity or (0,))[0]
    rows = await session.execute(
        select(PlanItem.number, PlanItem.topic, PlanItem.hours)
        .where(PlanItem.class_id == cls, PlanItem.subject_id == math)
        .order_by(PlanItem.number)
    )
    return [(n, topic, h) for n, topic, h in rows.all()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_plan_is_loaded_checked_against_the_timetable_and_offered(
    session: AsyncSession, world: SchoolWorld, fmt: str
) -> None:
    session.add(timetable(world))
    await session.commit()
    rows = [
        HEADER,
        ["7А", "Математика", "1", "Линейные уравнения", "2"],
        ["7а", "математика", "2", "Системы уравнений", ""],
        ["7А", "Математика", "3", "Контрольная работа № 1", "1"],
    ]
    data = xlsx_bytes(rows) if fmt == "xlsx" else csv_bytes(rows)
    deputy = world.actors["deputy"]
    result = await import_file(session, deputy, "plan", f"plan.{fmt}", data)
    assert result.ok and result.applied
    # Line 1 existed (the factories' plan): its hours change; 2 and 3 are new.
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert await plan(session, world) == [
        (1, "Линейные уравнения", 2),
        (2, "Системы уравнений", 1),
        (3, "Контрольная работа № 1", 1),
    ]
    [warning] = result.warnings
    assert warning.code == "import.warning.plan_hours"
    assert warning.params == {
        "class_name": "7А",
        "subject": "Математика",
        "planned": 4,
        "timetable": MONDAYS,
        "year": "2026/2027",
    }
    assert any("4" in line and str(MONDAYS) in line for line in result.warning_lines("ru"))
    from i18n import translator

    shown = result_lines(translator("ru"), result)
    assert len(shown) == 2 and shown[1].startswith("⚠️ Файл: 7А, Математика")
    # The teacher is offered the plan's lines in order.
    offered = await topics.topic_suggestions(
        session, world.actors["teacher"], world.lesson_today.id
    )
    assert [c.topic for c in offered] == [
        "Линейные уравнения",
        "Системы уравнений",
        "Контрольная работа № 1",
    ]


async def test_a_plan_of_the_timetables_hours_gives_no_warning_and_a_reimport_replaces_it(
    session: AsyncSession, world: SchoolWorld
) -> None:
    session.add(timetable(world))
    await session.commit()
    admin = world.actors["admin"]
    full = [HEADER] + [
        ["7А", "Математика", str(n), f"Тема {n}", "2" if n <= 4 else "1"] for n in range(1, 11)
    ]
    first = await import_file(session, admin, "plan", "p.csv", csv_bytes(full))
    assert first.ok and first.warnings == [] and first.rows == 10
    # A lesson took line 9: a shorter plan drops lines 6-10 except that one.
    taken = await session.scalar(
        select(PlanItem).where(PlanItem.class_id == world.cls.id, PlanItem.number == 9)
    )
    assert taken is not None
    lesson = await session.get(Lesson, world.lesson_today.id)
    assert lesson is not None
    lesson.plan_item_id = taken.id
    await session.commit()
    shorter = full[:6]
    again = await import_file(session, admin, "plan", "p.csv", csv_bytes(shorter))
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert [n for n, _, _ in await plan(session, world)] == [1, 2, 3, 4, 5, 9]
    [warning] = again.warnings
    assert (warning.params["planned"], warning.params["timetable"]) == (9, MONDAYS)
    # A dry run counts the same and writes nothing.
    dry = await import_file(session, admin, "plan", "p.csv", csv_bytes(full), dry_run=True)
    assert dry.ok and not dry.applied and dry.created == 4
    assert [n for n, _, _ in await plan(session, world)] == [1, 2, 3, 4, 5, 9]


async def test_a_plan_with_bad_rows_is_refused_whole(
    session: AsyncSession, world: SchoolWorld
) -> None:
    rows = [
        HEADER,
        ["7А", "Математика", "1", "Линейные уравнения", "1"],
        ["7А", "Математика", "1", "Дважды первый", "1"],
        ["7Я", "Математика", "2", "Нет такого класса", "1"],
        ["7А", "Астрология", "3", "Нет такого предмета", "1"],
        ["7А", "Математика", "0", "Номер вне 1–999", "1"],
        ["7А", "Математика", "4", "", "1"],
        ["7А", "Математика", "5", "Часы", "много"],
    ]
    result = await import_file(session, world.actors["admin"], "plan", "p.csv", csv_bytes(rows))
    assert not result.ok and not result.applied
    assert [e.row for e in result.errors] == [3, 4, 5, 6, 7, 8]
    assert await plan(session, world) == [(1, "Линейные уравнения", 1)]  # as before


async def test_only_the_office_loads_a_plan(session: AsyncSession, world: SchoolWorld) -> None:
    data = csv_bytes([HEADER, ["7А", "Математика", "1", "Тема", "1"]])
    for name in ("teacher", "class_teacher", "parent"):
        with pytest.raises(AccessDenied):
            await import_file(session, world.actors[name], "plan", "p.csv", data)
