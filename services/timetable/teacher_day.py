"""A teacher's lessons of a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.models import (
    BellTime,
    Homework,
    Lesson,
    Mark,
    Person,
    SchoolClass,
    Subject,
    Substitution,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import bell_of


@dataclass(frozen=True)
class TeacherLesson:
    lesson_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    class_name: str
    class_id: int
    subgroup_id: int | None
    subject: str
    room: str | None
    substitute: bool  # this teacher substitutes for a colleague
    attendance_taken: bool
    topic: str | None
    homework_count: int
    marks_count: int
    cancelled: bool
    distance: bool = False  # held at a distance
    cancel_reason: str | None = None  # why the office cancelled it


async def teacher_name(session: AsyncSession, actor: Actor, teacher_id: int) -> str | None:
    """The short name over another teacher's day (None over one's own); call after
    :func:`teacher_lessons`, which checks that the actor may see that day."""
    if teacher_id == actor.person_id:
        return None
    person = await session.get(Person, teacher_id)
    return person.short_name if person is not None else None


async def teacher_lessons(
    session: AsyncSession, actor: Actor, day: dt.date, teacher_id: int | None = None
) -> list[TeacherLesson]:
    """A teacher's lessons for a day, substitutions included, with what is filled in."""
    teacher_id = teacher_id if teacher_id is not None else actor.person_id
    teacher_school = await session.scalar(select(Person.school_id).where(Person.id == teacher_id))
    policy.ensure_can_view_teacher_day(actor, teacher_id, teacher_school or -1)
    # One read shaped for the screen: the day's lessons with their class, subject, bell,
    # substitution and the counts of homework and marks.
    homework_count = select(func.count()).where(Homework.lesson_id == Lesson.id).scalar_subquery()
    marks_count = select(func.count()).where(Mark.lesson_id == Lesson.id).scalar_subquery()
    rows = (
        await session.execute(
            select(
                Lesson,
                SchoolClass.name,
                Subject.name,
                Substitution.id,
                BellTime.starts_at,
                BellTime.ends_at,
                homework_count,
                marks_count,
            )
            .outerjoin(SchoolClass, SchoolClass.id == Lesson.class_id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .outerjoin(BellTime, bell_of(actor.school_id))
            .where(Lesson.date == day, policy.lessons_taught_by(teacher_id, day))
            .order_by(Lesson.lesson_number)
        )
    ).all()
    return [
        TeacherLesson(
            lesson_id=x.id,
            date=x.date,
            number=x.lesson_number,
            starts_at=starts_at,
            ends_at=ends_at,
            class_name=class_name or "",
            class_id=x.class_id,
            subgroup_id=x.subgroup_id,
            subject=subject or "",
            room=x.room,
            substitute=substitution_id is not None and x.teacher_id != teacher_id,
            attendance_taken=x.attendance_taken_at is not None,
            topic=x.topic,
            homework_count=int(hw or 0),
            marks_count=int(mk or 0),
            cancelled=x.is_cancelled,
            distance=bool(x.is_distance),
            cancel_reason=x.cancel_reason if x.is_cancelled else None,
        )
        for x, class_name, subject, substitution_id, starts_at, ends_at, hw, mk in rows
    ]
