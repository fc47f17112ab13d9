"""Who is acting: a messenger user resolved to a school account, person and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
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


# The session's pinned objects: the identity map holds objects weakly, so the actor's school
# would be read again by every ``session.get(School, ...)`` of the update once the first read
# dropped it; pinned here it is read once per session (one update in the bot).
PINNED = "schoolbot.pinned"


def pin(session: AsyncSession, *objects: object) -> None:
    """Keep ``objects`` alive (and so in the identity map) for the session's lifetime."""
    session.info.setdefault(PINNED, []).extend(objects)


def _actor_select() -> Select[*tuple[Any, ...]]:
    """The account, its person, its school and each of the person's roles (one row a role,
    or one row with no role): an actor in one statement."""
    return (
        select(
            Account.id,
            Account.school_id,
            Account.is_blocked,
            Account.language,
            Account.login,
            Person.id,
            Person.first_name,
            Person.last_name,
            School,
            RoleGrant.role,
        )
        .select_from(Account)
        .join(Person, Person.id == Account.person_id)
        .join(School, School.id == Account.school_id)
        .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
    )


async def _actor(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> Actor | None:
    rows = (await session.execute(query)).all()
    if not rows:
        return None
    account_id, school_id, is_blocked, language, login, person_id, first, last, school, _ = rows[0]
    if is_blocked:
        return None
    pin(session, school)
    return Actor(
        account_id=account_id,
        person_id=person_id,
        school_id=school_id,
        roles=frozenset(row[-1] for row in rows if row[-1] is not None),
        language=language,
        display_name=f"{first} {last}",
        timezone=school.timezone,
        login=login,
    )


async def actor_for_account(session: AsyncSession, account_id: int) -> Actor | None:
    return await _actor(session, _actor_select().where(Account.id == account_id))


async def resolve_actor(
    session: AsyncSession, messenger: Messenger, external_user_id: str
) -> Actor | None:
    """The signed-in account of a messenger user, or None (unknown, ended or blocked).

    One statement: the user's newest live binding, its account, person, school and roles."""
    binding = (
        select(MessengerBinding.account_id)
        .where(
            MessengerBinding.messenger == messenger,
            MessengerBinding.external_user_id == external_user_id,
            MessengerBinding.ended_at.is_(None),
        )
        .order_by(MessengerBinding.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return await _actor(session, _actor_select().where(Account.id == binding))
