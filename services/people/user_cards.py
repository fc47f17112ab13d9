"""The office's card of one user: roles, accounts, bindings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.models import (
    Account,
    Enrolment,
    MessengerBinding,
    Person,
    RoleGrant,
    SchoolClass,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import ensure_admin


@dataclass(frozen=True)
class UserCard:
    person_id: int
    name: str
    roles: tuple[Role, ...]
    login: str | None
    signed_in: bool
    blocked: bool
    # A one-time password or invite is waiting to be used.
    credentials_pending: bool
    last_seen_at: dt.datetime | None
    classes: tuple[str, ...]  # a student's class(es)

    @property
    def is_student(self) -> bool:
        return Role.STUDENT in self.roles


async def user_card(
    session: AsyncSession, actor: Actor, person_id: int, *, now: dt.datetime | None = None
) -> UserCard:
    """The admin's view of one person: roles, login, signed in or not, blocked."""
    ensure_admin(actor, "user_card")
    person = await policy.load(session, actor, Person, person_id)
    roles = tuple(
        sorted(
            (
                await session.scalars(
                    select(RoleGrant.role).where(RoleGrant.person_id == person.id)
                )
            ).all()
        )
    )
    account = await session.scalar(select(Account).where(Account.person_id == person.id))
    signed_in = False
    pending = False
    if account is not None:
        signed_in = bool(
            await session.scalar(
                select(func.count())
                .select_from(MessengerBinding)
                .where(
                    MessengerBinding.account_id == account.id, MessengerBinding.ended_at.is_(None)
                )
            )
        )
        moment = now or utcnow()
        pending = account.password_hash is not None and (
            account.password_expires_at is None or account.password_expires_at > moment
        )
    classes: tuple[str, ...] = ()
    if Role.STUDENT in roles:
        classes = tuple(
            (
                await session.scalars(
                    select(SchoolClass.name)
                    .join(Enrolment, Enrolment.class_id == SchoolClass.id)
                    .where(Enrolment.student_id == person.id, Enrolment.left_on.is_(None))
                    .order_by(SchoolClass.name)
                )
            ).all()
        )
    return UserCard(
        person_id=person.id,
        name=person.full_name,
        roles=roles,
        login=account.login if account else None,
        signed_in=signed_in,
        blocked=bool(account and account.is_blocked),
        credentials_pending=pending,
        last_seen_at=account.last_seen_at if account else None,
        classes=classes,
    )
