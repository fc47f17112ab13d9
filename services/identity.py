"""Who is acting: a messenger user resolved to a school account, person and roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Messenger, Role
from services.models import Account, MessengerBinding, Person, RoleGrant, School


@dataclass(frozen=True)
class Actor:
    account_id: int
    person_id: int
    school_id: int
    roles: frozenset[Role]
    language: str | None
    display_name: str
    timezone: str
    # The account's login, for the audit log's snapshot of who acted.
    login: str | None = None

    @property
    def label(self) -> str:
        return f"account:{self.account_id}"

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


async def actor_for_account(session: AsyncSession, account_id: int) -> Actor | None:
    row = (
        await session.execute(
            select(Account, Person, School)
            .join(Person, Person.id == Account.person_id)
            .join(School, School.id == Account.school_id)
            .where(Account.id == account_id)
        )
    ).first()
    if row is None:
        return None
    account, person, school = row
    if account.is_blocked:
        return None
    roles = (
        await session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person.id))
    ).all()
    return Actor(
        account_id=account.id,
        person_id=person.id,
        school_id=account.school_id,
        roles=frozenset(roles),
        language=account.language,
        display_name=f"{person.first_name} {person.last_name}",
        timezone=school.timezone,
        login=account.login,
    )


async def resolve_actor(
    session: AsyncSession, messenger: Messenger, external_user_id: str
) -> Actor | None:
    """The signed-in account of a messenger user, or None (unknown, ended or blocked)."""
    account_id = await session.scalar(
        select(MessengerBinding.account_id)
        .where(
            MessengerBinding.messenger == messenger,
            MessengerBinding.external_user_id == external_user_id,
            MessengerBinding.ended_at.is_(None),
        )
        .order_by(MessengerBinding.created_at.desc())
        .limit(1)
    )
    if account_id is None:
        return None
    return await actor_for_account(session, account_id)
