"""Every foreign key has an index leading with its column(s): in the models and in the
migrated database, on both backends.

Without one, deleting (or re-keying) a referred row scans the referencing table: deleting 100
outbox rows out of a million took 15.8 s while ``outbox.merged_into_id`` had no index. A
school-scoped reference ``(x_id, school_id) -> x(id, school_id)`` is served by an index leading
with ``x_id`` (ids are unique), so ``school_id`` may be left out of the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.engine import Connection

from services.db import make_engine
from services.models import Base
from services.tools.migrate import upgrade
from tests.conftest import BACKENDS, pg_create_database, pg_drop_database

Key = tuple[str, tuple[str, ...], str]  # (table, columns, referred table)


def _needed(columns: Iterable[str]) -> list[str]:
    cols = list(columns)
    return [c for c in cols if c != "school_id"] or cols


def _covered(needed: list[str], leading: Iterable[list[str]]) -> bool:
    return any(set(cols[: len(needed)]) == set(needed) for cols in leading)


def unindexed_in_metadata(metadata: MetaData) -> list[Key]:
    """Foreign keys of the models with no index, unique constraint or primary key leading
    with their column(s)."""
    out: list[Key] = []
    for table in metadata.sorted_tables:
        leading = [[c.name for c in ix.columns] for ix in table.indexes]
        leading += [
            [c.name for c in con.columns]
            for con in table.constraints
            if isinstance(con, UniqueConstraint | PrimaryKeyConstraint)
        ]
        for fk in table.foreign_key_constraints:
            cols = [c.name for c in fk.columns]
            if not _covered(_needed(cols), leading):
                out.append((table.name, tuple(cols), fk.referred_table.name))
    return sorted(out)


def unindexed_in_database(conn: Connection) -> list[Key]:
    insp = inspect(conn)
    out: list[Key] = []
    for name in insp.get_table_names():
        leading = [[c for c in ix["column_names"] if c] for ix in insp.get_indexes(name)]
        leading += [list(u["column_names"]) for u in insp.get_unique_constraints(name)]
        leading.append(list(insp.get_pk_constraint(name)["constrained_columns"]))
        for fk in insp.get_foreign_keys(name):
            cols = list(fk["constrained_columns"])
            if not _covered(_needed(cols), leading):
                out.append((name, tuple(cols), fk["referred_table"]))
    return sorted(out)


def test_the_check_finds_an_unindexed_reference() -> None:
    md = MetaData()
    Table("parent", md, Column("id", Integer, primary_key=True))
    child = Table(
        "child",
        md,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parent.id")),
        Column("other_id", ForeignKey("parent.id")),
    )
    assert unindexed_in_metadata(md) == [
        ("child", ("other_id",), "parent"),
        ("child", ("parent_id",), "parent"),
    ]
    Index("ix_child_parent_id_id", child.c.parent_id, child.c.id)
    Index("ix_child_id_other_id", child.c.id, child.c.other_id)  # not leading: no help
    assert unindexed_in_metadata(md) == [("child", ("other_id",), "parent")]


def test_every_foreign_key_of_the_models_has_an_index() -> None:
    assert unindexed_in_metadata(Base.metadata) == []


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fk.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")
    url = pg_create_database("schoolbot_fkix")
    try:
        yield url
    finally:
        pg_drop_database(url)


async def test_every_foreign_key_of_the_migrated_database_has_an_index(
    migrated_url: str,
) -> None:
    engine = make_engine(migrated_url, pool=False)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(unindexed_in_database) == []
    finally:
        await engine.dispose()
