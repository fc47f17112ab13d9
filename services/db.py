"""Engine and session factory for SQLite and PostgreSQL (async)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from services.private_files import private_dir, private_file, restrict

SQLITE_BUSY_TIMEOUT_MS = 30_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if str(parsed.database).startswith("file:"):  # a URI: SQLite opens it by itself
        return None
    return Path(str(parsed.database)).expanduser()


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of an SQLite file so that a fresh checkout can start at once.

    The database holds every child's data: a folder created here is 0700, and the file is
    created 0600 before SQLite opens it (SQLite gives its -wal, -shm and -journal files the
    database file's mode); an existing file and its side files lose group and other access.
    """
    path = _sqlite_file(url)
    if path is None:
        return
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        restrict(path.with_name(path.name + suffix))


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Enforce foreign keys (off by default in SQLite), wait for writers instead of failing,
    # and let readers go on while one writer writes.
    # SQLite's own lower() and upper() know only ASCII; names here are Cyrillic.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    dbapi_connection.create_function("upper", 1, _upper, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# aiosqlite logs every statement with its values at DEBUG: children's names, phones and
# e-mails. Its log stays at INFO even when the bot logs DEBUG.
DRIVER_LOGGERS = ("aiosqlite",)


def _quiet_driver_logs() -> None:
    for name in DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def make_engine(url: str, *, echo: bool = False, pool: bool = True) -> AsyncEngine:
    _quiet_driver_logs()
    # hide_parameters: a database error's text (logged, shown) never carries the statement's
    # values, which are children's names, phones and e-mails.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    if not pool:
        kwargs["poolclass"] = NullPool
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
