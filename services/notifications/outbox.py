"""The transactional outbox: alerts are rows written in the same transaction as the change.

``enqueue`` adds to the caller's transaction and never commits. The dedup key is unique in the
database; queuing the same event for the same recipient twice is a no-op (INSERT ... ON CONFLICT
DO NOTHING on both PostgreSQL and SQLite).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import GuardianKind, OutboxStatus
from services.models import Guardianship, OutboxMessage, utcnow

# How long an absence alert waits so that the teacher's correction can cancel it.
ABSENCE_GRACE = dt.timedelta(minutes=10)


async def enqueue(
    session: AsyncSession,
    *,
    school_id: int,
    recipient_person_id: int,
    kind: str,
    dedup_key: str,
    payload: dict[str, Any],
    not_before: dt.datetime | None = None,
    urgent: bool = False,
    revive_cancelled: bool = False,
) -> None:
    """Queue one alert. ``revive_cancelled`` re-arms a row the same event had cancelled
    (a student marked absent, corrected to present, then absent again)."""
    now = utcnow()
    values = {
        "school_id": school_id,
        "recipient_person_id": recipient_person_id,
        "kind": kind,
        "dedup_key": dedup_key,
        "payload": payload,
        "urgent": urgent,
        "status": OutboxStatus.PENDING.value,
        "created_at": now,
        "not_before": not_before or now,
        "attempts": 0,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    await session.execute(stmt)
    if revive_cancelled:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.dedup_key == dedup_key,
                OutboxMessage.status == OutboxStatus.CANCELLED,
            )
            .values(status=OutboxStatus.PENDING, not_before=values["not_before"], payload=payload)
        )


async def family_recipients(
    session: AsyncSession, student_id: int, scope: str | None = None
) -> list[int]:
    """Parents of a student, and trusted persons allowed to see ``scope``."""
    rows = (
        await session.execute(
            select(Guardianship.guardian_id, Guardianship.kind, Guardianship.permissions).where(
                Guardianship.student_id == student_id
            )
        )
    ).all()
    out = []
    for guardian_id, kind, permissions in rows:
        if kind == GuardianKind.PARENT or (scope is not None and scope in (permissions or [])):
            out.append(guardian_id)
    return sorted(out)


async def cancel_pending(session: AsyncSession, dedup_keys: Iterable[str]) -> int:
    keys = list(dedup_keys)
    if not keys:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedup_key.in_(keys), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def enqueue_many(
    session: AsyncSession,
    rows: Iterable[dict[str, Any]],
    *,
    not_before: dt.datetime | None = None,
    chunk: int = 500,
) -> int:
    """Queue many alerts in a few statements (broadcasts, scheduled digests).

    Each row needs ``school_id``, ``recipient_person_id``, ``kind``, ``dedup_key`` and
    ``payload``; ``not_before``, ``urgent``, ``news_id``, ``digest_group``, ``messenger`` (the
    row pinned to it: a copy of an alert for another messenger) and ``created_at`` (a copy keeps
    its original's) are optional; ``not_before`` applies to rows without their own.
    Duplicated dedup keys are skipped. Adds to the caller's transaction; returns the rows given.
    """
    now = utcnow()
    values = [
        {
            "school_id": r["school_id"],
            "recipient_person_id": r["recipient_person_id"],
            "kind": r["kind"],
            "dedup_key": r["dedup_key"],
            "payload": r["payload"],
            "urgent": bool(r.get("urgent", False)),
            "status": OutboxStatus.PENDING.value,
            "created_at": r.get("created_at") or now,
            "not_before": r.get("not_before") or not_before or now,
            "attempts": 0,
            "news_id": r.get("news_id"),
            "digest_group": r.get("digest_group"),
            "messenger": r.get("messenger"),
        }
        for r in rows
    ]
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # One statement executed with many parameter sets: compiled once and cached, where a
    # multi-row VALUES clause is compiled anew for every chunk (~1 ms per row in Python).
    stmt = insert(cast(Table, OutboxMessage.__table__)).on_conflict_do_nothing()
    for start in range(0, len(values), chunk):
        await session.execute(stmt, values[start : start + chunk])
    return len(values)
