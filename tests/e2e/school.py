"""The small school the journal's e2e flows build in the e2e database before the bot starts:
a school year around today (in the school's time zone, where the bot's clock starts too) with
one half-year period, the bells, maths and 7А; and the helpers that fill it in (a lesson, an
enrolment, a teaching assignment, people signed in to the messenger under test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import PeriodKind
from services.models import (
    Account,
    BellTime,
    Enrolment,
    Lesson,
    Person,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    utcnow,
)
from tests.e2e.conftest import Front

TZ = ZoneInfo("Europe/Moscow")


@dataclass
class E2ESchool:
    s: AsyncSession
    school: School
    year: SchoolYear
    math: Subject
    cls: SchoolClass  # 7А
    today: dt.date

    @property
    def id(self) -> int:
        return self.school.id

    def lesson(self, cls: SchoolClass, teacher: Person, day: dt.date, number: int) -> Lesson:
        """A maths lesson of ``cls`` on ``day`` (added; flush to get its id)."""
        x = Lesson(
            school_id=self.id,
            class_id=cls.id,
            subject_id=self.math.id,
            teacher_id=teacher.id,
            date=day,
            lesson_number=number,
        )
        self.s.add(x)
        return x

    def enrol(self, student: Person, cls: SchoolClass) -> None:
        """The student in ``cls`` since the year's first day (added)."""
        self.s.add(
            Enrolment(
                school_id=self.id,
                student_id=student.id,
                class_id=cls.id,
                arrived_on=self.year.starts_on,
            )
        )

    def assign(self, teacher: Person, cls: SchoolClass) -> None:
        """The teacher teaches maths in ``cls`` (added)."""
        self.s.add(
            TeachingAssignment(
                school_id=self.id, teacher_id=teacher.id, class_id=cls.id, subject_id=self.math.id
            )
        )

    async def sign_in(self, front: Front, people: Iterable[tuple[Person, int]]) -> None:
        """Each person's account bound to the user id in ``front``'s messenger (added)."""
        for who, user_id in people:
            account_id = await self.s.scalar(select(Account.id).where(Account.person_id == who.id))
            assert account_id is not None
            self.s.add(front.binding(self.id, account_id, user_id))


async def base_school(s: AsyncSession, *, bells: int) -> E2ESchool:
    """The school «Школа E2E» (code e2e): the year E2E (today ± 120 days), its half-year
    (today ± 60 days), ``bells`` lessons a day from 8:00, maths and 7А (no class teacher)."""
    today = utcnow().astimezone(TZ).date()  # E2E_NOW: the bot's clock starts there too
    school = School(code="e2e", name="Школа E2E", timezone="Europe/Moscow")
    s.add(school)
    await s.flush()
    year = SchoolYear(
        school_id=school.id,
        name="E2E",
        starts_on=today - dt.timedelta(days=120),
        ends_on=today + dt.timedelta(days=120),
    )
    s.add(year)
    await s.flush()
    s.add(
        StudyPeriod(
            school_id=school.id,
            year_id=year.id,
            kind=PeriodKind.HALF,
            number=1,
            name="Полугодие",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=60),
        )
    )
    for n in range(1, bells + 1):
        s.add(
            BellTime(
                school_id=school.id,
                number=n,
                starts_at=dt.time(7 + n, 0),
                ends_at=dt.time(7 + n, 45),
            )
        )
    math = Subject(school_id=school.id, name="Математика")
    cls = SchoolClass(school_id=school.id, year_id=year.id, grade=7, letter="А", name="7А")
    s.add_all([math, cls])
    await s.flush()
    return E2ESchool(s, school, year, math, cls, today)
