"""Migrations: every revision goes up, down and up again; the models match the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from services.db import make_engine
from services.models import Base
from services.tools.migrate import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from tests.conftest import BACKENDS, pg_create_database, pg_drop_database

REVISIONS = [
    rev.revision
    for rev in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")  # skips or fails as the other PostgreSQL tests do
    url = pg_create_database("schoolbot_migr")
    try:
        yield url
    finally:
        pg_drop_database(url)


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


async def test_stairway_up_down_up(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url, pool=False)
    try:
        previous = "base"
        for revision in REVISIONS:
            await upgrade(engine, revision)
            assert await current_revision(engine) == revision
            async with engine.connect() as conn:
                tables_up = await conn.run_sync(_tables)
            await downgrade(engine, previous)
            async with engine.connect() as conn:
                if previous == "base":
                    assert await conn.run_sync(_tables) == set()
            await upgrade(engine, revision)
            async with engine.connect() as conn:
                assert await conn.run_sync(_tables) == tables_up
            previous = revision
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_models_match_migrations(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url, pool=False)
    try:
        await upgrade(engine)

        def diff(conn: Connection) -> list[object]:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(ctx, Base.metadata))

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == []
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set(Base.metadata.tables)
    finally:
        await engine.dispose()
