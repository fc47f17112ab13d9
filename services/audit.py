"""The audit log: every change to the journal, who, when, before and after (seed 002 §1.9).

``record`` only adds a row to the caller's transaction; the use case commits once.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.identity import Actor
from services.models import AuditEntry, utcnow


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def record(
    session: AsyncSession,
    *,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: Any = None,
    school_id: int | None = None,
    student_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    source: str = "bot",
    actor_label: str | None = None,
) -> AuditEntry:
    # An actor without an account (the command line, a scheduled job) has account_id 0 and
    # says where it comes from in ``source``.
    source = getattr(actor, "source", None) or source
    entry = AuditEntry(
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        at=utcnow(),
        actor_account_id=actor.account_id if actor and actor.account_id > 0 else None,
        actor_label=actor_label or (actor.label if actor else source),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        student_id=student_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        source=source,
    )
    session.add(entry)
    return entry
