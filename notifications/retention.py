"""Retention of the outbox: delivered, failed and cancelled alerts are removed once the school no
longer needs them as evidence; without it the table only grows (a region queues millions of
alerts a term).

How long: no clause of the school's rules names the alerts themselves. They are the evidence
that the participants were told of marks, absences and corrections (seed 004 §4.4: errors are
corrected "with notification of the participants"), and that evidence is needed until the
school year's record is closed: printed and signed by 30 June at the latest (seed 003 §7.3)
and archived at the year's end (seed 002 §6.5). The journal itself (marks, attendance, who
changed what: the audit log) stays for 5 years (seed 003 §7.4) in its own tables, and a later
dispute is settled from there, not from the delivery queue. Hence the rule:

- an alert belongs to the school year in which it was queued (one queued between two years
  goes with the next year, so it is kept longer, never shorter);
- once that year has ended and a margin has passed (``OUTBOX_RETENTION_MARGIN_DAYS``, 92 days by
  default: the summer, in which the record is printed, signed and archived), its finished rows
  (``sent``, ``dead``, ``cancelled``) are deleted; ``pending`` and ``sending`` rows never are;
- a school with no year that ended that long ago keeps everything.

Deleted in batches (5,000 rows a statement, each its own short transaction) so that the
worker's claims and the bot's writes never wait behind it; the count per school goes to the
audit log (action ``outbox.retention``) and to the log. Run daily by the scheduler
(:func:`notifications.runtime.daily_tasks`) and by ``python -m bot outbox-retention``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import audit
from services.enums import OutboxStatus
from services.models import OutboxMessage, School, SchoolYear

log = logging.getLogger(__name__)

FINISHED = (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.CANCELLED)
DEFAULT_MARGIN = dt.timedelta(days=92)
DEFAULT_BATCH = 5000


@dataclass(frozen=True)
class SchoolRetention:
    school_id: int
    school_code: str
    year: str  # the latest school year whose alerts go
    before: dt.datetime  # finished rows queued before this moment (UTC) go
    rows: int  # deleted (or, in a dry run, to delete)


async def plan(
    session: AsyncSession,
    now: dt.datetime,
    *,
    margin: dt.timedelta = DEFAULT_MARGIN,
    school_ids: Sequence[int] | None = None,
) -> list[tuple[School, SchoolYear, dt.datetime]]:
    """Per school: the latest year that ended at least ``margin`` ago (school time) and the
    moment its alerts end, the midnight after its last day."""
    q = select(School).order_by(School.id)
    if school_ids is not None:
        q = q.where(School.id.in_(list(school_ids)))
    schools = list((await session.scalars(q)).all())
    out: list[tuple[School, SchoolYear, dt.datetime]] = []
    for school in schools:
        tz = ZoneInfo(school.timezone)
        today = now.astimezone(tz).date()
        year = await session.scalar(
            select(SchoolYear)
            .where(SchoolYear.school_id == school.id, SchoolYear.ends_on <= today - margin)
            .order_by(SchoolYear.ends_on.desc())
            .limit(1)
        )
        if year is None:
            continue
        end = dt.datetime.combine(year.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        out.append((school, year, end.astimezone(dt.UTC)))
    return out


def _expired(school_id: int, before: dt.datetime) -> list[ColumnElement[bool]]:
    return [
        OutboxMessage.school_id == school_id,
        OutboxMessage.created_at < before,
        OutboxMessage.status.in_(FINISHED),
    ]


async def delete_batch(
    session: AsyncSession, school_id: int, before: dt.datetime, batch: int = DEFAULT_BATCH
) -> int:
    """Delete up to ``batch`` finished rows of a school queued before ``before``; the caller
    commits. Returns the rows deleted."""
    ids = select(OutboxMessage.id).where(*_expired(school_id, before)).limit(batch)
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_delivered(
    session_factory: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    *,
    margin: dt.timedelta = DEFAULT_MARGIN,
    batch: int = DEFAULT_BATCH,
    school_ids: Sequence[int] | None = None,
    dry_run: bool = False,
    source: str = "scheduler",
) -> list[SchoolRetention]:
    """Apply the rule to every school (or those given): batches of ``batch`` rows, one short
    transaction each, then one audit row per school that lost rows. ``dry_run`` only counts."""
    async with session_factory() as session:
        todo = [
            (s.id, s.code, y.name, before)
            for s, y, before in await plan(session, now, margin=margin, school_ids=school_ids)
        ]
        if dry_run:
            out = []
            for school_id, code, year, before in todo:
                count = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(*_expired(school_id, before))
                )
                out.append(SchoolRetention(school_id, code, year, before, int(count or 0)))
            return out
    results = []
    for school_id, code, year, before in todo:
        deleted = 0
        while True:
            async with session_factory() as session, session.begin():
                n = await delete_batch(session, school_id, before, batch)
            deleted += n
            if n < batch:
                break
        if deleted:
            async with session_factory() as session, session.begin():
                audit.record(
                    session,
                    actor=None,
                    action="outbox.retention",
                    entity="outbox",
                    school_id=school_id,
                    before={"rows": deleted, "queued_before": before, "year": year},
                    reason=f"finished alerts kept to the end of {year} plus {margin.days} days",
                    source=source,
                )
            log.info(
                "outbox retention",
                extra={"school": school_id, "deleted": deleted, "before": before.isoformat()},
            )
        results.append(SchoolRetention(school_id, code, year, before, deleted))
    return results
