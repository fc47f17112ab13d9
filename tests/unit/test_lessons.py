"""Dated lessons from the weekly timetable: working days of study periods only, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import AuditEntry, Lesson, TimetableEntry
from services.timetable.lessons import generate_lessons
from tests.factories import SchoolWorld, build_school, count


def timetable_slot(w: SchoolWorld, weekday: int, n: int, **columns: Any) -> TimetableEntry:
    """A weekly lesson of 7А from 1 September, weekday 1-7 (``columns``: the subject's, the
    teacher's and other columns)."""
    return TimetableEntry(
        school_id=w.school.id,
        year_id=w.year.id,
        class_id=w.cls.id,
        weekday=weekday,
        lesson_number=n,
        valid_from=dt.date(2026, 9, 1),
        **columns,
    )


async def test_lessons_follow_the_timetable_and_the_calendar(session: AsyncSession) -> None:
    w = await build_school(session)

    def slot(weekday: int, n: int, subject: int, teacher: int, group: int | None = None) -> None:
        session.add(
            timetable_slot(
                w,
                weekday,
                n,
                subgroup_id=group,
                subject_id=subject,
                teacher_id=teacher,
                room="201",
            )
        )

    slot(1, 6, w.math.id, w.teacher.id)  # Monday 6th: maths
    slot(2, 6, w.english.id, w.class_teacher.id, w.subgroup.id)  # Tuesday 6th: group 1
    slot(3, 2, w.math.id, w.teacher.id)  # Wednesday 2nd: the factory already has a lesson there
    await session.commit()
    before = await session.scalar(select(func.count()).select_from(Lesson))

    # 26 Oct – 8 Nov 2026: autumn holidays until 4 Nov, the 2nd quarter from 5 Nov.
    result = await generate_lessons(session, w.school, dt.date(2026, 10, 26), dt.date(2026, 11, 8))
    new = (await session.scalars(select(Lesson).where(Lesson.date <= dt.date(2026, 11, 8)))).all()
    assert result.days == 2  # Thursday 5 and Friday 6 November: nothing on those weekdays
    assert result.created == 0 and len(new) == 0

    result = await generate_lessons(session, w.school, dt.date(2026, 11, 9), dt.date(2026, 11, 22))
    # Two Mondays and two Tuesdays; both Wednesdays: the 18th already has maths 2nd (factory),
    # the 11th gets one.
    assert result.created == 5
    rows = (
        await session.scalars(select(Lesson).where(Lesson.lesson_number == 6).order_by(Lesson.date))
    ).all()
    assert [(x.date.isoweekday(), x.subgroup_id) for x in rows] == [
        (1, None),
        (2, w.subgroup.id),
        (1, None),
        (2, w.subgroup.id),
    ]
    assert all(x.room == "201" and x.school_id == w.school.id for x in rows)

    again = await generate_lessons(session, w.school, dt.date(2026, 11, 9), dt.date(2026, 11, 22))
    assert again.created == 0
    total = await session.scalar(select(func.count()).select_from(Lesson))
    assert total == (before or 0) + 5
    assert await count(session, AuditEntry, AuditEntry.action == "lessons.generate") == 1


@pytest.mark.committed
def test_cli_creates_lessons_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from bot.__main__ import main
    from services.db import make_engine, make_session_factory

    async def setup() -> None:
        engine = make_engine(db_url)
        if engine.dialect.name == "postgresql":
            from tests.conftest import _truncate_all

            await _truncate_all(engine)
        async with make_session_factory(engine)() as session:
            w = await build_school(session)
            session.add(timetable_slot(w, 1, 7, subject_id=w.math.id, teacher_id=w.teacher.id))
            await session.commit()
        await engine.dispose()

    asyncio.run(setup())
    monkeypatch.setenv("DATABASE_URL", db_url)
    args = ["lessons", "--from", "2026-11-09", "--to", "2026-11-22"]
    assert main(args) == 0
    assert "lessons created: 2" in capsys.readouterr().out
    assert main(args) == 0
    assert "lessons created: 0" in capsys.readouterr().out
