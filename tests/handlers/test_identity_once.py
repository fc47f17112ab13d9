"""Identity, school and chat context are read once per update: SQL statements of one /diary
counted (a count, not a time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiogram import Dispatcher
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from services.enums import Messenger, Role
from services.people import context
from services.people.identity import Actor, resolve_actor
from testkit.recording import RecordingBot, make_message_update
from tests.family.conftest import PARENT, TEACHER, Family, family_world  # noqa: F401
from tests.handlers.conftest import dp  # noqa: F401

# Before identity, school and chat context were read once: 23 statements for this /diary
# (3 for the identity, the chat context twice at 4 each, the school 4 times).
DIARY_STATEMENTS_AT_MOST = 14
# services.people.context.family_students
FAMILY_STUDENTS = "SELECT persons.id, persons.last_name, persons.first_name, classes.name FROM"


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def update_statements(
    dispatcher: Dispatcher, bot: RecordingBot, engine: AsyncEngine, user_id: int, text: str
) -> list[str]:
    """The statements run while the dispatcher handles one message of ``user_id``."""
    with statements(engine) as sql:
        await dispatcher.feed_update(bot, make_message_update(user_id, text))
    return sql


def _reading(sql: list[str], table: str) -> list[str]:
    """Statements that read ``table`` as their first FROM."""
    return [s for s in sql if f"{s} ".partition(" FROM ")[2].startswith(f"{table} ")]


@pytest.fixture
async def diary_statements(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    engine: AsyncEngine,
    family_world: Family,  # noqa: F811
) -> list[str]:
    """The statements of a parent's /diary, once its child's diary is shown."""
    sql = await update_statements(dp, bot, engine, PARENT, "/diary")
    assert "Иванов Пётр" in bot.session.sent_texts(PARENT)[0]
    return sql


async def test_diary_reads_identity_school_and_context_once(diary_statements: list[str]) -> None:
    sql = diary_statements
    identity = [s for s in sql if " accounts" in s]
    assert len(identity) == 1  # binding, account, person, school and roles in one statement
    assert _reading(sql, "schools") == []  # the school came with the identity
    assert len(_reading(sql, "messenger_bindings")) == 1  # the chat's context, once
    children = [s for s in sql if s.startswith(FAMILY_STUDENTS)]
    assert len(children) == 1  # the family's students with names and classes, once
    assert len(sql) <= DIARY_STATEMENTS_AT_MOST, sql


async def test_today_reads_identity_in_one_statement(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    engine: AsyncEngine,
    family_world: Family,  # noqa: F811
) -> None:
    sql = await update_statements(dp, bot, engine, TEACHER, "/today")
    assert bot.session.sent_texts(TEACHER)
    assert len([s for s in sql if " accounts" in s]) == 1
    assert _reading(sql, "schools") == []
    assert _reading(sql, "role_grants") == []


async def test_context_is_read_again_after_a_change(
    engine: AsyncEngine,
    family_world: Family,  # noqa: F811
) -> None:
    world = family_world.world
    async with family_world.session_factory() as session:
        teacher = await resolve_actor(session, Messenger.TELEGRAM, str(TEACHER))
        assert isinstance(teacher, Actor) and teacher.person_id == world.teacher.id
        parent2 = world.actors["parent2"]
        with statements(engine) as sql:
            first = await context.chat_context(session, parent2)
            again = await context.chat_context(session, parent2)
            students = await context.family_students(session, parent2)
        assert again is first and len(sql) == 2  # the binding, the students
        assert [s.id for s in students] == [s.id for s in first.students]
        assert len(first.students) == 2
        other = next(s for s in first.students if s != first.student)
        changed = await context.set_student(session, parent2, other.id)
        assert changed.student == other  # not the remembered context
        assert (await context.chat_context(session, parent2)).student == other
        assert first.role == Role.PARENT
