"""Student movement (seed 002 §5.1.9): a departure under an order ends the student's sign-in and
the family's access to that child (their other children stay) and keeps the history; an arrival
links the parents and issues sign-ins; a transfer keeps the family."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.marks import mark_reads, marking
from services.models import Account, AuditEntry, Enrolment, Person, RoleGrant
from services.people import enrolment, policy
from tests.factories import NOW, TODAY, SchoolWorld, bind_chats

LEAVE = TODAY + dt.timedelta(days=1)


async def _blocked(session: AsyncSession, person_id: int) -> bool:
    account = await session.scalar(select(Account).where(Account.person_id == person_id))
    assert account is not None
    return account.is_blocked


async def test_a_student_who_leaves_loses_sign_in_and_the_family_loses_the_child(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bind_chats(session, world, {"parent": 8001, "parent2": 8002, "trusted": 8003})
    admin = world.actors["admin"]
    pyotr = world.students[0]
    departure = await enrolment.leave_school(
        session, admin, pyotr.id, LEAVE, note="переезд", order="№ 45-у от 18.11.2026", now=NOW
    )
    assert departure.enrolment.left_on == LEAVE
    assert departure.enrolment.departure_order == "№ 45-у от 18.11.2026"
    assert departure.guardians_unlinked == 2  # the mother and the grandmother
    # The mother and the grandmother follow no other child: their chats are told.
    assert sorted(b.chat_id for b in departure.ended) == ["8001", "8003"]
    assert await _blocked(session, pyotr.id)
    assert await _blocked(session, world.parent.id)
    for name in ("parent", "trusted"):
        with pytest.raises(AccessDenied):
            await policy.ensure_can_view_student(session, world.actors[name], pyotr.id, "marks")
    # The school keeps the history: the office still reads the student's record.
    await policy.ensure_can_view_student(session, admin, pyotr.id, "marks")
    assert await policy.student_class_ids(session, pyotr.id, TODAY) == [world.cls.id]
    assert await policy.student_class_ids(session, pyotr.id, LEAVE) == []
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "movement.leave"))
    assert entry is not None and entry.before is not None
    assert len(entry.before["guardians"]) == 2

    # A parent with another child keeps that child and the sign-in.
    anna = world.students[1]
    departure = await enrolment.leave_school(session, admin, anna.id, LEAVE, now=NOW)
    assert departure.ended == []
    assert not await _blocked(session, world.parent2.id)
    parent2 = world.actors["parent2"]
    with pytest.raises(AccessDenied):
        await policy.ensure_can_view_student(session, parent2, anna.id, "marks")
    await policy.ensure_can_view_student(session, parent2, world.other_student.id, "marks")


async def test_a_student_who_arrives_is_linked_to_parents_and_given_sign_ins(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bind_chats(session, world, {"parent2": 8002})
    admin = world.actors["admin"]
    newcomer = Person(school_id=world.school.id, last_name="Новикова", first_name="Ира")
    session.add(newcomer)
    await session.flush()
    session.add(RoleGrant(school_id=world.school.id, person_id=newcomer.id, role=Role.STUDENT))
    await session.commit()
    arrival = await enrolment.arrive(
        session,
        admin,
        newcomer.id,
        world.cls.id,
        LEAVE,
        order="№ 46-у",
        guardian_ids=[world.parent2.id],
        issue=True,
        now=NOW,
    )
    assert arrival.enrolment.arrival_order == "№ 46-у"
    # The parent is signed in already: only the student gets a one-time sign-in.
    assert [pid for pid, _ in arrival.issued] == [newcomer.id]
    await policy.ensure_can_view_student(session, world.actors["parent2"], newcomer.id, "marks")
    with pytest.raises(ValidationFailed):
        await enrolment.arrive(
            session, admin, newcomer.id, world.cls.id, TODAY,
            guardian_ids=[world.teacher.id], now=NOW,
        )  # fmt: skip


async def test_a_returning_student_is_opened_again_and_the_parent_relinked(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin, pyotr = world.actors["admin"], world.students[0]
    await enrolment.leave_school(session, admin, pyotr.id, LEAVE, now=NOW)
    back = LEAVE + dt.timedelta(days=7)
    arrival = await enrolment.arrive(
        session, admin, pyotr.id, world.cls.id, back, guardian_ids=[world.parent.id], issue=True
    )
    assert sorted(pid for pid, _ in arrival.issued) == sorted([pyotr.id, world.parent.id])
    assert not await _blocked(session, pyotr.id)
    assert not await _blocked(session, world.parent.id)


async def test_a_transfer_keeps_the_family_and_dates_both_journals(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin, pyotr = world.actors["admin"], world.students[0]
    moved = await enrolment.transfer_student(
        session, admin, pyotr.id, world.other_cls.id, LEAVE, order="№ 47-у", now=NOW
    )
    assert (moved.class_id, moved.arrived_on, moved.arrival_order) == (
        world.other_cls.id,
        LEAVE,
        "№ 47-у",
    )
    stays = (
        await session.scalars(
            select(Enrolment).where(Enrolment.student_id == pyotr.id).order_by(Enrolment.id)
        )
    ).all()
    assert [(e.class_id, e.left_on) for e in stays] == [
        (world.cls.id, LEAVE),
        (world.other_cls.id, None),
    ]
    assert await policy.student_class_ids(session, pyotr.id, TODAY) == [world.cls.id]
    assert await policy.student_class_ids(session, pyotr.id, LEAVE) == [world.other_cls.id]
    await policy.ensure_can_view_student(session, world.actors["parent"], pyotr.id, "marks")
    assert not await _blocked(session, pyotr.id)


async def test_only_the_office_moves_students(session: AsyncSession, world: SchoolWorld) -> None:
    for name in ("director", "deputy", "class_teacher", "teacher", "parent"):
        with pytest.raises(AccessDenied):
            await enrolment.leave_school(
                session, world.actors[name], world.students[0].id, LEAVE, now=NOW
            )
    with pytest.raises(ValidationFailed):
        await enrolment.leave_school(
            session, world.actors["admin"], world.students[0].id, LEAVE, order="x" * 65, now=NOW
        )


async def test_the_period_s_marks_go_with_a_transferred_student(
    session: AsyncSession, world: SchoolWorld
) -> None:
    """A mark in 7А's maths before the transfer counts in 8Б's period mark of maths; 7А's
    sheet of the period still lists the student (enrolled there part of the period)."""
    pyotr = world.students[0]
    await marking.put_mark(
        session, world.actors["teacher"], world.lesson_today.id, pyotr.id, 5, WorkKind.ANSWER,
        now=NOW,
    )  # fmt: skip
    await enrolment.transfer_student(
        session, world.actors["admin"], pyotr.id, world.other_cls.id, LEAVE, now=NOW
    )
    new = await mark_reads.class_suggestions(
        session, world.other_cls, world.math.id, world.q2, world.school
    )
    row = next(r for r in new if r.student_id == pyotr.id)
    assert row.marks_count == 1 and row.weighted_average == 5
    old = await mark_reads.class_suggestions(
        session, world.cls, world.math.id, world.q2, world.school
    )
    assert pyotr.id in [r.student_id for r in old]
