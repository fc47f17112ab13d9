"""Data safety: backups, restore, rotation, and retention (seed 002 §5.1.7, §6.1, §6.5;
seed 003 §7.4).

- PostgreSQL: ``pg_dump -Fc`` / ``pg_restore --clean --if-exists --single-transaction``
  (the client tools must be installed, ideally of the server's major version).
- SQLite: the sqlite3 online backup API, consistent while the bot keeps writing.
- Files are named ``schoolbot-<db>-YYYYMMDD-HHMMSS.(dump|sqlite3)``, written to a temporary
  name and renamed, so a half-written file never looks like a backup.
- A backup holds every child's data: files are 0600 and their directories 0700 whatever the
  umask (``services.private_files``).
- Rotation keeps the newest backup of each of the last N days and M ISO weeks.
- ``scheduled_backup`` makes a backup, copies it to further directories (another disk, a
  mounted share: "more than one medium") and rotates each; the scheduler calls
  ``run_scheduled_backup`` (async).
- Retention: journals of archived years are purged 5 years after the year's end; summary data
  (period, year and final marks, classes, enrolments) are kept 25 years, then the year goes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.models import (
    ControlWork,
    FamilyThread,
    FinalMark,
    JournalCheck,
    Lesson,
    PlanItem,
    School,
    SchoolClass,
    SchoolYear,
    TimetableEntry,
)
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.private_files import private_dir, private_file, restrict
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

JOURNAL_YEARS = 5
SUMMARY_YEARS = 25
DEFAULT_KEEP_DAILY = 7
DEFAULT_KEEP_WEEKLY = 5
NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<ts>\d{8}-\d{6})\.(?P<ext>dump|sqlite3)$")


class BackupError(Exception):
    """A backup or restore could not be made; the message says why and what to do."""


# --------------------------------------------------------------------------- helpers


def _url(database_url: str) -> URL:
    return make_url(database_url)


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database).expanduser()


def _stem(url: URL) -> str:
    name = Path(url.database or "db").stem if _is_sqlite(url) else (url.database or "db")
    return "schoolbot-" + (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "db")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools "
            f"(Debian/Ubuntu: apt-get install postgresql-client) of the server's major version"
        )
    return path


def _pg_connection(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else proc.returncode}")


def backup_time(path: Path) -> dt.datetime | None:
    m = NAME_RE.match(path.name)
    if not m:
        return None
    return dt.datetime.strptime(m.group("ts"), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)


def list_backups(directory: Path) -> list[Path]:
    """Backups in a directory, newest first."""
    if not directory.is_dir():
        return []
    found = [(backup_time(p), p) for p in directory.iterdir() if p.is_file()]
    dated = [(t, p) for t, p in found if t is not None]
    return [p for _, p in sorted(dated, key=lambda tp: (tp[0], tp[1].name), reverse=True)]


# --------------------------------------------------------------------------- backup, restore


def backup(database_url: str, directory: Path | str, *, now: dt.datetime | None = None) -> Path:
    """Back the database up into ``directory``; returns the file."""
    url = _url(database_url)
    directory = private_dir(directory, tighten_existing=True)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    ext = "sqlite3" if _is_sqlite(url) else "dump"
    target = directory / f"{_stem(url)}-{stamp}.{ext}"
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        # Created 0600 before anything is written into it (pg_dump and SQLite keep the mode).
        private_file(tmp)
        if _is_sqlite(url):
            source = _sqlite_path(url)
            if not source.exists():
                raise BackupError(f"SQLite database {source} does not exist")
            src = sqlite3.connect(str(source), timeout=30)
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                ok = dst.execute("PRAGMA quick_check").fetchone()
                if not ok or ok[0] != "ok":
                    raise BackupError(f"the backup copy failed its check: {ok}")
            finally:
                dst.close()
                src.close()
        else:
            args, env = _pg_connection(url)
            cmd = [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(tmp)]
            _run([*cmd, *args, url.database or "postgres"], env, "pg_dump")
        restrict(tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("backup written", extra={"path": str(target), "bytes": target.stat().st_size})
    return target


def restore(database_url: str, path: Path | str) -> None:
    """Replace the database's content with a backup made by :func:`backup`.

    SQLite: copied in with the online backup API (other connections wait). PostgreSQL:
    ``pg_restore --clean --if-exists --single-transaction`` (all or nothing). Stop the bot
    first on PostgreSQL: its open connections would keep prepared statements of old tables.
    """
    url = _url(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"backup file {path} does not exist")
    if _is_sqlite(url):
        if path.suffix != ".sqlite3" and not _looks_sqlite(path):
            raise BackupError(f"{path} is not an SQLite backup")
        target = _sqlite_path(url)
        private_dir(target.parent)
        private_file(target)
        src = sqlite3.connect(str(path))
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        if _looks_sqlite(path):
            raise BackupError(f"{path} is an SQLite backup, not a PostgreSQL dump")
        args, env = _pg_connection(url)
        cmd = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "-d",
            url.database or "postgres",
        ]
        _run([*cmd, *args, str(path)], env, "pg_restore")
    log.info("backup restored", extra={"path": str(path)})


def _looks_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


# --------------------------------------------------------------------------- rotation


def rotate(
    directory: Path | str,
    *,
    keep_daily: int = DEFAULT_KEEP_DAILY,
    keep_weekly: int = DEFAULT_KEEP_WEEKLY,
) -> list[Path]:
    """Delete old backups; keep the newest of each of the last ``keep_daily`` days and of each
    of the last ``keep_weekly`` ISO weeks (the newest backup is always kept). Returns the
    deleted files."""
    files = list_backups(Path(directory))
    keep: set[Path] = set(files[:1])
    days: dict[dt.date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    for p in files:  # newest first: the first seen of a day / week is its newest
        t = backup_time(p)
        assert t is not None
        days.setdefault(t.date(), p)
        iso = t.isocalendar()
        weeks.setdefault((iso[0], iso[1]), p)
    keep.update(list(days.values())[:keep_daily])
    keep.update(list(weeks.values())[:keep_weekly])
    removed = []
    for p in files:
        if p not in keep:
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


@dataclass
class BackupRun:
    path: Path
    copies: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def scheduled_backup(
    database_url: str,
    directory: Path | str,
    *,
    mirrors: Sequence[Path | str] = (),
    keep_daily: int = DEFAULT_KEEP_DAILY,
    keep_weekly: int = DEFAULT_KEEP_WEEKLY,
    now: dt.datetime | None = None,
) -> BackupRun:
    """A backup, its copies in ``mirrors`` (other media), and rotation of every directory."""
    path = backup(database_url, directory, now=now)
    run = BackupRun(path)
    for mirror in mirrors:
        mirror = Path(mirror)
        try:
            private_dir(mirror, tighten_existing=True)
            tmp = mirror / (path.name + ".part")
            tmp.unlink(missing_ok=True)
            private_file(tmp)
            shutil.copyfile(path, tmp)
            shutil.copystat(path, tmp)
            restrict(tmp)
            tmp.replace(mirror / path.name)
            run.copies.append(mirror / path.name)
        except OSError as exc:  # one unavailable medium must not lose the others
            log.error("backup copy failed", extra={"mirror": str(mirror), "error": str(exc)})
    for d in [Path(directory), *(Path(m) for m in mirrors)]:
        run.removed += rotate(d, keep_daily=keep_daily, keep_weekly=keep_weekly)
    return run


async def run_scheduled_backup(
    database_url: str,
    directory: Path | str,
    *,
    mirrors: Sequence[Path | str] = (),
    keep_daily: int = DEFAULT_KEEP_DAILY,
    keep_weekly: int = DEFAULT_KEEP_WEEKLY,
) -> BackupRun:
    """For the scheduler: the same in a worker thread, so the event loop keeps serving."""
    return await asyncio.to_thread(
        scheduled_backup,
        database_url,
        directory,
        mirrors=mirrors,
        keep_daily=keep_daily,
        keep_weekly=keep_weekly,
    )


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class RetentionItem:
    year_id: int
    year: str
    ends_on: dt.date
    # "journal": lessons and their record purged, summary kept; "year": everything of the year.
    action: str
    lessons: int
    final_marks: int


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def retention_plan(
    session: AsyncSession, actor: Actor, *, today: dt.date | None = None
) -> list[RetentionItem]:
    """What is past retention (seed 003 §7.4). Only archived years are ever purged; a year's
    journal goes 5 years after its end, its summary data 25 years after."""
    ensure_admin(actor, "retention")
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = today or school_today(school)
    journal_limit = _years_before(today, JOURNAL_YEARS)
    summary_limit = _years_before(today, SUMMARY_YEARS)
    years = (
        await session.scalars(
            select(SchoolYear)
            .where(
                SchoolYear.school_id == actor.school_id,
                SchoolYear.archived_at.is_not(None),
                SchoolYear.ends_on < journal_limit,
            )
            .order_by(SchoolYear.starts_on)
        )
    ).all()
    out = []
    for y in years:
        class_ids = select(SchoolClass.id).where(SchoolClass.year_id == y.id)
        lessons = await session.scalar(
            select(func.count()).select_from(Lesson).where(Lesson.class_id.in_(class_ids))
        )
        finals = await session.scalar(
            select(func.count()).select_from(FinalMark).where(FinalMark.year_id == y.id)
        )
        action = "year" if y.ends_on < summary_limit else "journal"
        if action == "journal" and not lessons:
            continue
        out.append(RetentionItem(y.id, y.name, y.ends_on, action, lessons or 0, finals or 0))
    return out


async def purge_expired(
    session: AsyncSession, actor: Actor, *, today: dt.date | None = None, dry_run: bool = False
) -> list[RetentionItem]:
    """Purge what :func:`retention_plan` lists; one transaction, audited."""
    plan = await retention_plan(session, actor, today=today)
    if dry_run or not plan:
        return plan
    async with UnitOfWork(session, actor) as uow:
        for item in plan:
            if item.action == "year":
                await session.execute(delete(SchoolYear).where(SchoolYear.id == item.year_id))
            else:
                class_ids = select(SchoolClass.id).where(SchoolClass.year_id == item.year_id)
                # Marks, attendance, homework and substitutions go with their lessons (cascade);
                # family messages with their threads, as long as the journal (docs/messages.md).
                for model in (Lesson, PlanItem, ControlWork, JournalCheck, FamilyThread):
                    await session.execute(delete(model).where(model.class_id.in_(class_ids)))
                await session.execute(
                    delete(TimetableEntry).where(TimetableEntry.year_id == item.year_id)
                )
            uow.record(
                action=f"retention.purge_{item.action}",
                entity="school_year",
                entity_id=item.year_id,
                before={
                    "year": item.year,
                    "lessons": item.lessons,
                    "final_marks": item.final_marks,
                },
            )
    return plan
