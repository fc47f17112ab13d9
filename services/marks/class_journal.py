"""The class journal grid: a subject's lessons by students."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import AttendanceCode
from services.marks import mark_reads
from services.models import (
    Attendance,
    Lesson,
    Mark,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)
from services.people import policy
from services.people.class_teacher import students_between
from services.people.identity import Actor


@dataclass(frozen=True)
class SubjectRef:
    id: int
    name: str


@dataclass(frozen=True)
class JournalColumn:
    lesson_id: int
    date: dt.date
    number: int


@dataclass(frozen=True)
class JournalRow:
    student_id: int
    last_name: str
    first_name: str
    cells: tuple[str, ...]  # per column: marks ("54"), or an attendance letter, or ""
    average: Decimal | None


@dataclass(frozen=True)
class JournalGrid:
    class_name: str
    subject: str
    period: str
    columns: tuple[JournalColumn, ...]
    rows: tuple[JournalRow, ...]


# The journal's own codes (Н, Б, УП, ОП), as every other view shows them.
CODE_LETTERS = {
    AttendanceCode.ABSENT: "Н",
    AttendanceCode.ILL: "Б",
    AttendanceCode.EXCUSED: "УП",
    AttendanceCode.LATE: "ОП",
}


async def ensure_can_read_class_journal(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int
) -> SchoolClass:
    if policy.is_journal_reader(actor):
        return await policy.load(session, actor, SchoolClass, class_id)
    return await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)


async def class_subjects(session: AsyncSession, actor: Actor, class_id: int) -> list[SubjectRef]:
    """Subjects taught in a class (by its teaching assignments), for the class journal."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    q = select(Subject).join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
    q = q.where(TeachingAssignment.class_id == cls.id)
    if not policy.is_journal_reader(actor) and cls.class_teacher_id != actor.person_id:
        q = q.where(TeachingAssignment.teacher_id == actor.person_id)
    subjects = (await session.execute(q)).scalars().unique().all()
    return sorted((SubjectRef(s.id, s.name) for s in subjects), key=lambda s: s.name)


async def class_journal(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int, period_id: int
) -> JournalGrid:
    """Marks and absences of a class in one subject over a period: lessons as columns.

    Six or seven statements whatever the class's size: the class (and a teacher's right to
    it), the subject and period at once, the lessons, the students, the marks, the absences."""
    cls = await ensure_can_read_class_journal(session, actor, class_id, subject_id)
    found = (
        await session.execute(
            select(Subject, StudyPeriod)
            .select_from(Subject)
            .join(StudyPeriod, true())  # two rows looked up by id at once, no product
            .where(Subject.id == subject_id, StudyPeriod.id == period_id)
        )
    ).first()
    if found is None:
        raise policy.deny(actor, "load", model="Subject/StudyPeriod", object_id=subject_id)
    subject, period = found
    for obj in (subject, period):
        if obj.school_id != actor.school_id:
            raise policy.deny(actor, "load", model=type(obj).__name__, object_id=obj.id)
    lessons = (
        await session.scalars(
            select(Lesson)
            .where(
                Lesson.class_id == cls.id,
                Lesson.subject_id == subject.id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
                Lesson.is_cancelled.is_(False),
            )
            .order_by(Lesson.date, Lesson.lesson_number, Lesson.id)
        )
    ).all()
    ids = [x.id for x in lessons]
    students = await students_between(session, cls.id, period.starts_on, period.ends_on)
    marks: dict[tuple[int, int], list[int]] = defaultdict(list)
    weights: dict[int, list[tuple[int, int]]] = defaultdict(list)
    codes: dict[tuple[int, int], AttendanceCode] = {}
    if ids:
        for m in await session.scalars(
            select(Mark).where(Mark.lesson_id.in_(ids)).order_by(Mark.id)
        ):
            marks[(m.student_id, m.lesson_id)].append(m.value)
            weights[m.student_id].append((m.value, m.weight))
        for a in await session.scalars(select(Attendance).where(Attendance.lesson_id.in_(ids))):
            codes[(a.student_id, a.lesson_id)] = a.code
    rows = []
    for p in sorted(students.values(), key=lambda p: (p.last_name, p.first_name, p.id)):
        cells = []
        for x in lessons:
            values = marks.get((p.id, x.id))
            code = codes.get((p.id, x.id))
            if values:
                cells.append("".join(str(v) for v in values))
            elif code is not None:
                cells.append(CODE_LETTERS[code])
            else:
                cells.append("")
        rows.append(
            JournalRow(
                student_id=p.id,
                last_name=p.last_name,
                first_name=p.first_name,
                cells=tuple(cells),
                average=mark_reads.weighted_average(weights.get(p.id, [])),
            )
        )
    return JournalGrid(
        class_name=cls.name,
        subject=subject.name,
        period=period.name,
        columns=tuple(JournalColumn(x.id, x.date, x.lesson_number) for x in lessons),
        rows=tuple(rows),
    )
