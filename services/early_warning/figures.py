"""The figures behind the early warning, set-based: two statements for any number of schools
and students (the job) or for one class (the class teacher's list)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import ABSENCE_CODES, AttendanceCode
from services.models import (
    Attendance,
    Enrolment,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    SubgroupMember,
)


@dataclass(frozen=True)
class Absences:
    student_id: int
    class_id: int
    period_id: int
    lessons: int
    absent: int
    unexcused: int


@dataclass(frozen=True)
class SubjectSums:
    student_id: int
    subject_id: int
    period_id: int
    weighted_sum: int
    weights: int
    count: int


async def current_periods(
    session: AsyncSession, school_ids: Sequence[int], day: dt.date
) -> list[StudyPeriod]:
    """The open study periods ``day`` falls in; of a year with periods of several kinds
    (quarters and halves), the shortest."""
    rows = (
        await session.scalars(
            select(StudyPeriod)
            .where(
                StudyPeriod.school_id.in_(list(school_ids)),
                StudyPeriod.is_closed.is_(False),
                StudyPeriod.starts_on <= day,
                StudyPeriod.ends_on >= day,
            )
            .order_by(StudyPeriod.id)
        )
    ).all()
    by_year: dict[int, StudyPeriod] = {}
    for p in rows:
        held = by_year.get(p.year_id)
        if held is None or (p.ends_on - p.starts_on) < (held.ends_on - held.starts_on):
            by_year[p.year_id] = p
    return sorted(by_year.values(), key=lambda p: p.id)


def _scope(periods: Sequence[StudyPeriod], class_id: int | None) -> Any:
    where: list[Any] = [StudyPeriod.id.in_([p.id for p in periods])]
    if class_id is not None:
        where.append(SchoolClass.id == class_id)
    return and_(*where)


async def absences(
    session: AsyncSession,
    periods: Sequence[StudyPeriod],
    day: dt.date,
    *,
    class_id: int | None = None,
) -> list[Absences]:
    """Each student enrolled on ``day`` in a class of the periods' years: the lessons of the
    period so far they had (from their arrival in the class; their subgroups' lessons; not
    cancelled) and how many of them they missed, and without a valid reason. One statement."""
    if not periods:
        return []
    connection = await session.connection()
    return [
        Absences(int(s), int(c), int(p), int(n), int(a or 0), int(u or 0))
        for s, c, p, n, a, u in (
            await connection.execute(absences_statement(periods, day, class_id))
        ).all()
    ]


def absences_statement(
    periods: Sequence[StudyPeriod], day: dt.date, class_id: int | None = None
) -> Any:
    in_group = or_(
        Lesson.subgroup_id.is_(None),
        exists().where(
            SubgroupMember.subgroup_id == Lesson.subgroup_id,
            SubgroupMember.student_id == Enrolment.student_id,
            SubgroupMember.during(Lesson.date),
        ),
    )
    missed = Attendance.code.in_([c.value for c in ABSENCE_CODES])
    statement = (
        select(
            Enrolment.student_id,
            Enrolment.class_id,
            StudyPeriod.id,
            func.count(Lesson.id),
            func.count(case((missed, Attendance.id))),
            func.count(case((Attendance.code == AttendanceCode.ABSENT.value, Attendance.id))),
        )
        .select_from(Enrolment)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(StudyPeriod, StudyPeriod.year_id == SchoolClass.year_id)
        .join(
            Lesson,
            and_(
                Lesson.class_id == Enrolment.class_id,
                Lesson.date >= StudyPeriod.starts_on,
                Lesson.date <= day,
                Lesson.date >= Enrolment.arrived_on,
                Lesson.is_cancelled.is_(False),
            ),
        )
        .outerjoin(
            Attendance,
            and_(
                Attendance.lesson_id == Lesson.id,
                Attendance.student_id == Enrolment.student_id,
                # the schools' rows alone (ix_attendance_school_id), not the region's
                Attendance.school_id.in_(sorted({p.school_id for p in periods})),
            ),
        )
        .where(
            _scope(periods, class_id),
            Enrolment.arrived_on <= day,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > day),
            in_group,
        )
        .group_by(Enrolment.student_id, Enrolment.class_id, StudyPeriod.id)
    )
    return statement


async def mark_sums(
    session: AsyncSession,
    periods: Sequence[StudyPeriod],
    day: dt.date,
    *,
    class_id: int | None = None,
) -> list[SubjectSums]:
    """Each student's marks of the period so far by subject, as sums (weighted, weights,
    count), in the classes of the periods' years. One statement."""
    if not periods:
        return []
    connection = await session.connection()
    return [
        SubjectSums(int(s), int(j), int(p), int(w or 0), int(n or 0), int(c))
        for s, j, p, w, n, c in (
            await connection.execute(mark_sums_statement(periods, day, class_id))
        ).all()
    ]


def mark_sums_statement(
    periods: Sequence[StudyPeriod], day: dt.date, class_id: int | None = None
) -> Any:
    statement = (
        select(
            Mark.student_id,
            Lesson.subject_id,
            StudyPeriod.id,
            func.sum(Mark.value * Mark.weight),
            func.sum(Mark.weight),
            func.count(Mark.id),
        )
        .select_from(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(SchoolClass, SchoolClass.id == Lesson.class_id)
        .join(StudyPeriod, StudyPeriod.year_id == SchoolClass.year_id)
        .where(
            _scope(periods, class_id),
            Lesson.date >= StudyPeriod.starts_on,
            Lesson.date <= day,
        )
        .group_by(Mark.student_id, Lesson.subject_id, StudyPeriod.id)
    )
    return statement
