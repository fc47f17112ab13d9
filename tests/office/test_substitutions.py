"""Substitutions for any date, their alerts and their log; distance lessons (services, on
SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import AccessDenied, ValidationFailed
from services.models import AuditEntry, Lesson, OutboxMessage, Substitution
from services.timetable import diary, distance, lesson_edits, substitutions
from tests.factories import NOW, TODAY, SchoolWorld, build_school


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session, "subs")


async def _lesson(session: AsyncSession, w: SchoolWorld, day: dt.date, number: int) -> Lesson:
    lesson = Lesson(
        school_id=w.school.id,
        class_id=w.cls.id,
        subject_id=w.math.id,
        teacher_id=w.teacher.id,
        date=day,
        lesson_number=number,
    )
    session.add(lesson)
    await session.commit()
    return lesson


async def _alerts(session: AsyncSession, kind: str) -> list[OutboxMessage]:
    return list(
        (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == kind)
                .order_by(OutboxMessage.recipient_person_id)
            )
        ).all()
    )


async def test_candidates_free_at_that_time_first_busy_ones_marked(
    session: AsyncSession, world: SchoolWorld
) -> None:
    deputy = world.actors["deputy"]
    # Russian in 7А, lesson 1: the first grade's teacher teaches 1А at that time.
    candidates = await substitutions.substitute_candidates(
        session, deputy, world.lesson_colleague.id
    )
    busy = [c for c in candidates if c.busy]
    assert [(c.id, c.busy) for c in busy] == [(world.first_teacher.id, "1А")]
    assert candidates[-1].id == world.first_teacher.id
    assert all(c.busy is None for c in candidates[:-1])
    assert world.colleague.id not in {c.id for c in candidates}
    conflict = await substitutions.conflict_of(
        session, deputy, world.lesson_colleague.id, world.first_teacher.id
    )
    assert conflict == "1А"
    # The teacher substituting lesson 5 is busy at 5 (a substitution counts as teaching).
    fifth = await _lesson(session, world, TODAY, 6)
    fifth.lesson_number = 5
    fifth.class_id = world.other_cls.id
    fifth.teacher_id = world.colleague.id
    await session.commit()
    candidates = await substitutions.substitute_candidates(session, deputy, fifth.id)
    assert {c.id: c.busy for c in candidates}[world.teacher.id] == "7А"


async def test_a_lesson_of_any_date_is_substituted_and_the_substitute_is_told(
    session: AsyncSession, world: SchoolWorld
) -> None:
    deputy = world.actors["deputy"]
    later = await _lesson(session, world, TODAY + dt.timedelta(days=9), 3)
    sub = await substitutions.set_substitution(
        session, deputy, later.id, world.colleague.id, reason="курсы", now=NOW
    )
    assert sub.teacher_id == world.colleague.id and sub.created_at == NOW
    [told] = await _alerts(session, "substitution.teacher")
    assert told.recipient_person_id == world.colleague.id
    assert told.payload["class_name"] == "7А" and told.payload["number"] == 3
    assert told.payload["teacher"] == "Учителев Иван"
    # Nine days ahead: the families see it in the timetable, no alert.
    assert await _alerts(session, "substitution.family") == []
    entry = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "substitution.set", AuditEntry.entity_id == str(later.id)
        )
    )
    assert entry is not None and entry.after == {
        "teacher_id": world.colleague.id,
        "reason": "курсы",
    }
    # The substitute's day has it, and the substitute records it.
    rows = await substitutions.class_lessons_on(session, deputy, world.cls.id, later.date)
    assert [r.substitute for r in rows] == ["Коллегина Ольга"]


async def test_tomorrows_substitution_reaches_the_families(
    session: AsyncSession, world: SchoolWorld
) -> None:
    deputy = world.actors["deputy"]
    lesson = world.lesson_future  # maths 7А tomorrow
    await substitutions.set_substitution(session, deputy, lesson.id, world.colleague.id, now=NOW)
    family = await _alerts(session, "substitution.family")
    # The parents of the class's students; the trusted person may see marks only.
    assert {a.recipient_person_id for a in family} == {world.parent.id, world.parent2.id}
    assert world.trusted.id not in {a.recipient_person_id for a in family}
    assert {a.payload["teacher"] for a in family} == {"Коллегина Ольга"}
    # The worker names the child (no empty name written in the payload).
    assert all("student" not in a.payload for a in family)
    # The same substitute again changes nothing and tells nobody again.
    await substitutions.set_substitution(session, deputy, lesson.id, world.colleague.id, now=NOW)
    assert len(await _alerts(session, "substitution.family")) == len(family)
    # Taken back: the families learn that the own teacher gives it.
    later = NOW + dt.timedelta(minutes=5)
    await substitutions.remove_substitution(session, deputy, lesson.id, now=later)
    removed = [a for a in await _alerts(session, "substitution.family") if a.payload["removed"]]
    assert {a.recipient_person_id for a in removed} == {world.parent.id, world.parent2.id}
    assert {a.payload["teacher"] for a in removed} == {"Учителев Иван"}


async def test_a_group_lessons_substitution_tells_the_groups_families_only(
    session: AsyncSession, world: SchoolWorld
) -> None:
    deputy = world.actors["deputy"]
    await substitutions.set_substitution(
        session, deputy, world.lesson_subgroup.id, world.colleague.id, now=NOW
    )
    family = await _alerts(session, "substitution.family")
    # Group 1: students[0] (parent) and students[1] (parent2).
    assert {(a.payload["student_id"], a.recipient_person_id) for a in family} == {
        (world.students[0].id, world.parent.id),
        (world.students[1].id, world.parent2.id),
    }


async def test_refusals_and_nothing_half_written(session: AsyncSession, world: SchoolWorld) -> None:
    with pytest.raises(AccessDenied):
        await substitutions.set_substitution(
            session, world.actors["teacher"], world.lesson_future.id, world.colleague.id, now=NOW
        )
    with pytest.raises(ValidationFailed):
        await substitutions.set_substitution(
            session, world.actors["deputy"], world.lesson_future.id, world.teacher.id, now=NOW
        )
    with pytest.raises(ValidationFailed):
        await substitutions.set_substitution(
            session, world.actors["deputy"], world.lesson_future.id, world.parent.id, now=NOW
        )
    assert await _alerts(session, "substitution.teacher") == []
    subs = await session.scalars(
        select(Substitution).where(Substitution.lesson_id == world.lesson_future.id)
    )
    assert subs.all() == []


async def test_the_log_of_a_period(session: AsyncSession, world: SchoolWorld) -> None:
    deputy = world.actors["deputy"]
    await substitutions.set_substitution(
        session, deputy, world.lesson_future.id, world.colleague.id, reason="болезнь", now=NOW
    )
    outside = await _lesson(session, world, TODAY + dt.timedelta(days=40), 2)
    await substitutions.set_substitution(session, deputy, outside.id, world.colleague.id, now=NOW)
    rows = await substitutions.substitution_log(
        session, deputy, TODAY, TODAY + dt.timedelta(days=6)
    )
    # The factories' lesson 5 today (by the teacher), then tomorrow's.
    assert [(r.date, r.number, r.class_name, r.absent, r.substitute) for r in rows] == [
        (TODAY, 5, "7А", "Коллегина Ольга", "Учителев Иван"),
        (TODAY + dt.timedelta(days=1), 2, "7А", "Учителев Иван", "Коллегина Ольга"),
    ]
    assert rows[1].reason == "болезнь" and rows[1].recorded_by == "Завучева Зоя"
    director = await substitutions.substitution_log(session, world.actors["director"], TODAY, TODAY)
    assert len(director) == 1
    with pytest.raises(AccessDenied):
        await substitutions.substitution_log(session, world.actors["teacher"], TODAY, TODAY)
    with pytest.raises(ValidationFailed):
        await substitutions.substitution_log(session, deputy, TODAY, TODAY - dt.timedelta(days=1))


# --------------------------------------------------------------------------- distance lessons


async def test_the_teacher_marks_a_distance_lesson_families_see_it(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    lesson = await distance.set_distance(session, teacher, world.lesson_today.id, True, now=NOW)
    assert lesson.is_distance is True
    told = await _alerts(session, "lesson.distance")
    assert {a.recipient_person_id for a in told} == {world.parent.id, world.parent2.id}
    assert all(a.payload["distance"] is True for a in told)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "lesson.distance"))
    assert entry is not None and entry.after == {"is_distance": True}
    # The diary shows it; a student there online is present (no attendance row).
    parent = world.actors["parent"]
    days = await diary.student_diary(session, parent, world.students[0].id, TODAY, TODAY)
    [view] = [x for d in days for x in d.lessons if x.lesson_id == world.lesson_today.id]
    assert view.distance is True and view.attendance is None
    # The same again tells nobody; back in class tells again.
    await distance.set_distance(session, teacher, world.lesson_today.id, True, now=NOW)
    assert len(await _alerts(session, "lesson.distance")) == len(told)
    later = NOW + dt.timedelta(minutes=1)
    await distance.set_distance(session, teacher, world.lesson_today.id, False, now=later)
    back = [a for a in await _alerts(session, "lesson.distance") if not a.payload["distance"]]
    assert len(back) == 2


async def test_who_marks_a_distance_lesson(session: AsyncSession, world: SchoolWorld) -> None:
    for name in ("colleague", "class_teacher", "director", "parent", "student"):
        with pytest.raises(AccessDenied):
            await distance.set_distance(
                session, world.actors[name], world.lesson_today.id, True, now=NOW
            )
    # The substitute, not the absent teacher; the deputy for any lesson.
    with pytest.raises(AccessDenied):
        await distance.set_distance(
            session, world.actors["colleague"], world.lesson_substituted.id, True, now=NOW
        )
    await distance.set_distance(
        session, world.actors["teacher"], world.lesson_substituted.id, True, now=NOW
    )
    await distance.set_distance(
        session, world.actors["deputy"], world.lesson_colleague.id, True, now=NOW
    )
    # A lesson nine days old is no one's news: once unlocked, marked, nobody told.
    await lesson_edits.unlock_lesson(
        session, world.actors["deputy"], world.lesson_old.id, reason="дистант", now=NOW
    )
    await distance.set_distance(session, world.actors["deputy"], world.lesson_old.id, True, now=NOW)
    old = [
        a
        for a in await _alerts(session, "lesson.distance")
        if a.payload["lesson_id"] == world.lesson_old.id
    ]
    assert old == []


async def test_a_lesson_past_its_edit_window_is_refused_until_unlocked(
    session: AsyncSession, world: SchoolWorld
) -> None:
    old = world.lesson_old.id
    old_day = TODAY - dt.timedelta(days=9)
    # Locked for its teacher and for the deputy alike (the deputy unlocks it first).
    for name in ("teacher", "deputy"):
        with pytest.raises(ValidationFailed) as refused:
            await distance.set_distance(session, world.actors[name], old, True, now=NOW)
        assert refused.value.code == "journal.lesson_locked"
        assert refused.value.params == {"date": old_day}
    lesson = await session.get(Lesson, old)
    assert lesson is not None
    await session.refresh(lesson)
    assert lesson.is_distance is False
    entries = await session.scalars(
        select(AuditEntry).where(AuditEntry.action == "lesson.distance")
    )
    assert entries.all() == []
    # Unlocked for two days: its teacher marks it; past the unlock, locked again.
    await lesson_edits.unlock_lesson(
        session, world.actors["deputy"], old, hours=48, reason="дистант", now=NOW
    )
    await distance.set_distance(session, world.actors["teacher"], old, True, now=NOW)
    await session.refresh(lesson)
    assert lesson.is_distance is True
    with pytest.raises(ValidationFailed) as refused:
        await distance.set_distance(
            session, world.actors["teacher"], old, False, now=NOW + dt.timedelta(hours=49)
        )
    assert refused.value.code == "journal.lesson_locked"
    await session.refresh(lesson)
    assert lesson.is_distance is True
    # A lesson ahead is marked in advance; a cancelled one is refused.
    await distance.set_distance(
        session, world.actors["teacher"], world.lesson_future.id, True, now=NOW
    )
    future = await session.get(Lesson, world.lesson_future.id)
    assert future is not None and future.is_distance is True
    future.is_cancelled = True
    await session.commit()
    with pytest.raises(ValidationFailed) as refused:
        await distance.set_distance(
            session, world.actors["teacher"], world.lesson_future.id, False, now=NOW
        )
    assert refused.value.code == "journal.lesson_cancelled"


# --------------------------------------------------------------------------- the other roles


async def test_the_staff_import_reads_the_other_roles(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from services.enums import Role
    from services.imports import import_file
    from services.models import Person, RoleGrant
    from tests.admin.helpers import csv_bytes

    staff = [
        ["Табельный номер", "Фамилия", "Имя", "Отчество", "Дата рождения", "Роли", "Телефон"],
        ["X-1", "Допова", "Дарья", "", "", "педагог дополнительного образования", ""],
        ["X-2", "Воспитова", "Вера", "", "", "Воспитатель", ""],
        ["X-3", "Смотров", "Олег", "", "", "наблюдатель", ""],
        ["X-4", "Кружкова", "Ксения", "", "", "ПДО, учитель", ""],
    ]
    res = await import_file(session, world.actors["admin"], "staff", "f.csv", csv_bytes(staff))
    assert res.ok, res.error_lines()
    assert res.created == 4
    roles: dict[str, set[Role]] = {}
    for ext, role in (
        await session.execute(
            select(Person.external_id, RoleGrant.role)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(Person.external_id.like("X-%"))
        )
    ).all():
        roles.setdefault(str(ext), set()).add(role)
    assert roles == {
        "X-1": {Role.EXTRA_TEACHER},
        "X-2": {Role.EDUCATOR},
        "X-3": {Role.OBSERVER},
        "X-4": {Role.EXTRA_TEACHER, Role.TEACHER},
    }
    bad = [staff[0], ["X-5", "Странная", "Роль", "", "", "вахтёр", ""]]
    res = await import_file(session, world.actors["admin"], "staff", "f.csv", csv_bytes(bad))
    assert not res.ok
