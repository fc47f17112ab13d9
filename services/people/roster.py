"""Finding people to issue credentials to: a class teacher's class roster with families, the
office's search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.models import (
    Account,
    Enrolment,
    Guardianship,
    MessengerBinding,
    Person,
    RoleGrant,
    SchoolClass,
    SchoolYear,
)
from services.people import policy
from services.people.identity import Actor

SEARCH_LIMIT = 20


def list_name(p: Person) -> str:
    """A person as the office's lists show them: last name and first name."""
    return f"{p.last_name} {p.first_name}".strip()


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    roles: tuple[Role, ...]
    signed_in: bool
    blocked: bool
    note: str | None = None  # e.g. the child's name for a parent


async def _rows(
    session: AsyncSession, people: list[Person], notes: dict[int, str]
) -> list[PersonRow]:
    ids = [p.id for p in people]
    if not ids:
        return []
    bound = set(
        (
            await session.scalars(
                select(Account.person_id)
                .join(MessengerBinding, MessengerBinding.account_id == Account.id)
                .where(Account.person_id.in_(ids), MessengerBinding.ended_at.is_(None))
            )
        ).all()
    )
    blocked = set(
        (
            await session.scalars(
                select(Account.person_id).where(Account.person_id.in_(ids), Account.is_blocked)
            )
        ).all()
    )
    roles: dict[int, list[Role]] = {}
    for pid, role in (
        await session.execute(
            select(RoleGrant.person_id, RoleGrant.role).where(RoleGrant.person_id.in_(ids))
        )
    ).all():
        roles.setdefault(pid, []).append(role)
    return [
        PersonRow(
            id=p.id,
            name=p.full_name,
            roles=tuple(sorted(roles.get(p.id, []))),
            signed_in=p.id in bound,
            blocked=p.id in blocked,
            note=notes.get(p.id),
        )
        for p in people
    ]


async def classes_of_class_teacher(session: AsyncSession, actor: Actor) -> list[SchoolClass]:
    """The class teacher's classes in open school years (admin: every open class)."""
    q = (
        select(SchoolClass)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == actor.school_id, SchoolYear.is_closed.is_(False))
        .order_by(SchoolClass.grade, SchoolClass.name)
    )
    if not actor.has(Role.ADMIN):
        q = q.where(SchoolClass.class_teacher_id == actor.person_id)
    return list((await session.scalars(q)).all())


async def class_students(session: AsyncSession, actor: Actor, class_id: int) -> list[PersonRow]:
    cls = await policy.ensure_can_manage_class(session, actor, class_id)
    return await _rows(session, await enrolled_now(session, cls.id), {})


async def enrolled_now(session: AsyncSession, class_id: int) -> list[Person]:
    """The students enrolled in a class now, by surname and name (access already checked)."""
    people = await session.scalars(
        select(Person)
        .join(Enrolment, Enrolment.student_id == Person.id)
        .where(Enrolment.class_id == class_id, Enrolment.left_on.is_(None))
        .order_by(Person.last_name, Person.first_name)
    )
    return list(people.all())


async def student_family(session: AsyncSession, actor: Actor, student_id: int) -> list[PersonRow]:
    """The student and their parents and trusted persons, for issuing credentials."""
    await policy.ensure_can_manage_credentials(session, actor, student_id)
    student = await policy.load(session, actor, Person, student_id)
    guardians = (
        await session.scalars(
            select(Person)
            .join(Guardianship, Guardianship.guardian_id == Person.id)
            .where(Guardianship.student_id == student.id)
            .order_by(Person.last_name, Person.first_name)
        )
    ).all()
    return await _rows(session, [student, *guardians], {})


async def search(session: AsyncSession, actor: Actor, query: str) -> list[PersonRow]:
    """The admin finds anyone in the school by surname or login (prefix, any case)."""
    policy.ensure_can_block(actor)  # admin only
    q = query.strip()
    if len(q) < 2:
        return []
    pattern = f"{q.lower()}%"
    people = (
        await session.scalars(
            select(Person)
            .outerjoin(Account, Account.person_id == Person.id)
            .where(
                Person.school_id == actor.school_id,
                or_(func.lower(Person.last_name).like(pattern), Account.login.like(pattern)),
            )
            .order_by(Person.last_name, Person.first_name)
            .limit(SEARCH_LIMIT)
        )
    ).all()
    return await _rows(session, list(people), {})
