"""Backups restore to exactly the original on both backends; rotation; retention."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.db import make_engine
from services.errors import AccessDenied
from services.models import AuditEntry, Base, FinalMark, Lesson, Mark, SchoolYear, utcnow
from services.tools import backup as bk
from tests.admin.helpers import count, fill_journal
from tests.factories import SchoolWorld


async def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the Alembic revision), in primary-key order."""
    engine = make_engine(url, pool=False)
    out: dict[str, list[tuple[Any, ...]]] = {}
    try:
        async with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = await conn.execute(select(table).order_by(*order))
                out[table.name] = [tuple(r) for r in rows]
            out["alembic_version"] = [
                tuple(r)
                for r in await conn.execute(text("SELECT version_num FROM alembic_version"))
            ]
    finally:
        await engine.dispose()
    return out


@pytest.mark.committed
async def test_backup_restore_round_trip(
    session: AsyncSession, engine: AsyncEngine, world: SchoolWorld, db_url: str, tmp_path: Path
) -> None:
    await fill_journal(session, world)
    original = await snapshot(db_url)
    assert len(original["marks"]) > 10 and len(original["persons"]) > 10

    path = await asyncio.to_thread(bk.backup, db_url, tmp_path / "b")
    assert path.exists() and path.stat().st_size > 0
    assert bk.list_backups(tmp_path / "b") == [path]

    # Change the database after the backup: delete, update, insert.
    await session.execute(delete(Mark))
    year = await session.get(SchoolYear, world.year.id)
    assert year is not None
    year.name = "changed"
    session.add(AuditEntry(at=utcnow(), actor_label="x", action="x", entity="x", source="test"))
    await session.commit()
    assert await snapshot(db_url) != original
    await session.close()
    await engine.dispose()  # PostgreSQL: no pooled connection keeps the old tables

    await asyncio.to_thread(bk.restore, db_url, path)
    assert await snapshot(db_url) == original


def test_restore_refuses_a_wrong_file(tmp_path: Path) -> None:
    bogus = tmp_path / "x.dump"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(bk.BackupError, match="SQLite backup"):
        bk.restore("postgresql+asyncpg://postgres@127.0.0.1/x", bogus)
    with pytest.raises(bk.BackupError, match="does not exist"):
        bk.restore("sqlite+aiosqlite:///x.sqlite3", tmp_path / "missing.sqlite3")
    with pytest.raises(bk.BackupError, match="does not exist"):
        bk.backup(f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}", tmp_path)
    assert not list(tmp_path.glob("*.part"))


def test_missing_pg_client_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(bk.shutil, "which", lambda name: None)
    with pytest.raises(bk.BackupError, match="pg_dump not found: install"):
        bk.backup("postgresql+asyncpg://postgres@127.0.0.1/x", tmp_path)


def test_rotation_keeps_days_and_weeks(tmp_path: Path) -> None:
    start = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    for n in range(60):  # two backups a day for 60 days
        for hour in (3, 15):
            t = start + dt.timedelta(days=n, hours=hour - 3)
            (tmp_path / f"schoolbot-db-{t:%Y%m%d-%H%M%S}.dump").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = bk.rotate(tmp_path, keep_daily=7, keep_weekly=4)
    kept = bk.list_backups(tmp_path)
    assert len(kept) + len(removed) == 120
    days = {bk.backup_time(p).date() for p in kept}  # type: ignore[union-attr]
    last = dt.date(2026, 3, 1)
    assert {last - dt.timedelta(days=i) for i in range(7)} <= days
    assert len(kept) <= 7 + 4
    assert all(bk.backup_time(p).hour == 15 for p in kept)  # type: ignore[union-attr]
    assert (tmp_path / "notes.txt").exists()


def test_scheduled_backup_copies_to_every_medium(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "live.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (42)")
    url = f"sqlite+aiosqlite:///{db}"
    run = bk.scheduled_backup(url, tmp_path / "main", mirrors=[tmp_path / "usb"], keep_daily=1)
    assert run.path.exists() and [p.name for p in run.copies] == [run.path.name]
    with sqlite3.connect(run.copies[0]) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(42,)]


async def test_retention_purges_old_journals_keeps_summary(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await fill_journal(session, world)
    admin = world.actors["admin"]
    year = await session.get(SchoolYear, world.year.id)
    assert year is not None
    lessons, finals = await count(session, Lesson), await count(session, FinalMark)
    # Not archived: never purged, however old.
    assert await bk.retention_plan(session, admin, today=dt.date(2040, 1, 1)) == []
    year.archived_at = utcnow()
    year.is_closed = True
    await session.commit()
    assert await bk.retention_plan(session, admin, today=dt.date(2031, 5, 1)) == []
    plan = await bk.purge_expired(session, admin, today=dt.date(2032, 6, 1), dry_run=True)
    assert [(p.action, p.lessons) for p in plan] == [("journal", lessons)]
    assert await count(session, Lesson) == lessons
    await bk.purge_expired(session, admin, today=dt.date(2032, 6, 1))
    assert await count(session, Lesson) == 0 and await count(session, Mark) == 0
    assert await count(session, FinalMark) == finals  # summary sheets stay 25 years
    assert await bk.retention_plan(session, admin, today=dt.date(2050, 1, 1)) == []
    plan = await bk.purge_expired(session, admin, today=dt.date(2052, 6, 2))
    assert [p.action for p in plan] == ["year"]
    assert await count(session, FinalMark) == 0
    assert await count(session, SchoolYear) == 0
    with pytest.raises(AccessDenied):
        await bk.retention_plan(session, world.actors["deputy"])


@pytest.fixture
def loose_umask() -> Any:
    """The usual umask 022, under which a plain file would be 0644 and a folder 0755."""
    import os

    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_backups_are_private_whatever_the_umask(loose_umask: None, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "live.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    url = f"sqlite+aiosqlite:///{db}"
    existing = tmp_path / "usb"
    existing.mkdir(mode=0o755)
    run = bk.scheduled_backup(url, tmp_path / "main" / "nightly", mirrors=[existing])
    assert _mode(run.path) == 0o600
    assert _mode(run.path.parent) == 0o700
    assert [_mode(p) for p in run.copies] == [0o600]
    assert _mode(existing) == 0o700
    restored = tmp_path / "restored" / "db.sqlite3"
    bk.restore(f"sqlite+aiosqlite:///{restored}", run.path)
    assert _mode(restored) == 0o600 and _mode(restored.parent) == 0o700


async def test_sqlite_database_is_private_whatever_the_umask(
    loose_umask: None, tmp_path: Path
) -> None:
    path = tmp_path / "data" / "school.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            wal = path.with_name(path.name + "-wal")
            assert wal.exists()
            assert _mode(wal) == 0o600
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
    finally:
        await engine.dispose()
    # A database left world-readable by an older version is tightened when opened.
    path.chmod(0o644)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    assert _mode(path) == 0o600
