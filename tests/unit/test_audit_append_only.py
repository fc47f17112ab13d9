"""The audit log is append-only in the database, and who acted is kept in the row.

Every test runs on SQLite and on PostgreSQL (migrated to the newest revision): the triggers
refuse UPDATE and DELETE of an audit row from any client, the ORM or plain SQL; deleting an
account leaves its rows and their snapshot as they were; a school with audit history cannot
be deleted.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Executable

from services import audit
from services.enums import WorkKind
from services.marks import marking
from services.models import Account, AuditEntry, School
from services.people.office_actor import cli_actor
from services.school import audit_trail
from tests.factories import NOW, SchoolWorld, build_school


async def _mark_entry(session: AsyncSession, world: SchoolWorld) -> AuditEntry:
    teacher, student, lesson = world.actors["teacher"], world.students[0], world.lesson_today
    await marking.put_mark(session, teacher, lesson.id, student.id, 4, WorkKind.ANSWER, now=NOW)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "mark.create"))
    assert entry is not None
    return entry


async def _marked_world(
    session_factory: async_sessionmaker[AsyncSession],
) -> tuple[SchoolWorld, int]:
    """The factories' school after one mark, and the id of the mark's audit entry."""
    async with session_factory() as s:
        world = await build_school(s)
        return world, (await _mark_entry(s, world)).id


def _refused(exc: pytest.ExceptionInfo[DBAPIError]) -> None:
    assert "append-only" in str(exc.value)


async def test_update_and_delete_of_an_audit_row_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, entry_id = await _marked_world(session_factory)
    statements: list[Executable] = [
        update(AuditEntry).where(AuditEntry.id == entry_id).values(reason="rewritten"),
        update(AuditEntry).values(actor_account_id=None),
        delete(AuditEntry).where(AuditEntry.id == entry_id),
        delete(AuditEntry),
        text("UPDATE audit_log SET after = NULL"),
        text("DELETE FROM audit_log"),
    ]
    for statement in statements:
        async with session_factory() as s:
            with pytest.raises(DBAPIError) as exc:
                await s.execute(statement)
                await s.commit()
            _refused(exc)

    # Through the ORM's unit of work too: the row changed, then the row deleted.
    async def forge(s: AsyncSession, entry: AuditEntry) -> None:
        entry.action = "mark.forged"

    async def remove(s: AsyncSession, entry: AuditEntry) -> None:
        await s.delete(entry)

    for change in (forge, remove):
        async with session_factory() as s:
            entry = await s.get(AuditEntry, entry_id)
            assert entry is not None
            await change(s, entry)
            with pytest.raises(DBAPIError) as exc:
                await s.commit()
            _refused(exc)
    async with session_factory() as s:
        kept = await s.get(AuditEntry, entry_id)
        assert kept is not None
        assert (kept.action, kept.reason, kept.after is not None) == ("mark.create", None, True)


async def test_the_row_keeps_who_acted(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as s:
        world = await build_school(s)
        entry = await _mark_entry(s, world)
        teacher = world.actors["teacher"]
        login = await s.scalar(select(Account.login).where(Account.id == teacher.account_id))
        assert entry.actor_account_id == teacher.account_id
        assert entry.actor_name == teacher.display_name == "Иван Учителев"
        assert entry.actor_roles == "teacher"
        assert entry.actor_login == login is not None
        # The command line has no account: its name and roles, no login.
        cli = await cli_actor(s, world.school.code)
        row = audit.record(s, actor=cli, action="test.cli", entity="school")
        await s.commit()
        assert (row.actor_account_id, row.actor_name, row.actor_roles, row.actor_login) == (
            None,
            "CLI",
            "admin",
            None,
        )
        assert row.source == "cli"


async def test_deleting_an_account_leaves_the_history_as_it_was(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as s:
        world = await build_school(s)
        parent = world.actors["parent"]
        audit.record(
            s,
            actor=parent,
            action="prefs.update",
            entity="person",
            entity_id=1,
            student_id=world.students[0].id,
        )
        await s.commit()
        login = await s.scalar(select(Account.login).where(Account.id == parent.account_id))
    async with session_factory() as s:
        await s.execute(delete(Account).where(Account.id == parent.account_id))
        await s.commit()
    async with session_factory() as s:
        assert await s.get(Account, parent.account_id) is None
        row = await s.scalar(select(AuditEntry).where(AuditEntry.action == "prefs.update"))
        assert row is not None
        assert row.actor_account_id == parent.account_id
        assert row.actor_label == f"account:{parent.account_id}"
        assert (row.actor_name, row.actor_roles, row.actor_login) == (
            "Елена Иванова",
            "parent",
            login,
        )
        # The office's audit screen names the actor from the snapshot.
        _, rows = await audit_trail.student_audit(s, world.actors["admin"], world.students[0].id)
        assert [r.who for r in rows if r.action == "prefs.update"] == ["Елена Иванова"]


async def test_a_school_with_audit_history_cannot_be_deleted(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    world, entry_id = await _marked_world(session_factory)
    async with session_factory() as s:
        with pytest.raises(DBAPIError):
            await s.execute(delete(School).where(School.id == world.school.id))
            await s.commit()
    async with session_factory() as s:
        assert await s.get(School, world.school.id) is not None
        kept = await s.get(AuditEntry, entry_id)
        assert kept is not None and kept.school_id == world.school.id


@pytest.mark.committed
async def test_postgres_deliberate_purge_deletes_but_never_updates(
    session_factory: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    """The one documented way to remove audit rows on PostgreSQL (services/audit.py)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the session setting is PostgreSQL's; SQLite drops the trigger by hand")
    world, entry_id = await _marked_world(session_factory)
    async with session_factory() as s:
        audit.record(s, actor=world.actors["teacher"], action="test.other", entity="lesson")
        await s.commit()
    async with session_factory() as s:
        await s.execute(text("SET LOCAL schoolbot.audit_purge = 'on'"))
        with pytest.raises(DBAPIError) as exc:
            await s.execute(update(AuditEntry).values(reason="rewritten"))
        _refused(exc)
    async with session_factory() as s:
        await s.execute(text("SET LOCAL schoolbot.audit_purge = 'on'"))
        await s.execute(delete(AuditEntry).where(AuditEntry.id == entry_id))
        await s.commit()
    async with session_factory() as s:
        assert await s.get(AuditEntry, entry_id) is None
        # The setting ended with its transaction: the next DELETE is refused again.
        with pytest.raises(DBAPIError) as exc:
            await s.execute(delete(AuditEntry))
        _refused(exc)
