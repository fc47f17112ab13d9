"""The office's read models on both databases (services.school.office_reads, people.user_cards,
school.audit_trail, notifications.dead_letters, reports.report_choices): the user card, the
audit log of a student and of a lesson (deleted marks included), dead letters, and the choices
of the report screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import OutboxStatus
from services.errors import AccessDenied
from services.models import Mark
from services.notifications import dead_letters
from services.people import user_cards
from services.reports import report_choices
from services.school import audit_trail
from services.timetable import substitutions
from tests.factories import NOW, SchoolWorld, build_school, dead_fan_out, failed_alert


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def _journal(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    lesson = world.lesson_today
    student = world.students[0]
    mark = Mark(
        school_id=world.school.id,
        lesson_id=lesson.id,
        student_id=student.id,
        value=5,
        work_kind="answer",
    )
    session.add(mark)
    await session.flush()
    other_student, other_lesson = world.students[1].id, world.lesson_old.id
    entries: list[dict[str, Any]] = [
        {"action": "mark.create", "entity": "mark", "entity_id": mark.id, "student_id": student.id,
         "after": {"lesson_id": lesson.id, "value": 5}},
        # A mark given and deleted since: found by its creation entry.
        {"action": "mark.create", "entity": "mark", "entity_id": 9999, "student_id": student.id,
         "after": {"lesson_id": lesson.id, "value": 2}},
        {"action": "mark.delete", "entity": "mark", "entity_id": 9999, "student_id": student.id,
         "before": {"lesson_id": lesson.id, "value": 2}, "reason": "ошибка"},
        {"action": "lesson.topic", "entity": "lesson", "entity_id": lesson.id,
         "before": {"topic": None}, "after": {"topic": "Уравнения"}},
        # Another lesson's and another student's entries.
        {"action": "mark.create", "entity": "mark", "entity_id": 8888, "student_id": other_student,
         "after": {"lesson_id": other_lesson, "value": 4}},
    ]  # fmt: skip
    for entry in entries:
        audit.record(session, actor=teacher, **entry)
    await session.commit()


async def test_lesson_and_student_audit(session: AsyncSession, world: SchoolWorld) -> None:
    await _journal(session, world)
    admin = world.actors["admin"]
    title, rows = await audit_trail.lesson_audit(session, admin, world.lesson_today.id)
    assert title.class_name == "7А" and title.subject == "Математика"
    assert sorted(r.action for r in rows) == [
        "lesson.topic",
        "mark.create",
        "mark.create",
        "mark.delete",
    ]
    assert {r.who for r in rows} == {"Учителев Иван"}
    topic = next(r for r in rows if r.action == "lesson.topic")
    assert topic.changes == (("topic", None, "Уравнения"),)
    assert topic.at.tzinfo is not None and topic.at.utcoffset() == dt.timedelta(hours=3)
    deleted = next(r for r in rows if r.action == "mark.delete")
    assert deleted.reason == "ошибка"

    name, rows = await audit_trail.student_audit(session, admin, world.students[0].id)
    assert name.startswith("Иванов Пётр") and len(rows) == 3
    # The deputy reads too; a teacher and a parent do not.
    await audit_trail.student_audit(session, world.actors["deputy"], world.students[0].id)
    for who in ("teacher", "parent", "class_teacher"):
        with pytest.raises(AccessDenied):
            await audit_trail.student_audit(session, world.actors[who], world.students[0].id)
        with pytest.raises(AccessDenied):
            await audit_trail.lesson_audit(session, world.actors[who], world.lesson_today.id)


async def test_another_schools_ids_are_refused(session: AsyncSession, world: SchoolWorld) -> None:
    other = await build_school(session, code="s2")
    admin = world.actors["admin"]
    with pytest.raises(AccessDenied):
        await audit_trail.student_audit(session, admin, other.students[0].id)
    with pytest.raises(AccessDenied):
        await audit_trail.lesson_audit(session, admin, other.lesson_today.id)
    with pytest.raises(AccessDenied):
        await user_cards.user_card(session, admin, other.parent.id)
    with pytest.raises(AccessDenied):
        await substitutions.class_lessons_on(session, admin, other.cls.id, NOW.date())
    with pytest.raises(AccessDenied):
        await substitutions.substitute_candidates(session, admin, other.lesson_today.id)
    with pytest.raises(AccessDenied):
        await report_choices.report_subjects(session, admin, other.cls.id)


async def test_user_card(session: AsyncSession, world: SchoolWorld) -> None:
    card = await user_cards.user_card(session, world.actors["admin"], world.students[0].id)
    assert card.is_student and card.classes == ("7А",) and not card.signed_in
    assert card.login and not card.blocked and not card.credentials_pending
    with pytest.raises(AccessDenied):
        await user_cards.user_card(session, world.actors["deputy"], world.students[0].id)


async def test_dead_letters(session: AsyncSession, world: SchoolWorld) -> None:
    other = await build_school(session, code="s2")
    for i, (school, person, status) in enumerate(
        [
            (world.school, world.parent, OutboxStatus.DEAD),
            (world.school, world.parent2, OutboxStatus.DEAD),
            (world.school, world.parent, OutboxStatus.SENT),
            (other.school, other.parent, OutboxStatus.DEAD),
        ]
    ):
        session.add(
            failed_alert(
                school.id,
                person.id,
                f"k{i}",
                kind="mark.new",
                attempts=5,
                last_error="Forbidden: bot was blocked by the user",
                status=status,
            )
        )
    await session.commit()
    total, rows = await dead_letters.dead_letters(session, world.actors["admin"], limit=1)
    assert total == 2 and len(rows) == 1
    assert rows[0].last_error and rows[0].kind == "mark.new"
    with pytest.raises(AccessDenied):
        await dead_letters.dead_letters(session, world.actors["deputy"])


async def test_a_dead_fan_out_row_is_listed_for_every_family(
    session: AsyncSession, world: SchoolWorld
) -> None:
    """A digest's fan-out row has no recipient of its own; when it dies, the office still sees
    it (as addressed to every family) rather than losing it from the list."""
    session.add(dead_fan_out(world))
    await session.commit()
    total, rows = await dead_letters.dead_letters(session, world.actors["admin"])
    assert total == 1 and [(r.kind, r.recipient) for r in rows] == [("fanout", None)]


async def test_report_choices(session: AsyncSession, world: SchoolWorld) -> None:
    admin = world.actors["admin"]
    assert [
        c.title for c in await report_choices.report_classes(session, admin, "class_results")
    ] == [
        "1А",
        "7А",
        "8Б",
    ]
    ct = world.actors["class_teacher"]
    assert [c.title for c in await report_choices.report_classes(session, ct, "class_results")] == [
        "7А"
    ]
    teacher = world.actors["teacher"]
    assert await report_choices.report_classes(session, teacher, "class_results") == []
    assert [
        c.title for c in await report_choices.report_classes(session, teacher, "journal_pages")
    ] == [
        "7А",
        "8Б",
    ]
    subjects = await report_choices.report_subjects(session, teacher, world.cls.id)
    assert [s.title for s in subjects] == ["Математика"]
    subjects = await report_choices.report_subjects(session, ct, world.cls.id)
    assert [s.title for s in subjects] == ["Английский язык", "Математика", "Русский язык"]
    periods = await report_choices.report_periods(session, ct, world.cls.id)
    assert [p.number for p in periods] == [1, 2]
    months = await report_choices.report_months(session, admin, world.cls.id, now=NOW)
    assert months == [(2026, 11), (2026, 10), (2026, 9)]


async def test_lessons_and_substitutes(session: AsyncSession, world: SchoolWorld) -> None:
    deputy = world.actors["deputy"]
    lessons = await substitutions.class_lessons_on(session, deputy, world.cls.id, NOW.date())
    assert [x.number for x in lessons] == [1, 2, 4, 5]
    substituted = next(x for x in lessons if x.id == world.lesson_substituted.id)
    assert substituted.substitute == "Учителев Иван"
    candidates = await substitutions.substitute_candidates(session, deputy, world.lesson_today.id)
    names = [c.title for c in candidates]
    assert "Учителев Иван" not in names and "Коллегина Ольга" in names
    assert "Иванова Елена" not in names
    with pytest.raises(AccessDenied):
        await substitutions.substitute_candidates(
            session, world.actors["teacher"], world.lesson_today.id
        )
