"""Issuing, revoking and finding the family's calendar links.

A link is ``<PUBLIC_BASE_URL>/calendar/<token>.ics``; the token is 32 random bytes
(URL-safe base64) and only its SHA-256 is kept. A holder has at most one live link per child:
a new one revokes the old. Who may hold one: a parent of the child (a guardianship of kind
parent) or the student for themself (services/people/policy.py, ``may_hold_calendar_link``)
— checked when the link is issued and again on every fetch, so that a link dies with the
family's access to the child (a parent removed, an account blocked). Issuing and revoking
are audited (entity ``family_calendar_link``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import GuardianKind, Role
from services.models import Account, FamilyCalendarLink, Guardianship, Person
from services.people import policy
from services.people.identity import Actor, actor_for_account
from services.unit_of_work import UnitOfWork

TOKEN_BYTES = 32
# What a token looks like (URL-safe base64 of 32 bytes): anything else is refused unread.
TOKEN_LENGTH = 43
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and all(c in _TOKEN_CHARS for c in token)


@dataclass(frozen=True)
class CalendarChild:
    student_id: int
    name: str  # "Пётр Иванов"
    linked_since: dt.datetime | None  # the live link's creation, None: no link


async def calendar_children(session: AsyncSession, actor: Actor) -> list[CalendarChild]:
    """The children the actor may have a calendar link for (a student: themself), each with
    the creation time of their live link."""
    ids: list[int] = []
    if actor.has(Role.STUDENT):
        ids.append(actor.person_id)
    if actor.has(Role.PARENT):
        rows = await session.scalars(
            select(Guardianship.student_id)
            .where(
                Guardianship.guardian_id == actor.person_id,
                Guardianship.kind == GuardianKind.PARENT,
            )
            .order_by(Guardianship.id)
        )
        ids += [r for r in rows if r not in ids]
    if not ids:
        return []
    people = {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}
    live = {
        row.student_id: row.created_at
        for row in await session.scalars(
            select(FamilyCalendarLink).where(
                FamilyCalendarLink.person_id == actor.person_id,
                FamilyCalendarLink.student_id.in_(ids),
                FamilyCalendarLink.revoked_at.is_(None),
            )
        )
    }
    return [
        CalendarChild(i, f"{people[i].first_name} {people[i].last_name}", live.get(i))
        for i in ids
        if i in people
    ]


async def _revoke_live(uow: UnitOfWork, student_id: int) -> int:
    actor = uow.actor
    rows = list(
        await uow.session.scalars(
            select(FamilyCalendarLink).where(
                FamilyCalendarLink.person_id == actor.person_id,
                FamilyCalendarLink.student_id == student_id,
                FamilyCalendarLink.revoked_at.is_(None),
            )
        )
    )
    for row in rows:
        row.revoked_at = uow.now
        uow.record(
            action="calendar.revoke",
            entity="family_calendar_link",
            entity_id=row.id,
            student_id=student_id,
            before={"created_at": row.created_at.isoformat()},
        )
    return len(rows)


async def issue_link(
    session: AsyncSession, actor: Actor, student_id: int, *, now: dt.datetime | None = None
) -> str:
    """A new link for the child (the old one, if any, revoked): returns the token, shown once."""
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_hold_calendar_link(session, actor, student_id)
        await _revoke_live(uow, student_id)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        row = FamilyCalendarLink(
            school_id=actor.school_id,
            person_id=actor.person_id,
            student_id=student_id,
            token_hash=token_hash(token),
            created_at=uow.now,
        )
        session.add(row)
        await session.flush()
        uow.record(
            action="calendar.create",
            entity="family_calendar_link",
            entity_id=row.id,
            student_id=student_id,
        )
        return token


async def revoke_link(
    session: AsyncSession, actor: Actor, student_id: int, *, now: dt.datetime | None = None
) -> bool:
    """The child's link switched off without a new one; True when there was one."""
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_hold_calendar_link(session, actor, student_id)
        return await _revoke_live(uow, student_id) > 0


@dataclass(frozen=True)
class Holder:
    link_id: int
    actor: Actor  # the link's holder, as they are now
    student_id: int


async def holder_of(session: AsyncSession, token: str) -> Holder | None:
    """The live link of a token whose holder still may see the child; None otherwise (an
    unknown, malformed or revoked token, a blocked account, a parent no longer the child's)."""
    if not well_formed(token):
        return None
    wanted = token_hash(token)
    row = await session.scalar(
        select(FamilyCalendarLink).where(FamilyCalendarLink.token_hash == wanted)
    )
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    if row.revoked_at is not None:
        return None
    account_id = await session.scalar(select(Account.id).where(Account.person_id == row.person_id))
    actor = await actor_for_account(session, account_id) if account_id is not None else None
    if actor is None or not await policy.may_hold_calendar_link(session, actor, row.student_id):
        return None
    return Holder(row.id, actor, row.student_id)
