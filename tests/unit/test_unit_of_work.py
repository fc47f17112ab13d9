"""The use cases' unit of work on a real database (SQLite and PostgreSQL): one commit at the end,
nothing half-written when the use case fails after it wrote."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import AttendanceCode, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.marks import lesson_record, marking
from services.models import AuditEntry, Mark, OutboxMessage
from services.notifications import outbox
from services.unit_of_work import UnitOfWork, clean_text
from tests.factories import NOW, SchoolWorld, build_school


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def count(session: AsyncSession, model: type, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def written(session: AsyncSession, lesson_id: int) -> tuple[int, int, int]:
    """Marks of the lesson, mark audit entries, mark alerts."""
    return (
        await count(session, Mark, Mark.lesson_id == lesson_id),
        await count(session, AuditEntry, AuditEntry.action == "mark.create"),
        await count(session, OutboxMessage, OutboxMessage.kind == "mark.new"),
    )


async def test_a_use_case_failing_after_its_changes_leaves_nothing(
    session: AsyncSession, world: SchoolWorld
) -> None:
    """A whole lesson's entry writes the mark, its audit entry and the family's alerts, then
    the absence of a student not on the lesson is refused: none of it stays."""
    lesson = world.lesson_today
    with pytest.raises(AccessDenied):
        await lesson_record.record_lesson(
            session,
            world.actors["teacher"],
            lesson.id,
            [(world.students[0].id, 5, WorkKind.ANSWER)],
            absences={world.other_student.id: AttendanceCode.ABSENT},
            now=NOW,
        )
    assert await written(session, lesson.id) == (0, 0, 0)
    # The same entry without the stranger is written whole: the counts above could be other.
    await lesson_record.record_lesson(
        session,
        world.actors["teacher"],
        lesson.id,
        [(world.students[0].id, 5, WorkKind.ANSWER)],
        absences={world.students[1].id: AttendanceCode.ABSENT},
        now=NOW,
    )
    assert not session.in_transaction()
    # The parent and the trusted person (allowed marks) are told of the mark.
    assert await written(session, lesson.id) == (1, 1, 2)


async def test_the_unit_rolls_back_rows_audit_and_outbox_on_an_error(
    session: AsyncSession, world: SchoolWorld
) -> None:
    actor = world.actors["teacher"]
    student = world.students[0].id

    async def body(uow: UnitOfWork) -> None:
        mark = Mark(
            school_id=world.school.id,
            lesson_id=world.lesson_today.id,
            student_id=student,
            value=4,
            work_kind=WorkKind.ANSWER,
            weight=1,
            created_at=uow.now,
            created_by_id=uow.actor.account_id,
        )
        uow.session.add(mark)
        await uow.session.flush()
        entry = await uow.recorded(action="mark.create", entity="mark", entity_id=mark.id)
        await outbox.enqueue(
            uow.session,
            school_id=world.school.id,
            recipient_person_id=world.parent.id,
            kind="mark.new",
            dedup_key=f"test:{entry.id}",
            payload={},
            not_before=uow.now,
        )

    with pytest.raises(RuntimeError):
        async with UnitOfWork(session, actor, NOW) as uow:
            await body(uow)
            assert uow.changed and len(uow.entries) == 1
            raise RuntimeError("after the changes")
    assert await written(session, world.lesson_today.id) == (0, 0, 0)

    async with UnitOfWork(session, actor, NOW) as uow:
        await body(uow)
    assert not session.in_transaction()
    assert await written(session, world.lesson_today.id) == (1, 1, 1)


async def test_a_refusal_before_any_write_rolls_nothing_back(
    session: AsyncSession, world: SchoolWorld
) -> None:
    """A check that fails before the use case wrote leaves the session as it was: the
    caller's objects stay loaded (not expired by a rollback) and its transaction open."""
    with pytest.raises(ValidationFailed):
        await marking.put_mark(
            session,
            world.actors["teacher"],
            world.lesson_future.id,
            world.students[0].id,
            5,
            WorkKind.ANSWER,
            now=NOW,
        )
    assert session.in_transaction()
    assert world.lesson_today.date is not None  # no reload: a lazy load would fail here
    assert await written(session, world.lesson_future.id) == (0, 0, 0)


async def test_a_unit_that_only_read_does_not_commit(
    session: AsyncSession, world: SchoolWorld
) -> None:
    async with UnitOfWork(session, world.actors["teacher"], NOW) as uow:
        await uow.session.get(Mark, 1)
        assert not uow.changed
    assert session.in_transaction()
    async with UnitOfWork(session, world.actors["teacher"], NOW) as uow:
        uow.record(action="test.read", entity="lesson")
        assert uow.changed
    assert not session.in_transaction()


def test_clean_text() -> None:
    assert clean_text(None, 5, "note") is None
    assert clean_text("  ", 5, "note") is None
    assert clean_text(" ab ", 5, "note") == "ab"
    with pytest.raises(ValidationFailed) as err:
        clean_text("abcdef", 5, "note")
    assert err.value.code == "error.too_long"
