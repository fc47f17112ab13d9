"""Substitutions: a class's lessons of a day, candidates, setting and removing a substitute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import (
    SCHOOL_WIDE_READERS,
    Role,
)
from services.errors import NotFound, ValidationFailed
from services.models import (
    Lesson,
    Person,
    RoleGrant,
    SchoolClass,
    Subject,
    Substitution,
)
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import (
    account_id_of,
    clean_note,
    ensure_admin,
    has_role,
)
from services.people.roster import list_name
from services.school.office_reads import Choice
from services.school.school_year import is_archived_on
from services.unit_of_work import UnitOfWork

TEACHING_ROLES = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY)


@dataclass(frozen=True)
class LessonRow:
    id: int
    number: int
    subject: str
    teacher: str
    substitute: str | None
    cancelled: bool
    teacher_id: int


async def class_lessons_on(
    session: AsyncSession, actor: Actor, class_id: int, day: dt.date
) -> list[LessonRow]:
    """A class's lessons of one day with their teacher and substitute (office roles)."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "class_lessons", class_id=class_id)
    cls = await policy.load(session, actor, SchoolClass, class_id)
    rows = (
        await session.execute(
            select(Lesson, Subject.name, Person, Substitution.teacher_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(Person, Person.id == Lesson.teacher_id)
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .where(Lesson.class_id == cls.id, Lesson.date == day)
            .order_by(Lesson.lesson_number, Lesson.id)
        )
    ).all()
    sub_ids = {r[3] for r in rows if r[3] is not None}
    subs = {}
    if sub_ids:
        subs = {
            p.id: list_name(p)
            for p in (await session.scalars(select(Person).where(Person.id.in_(sub_ids)))).all()
        }
    return [
        LessonRow(
            id=lesson.id,
            number=lesson.lesson_number,
            subject=subject,
            teacher=list_name(teacher),
            substitute=subs.get(sub_id) if sub_id is not None else None,
            cancelled=lesson.is_cancelled,
            teacher_id=lesson.teacher_id,
        )
        for lesson, subject, teacher, sub_id in rows
    ]


async def substitute_candidates(
    session: AsyncSession, actor: Actor, lesson_id: int
) -> list[Choice]:
    """Who may substitute a lesson: the school's teaching staff except its own teacher."""
    if not actor.has(Role.ADMIN, Role.DEPUTY):
        raise policy.deny(actor, "substitution", lesson_id=lesson_id)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    people = (
        await session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                Person.school_id == actor.school_id,
                # The school's grants by their index, not every grant of the region.
                RoleGrant.school_id == actor.school_id,
                RoleGrant.role.in_(TEACHING_ROLES),
                Person.id != lesson.teacher_id,
            )
            .distinct()
            .order_by(Person.last_name, Person.first_name)
        )
    ).all()
    return [Choice(p.id, list_name(p)) for p in people]


async def set_substitution(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    teacher_id: int,
    *,
    reason: str | None = None,
) -> Substitution:
    """The deputy records a substitute for a dated lesson (seed 002 §5.2.4); the substitute
    then fills the lesson's record (the policy follows the substitution)."""
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "substitution", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        teacher = await policy.load(session, actor, Person, teacher_id)
        if not await has_role(session, teacher.id, Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY):
            raise ValidationFailed("admin.not_a_teacher")
        if lesson.is_cancelled:
            raise ValidationFailed("journal.lesson_cancelled")
        if await is_archived_on(session, actor.school_id, lesson.date):
            raise ValidationFailed("admin.year_archived", year=str(lesson.date.year))
        sub = await policy.substitution_of(session, lesson.id)
        before = audit.snapshot(sub, "teacher_id", "reason") if sub else None
        if teacher.id == lesson.teacher_id:
            raise ValidationFailed("admin.substitute_is_teacher")
        if sub is None:
            sub = Substitution(
                school_id=actor.school_id,
                lesson_id=lesson.id,
                teacher_id=teacher.id,
                reason=clean_note(reason),
                created_by_id=account_id_of(actor),
            )
            session.add(sub)
        else:
            sub.teacher_id, sub.reason = teacher.id, clean_note(reason)
        uow.record(
            action="substitution.set",
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after={"teacher_id": teacher.id, "reason": sub.reason},
        )
        return sub


async def remove_substitution(session: AsyncSession, actor: Actor, lesson_id: int) -> None:
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "substitution", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        sub = await policy.substitution_of(session, lesson.id)
        if sub is None:
            raise NotFound("admin.no_substitution")
        uow.record(
            action="substitution.remove",
            entity="lesson",
            entity_id=lesson.id,
            before=audit.snapshot(sub, "teacher_id", "reason"),
        )
        await session.delete(sub)
