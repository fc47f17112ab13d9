"""A lesson's details: "no homework" counted as filled, the kind of work, the school's weights
of marks per kind of work, a mark's weight and comment, and topics from the plan by hours."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import jobs
from services.enums import DEFAULT_WEIGHTS, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.homework import assignments, lesson_details, topics
from services.marks import lesson_record, marking, weights
from services.models import AuditEntry, Lesson, Mark, PlanItem
from services.timetable import journal_control
from tests.factories import NOW, TODAY, SchoolWorld


async def _audit(session: AsyncSession, action: str) -> list[AuditEntry]:
    return list(
        (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        ).all()
    )


async def _missing(session: AsyncSession, world: SchoolWorld, lesson_id: int) -> set[str]:
    """What the deputy's control and the evening reminder both say the lesson lacks."""
    control = await journal_control.unfilled_lessons(
        session, world.actors["deputy"], TODAY, TODAY, today=TODAY
    )
    seen = {
        m
        for t in control
        for lesson in t.lessons
        if lesson.lesson_id == lesson_id
        for m in lesson.missing
    }
    reminded = await jobs.unfilled_lessons(session, [world.school.id], TODAY)
    also = {
        m for u in reminded.get(world.school.id, []) if u.lesson_id == lesson_id for m in u.missing
    }
    assert seen == also
    return seen


