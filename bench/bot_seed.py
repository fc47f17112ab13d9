"""Seeding of ``bench/bot_bench.py``, run in a process of its own from the checkout under test
(its migrations, models and factories), so that an older checkout gets the schema it knows:

    cd CHECKOUT && PYTHONPATH=CHECKOUT python /path/to/bench/bot_seed.py URL USERS TEACHERS

Migrates the database, adds the factory school with USERS signed-in parents of its 7А students
(``bench.concurrency_bench.seed``), six lessons of 7А today and TEACHERS signed-in teachers with
four lessons today each; prints the chat ids as JSON: ``{"parents": [...], "teachers": [...]}``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bench.concurrency_bench import seed
from services.db import make_engine
from services.enums import Messenger, Role
from services.models import (
    Account,
    Lesson,
    MessengerBinding,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
)

FIRST_TEACHER_CHAT = 6_000_000


async def seed_teachers(url: str, teachers: int) -> list[int]:
    """Six lessons of 7А today and ``teachers`` signed-in teachers with four lessons today each,
    in classes of their own (5Т0, 5Т1, ...); returns the teachers' chat ids."""
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            school_id, tz = (await conn.execute(select(School.id, School.timezone))).one()
            today = dt.datetime.now(ZoneInfo(tz)).date()
            year_id = await conn.scalar(
                select(SchoolYear.id).where(SchoolYear.school_id == school_id)
            )
            cls_id = await conn.scalar(select(SchoolClass.id).where(SchoolClass.name == "7А"))
            subject_ids = list((await conn.scalars(select(Subject.id).order_by(Subject.id))).all())
            people = list(
                (
                    await conn.execute(
                        insert(Person).returning(Person.id),
                        [
                            {"school_id": school_id, "last_name": f"Учитель{i}", "first_name": "Ия"}
                            for i in range(teachers)
                        ],
                    )
                )
                .scalars()
                .all()
            )
            if not people:
                return []
            await conn.execute(
                insert(RoleGrant),
                [{"school_id": school_id, "person_id": p, "role": Role.TEACHER} for p in people],
            )
            classes = list(
                (
                    await conn.execute(
                        insert(SchoolClass).returning(SchoolClass.id),
                        [
                            {
                                "school_id": school_id,
                                "year_id": year_id,
                                "grade": 5,
                                "letter": f"Т{i}",
                                "name": f"5Т{i}",
                            }
                            for i in range(teachers)
                        ],
                    )
                )
                .scalars()
                .all()
            )
            math = subject_ids[0]
            await conn.execute(
                insert(TeachingAssignment),
                [
                    {"school_id": school_id, "teacher_id": p, "class_id": c, "subject_id": math}
                    for p, c in zip(people, classes, strict=True)
                ],
            )
            lessons = [
                {
                    "school_id": school_id,
                    "class_id": c,
                    "subject_id": math,
                    "teacher_id": p,
                    "date": today,
                    "lesson_number": n,
                    "topic": f"Тема {n}",
                }
                for p, c in zip(people, classes, strict=True)
                for n in range(1, 5)
            ]
            lessons += [
                {
                    "school_id": school_id,
                    "class_id": cls_id,
                    "subject_id": subject_ids[n % len(subject_ids)],
                    "teacher_id": people[n % len(people)],
                    "date": today,
                    "lesson_number": n,
                    "topic": f"Тема урока {n}",
                }
                for n in range(1, 7)
            ]
            await conn.execute(insert(Lesson), lessons)
            accounts = (
                await conn.execute(
                    insert(Account).returning(Account.id),
                    [
                        {"school_id": school_id, "person_id": p, "login": f"bench.teacher{i}"}
                        for i, p in enumerate(people)
                    ],
                )
            ).scalars()
            await conn.execute(
                insert(MessengerBinding),
                [
                    {
                        "school_id": school_id,
                        "account_id": a,
                        "messenger": Messenger.TELEGRAM,
                        "external_user_id": str(FIRST_TEACHER_CHAT + i),
                        "chat_id": str(FIRST_TEACHER_CHAT + i),
                    }
                    for i, a in enumerate(accounts)
                ],
            )
    finally:
        await engine.dispose()
    return [FIRST_TEACHER_CHAT + i for i in range(teachers)]


async def main(url: str, users: int, teachers: int) -> None:
    parents = await seed(url, users)
    print(json.dumps({"parents": parents, "teachers": await seed_teachers(url, teachers)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
