"""The evening's early warning job on SQLite and PostgreSQL, with an injected clock: a threshold
crossed once gives one alert per recipient, a second run nothing new, the next threshold one
more; a projected mark at «2» reaches those who see marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs
from notifications.registry import kind_of
from services.early_warning.alert_kinds import EARLY_WARNING
from services.enums import AttendanceCode, WorkKind
from services.models import Attendance, EarlyWarning, Lesson, Mark, OutboxMessage
from tests.factories import MSK, TODAY, SchoolWorld, build_school, maths_lesson

SPEC = next(s for s in jobs.JOBS if s.name == "early_warning")
# The working days of the second quarter before TODAY (it began on 5.11).
PAST_DAYS = [dt.date(2026, 11, d) for d in (5, 6, 9, 10, 11, 12, 13, 16, 17)]


def evening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(16, 40), tzinfo=MSK).astimezone(dt.UTC)


async def past_lessons(session: AsyncSession, w: SchoolWorld) -> list[Lesson]:
    """Two maths lessons of 7А on each working day of the quarter before today (18)."""
    lessons = [maths_lesson(w, day, n) for day in PAST_DAYS for n in (6, 7)]
    session.add_all(lessons)
    await session.flush()
    return lessons


def absent(w: SchoolWorld, lesson: Lesson, student_id: int, code: AttendanceCode) -> Attendance:
    return Attendance(school_id=w.school.id, lesson_id=lesson.id, student_id=student_id, code=code)


async def alerts(session_factory: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with session_factory() as s:
        return list(
            (
                await s.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.kind == EARLY_WARNING.name)
                    .order_by(OutboxMessage.id)
                )
            ).all()
        )


async def run(session_factory: async_sessionmaker[AsyncSession], day: dt.date) -> Any:
    return await jobs.run_due(session_factory, evening(day), "t", (SPEC,))


async def test_absence_steps_told_once_each(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    w = await build_school(session)
    lessons = await past_lessons(session, w)
    pupil = w.students[0]  # a parent; a trusted person allowed marks only
    # Lessons so far: 18 past + lesson_old + today's maths, Russian, English (group 1) and the
    # substituted Russian = 23. Two absences, one of them without a valid reason: 8.7 %.
    session.add_all(
        [
            absent(w, lessons[0], pupil.id, AttendanceCode.ILL),
            absent(w, lessons[1], pupil.id, AttendanceCode.ABSENT),
        ]
    )
    await session.commit()

    assert await run(session_factory, TODAY) == [("early_warning", w.school.id, TODAY)]
    first = await alerts(session_factory)
    # the parent and the class teacher; not the trusted person (marks only)
    assert sorted(a.recipient_person_id or 0 for a in first) == sorted(
        [w.parent.id, w.class_teacher.id]
    )
    family = next(a for a in first if a.recipient_person_id == w.parent.id)
    child = family.payload["children"][0]
    assert child["absence"] == {
        "step": 5,
        "absent": 2,
        "lessons": 23,
        "unexcused": 1,
        "percent": "8.7",
    }
    assert child["teacher"] == "Мария Классная"
    text = kind_of(family.kind).message(kind_of(family.kind).read(family.payload), "ru").text
    assert "Пропущено 2 из 23 уроков" in text
    assert "из них без уважительной причины: 1" in text
    assert "Мария Классная" in text

    # The same evening again (a second process) and the next evening: nothing new.
    assert await run(session_factory, TODAY) == []
    tomorrow = TODAY + dt.timedelta(days=1)
    assert await run(session_factory, tomorrow) == [("early_warning", w.school.id, tomorrow)]
    assert len(await alerts(session_factory)) == 2

    # A third absence the day after: 3 of 24 lessons (tomorrow's maths), 12.5 % ≥ 10 %.
    async with session_factory() as s, s.begin():
        s.add(absent(w, w.lesson_future, pupil.id, AttendanceCode.ABSENT))
    later = TODAY + dt.timedelta(days=2)
    await run(session_factory, later)
    after = await alerts(session_factory)
    assert len(after) == 4
    assert {a.payload["children"][0]["absence"]["step"] for a in after[2:]} == {10}
    async with session_factory() as s:
        state = (await s.scalars(select(EarlyWarning))).all()
    assert [(r.student_id, r.subject_id, r.level) for r in state] == [(pupil.id, 0, 10)]


async def test_a_projected_two_reaches_those_who_see_marks(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    w = await build_school(session)
    lessons = await past_lessons(session, w)
    pupil = w.students[0]
    for lesson, value in zip(lessons[:3], (2, 2, 3), strict=True):
        session.add(
            Mark(
                school_id=w.school.id,
                lesson_id=lesson.id,
                student_id=pupil.id,
                value=value,
                work_kind=WorkKind.ANSWER,
                weight=1,
            )
        )
    # another student: 4, 4, 5 — remembered, not told
    for lesson, value in zip(lessons[:3], (4, 4, 5), strict=True):
        session.add(
            Mark(
                school_id=w.school.id,
                lesson_id=lesson.id,
                student_id=w.students[1].id,
                value=value,
                work_kind=WorkKind.ANSWER,
                weight=1,
            )
        )
    await session.commit()

    await run(session_factory, TODAY)
    first = await alerts(session_factory)
    assert sorted(a.recipient_person_id or 0 for a in first) == sorted(
        [w.parent.id, w.trusted.id, w.class_teacher.id]
    )
    subjects = first[0].payload["children"][0]["subjects"]
    assert subjects == [{"subject": "Математика", "mark": 2, "before": None}]

    # students[1] falls from «4» to «3»: a whole mark, told once
    async with session_factory() as s, s.begin():
        for lesson in lessons[3:6]:
            s.add(
                Mark(
                    school_id=w.school.id,
                    lesson_id=lesson.id,
                    student_id=w.students[1].id,
                    value=2,
                    work_kind=WorkKind.ANSWER,
                    weight=1,
                )
            )
    tomorrow = TODAY + dt.timedelta(days=1)
    await run(session_factory, tomorrow)
    after = await alerts(session_factory)
    new = after[len(first) :]
    # 4, 4, 5, 2, 2, 2 = 3.17 → «3»: parent2 and the class teacher
    assert sorted(a.recipient_person_id or 0 for a in new) == sorted(
        [w.parent2.id, w.class_teacher.id]
    )
    assert new[0].payload["children"][0]["subjects"] == [
        {"subject": "Математика", "mark": 3, "before": 4}
    ]
    await run(session_factory, TODAY + dt.timedelta(days=2))
    assert len(await alerts(session_factory)) == len(after)
