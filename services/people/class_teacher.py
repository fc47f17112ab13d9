"""A class teacher's classes and students, and finding teachers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import Role
from services.models import (
    Enrolment,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
)
from services.people import policy
from services.people.identity import Actor


@dataclass(frozen=True)
class ClassRef:
    id: int
    name: str


async def ensure_can_oversee_class(
    session: AsyncSession, actor: Actor, class_id: int
) -> SchoolClass:
    """Absences of a whole class: its class teacher, or a school-wide reader."""
    cls = await policy.load(session, actor, SchoolClass, class_id)
    if policy.is_school_reader(actor):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    raise policy.deny(actor, "oversee_class", class_id=class_id)


async def _current_year_ids(session: AsyncSession, school: School) -> list[int]:
    today = school_today(school)
    years = list(
        (
            await session.scalars(
                select(SchoolYear)
                .where(SchoolYear.school_id == school.id)
                .order_by(SchoolYear.starts_on.desc())
            )
        ).all()
    )
    current = [y.id for y in years if y.starts_on <= today <= y.ends_on]
    return current or [y.id for y in years[:1]]


def class_sort_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


async def overseen_classes(session: AsyncSession, actor: Actor) -> list[ClassRef]:
    """The classes whose absences the actor follows: their own class(es) as class teacher;
    every class of the current year for a school-wide reader."""
    school = await session.get(School, actor.school_id)
    assert school is not None
    q = select(SchoolClass).where(
        SchoolClass.school_id == actor.school_id,
        SchoolClass.year_id.in_(await _current_year_ids(session, school)),
    )
    if not policy.is_journal_reader(actor):
        if not actor.has(Role.CLASS_TEACHER):
            return []
        q = q.where(SchoolClass.class_teacher_id == actor.person_id)
    classes = (await session.scalars(q)).all()
    return sorted((ClassRef(c.id, c.name) for c in classes), key=lambda c: class_sort_key(c.name))


async def students_between(
    session: AsyncSession, class_id: int, date_from: dt.date, date_to: dt.date
) -> dict[int, Person]:
    people = (
        (
            await session.execute(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(
                    Enrolment.class_id == class_id,
                    Enrolment.arrived_on <= date_to,
                    or_(Enrolment.left_on.is_(None), Enrolment.left_on > date_from),
                )
            )
        )
        .scalars()
        .unique()
        .all()
    )
    return {p.id: p for p in people}


@dataclass(frozen=True)
class TeacherRef:
    id: int
    name: str


async def find_teachers(
    session: AsyncSession, actor: Actor, query: str, limit: int = 8
) -> list[TeacherRef]:
    """Teachers of the actor's school whose surname starts with ``query`` (a deputy opening a
    colleague's day). Only school-wide readers may look others up."""
    if not policy.is_school_reader(actor):
        raise policy.deny(actor, "find_teachers")
    needle = query.strip().lower().replace("ё", "е")
    if not needle:
        return []
    people = (
        (
            await session.execute(
                select(Person)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(
                    Person.school_id == actor.school_id,
                    RoleGrant.role.in_([Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY]),
                )
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .scalars()
        .unique()
        .all()
    )
    found = [
        TeacherRef(p.id, p.short_name)
        for p in people
        if p.last_name.lower().replace("ё", "е").startswith(needle)
    ]
    return found[:limit]
