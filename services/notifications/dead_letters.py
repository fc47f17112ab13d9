"""Alerts that could not be delivered, for the admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import OutboxStatus
from services.models import (
    OutboxMessage,
    Person,
)
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.people.roster import list_name

DEAD_LIMIT = 20


@dataclass(frozen=True)
class DeadLetter:
    id: int
    kind: str
    recipient: str | None  # None: every family of the school (a fan-out row of a digest)
    last_error: str | None
    attempts: int
    created_at: dt.datetime  # in the school's time zone


async def dead_letters(
    session: AsyncSession, actor: Actor, *, limit: int = DEAD_LIMIT
) -> tuple[int, list[DeadLetter]]:
    """Notifications the delivery gave up on (status "dead"): their count and the last ones."""
    ensure_admin(actor, "dead_letters")
    where = (
        OutboxMessage.school_id == actor.school_id,
        OutboxMessage.status == OutboxStatus.DEAD,
    )
    total = int(
        await session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0
    )
    rows = (
        await session.execute(
            select(OutboxMessage, Person)
            .outerjoin(Person, Person.id == OutboxMessage.recipient_person_id)
            .where(*where)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    ).all()
    zone = ZoneInfo(actor.timezone)
    return total, [
        DeadLetter(
            id=m.id,
            kind=m.kind,
            recipient=list_name(p) if p is not None else None,
            last_error=m.last_error,
            attempts=m.attempts,
            created_at=m.created_at.astimezone(zone),
        )
        for m, p in rows
    ]
