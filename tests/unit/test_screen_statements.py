"""The screens' reads stay few and flat (issue 11): each screen's read model runs at most
``MAX_STATEMENTS`` SQL statements, and the same number for a class of 3 students as for one
of 30 (no statement per student, per lesson or per mark)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.enums import AttendanceCode, Role, WorkKind
from services.marks import class_journal as marks_class_journal
from services.marks import final_marks, mark_reads
from services.models import Person
from services.timetable import diary
from services.timetable import teacher_day as timetable_teacher_day
from tests.factories import NOW, TODAY, SchoolWorld, build_school, enrolment, person
from tests.family.helpers import absence, fill_record, mark

MAX_STATEMENTS = 8

Screen = Callable[[AsyncSession, SchoolWorld], Awaitable[Any]]


def _screens() -> dict[str, Screen]:
    monday = TODAY - dt.timedelta(days=TODAY.weekday())

    def diary_page(date_from: dt.date, date_to: dt.date) -> Screen:
        async def call(s: AsyncSession, w: SchoolWorld) -> Any:
            return await diary.diary_page(
                s, w.actors["parent2"], w.students[1].id, date_from, date_to, NOW
            )

        return call

    async def marks_page(s: AsyncSession, w: SchoolWorld) -> Any:
        return await mark_reads.marks_page(s, w.actors["parent2"], w.students[1].id, None, NOW)

    async def teacher_day(s: AsyncSession, w: SchoolWorld) -> Any:
        return await timetable_teacher_day.teacher_lessons(s, w.actors["teacher"], TODAY)

    async def term_sheet(s: AsyncSession, w: SchoolWorld) -> Any:
        return await final_marks.term_sheet(s, w.actors["teacher"], w.cls.id, w.math.id, w.q2.id)

    async def class_journal(s: AsyncSession, w: SchoolWorld) -> Any:
        return await marks_class_journal.class_journal(
            s, w.actors["class_teacher"], w.cls.id, w.math.id, w.q2.id
        )

    async def deputy_journal(s: AsyncSession, w: SchoolWorld) -> Any:
        return await marks_class_journal.class_journal(
            s, w.actors["deputy"], w.cls.id, w.math.id, w.q2.id
        )

    return {
        "diary day": diary_page(TODAY, TODAY),
        "diary week": diary_page(monday, monday + dt.timedelta(days=6)),
        "marks page": marks_page,
        "teacher's day": teacher_day,
        "term sheet": term_sheet,
        "class journal": class_journal,
        "class journal, deputy": deputy_journal,
    }


SCREENS = _screens()


async def _count(
    engine: AsyncEngine,
    factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    screen: Screen,
) -> int:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with factory() as s:
            await screen(s, world)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(statements)


async def _grow_class(session: AsyncSession, world: SchoolWorld, extra: int) -> None:
    """``extra`` more students in 7А, each with marks and an absence at today's maths."""
    for i in range(extra):
        p: Person = await person(session, world.school, f"Новиков{i}", "Ученик", Role.STUDENT)
        session.add(enrolment(world, p.id))
        session.add_all(
            [
                mark(world, world.lesson_today, p.id, 5, WorkKind.ANSWER),
                mark(world, world.lesson_old, p.id, 3, WorkKind.CONTROL, 2),
                absence(world, world.lesson_colleague, p.id, AttendanceCode.LATE),
            ]
        )
    await session.commit()


@pytest.mark.parametrize("name", list(SCREENS))
async def test_a_screen_reads_in_few_statements_whatever_the_class_size(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], name: str
) -> None:
    async with session_factory() as s:
        world = await build_school(s)
        await fill_record(s, world)
    screen = SCREENS[name]
    small = await _count(engine, session_factory, world, screen)
    async with session_factory() as s:
        await _grow_class(s, world, 27)
    large = await _count(engine, session_factory, world, screen)
    assert small <= MAX_STATEMENTS, f"{name}: {small} statements"
    assert large == small, f"{name}: {small} statements for 3 students, {large} for 30"
