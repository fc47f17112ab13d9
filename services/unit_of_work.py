"""One use case's transaction: the session, who acts, the clock, the audit entries it writes,
one commit at the end, and nothing half-written on an error.

    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.load(uow.session, uow.actor, Lesson, lesson_id)
        before = audit.snapshot(lesson, "topic")
        lesson.topic = topic
        uow.record(action="lesson.topic", entity="lesson", entity_id=lesson.id, before=before,
                   after=audit.snapshot(lesson, "topic"))
        await outbox.enqueue(uow.session, ...)   # alerts in the same transaction
        return lesson                            # committed on the way out

On the way out the unit commits once when the use case wrote anything (an object added,
changed or deleted, a flush, an INSERT, UPDATE or DELETE run through the session); a use case
that only read and found nothing to change (the same answer given twice) leaves the
transaction as it was, as before. When the body raises after it wrote, everything it wrote —
rows, audit entries, outbox rows — is rolled back before the error goes on, and the objects the
session held before are loaded again (see ``_roll_back``); an error raised by a check before
any write rolls nothing back.
"""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from services import audit
from services.actor import Actor
from services.errors import ValidationFailed
from services.models import AuditEntry, utcnow


class UnitOfWork:
    """See the module's doc. ``now`` is the use case's clock (injected by tests)."""

    def __init__(self, session: AsyncSession, actor: Actor, now: dt.datetime | None = None):
        self.session = session
        self.actor = actor
        self.now = now or utcnow()
        self.entries: list[AuditEntry] = []
        self._wrote = False

    async def __aenter__(self) -> UnitOfWork:
        sync = self.session.sync_session
        event.listen(sync, "after_flush", self._flushed)
        event.listen(sync, "do_orm_execute", self._executed)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        sync = self.session.sync_session
        event.remove(sync, "after_flush", self._flushed)
        event.remove(sync, "do_orm_execute", self._executed)
        if not self.changed:
            return
        if exc_type is None:
            await self.session.commit()
        else:
            await self._roll_back()

    async def _roll_back(self) -> None:
        """Roll the transaction back, and load again what the session held before the unit
        (a rollback expires every object, and an expired attribute cannot be loaded lazily
        under asyncio): the caller goes on with its objects as the database has them. One
        statement per mapped class, on the error path only."""
        session = self.session
        kept = list(session.identity_map.values())
        await session.rollback()
        by_class: dict[type, list[Any]] = {}
        for obj in kept:
            state = sa_inspect(obj)
            if state.persistent and state.identity is not None and len(state.identity) == 1:
                by_class.setdefault(type(obj), []).append(state.identity[0])
        for cls, ids in by_class.items():
            key: Any = sa_inspect(cls).primary_key[0]
            await session.execute(
                select(cls).where(key.in_(ids)).execution_options(populate_existing=True)
            )

    def _flushed(self, session: Session, context: Any) -> None:
        self._wrote = True

    def _executed(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._wrote = True

    @property
    def changed(self) -> bool:
        """Whether the unit wrote anything yet (flushed or still pending in the session)."""
        s = self.session
        return (
            self._wrote
            or bool(s.new or s.deleted)
            # An attribute set to the value it had is no change.
            or any(s.is_modified(obj) for obj in s.dirty)
        )

    def record(self, *, action: str, entity: str, **fields: Any) -> AuditEntry:
        """The audit entry of a change, by the unit's actor, in its transaction (see
        ``audit.record`` for ``fields``)."""
        entry = audit.record(self.session, actor=self.actor, action=action, entity=entity, **fields)
        self.entries.append(entry)
        return entry

    async def recorded(self, *, action: str, entity: str, **fields: Any) -> AuditEntry:
        """:meth:`record`, flushed: the entry has its id (the alerts' dedup keys carry it)."""
        entry = self.record(action=action, entity=entity, **fields)
        await self.session.flush()
        return entry


def clean_text(value: str | None, limit: int, field: str) -> str | None:
    """User text as the journal keeps it: stripped, None when empty, refused when longer than
    ``limit`` (``field`` names it in the message)."""
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed("error.too_long", field=field, limit=limit)
    return value or None
