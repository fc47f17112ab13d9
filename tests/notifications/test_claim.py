"""The worker's claim: the first due rows by (not_before, id) across pending rows and expired
leases, disjoint between concurrent workers, through the partial index whatever plan is cached."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.worker import Worker
from screens.screen import Screen
from services.enums import OutboxStatus
from services.models import OutboxMessage
from tests.factories import NOW, build_school


class NoTransport:
    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        raise AssertionError("claim tests never send")


def _worker(session_factory: async_sessionmaker[AsyncSession], name: str) -> Worker:
    return Worker(session_factory, NoTransport(), clock=lambda: NOW, worker_id=name)


async def _fill(session: AsyncSession) -> dict[str, int]:
    """One row per recipient (no siblings), named by what it is."""
    w = await build_school(session)
    people = [w.parent, w.parent2, w.trusted, w.teacher, w.deputy, w.admin, w.director]
    minutes = dt.timedelta(minutes=1)
    specs = [
        ("pending-5", OutboxStatus.PENDING, NOW - 5 * minutes, None),
        ("expired-10", OutboxStatus.SENDING, NOW - 10 * minutes, NOW - minutes),
        ("pending-later", OutboxStatus.PENDING, NOW + minutes, None),
        ("leased", OutboxStatus.SENDING, NOW - 20 * minutes, NOW + minutes),
        ("pending-1", OutboxStatus.PENDING, NOW - minutes, None),
        ("expired-2", OutboxStatus.SENDING, NOW - 2 * minutes, NOW - 30 * minutes),
        ("sent", OutboxStatus.SENT, NOW - 30 * minutes, None),
    ]
    ids = {}
    for person, (name, status, not_before, locked_until) in zip(people, specs, strict=True):
        row = OutboxMessage(
            school_id=w.school.id,
            recipient_person_id=person.id,
            kind="mark.new",
            dedup_key=name,
            payload={},
            status=status,
            created_at=NOW - dt.timedelta(hours=1),
            not_before=not_before,
            locked_by="dead-worker" if status == OutboxStatus.SENDING else None,
            locked_until=locked_until,
        )
        session.add(row)
        await session.flush()
        ids[name] = row.id
    await session.commit()
    return ids


async def test_the_first_due_rows_across_pending_and_expired_leases(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    ids = await _fill(session)
    names = {v: k for k, v in ids.items()}
    worker = _worker(session_factory, "w1")
    async with session_factory() as s, s.begin():
        first = await worker.claim(s, 2)
    assert sorted(names[r.id] for r in first) == ["expired-10", "pending-5"]
    async with session_factory() as s, s.begin():
        rest = await worker.claim(s, 10)
    assert sorted(names[r.id] for r in rest) == ["expired-2", "pending-1"]
    async with session_factory() as s, s.begin():
        assert await worker.claim(s, 10) == []
    rows = {
        r.dedup_key: r
        for r in (
            await session.scalars(select(OutboxMessage).execution_options(populate_existing=True))
        )
    }
    for name in ("expired-10", "pending-5", "expired-2", "pending-1"):
        assert rows[name].status == OutboxStatus.SENDING and rows[name].locked_by == "w1"
    # Taken over from an expired lease: may have been sent already.
    assert rows["expired-10"].outcome_unknown and rows["expired-2"].outcome_unknown
    assert not rows["pending-5"].outcome_unknown and not rows["pending-1"].outcome_unknown
    assert rows["leased"].locked_by == "dead-worker"
    assert rows["pending-later"].status == OutboxStatus.PENDING
    assert rows["sent"].status == OutboxStatus.SENT


async def test_concurrent_claims_take_disjoint_rows(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: a second claim waits for the first")
    ids = await _fill(session)
    due = {ids[n] for n in ("expired-10", "pending-5", "expired-2", "pending-1")}
    async with session_factory() as a, session_factory() as b:
        await a.begin()
        await b.begin()
        got_a = {r.id for r in await _worker(session_factory, "a").claim(a, 2)}
        # a's rows stay locked until it commits: b skips them instead of waiting.
        got_b = {r.id for r in await _worker(session_factory, "b").claim(b, 2)}
        await a.commit()
        await b.commit()
    assert len(got_a) == 2 and len(got_b) == 2
    assert got_a | got_b == due


async def test_a_cached_generic_plan_still_uses_the_partial_index(
    session: AsyncSession,
) -> None:
    """asyncpg prepares statements and PostgreSQL may switch to a generic plan: the pending
    status is written inline so that even that plan can match ``ix_outbox_claim``'s
    predicate (with ``status IN ($1, $2)`` it could not)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    conn = await session.connection()
    pick = Worker._due(NOW, 16, True).compile(dialect=conn.dialect)
    values = []
    for name in pick.positiontup or []:
        value = pick.params[name]
        values.append(f"'{value.isoformat()}'" if isinstance(value, dt.datetime) else str(value))
    await conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    await conn.exec_driver_sql(f"PREPARE claim_pick AS {pick}")
    try:
        result = await conn.exec_driver_sql(f"EXPLAIN EXECUTE claim_pick({', '.join(values)})")
        plan = "\n".join(row[0] for row in result.all())
    finally:
        await conn.exec_driver_sql("DEALLOCATE claim_pick")
    assert "Index Scan using ix_outbox_claim" in plan
