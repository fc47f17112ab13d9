"""The audit log: every change to the journal, who, when, before and after (seed 002 §1.9).

``record`` only adds a row to the caller's transaction; the use case commits once.

The log is append-only in the database itself (migration 0006): a trigger refuses every
UPDATE and DELETE of an ``audit_log`` row on PostgreSQL and on SQLite, whoever sends it. Each
row keeps who acted as they were then (name, roles, login), so deleting an account changes
nothing in the history. The retention purge (services.tools.backup) never deletes audit rows: the
journal goes after 5 years, the record of who changed it stays. A school with audit history
cannot be deleted (its rows keep the reference; the database refuses).

The one deliberate way to remove audit rows, should a deployment ever need it (a school
leaving the deployment, by a written decision): on PostgreSQL, in one transaction,
``SET LOCAL schoolbot.audit_purge = 'on'`` lets DELETE through (never UPDATE) until the
transaction ends; on SQLite, drop the ``audit_log_no_delete`` trigger, delete and re-create
the trigger in one transaction. Both are done by hand by the database's owner, never by the
bot.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
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
    account = actor is not None and actor.account_id > 0
    entry = AuditEntry(
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        at=utcnow(),
        actor_account_id=actor.account_id if actor and actor.account_id > 0 else None,
        actor_label=actor_label or (actor.label if actor else source),
        # Who acted, as they were then: the row never depends on the account living on.
        actor_name=actor.display_name if actor is not None else None,
        actor_roles=",".join(sorted(r.value for r in actor.roles)) if actor is not None else None,
        actor_login=getattr(actor, "login", None) if account else None,
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
