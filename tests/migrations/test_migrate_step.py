"""Migrations as an explicit step: two ``migrate`` at once on PostgreSQL take turns under the
advisory lock; no other command changes a PostgreSQL schema (they refuse to start while it is
behind); the embedded SQLite is still upgraded by the first command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.db import make_engine
from services.tools.migrate import (
    SchemaNotCurrent,
    current_revision,
    head_revision,
    prepare_schema,
    upgrade,
)
from tests.conftest import pg_create_database, pg_drop_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_empty(postgres_url: str) -> Iterator[str]:
    url = pg_create_database("schoolbot_step")
    try:
        yield url
    finally:
        pg_drop_database(url)


async def test_two_migrations_at_once_take_turns(pg_empty: str) -> None:
    engines = [make_engine(pg_empty, pool=False) for _ in range(2)]
    try:
        # Without the lock both create the same tables at once: one fails or both wait on
        # each other (bounded here, so that it fails instead of hanging).
        await asyncio.wait_for(asyncio.gather(*(upgrade(engine) for engine in engines)), 120)
        assert await current_revision(engines[0]) == head_revision()
    finally:
        for engine in engines:
            await engine.dispose()


async def test_postgresql_is_only_checked_sqlite_is_upgraded(pg_empty: str, tmp_path: Path) -> None:
    engine = make_engine(pg_empty, pool=False)
    try:
        with pytest.raises(SchemaNotCurrent) as caught:
            await prepare_schema(engine)
        assert caught.value.current is None
        assert caught.value.head == head_revision()
        assert await current_revision(engine) is None  # nothing was created
        await upgrade(engine)
        await prepare_schema(engine)  # at the head: no error
    finally:
        await engine.dispose()
    lite = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'embedded.sqlite3'}", pool=False)
    try:
        await prepare_schema(lite)
        assert await current_revision(lite) == head_revision()
    finally:
        await lite.dispose()


def _bot(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "ru_RU.UTF-8",
        "DATABASE_URL": url,
        "BOT_TOKEN": "123456:AAEhBP0av28ZsU3J8fCf2gAuRhBTQ6Wp9Eo",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # never reached: the schema check comes first
        "LOG_FORMAT": "json",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


def test_commands_refuse_a_schema_behind_and_migrate_fixes_it(pg_empty: str) -> None:
    for command in (["web"], ["worker"], ["demo"]):
        done = _bot(*command, url=pg_empty)
        assert done.returncode == 1, (command, done.stderr)
        assert "python -m bot migrate" in done.stderr, done.stderr
    migrated = _bot("migrate", url=pg_empty)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == head_revision()
