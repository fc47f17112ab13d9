"""A school with homework, control works and dated events for the calendar's tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import NewsKind, WorkKind
from services.models import ControlWork, Homework, News
from tests.factories import TODAY, SchoolWorld, at, build_school

NOW = at(TODAY, 8)


async def calendar_school(session: AsyncSession) -> SchoolWorld:
    w = await build_school(session)
    s = w.school.id
    session.add_all(
        [
            # no due date: due at the next maths lesson (tomorrow)
            Homework(school_id=s, lesson_id=w.lesson_today.id, text="№1, №2; стр. 5"),
            # due on Saturday, a day without maths: an all-day item that day
            Homework(
                school_id=s,
                lesson_id=w.lesson_colleague.id,
                text="Сочинение",
                due_date=TODAY + dt.timedelta(days=3),
            ),
            ControlWork(
                school_id=s,
                class_id=w.cls.id,
                subject_id=w.math.id,
                date=TODAY + dt.timedelta(days=5),
                kind=WorkKind.CONTROL,
                title="Дроби",
                agreed_at=at(TODAY - dt.timedelta(days=20)),
            ),
            ControlWork(  # proposed, not agreed
                school_id=s,
                class_id=w.cls.id,
                subject_id=w.russian.id,
                date=TODAY + dt.timedelta(days=6),
                kind=WorkKind.DICTATION,
            ),
            ControlWork(  # another class
                school_id=s,
                class_id=w.other_cls.id,
                subject_id=w.math.id,
                date=TODAY + dt.timedelta(days=5),
                kind=WorkKind.CONTROL,
                agreed_at=at(TODAY - dt.timedelta(days=20)),
            ),
            News(
                school_id=s,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.cls.id,
                author_id=w.class_teacher.id,
                title="Экскурсия, музей",
                body="Сбор у школы; взять <b>обед</b>",
                event_at=at(TODAY + dt.timedelta(days=2), 9),
                created_at=at(TODAY - dt.timedelta(days=1)),
            ),
            News(
                school_id=s,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.other_cls.id,
                author_id=w.director.id,
                body="Собрание 8Б",
                event_at=at(TODAY + dt.timedelta(days=2), 18),
                created_at=at(TODAY - dt.timedelta(days=1)),
            ),
            News(  # an all-day event: kept at the school's local midnight
                school_id=s,
                kind=NewsKind.SCHOOL_NEWS,
                author_id=w.director.id,
                body="День открытых дверей",
                event_at=at(TODAY + dt.timedelta(days=6), 0),
                created_at=at(TODAY - dt.timedelta(days=2)),
            ),
            News(
                school_id=s,
                kind=NewsKind.SCHOOL_NEWS,
                author_id=w.director.id,
                body="Концерт в актовом зале",
                event_at=at(TODAY + dt.timedelta(days=4), 17),
                created_at=at(TODAY - dt.timedelta(days=2)),
            ),
        ]
    )
    await session.commit()
    return w
