"""What the scheduled reminders of final marks and control works read (set-based, for many
schools at once; notifications/jobs.py queues the alerts).

Rules (docs/final-marks.md):
- marks of a study period are set in its last week, before the holidays (seed 003 §2.3): in
  that week each teacher is reminded of the period marks still missing in their classes;
- the results of a control work are entered within a day of the work (seed 003 §4.4): a
  control work whose lessons carry no control-work mark a day later is reminded to its teacher.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.enums import WorkKind
from services.models import (
    ControlWork,
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
)
from services.timetable.diary import enrolled_during

# The last week of a period: its last day and the six before it.
LAST_WEEK = dt.timedelta(days=6)
# How long after its day a control work without results is still reminded.
CONTROL_WORK_REMINDED = dt.timedelta(days=7)


@dataclass(frozen=True, order=True)
class MissingKey:
    period_id: int
    teacher_id: int
    class_id: int
    subject_id: int


async def periods_in_last_week(
    session: AsyncSession, school_ids: Sequence[int], day: dt.date
) -> list[StudyPeriod]:
    """The open study periods of the schools whose last week ``day`` falls in."""
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(
                    StudyPeriod.school_id.in_(list(school_ids)),
                    StudyPeriod.is_closed.is_(False),
                    StudyPeriod.ends_on >= day,
                    StudyPeriod.ends_on <= day + LAST_WEEK,
                )
                .order_by(StudyPeriod.id)
            )
        ).all()
    )


async def missing_by_assignment(
    session: AsyncSession, periods: Sequence[StudyPeriod], on: dt.date | None = None
) -> dict[MissingKey, list[int]]:
    """For each period, teacher, class and subject they teach (not first grade: no marks, seed
    002 §4.5): the students without a period mark, among those enrolled ``on`` that day (by
    default each period's last day) and, for a subgroup's teacher, in their group. Four
    queries whatever the number of periods and schools."""
    if not periods:
        return {}
    year_ids = {p.year_id for p in periods}
    assignments = (
        await session.execute(
            select(
                SchoolClass.year_id,
                TeachingAssignment.teacher_id,
                TeachingAssignment.class_id,
                TeachingAssignment.subject_id,
                TeachingAssignment.subgroup_id,
            )
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .where(SchoolClass.year_id.in_(year_ids), SchoolClass.grade > 1)
        )
    ).all()
    if not assignments:
        return {}
    class_ids = {a.class_id for a in assignments}
    days = {p.id: on or p.ends_on for p in periods}
    first, last = min(days.values()), max(days.values())
    stays = (
        await session.execute(
            select(
                Enrolment.class_id, Enrolment.student_id, Enrolment.arrived_on, Enrolment.left_on
            ).where(Enrolment.class_id.in_(class_ids), enrolled_during(first, last))
        )
    ).all()
    groups = {a.subgroup_id for a in assignments if a.subgroup_id is not None}
    members: dict[int, set[int]] = defaultdict(set)
    if groups:
        for group_id, student_id in (
            await session.execute(
                select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id.in_(groups), SubgroupMember.during(first, last)
                )
            )
        ).all():
            members[group_id].add(student_id)
    marked = {
        (period_id, student_id, subject_id)
        for period_id, student_id, subject_id in (
            await session.execute(
                select(FinalMark.period_id, FinalMark.student_id, FinalMark.subject_id).where(
                    FinalMark.period_id.in_([p.id for p in periods])
                )
            )
        ).all()
    }
    out: dict[MissingKey, list[int]] = {}
    for p in periods:
        day = days[p.id]
        enrolled: dict[int, set[int]] = defaultdict(set)
        for class_id, student_id, arrived, left in stays:
            if arrived <= day and (left is None or left > day):
                enrolled[class_id].add(student_id)
        for a in assignments:
            if a.year_id != p.year_id:
                continue
            students = enrolled.get(a.class_id, set())
            if a.subgroup_id is not None:
                students = students & members.get(a.subgroup_id, set())
            missing = sorted(s for s in students if (p.id, s, a.subject_id) not in marked)
            if missing:
                key = MissingKey(p.id, a.teacher_id, a.class_id, a.subject_id)
                out[key] = sorted(set(out.get(key, [])) | set(missing))
    return out


@dataclass(frozen=True)
class DueWork:
    control_work_id: int
    school_id: int
    teacher_id: int
    date: dt.date
    class_name: str
    subject: str
    title: str | None


async def control_works_without_results(
    session: AsyncSession, school_ids: Sequence[int], day: dt.date
) -> list[DueWork]:
    """Control works held before ``day`` (within a week) whose class has no control-work mark
    in the subject on the work's day: the results, due within a day, are late. The teacher is
    the one who gave the lesson (the substitute, if any). One query."""
    other = aliased(Lesson)
    has_results = exists().where(
        Mark.lesson_id == other.id,
        Mark.work_kind == WorkKind.CONTROL,
        other.class_id == ControlWork.class_id,
        other.subject_id == ControlWork.subject_id,
        other.date == ControlWork.date,
    )
    rows = (
        await session.execute(
            select(
                ControlWork.id,
                ControlWork.school_id,
                ControlWork.date,
                ControlWork.title,
                SchoolClass.name,
                Subject.name,
                Lesson.teacher_id,
                Substitution.teacher_id,
            )
            .join(SchoolClass, SchoolClass.id == ControlWork.class_id)
            .join(Subject, Subject.id == ControlWork.subject_id)
            .join(
                Lesson,
                and_(
                    Lesson.class_id == ControlWork.class_id,
                    Lesson.subject_id == ControlWork.subject_id,
                    Lesson.date == ControlWork.date,
                    Lesson.is_cancelled.is_(False),
                ),
            )
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .where(
                ControlWork.school_id.in_(list(school_ids)),
                ControlWork.date < day,
                ControlWork.date >= day - CONTROL_WORK_REMINDED,
                ~has_results,
            )
            .order_by(ControlWork.school_id, ControlWork.date, ControlWork.id, Lesson.id)
        )
    ).all()
    out: dict[int, DueWork] = {}
    for cw_id, school_id, date, title, class_name, subject, teacher_id, sub_teacher in rows:
        if cw_id not in out:
            out[cw_id] = DueWork(
                cw_id, school_id, sub_teacher or teacher_id, date, class_name, subject, title
            )
    return list(out.values())