async def test_no_homework_counts_as_filled_until_homework_replaces_it(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    lid = world.lesson_today.id
    assert "homework" in await _missing(session, world, lid)
    lesson = await lesson_details.set_no_homework(session, teacher, lid, now=NOW)
    assert lesson.no_homework is True
    assert "homework" not in await _missing(session, world, lid)
    [entry] = await _audit(session, lesson_details.NO_HOMEWORK)
    assert entry.before == {"no_homework": False} and entry.after == {"no_homework": True}
    assert entry.actor_account_id == teacher.account_id
    # Again: nothing changes, nothing recorded.
    await lesson_details.set_no_homework(session, teacher, lid, now=NOW)
    assert len(await _audit(session, lesson_details.NO_HOMEWORK)) == 1
    # Homework for the class set afterwards replaces the choice.
    await assignments.set_homework(session, teacher, lid, "§5, № 3", now=NOW)
    stored = await session.get(Lesson, lid)
    assert stored is not None
    await session.refresh(stored)
    assert stored.no_homework is False
    assert "homework" not in await _missing(session, world, lid)
    # With homework set, "no homework" contradicts it.
    with pytest.raises(ValidationFailed) as refused:
        await lesson_details.set_no_homework(session, teacher, lid, now=NOW)
    assert refused.value.code == "details.no_homework_but_set"


async def test_no_homework_is_taken_back_and_refused_where_it_does_not_apply(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    lid = world.lesson_today.id
    await lesson_details.set_no_homework(session, teacher, lid, now=NOW)
    lesson = await lesson_details.set_no_homework(session, teacher, lid, False, now=NOW)
    assert lesson.no_homework is False
    assert "homework" in await _missing(session, world, lid)
    with pytest.raises(ValidationFailed) as first:
        await lesson_details.set_no_homework(
            session, world.actors["first_teacher"], world.lesson_first.id, now=NOW
        )
    assert first.value.code == "journal.first_grade_no_homework"
    with pytest.raises(AccessDenied):
        await lesson_details.set_no_homework(session, world.actors["colleague"], lid, now=NOW)
    with pytest.raises(ValidationFailed):  # a locked lesson (9 days ago)
        await lesson_details.set_no_homework(session, teacher, world.lesson_old.id, now=NOW)


async def test_the_lessons_kind_of_work_is_set_audited_and_cleared(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    lid = world.lesson_today.id
    lesson = await lesson_details.set_work_kind(session, teacher, lid, WorkKind.CONTROL, now=NOW)
    assert lesson.work_kind == WorkKind.CONTROL
    await lesson_details.set_work_kind(session, teacher, lid, None, now=NOW)
    entries = await _audit(session, lesson_details.WORK_KIND)
    assert [(e.before, e.after) for e in entries] == [
        ({"work_kind": None}, {"work_kind": "control"}),
        ({"work_kind": "control"}, {"work_kind": None}),
    ]
    with pytest.raises(ValidationFailed):
        await lesson_details.set_work_kind(session, teacher, lid, "exam", now=NOW)


async def test_new_marks_weigh_what_the_school_set_for_their_kind(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin, teacher = world.actors["admin"], world.actors["teacher"]
    assert await weights.work_weights(session, admin) == DEFAULT_WEIGHTS
    with pytest.raises(AccessDenied):
        await weights.set_work_weight(session, teacher, WorkKind.CONTROL, 5, now=NOW)
    with pytest.raises(ValidationFailed):
        await weights.set_work_weight(session, admin, WorkKind.CONTROL, 11, now=NOW)
    now_set = await weights.set_work_weight(session, admin, WorkKind.CONTROL, 5, now=NOW)
    assert now_set[WorkKind.CONTROL] == 5 and now_set[WorkKind.ANSWER] == 1
    await weights.set_work_weight(session, admin, WorkKind.CONTROL, 4, now=NOW)
    [first, second] = await _audit(session, weights.SET_WEIGHT)
    assert (first.before, first.after) == (
        {"work_kind": "control", "weight": 3},
        {"work_kind": "control", "weight": 5},
    )
    assert second.after == {"work_kind": "control", "weight": 4}
    s0, s1, s2 = world.students[:3]
    lid = world.lesson_today.id
    by_tap = await marking.put_mark(session, teacher, lid, s0.id, 5, WorkKind.CONTROL, now=NOW)
    chosen = await marking.put_mark(
        session, teacher, lid, s1.id, 4, WorkKind.CONTROL, weight=2, now=NOW
    )
    await lesson_record.record_lesson(
        session, teacher, lid, [(s2.id, 3, WorkKind.CONTROL), (s2.id, 4, WorkKind.TEST)], now=NOW
    )
    assert (by_tap.weight, chosen.weight) == (4, 2)
    quick = (
        await session.execute(
            select(Mark.work_kind, Mark.weight).where(Mark.student_id == s2.id).order_by(Mark.id)
        )
    ).all()
    assert [(WorkKind(k), w) for k, w in quick] == [(WorkKind.CONTROL, 4), (WorkKind.TEST, 2)]
    # Another school's weights are its own.
    assert (await weights.school_weights(session, world.school.id + 1000))[WorkKind.CONTROL] == 3


async def test_a_marks_weight_and_comment_are_set_without_a_reason_and_audited(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    student = world.students[0]
    mark = await marking.put_mark(
        session, teacher, world.lesson_today.id, student.id, 5, WorkKind.ANSWER, now=NOW
    )
    changed = await marking.set_mark_details(
        session, teacher, mark.id, weight=3, comment=" Отличный ответ у доски ", now=NOW
    )
    assert (changed.weight, changed.comment, changed.value) == (3, "Отличный ответ у доски", 5)
    cleared = await marking.set_mark_details(session, teacher, mark.id, comment="", now=NOW)
    assert cleared.comment is None
    entries = await _audit(session, "mark.details")
    assert [(e.before, e.after) for e in entries] == [
        ({"weight": 1, "comment": None}, {"weight": 3, "comment": "Отличный ответ у доски"}),
        ({"weight": 3, "comment": "Отличный ответ у доски"}, {"weight": 3, "comment": None}),
    ]
    assert all(e.student_id == student.id for e in entries)
    with pytest.raises(ValidationFailed):
        await marking.set_mark_details(session, teacher, mark.id, weight=0, now=NOW)
    with pytest.raises(ValidationFailed):
        await marking.set_mark_details(session, teacher, mark.id, comment="x" * 501, now=NOW)
    with pytest.raises(AccessDenied):
        await marking.set_mark_details(session, world.actors["colleague"], mark.id, weight=2)


async def test_a_plan_line_of_two_hours_is_offered_until_two_lessons_took_it(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    world.plan_item.hours = 2
    session.add(
        PlanItem(
            school_id=world.school.id,
            class_id=world.cls.id,
            subject_id=world.math.id,
            number=2,
            topic="Системы уравнений",
        )
    )
    await session.commit()

    async def offered() -> list[int]:
        found = await topics.topic_suggestions(session, teacher, world.lesson_today.id)
        return [c.number for c in found]

    assert await offered() == [1, 2]
    world.lesson_future.plan_item_id = world.plan_item.id
    await session.commit()
    assert await offered() == [1, 2]  # one hour of two taken: the line is still next
    session.add(
        Lesson(
            school_id=world.school.id,
            class_id=world.cls.id,
            subject_id=world.math.id,
            teacher_id=world.teacher.id,
            date=TODAY,
            lesson_number=7,
            plan_item_id=world.plan_item.id,
            is_cancelled=True,
        )
    )
    await session.commit()
    assert await offered() == [1, 2]  # a cancelled lesson takes no hour
    world.lesson_old.plan_item_id = world.plan_item.id
    await session.commit()
    assert await offered() == [2]
    # The lesson's own line stays offered to it.
    world.lesson_today.plan_item_id = world.plan_item.id
    await session.commit()
    assert await offered() == [2]
