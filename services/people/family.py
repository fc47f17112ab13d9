"""Who a family member is acting for: the family's children, their school and the sections a
trusted person may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import (
    STAFF_ROLES,
    GuardianKind,
    Role,
)
from services.errors import NotFound
from services.models import (
    Enrolment,
    Guardianship,
    Person,
    School,
    SchoolClass,
)
from services.people import policy
from services.people.context import StudentRef, chat_context, family_students
from services.people.identity import Actor

FAMILY_ROLES = frozenset({Role.PARENT, Role.TRUSTED, Role.STUDENT})


@dataclass(frozen=True)
class Sections:
    """What the reader may see of this child (a trusted person: what the parent allowed)."""

    diary: bool = True
    marks: bool = True
    attendance: bool = True
    homework: bool = True
    timetable: bool = True


async def school_of(session: AsyncSession, actor: Actor) -> School:
    school = await session.get(School, actor.school_id)
    if school is None:  # pragma: no cover - an actor always has a school
        raise NotFound()
    return school


async def today_for(session: AsyncSession, actor: Actor, now: dt.datetime | None = None) -> dt.date:
    """Today in the school's time zone (``now`` is injectable for tests)."""
    return school_today(await school_of(session, actor), now)


async def family_student(
    session: AsyncSession, actor: Actor, student_id: int | None = None
) -> StudentRef:
    """The child a view is about: the chosen one (None), or ``student_id`` if it is one's own.

    An id that is not among this person's children (a forged button, another family's child)
    is refused like any forgery, before anything is read.
    """
    if student_id is None:
        ctx = await chat_context(session, actor)
        if ctx.student is None:
            raise NotFound("family.no_child")
        return ctx.student
    for ref in await family_students(session, actor):
        if ref.id == student_id:
            return ref
    raise policy.deny(actor, "family_student", student_id=student_id)


@dataclass(frozen=True)
class FamilyRead:
    """What every family screen reads first, in one statement: the child (checked to be the
    reader's own, like :func:`family_student`), the reader's guardianship of the child and
    the school."""

    student: StudentRef
    access: policy.StudentAccess
    school: School


# Built once with bound parameters (a statement object keeps its cache key: neither the
# statement nor its key is rebuilt per update).
_CLASS_NAME = (
    select(SchoolClass.name)
    .join(Enrolment, Enrolment.class_id == SchoolClass.id)
    .where(Enrolment.student_id == Person.id, Enrolment.left_on.is_(None))
    .order_by(Enrolment.arrived_on.desc(), Enrolment.id.desc())
    .limit(1)
    .scalar_subquery()
)


_FAMILY_READ = (
    select(Person.last_name, Person.first_name, Person.school_id, _CLASS_NAME)
    .add_columns(Guardianship, School)
    .select_from(Person)
    .outerjoin(
        Guardianship,
        and_(
            Guardianship.student_id == Person.id,
            Guardianship.guardian_id == bindparam("guardian_id"),
        ),
    )
    .join(School, School.id == bindparam("school_id"))
    .where(Person.id == bindparam("student_id"))
)


async def family_read(session: AsyncSession, actor: Actor, student_id: int) -> FamilyRead:
    """:func:`family_student`, :func:`school_of` and the policy's reads about the child at once.

    An id that is not among this person's children is refused like any forgery."""
    row = (
        await session.execute(
            _FAMILY_READ,
            {
                "guardian_id": actor.person_id,
                "school_id": actor.school_id,
                "student_id": student_id,
            },
        )
    ).first()
    if row is not None:
        last_name, first_name, school_id, cls, link, school = row
        own = (actor.has(Role.STUDENT) and student_id == actor.person_id) or (
            actor.has(Role.PARENT, Role.TRUSTED) and link is not None
        )
        if own:
            return FamilyRead(
                StudentRef(student_id, f"{last_name} {first_name}", cls),
                policy.StudentAccess(school_id, link),
                school,
            )
    raise policy.deny(actor, "family_student", student_id=student_id)


async def sections_for(session: AsyncSession, actor: Actor, student_id: int) -> Sections:
    """For a trusted person, the sections the parent allowed; everything for the others.

    The policy still checks every read; this only tells a hidden section from an empty one.
    """
    if not actor.has(Role.TRUSTED):
        return Sections()
    return sections_of_link(actor, await policy.guardianship(session, actor.person_id, student_id))


def sections_of_link(actor: Actor, link: Guardianship | None) -> Sections:
    """:func:`sections_for` with the actor's guardianship of the child already read."""
    if not actor.has(Role.TRUSTED) or link is None or link.kind != GuardianKind.TRUSTED:
        return Sections()
    allowed = set(link.permissions or [])
    return Sections(
        diary=bool(allowed),
        marks="marks" in allowed,
        attendance="attendance" in allowed,
        homework="homework" in allowed,
        timetable="timetable" in allowed,
    )


async def acts_as_family(session: AsyncSession, actor: Actor) -> bool:
    """Whether the chat's active role is a family one (parent, trusted person, student)."""
    if not actor.has(*FAMILY_ROLES):
        return False
    if not actor.has(*STAFF_ROLES):
        return True
    ctx = await chat_context(session, actor)
    return ctx.role in FAMILY_ROLES
