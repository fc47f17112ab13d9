"""Queries the reports share: a class's students over a range, its lessons, absences, marks,
final marks, and small rules (quality and success percentages, student categories)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import AttendanceCode, SpecialMark
from services.marks.mark_reads import suggest_mark, weighted_average
from services.models import (
    Attendance,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    Person,
    School,
    SchoolClass,
    StudyPeriod,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
)

CODE_SHORT = {
    AttendanceCode.ABSENT: "н",
    AttendanceCode.ILL: "б",
    AttendanceCode.EXCUSED: "уп",
    AttendanceCode.LATE: "оп",
}
SPECIAL_SHORT = {
    SpecialMark.NOT_CERTIFIED: "н/а",
    SpecialMark.PASSED: "зач",
    SpecialMark.FAILED: "незач",
    SpecialMark.EXEMPT: "осв",
}
MONTHS_RU = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class StudentRow:
    id: int
    last_name: str
    first_name: str
    middle_name: str | None
    external_id: str | None
    arrived_on: dt.date
    left_on: dt.date | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def name(self) -> str:
        """Surname and first name: what class lists show."""
        return f"{self.last_name} {self.first_name}"


def month_name(month: int, lang: str) -> str:
    return (MONTHS_EN if lang == "en" else MONTHS_RU)[month - 1]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def dm(day: dt.date) -> str:
    return day.strftime("%d.%m")


def num(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def weighted_average_or_none(marks: list[tuple[int, int]]) -> float | None:
    return num(weighted_average(marks))


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


async def class_students(
    session: AsyncSession, class_id: int, start: dt.date, end: dt.date
) -> list[StudentRow]:
    """Students enrolled in the class at any time in [start, end], by surname."""
    rows = (
        await session.execute(
            select(Person, Enrolment)
            .join(Enrolment, Enrolment.student_id == Person.id)
            .where(
                Enrolment.class_id == class_id,
                Enrolment.arrived_on <= end,
                or_(Enrolment.left_on.is_(None), Enrolment.left_on > start),
            )
            .order_by(Person.last_name, Person.first_name, Enrolment.arrived_on)
        )
    ).all()
    out: dict[int, StudentRow] = {}
    for p, e in rows:
        prev = out.get(p.id)
        arrived = min(prev.arrived_on, e.arrived_on) if prev else e.arrived_on
        left = e.left_on if (prev is None or e.arrived_on >= prev.arrived_on) else prev.left_on
        out[p.id] = StudentRow(
            p.id, p.last_name, p.first_name, p.middle_name, p.external_id, arrived, left
        )
    return list(out.values())


def enrolled_on(s: StudentRow, day: dt.date) -> bool:
    return s.arrived_on <= day and (s.left_on is None or s.left_on > day)


async def class_lessons(
    session: AsyncSession,
    class_id: int,
    start: dt.date,
    end: dt.date,
    subject_id: int | None = None,
    subgroup_id: int | None = None,
) -> list[Lesson]:
    q = select(Lesson).where(
        Lesson.class_id == class_id,
        Lesson.date >= start,
        Lesson.date <= end,
        Lesson.is_cancelled.is_(False),
    )
    if subject_id is not None:
        q = q.where(Lesson.subject_id == subject_id)
    if subgroup_id is not None:
        q = q.where(Lesson.subgroup_id == subgroup_id)
    return list((await session.scalars(q.order_by(Lesson.date, Lesson.lesson_number))).all())


async def class_absences(
    session: AsyncSession, class_id: int, start: dt.date, end: dt.date
) -> list[tuple[dt.date, int, AttendanceCode]]:
    """(date, student, code) of every attendance row of the class's lessons in the range."""
    rows = await session.execute(
        select(Lesson.date, Attendance.student_id, Attendance.code)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(
            Lesson.class_id == class_id,
            Lesson.date >= start,
            Lesson.date <= end,
            Lesson.is_cancelled.is_(False),
        )
    )
    return [(r[0], r[1], AttendanceCode(r[2])) for r in rows]


async def class_marks(
    session: AsyncSession,
    class_id: int,
    start: dt.date,
    end: dt.date,
    subject_id: int | None = None,
) -> list[tuple[int, int, int, int, int]]:
    """(lesson id, subject id, student id, value, weight) of the class's marks in the range."""
    q = (
        select(Mark.lesson_id, Lesson.subject_id, Mark.student_id, Mark.value, Mark.weight)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .where(Lesson.class_id == class_id, Lesson.date >= start, Lesson.date <= end)
        .order_by(Lesson.date, Lesson.lesson_number, Mark.id)
    )
    if subject_id is not None:
        q = q.where(Lesson.subject_id == subject_id)
    return [tuple(r) for r in await session.execute(q)]  # type: ignore[misc]


