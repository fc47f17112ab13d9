"""When a person's last reason to sign in goes (a student who left the school, a parent whose
only child left, a trusted person revoked): unused invites stop working, live sign-ins end and
the account is blocked, inside the caller's transaction. The chats that lost access are returned
for the front end to tell at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import STAFF_ROLES
from services.models import Account, Guardianship, Invite, MessengerBinding, RoleGrant
from services.people.accounts import EndedBinding


async def end_access(
    session: AsyncSession, person_id: int, now: dt.datetime, *, block: bool = True
) -> list[EndedBinding]:
    """The person's account (if any) can no longer be used; the chats it was signed in to."""
    account = await session.scalar(select(Account).where(Account.person_id == person_id))
    if account is None:
        return []
    await session.execute(
        update(Invite)
        .where(
            Invite.account_id == account.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    account.password_hash = None
    account.password_expires_at = None
    if block:
        account.is_blocked = True
    bindings = (
        await session.scalars(
            select(MessengerBinding).where(
                MessengerBinding.account_id == account.id, MessengerBinding.ended_at.is_(None)
            )
        )
    ).all()
    for b in bindings:
        b.ended_at = now
        b.end_reason = "revoked"
    return [EndedBinding(b.messenger, b.chat_id, account.language, b.bot_id) for b in bindings]


async def has_other_reason(session: AsyncSession, person_id: int) -> bool:
    """Whether the person still has a child to follow or a staff role (after the caller's
    changes are flushed)."""
    await session.flush()
    child = await session.scalar(select(exists().where(Guardianship.guardian_id == person_id)))
    staff = await session.scalar(
        select(
            exists().where(
                RoleGrant.person_id == person_id,
                RoleGrant.role.in_(sorted(STAFF_ROLES)),
            )
        )
    )
    return bool(child or staff)
