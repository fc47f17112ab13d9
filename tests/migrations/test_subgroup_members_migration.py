"""0012_subgroup_members on SQLite and PostgreSQL: memberships become open stays on the way
up; on the way down the open stays are kept and the closed ones (history) dropped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from services.db import make_engine
from services.tools.migrate import downgrade, upgrade
from tests.conftest import BACKENDS, pg_create_database, pg_drop_database

BEFORE = "0011_outbox_dead_letters"
THIS = "0012_subgroup_members"


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'groups.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")
    url = pg_create_database("schoolbot_groups")
    try:
        yield url
    finally:
        pg_drop_database(url)


SETUP = [
    "INSERT INTO schools (id, code, name, timezone, threshold_3, threshold_4, threshold_5,"
    " edit_window_days, min_marks_for_period, working_weekdays, fill_deadline, created_at,"
    " is_demo, max_marks_per_lesson, minimal_alerts) VALUES (1, 's1', 'S1', 'Europe/Moscow',"
    " 250, 350, 450, 2, 3, '12345', '20:00:00', '2026-09-01 00:00:00', false, 2, false)",
    "INSERT INTO school_years (id, school_id, name, starts_on, ends_on, is_closed)"
    " VALUES (1, 1, '2026/2027', '2026-09-01', '2027-05-31', false)",
    "INSERT INTO classes (id, school_id, year_id, grade, letter, name)"
    " VALUES (1, 1, 1, 7, 'А', '7А')",
    "INSERT INTO subgroups (id, school_id, class_id, name) VALUES (1, 1, 1, 'гр. 1')",
    "INSERT INTO subgroups (id, school_id, class_id, name) VALUES (2, 1, 1, 'гр. 2')",
    "INSERT INTO persons (id, school_id, last_name, first_name, created_at)"
    " VALUES (1, 1, 'A', 'x', '2026-09-01 00:00:00')",
    "INSERT INTO persons (id, school_id, last_name, first_name, created_at)"
    " VALUES (2, 1, 'B', 'y', '2026-09-01 00:00:00')",
]


async def test_memberships_become_stays_and_back(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url, pool=False)
    try:
        await upgrade(engine, BEFORE)
        async with engine.begin() as conn:
            for statement in SETUP:
                await conn.execute(text(statement))
            for group, student in ((1, 1), (1, 2)):
                await conn.execute(
                    text(
                        "INSERT INTO subgroup_members (school_id, subgroup_id, student_id)"
                        f" VALUES (1, {group}, {student})"
                    )
                )
        await upgrade(engine, THIS)
        async with engine.begin() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT subgroup_id, student_id, joined_on, left_on"
                        " FROM subgroup_members ORDER BY student_id"
                    )
                )
            ).all()
            assert [tuple(r) for r in rows] == [(1, 1, None, None), (1, 2, None, None)]
            # Student 2 moves to group 2 on 15 January: one stay closed, one opened.
            await conn.execute(
                text(
                    "UPDATE subgroup_members SET left_on = '2027-01-15'"
                    " WHERE subgroup_id = 1 AND student_id = 2"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO subgroup_members (school_id, subgroup_id, student_id, joined_on)"
                    " VALUES (1, 2, 2, '2027-01-15')"
                )
            )
        await downgrade(engine, BEFORE)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT subgroup_id, student_id FROM subgroup_members ORDER BY student_id")
                )
            ).all()
        assert [tuple(r) for r in rows] == [(1, 1), (2, 2)]
    finally:
        await engine.dispose()