async def class_subjects(
    session: AsyncSession, cls: SchoolClass, start: dt.date, end: dt.date
) -> list[Subject]:
    """Subjects taught in the class: by assignment or by a lesson in the range."""
    assigned = select(TeachingAssignment.subject_id).where(TeachingAssignment.class_id == cls.id)
    taught = select(Lesson.subject_id).where(
        Lesson.class_id == cls.id, Lesson.date >= start, Lesson.date <= end
    )
    rows = await session.scalars(
        select(Subject)
        .where(or_(Subject.id.in_(assigned), Subject.id.in_(taught)))
        .order_by(Subject.name)
    )
    return list(rows.all())


async def subject_teachers(session: AsyncSession, class_id: int) -> dict[int, str]:
    rows = await session.execute(
        select(TeachingAssignment.subject_id, Person)
        .join(Person, Person.id == TeachingAssignment.teacher_id)
        .where(TeachingAssignment.class_id == class_id)
        .order_by(Person.last_name)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for subject_id, p in rows:
        if p.short_name not in out[subject_id]:
            out[subject_id].append(p.short_name)
    return {k: ", ".join(v) for k, v in out.items()}


async def final_marks(
    session: AsyncSession, student_ids: list[int], year_id: int
) -> list[FinalMark]:
    if not student_ids:
        return []
    rows = await session.scalars(
        select(FinalMark).where(FinalMark.year_id == year_id, FinalMark.student_id.in_(student_ids))
    )
    return list(rows.all())


def final_text(fm: FinalMark | None) -> str:
    if fm is None:
        return ""
    if fm.value is not None:
        return str(fm.value)
    return SPECIAL_SHORT.get(SpecialMark(fm.special), "") if fm.special else ""


async def periods_of_year(session: AsyncSession, year_id: int) -> list[StudyPeriod]:
    rows = await session.scalars(
        select(StudyPeriod).where(StudyPeriod.year_id == year_id).order_by(StudyPeriod.starts_on)
    )
    return list(rows.all())


async def subgroup_students(
    session: AsyncSession,
    subgroup_id: int,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> set[int]:
    """The group's students; with dates, those in the group on a day of ``first``..``last``."""
    q = select(SubgroupMember.student_id).where(SubgroupMember.subgroup_id == subgroup_id)
    if first is not None:
        q = q.where(SubgroupMember.during(first, last))
    rows = await session.scalars(q)
    return set(rows)


async def substitutes(session: AsyncSession, lesson_ids: list[int]) -> dict[int, int]:
    if not lesson_ids:
        return {}
    rows = await session.execute(
        select(Substitution.lesson_id, Substitution.teacher_id).where(
            Substitution.lesson_id.in_(lesson_ids)
        )
    )
    return {a: b for a, b in rows}


async def names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: p.short_name for p in rows}


# --------------------------------------------------------------------------- results rules


@dataclass
class SubjectResult:
    average: Decimal | None
    mark: int | None  # the period mark, or the suggested one when none is set
    special: str | None  # н/а, зач, осв
    set_by_teacher: bool
    marks_count: int


def subject_result(
    marks: list[tuple[int, int]], fm: FinalMark | None, school: School
) -> SubjectResult:
    avg = weighted_average(marks)
    if fm is not None:
        special = final_text(fm) if fm.value is None else None
        return SubjectResult(avg, fm.value, special, True, len(marks))
    return SubjectResult(avg, suggest_mark(avg, school), None, False, len(marks))


def category(marks: list[int | None], specials: list[str | None]) -> str | None:
    """excellent / good / one_three / failing / not_certified, or None (no marks)."""
    if any(s == SPECIAL_SHORT[SpecialMark.NOT_CERTIFIED] for s in specials):
        return "not_certified"
    values = [m for m in marks if m is not None]
    if not values:
        return None
    if any(v <= 2 for v in values):
        return "failing"
    if all(v == 5 for v in values):
        return "excellent"
    if all(v >= 4 for v in values):
        return "good"
    if sum(1 for v in values if v == 3) == 1:
        return "one_three"
    return "satisfactory"
