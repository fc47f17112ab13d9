"""Trusted persons (seed 000 §1.3): a parent names a grandparent or a nanny for one child, says
what they may see (policy.TRUSTED_SCOPES), narrows it later or revokes them. The trusted person
signs in with the invite link the parent is given and sees only what was allowed; revoked, they
lose the child at once and, following no other child, their sign-in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import GuardianKind, Role
from services.errors import Conflict, NotFound, ValidationFailed
from services.models import Account, Guardianship, MessengerBinding, Person, RoleGrant
from services.people import policy
from services.people.access_end import end_access, has_other_reason
from services.people.accounts import (
    EndedBinding,
    IssuedCredentials,
    ensure_account,
    issue_credentials,
)
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork, clean_text

# A parent may name this many trusted persons for one child.
MAX_TRUSTED_PER_CHILD = 5
MAX_NAME = 64


@dataclass(frozen=True)
class TrustedRow:
    person_id: int
    name: str
    scopes: tuple[str, ...]
    signed_in: bool


@dataclass
class Revoked:
    name: str
    ended: list[EndedBinding] = field(default_factory=list)


def clean_scopes(scopes: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The scopes in their catalogue order; at least one, each a known one."""
    chosen = set(scopes)
    if not chosen:
        raise ValidationFailed("trusted.no_scopes")
    if not chosen <= set(policy.TRUSTED_SCOPES):
        raise ValidationFailed("error.invalid")
    return [s for s in policy.TRUSTED_SCOPES if s in chosen]


def parse_name(text: str) -> tuple[str, str]:
    """ "Иванова Мария" → (last, first); a third word (a patronymic) is kept with the first."""
    words = (text or "").split()
    if len(words) < 2:
        raise ValidationFailed("trusted.name_invalid")
    last, first = words[0], " ".join(words[1:])
    if len(last) > MAX_NAME or len(first) > MAX_NAME:
        raise ValidationFailed("error.too_long", field="name", limit=MAX_NAME)
    return last, first


async def trusted_of(session: AsyncSession, actor: Actor, student_id: int) -> list[TrustedRow]:
    """The child's trusted persons, for a parent of the child."""
    await policy.ensure_can_name_trusted(session, actor, student_id)
    live = (
        select(func.count(MessengerBinding.id))
        .where(MessengerBinding.account_id == Account.id, MessengerBinding.ended_at.is_(None))
        .correlate(Account)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(Person.id, Person.last_name, Person.first_name, Guardianship.permissions, live)
            .join(Guardianship, Guardianship.guardian_id == Person.id)
            .outerjoin(Account, Account.person_id == Person.id)
            .where(
                Guardianship.student_id == student_id,
                Guardianship.kind == GuardianKind.TRUSTED,
            )
            .order_by(Person.last_name, Person.first_name, Person.id)
        )
    ).all()
    return [
        TrustedRow(pid, f"{last} {first}", tuple(perms or ()), bool(n))
        for pid, last, first, perms, n in rows
    ]


async def _trusted_link(session: AsyncSession, student_id: int, person_id: int) -> Guardianship:
    link = await policy.guardianship(session, person_id, student_id)
    if link is None or link.kind != GuardianKind.TRUSTED:
        raise NotFound("trusted.not_found")
    return link


async def name_trusted(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    name: str,
    scopes: list[str] | tuple[str, ...] | set[str],
    *,
    now: dt.datetime | None = None,
) -> tuple[int, IssuedCredentials]:
    """A parent names a new trusted person of their child with what they may see; returns
    the new person's id and the one-time sign-in for the parent to pass on."""
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_name_trusted(session, actor, student_id)
        last, first = parse_name(clean_text(name, 2 * MAX_NAME + 1, "name") or "")
        allowed = clean_scopes(scopes)
        count = await session.scalar(
            select(func.count(Guardianship.id)).where(
                Guardianship.student_id == student_id, Guardianship.kind == GuardianKind.TRUSTED
            )
        )
        if (count or 0) >= MAX_TRUSTED_PER_CHILD:
            raise Conflict("trusted.too_many", limit=MAX_TRUSTED_PER_CHILD)
        person = Person(school_id=actor.school_id, last_name=last, first_name=first)
        session.add(person)
        await session.flush()
        session.add(RoleGrant(school_id=actor.school_id, person_id=person.id, role=Role.TRUSTED))
        session.add(
            Guardianship(
                school_id=actor.school_id,
                guardian_id=person.id,
                student_id=student_id,
                kind=GuardianKind.TRUSTED,
                permissions=allowed,
                granted_by_id=actor.person_id,
                created_at=uow.now,
            )
        )
        account = await ensure_account(session, person)
        uow.record(
            action="trusted.name",
            entity="guardianship",
            entity_id=person.id,
            student_id=student_id,
            after={"name": f"{last} {first}", "scopes": allowed},
        )
        creds = await issue_credentials(session, account, actor=actor, now=uow.now)
        return person.id, creds


async def set_scopes(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    person_id: int,
    scopes: list[str] | tuple[str, ...] | set[str],
    *,
    now: dt.datetime | None = None,
) -> list[str]:
    """A parent changes what a trusted person of their child may see; at once."""
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_name_trusted(session, actor, student_id)
        link = await _trusted_link(session, student_id, person_id)
        allowed = clean_scopes(scopes)
        before = list(link.permissions or [])
        if before != allowed:
            link.permissions = allowed
            uow.record(
                action="trusted.scopes",
                entity="guardianship",
                entity_id=person_id,
                student_id=student_id,
                before={"scopes": before},
                after={"scopes": allowed},
            )
        return allowed


async def revoke_trusted(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    person_id: int,
    *,
    now: dt.datetime | None = None,
) -> Revoked:
    """A parent revokes a trusted person of their child: the link goes at once; one who
    follows no other child loses the sign-in (returned: their chats, to be told)."""
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_name_trusted(session, actor, student_id)
        link = await _trusted_link(session, student_id, person_id)
        person = await session.get(Person, person_id)
        assert person is not None
        scopes = list(link.permissions or [])
        await session.delete(link)
        revoked = Revoked(f"{person.last_name} {person.first_name}")
        if not await has_other_reason(session, person_id):
            revoked.ended = await end_access(session, person_id, uow.now)
        uow.record(
            action="trusted.revoke",
            entity="guardianship",
            entity_id=person_id,
            student_id=student_id,
            before={"name": revoked.name, "scopes": scopes},
            after={"bindings_ended": len(revoked.ended)},
        )
        return revoked
