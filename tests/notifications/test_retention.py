"""Retention of the outbox: finished alerts go a margin after the end of the school year they
were queued in, in batches, audited; pending and sending rows and younger years stay."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli_admin import add_commands
from bot.config import Settings
from notifications.daily import run_daily
from notifications.retention import plan, purge_delivered
from notifications.runtime import daily_tasks
from services.enums import OutboxStatus
from services.models import AuditEntry, OutboxMessage, SchoolYear, start_clock_at
from tests.factories import SchoolWorld, build_school

MSK = ZoneInfo("Europe/Moscow")


def msk(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=MSK).astimezone(dt.UTC)


# The day the year 2025/2026 (ending 31 May 2026) is 92 days behind: 31 August 2026.
DUE = msk(2026, 8, 31, 10)
EARLY = msk(2026, 8, 30, 23, 59)


@pytest.fixture
def pinned_clock() -> Iterator[None]:
    yield
    start_clock_at(None)


async def _row(
    session: AsyncSession,
    world: SchoolWorld,
    key: str,
    created: dt.datetime,
    status: OutboxStatus = OutboxStatus.SENT,
) -> OutboxMessage:
    row = OutboxMessage(
        school_id=world.school.id,
        recipient_person_id=world.parent.id,
        kind="mark.new",
        dedup_key=key,
        payload={},
        status=status,
        created_at=created,
        not_before=created,
        locked_until=created if status == OutboxStatus.SENDING else None,
    )
    session.add(row)
    await session.flush()
    return row


def school_year(world: SchoolWorld, first: int) -> SchoolYear:
    """The school year from 1 September ``first`` to 31 May of the next year; not added."""
    return SchoolYear(
        school_id=world.school.id,
        name=f"{first}/{first + 1}",
        starts_on=dt.date(first, 9, 1),
        ends_on=dt.date(first + 1, 5, 31),
    )


async def _world(session: AsyncSession, code: str = "s1", *, last_year: bool = True) -> SchoolWorld:
    world = await build_school(session, code)
    if last_year:
        session.add(school_year(world, 2025))
    await session.flush()
    return world


async def _keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(OutboxMessage.dedup_key)))


async def _fill(session: AsyncSession) -> tuple[SchoolWorld, SchoolWorld]:
    world = await _world(session)
    for i in range(5):
        await _row(session, world, f"old-sent-{i}", msk(2026, 3, 1 + i))
    await _row(session, world, "old-dead", msk(2026, 5, 31, 23, 30), OutboxStatus.DEAD)
    await _row(session, world, "old-cancelled", msk(2025, 10, 1), OutboxStatus.CANCELLED)
    main = await _row(session, world, "old-main", msk(2026, 4, 1))
    merged = await _row(session, world, "old-merged", msk(2026, 4, 1))
    merged.merged_into_id = main.id
    await _row(session, world, "old-pending", msk(2026, 1, 10), OutboxStatus.PENDING)
    await _row(session, world, "old-sending", msk(2026, 1, 10), OutboxStatus.SENDING)
    await _row(session, world, "summer-sent", msk(2026, 6, 1, 0, 30))
    await _row(session, world, "this-year-sent", msk(2026, 10, 1))
    # Another school without an ended year keeps even its old rows.
    other = await _world(session, "s2", last_year=False)
    await _row(session, other, "other-old-sent", msk(2026, 3, 1))
    await session.commit()
    return world, other


KEPT = {
    "old-pending",
    "old-sending",
    "summer-sent",
    "this-year-sent",
    "other-old-sent",
}


async def test_finished_alerts_go_a_margin_after_their_years_end_in_batches(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    world, _other = await _fill(session)
    school_id = world.school.id
    every = await _keys(session)

    assert await purge_delivered(session_factory, EARLY, batch=2) == []
    assert await _keys(session) == every

    preview = await purge_delivered(session_factory, DUE, batch=2, dry_run=True)
    assert [(r.school_code, r.year, r.rows) for r in preview] == [("s1", "2025/2026", 9)]
    assert preview[0].before == msk(2026, 6, 1, 0, 0)
    assert await _keys(session) == every

    done = await purge_delivered(session_factory, DUE, batch=2)
    assert [(r.school_code, r.year, r.rows) for r in done] == [("s1", "2025/2026", 9)]
    session.expire_all()
    assert await _keys(session) == KEPT
    audits = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.retention"))
    ).all()
    assert [(a.school_id, a.source, (a.before or {}).get("rows")) for a in audits] == [
        (school_id, "scheduler", 9)
    ]
    # Nothing left to do: no second audit row.
    assert [r.rows for r in await purge_delivered(session_factory, DUE, batch=2)] == [0]
    assert (
        await session.scalar(select(func.count()).where(AuditEntry.action == "outbox.retention"))
        == 1
    )


async def test_the_margin_is_a_setting(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    await _fill(session)
    year_later = dt.timedelta(days=365)
    assert await purge_delivered(session_factory, DUE, margin=year_later) == []
    done = await purge_delivered(session_factory, msk(2027, 6, 1), margin=year_later)
    assert [r.rows for r in done] == [9]


async def test_the_plan_takes_the_latest_ended_year(session: AsyncSession) -> None:
    world = await _world(session)
    session.add(school_year(world, 2024))
    await session.flush()
    found = await plan(session, msk(2027, 9, 1))
    assert [(s.code, y.name, before) for s, y, before in found] == [
        ("s1", "2026/2027", msk(2027, 6, 1, 0, 0))
    ]


async def test_the_scheduler_runs_it_daily(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession, pinned_clock: None
) -> None:
    await _fill(session)
    tasks = tuple(
        t
        for t in daily_tasks(Settings(_env_file=None), session_factory)
        if t.name == "outbox_retention"
    )
    assert [t.at for t in tasks] == [dt.time(3, 30)]
    at = msk(2026, 9, 1, 3, 35)
    start_clock_at(at)
    assert await run_daily(session_factory, tasks, at, "a") == ["outbox_retention"]
    session.expire_all()
    assert await _keys(session) == KEPT
    assert await run_daily(session_factory, tasks, at + dt.timedelta(minutes=5), "b") == []


async def test_the_command_line_lists_then_purges(
    session_factory: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    db_url: str,
    pinned_clock: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await _fill(session)
    start_clock_at(DUE)
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    settings = SimpleNamespace(database_url=db_url)

    def run(*argv: str) -> int:
        args = parser.parse_args(list(argv))
        code: int = args.admin_handler(args, settings)
        return code

    every = await _keys(session)
    assert await asyncio.to_thread(run, "outbox-retention") == 0  # a dry run by default
    assert "s1\t2025/2026\tbefore=2026-05-31T21:00:00+00:00\trows=9" in capsys.readouterr().out
    assert await _keys(session) == every
    assert await asyncio.to_thread(run, "outbox-retention", "--purge", "--school", "s1") == 0
    session.expire_all()
    assert await _keys(session) == KEPT
    source = await session.scalar(
        select(AuditEntry.source).where(AuditEntry.action == "outbox.retention")
    )
    assert source == "cli"
    assert await asyncio.to_thread(run, "outbox-retention", "--school", "nope") == 1
