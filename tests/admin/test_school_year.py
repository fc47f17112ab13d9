"""The school year, student movement, substitutions, control works, journal checks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.errors import AccessDenied, Conflict, ValidationFailed
from services.models import (
    AuditEntry,
    Enrolment,
    Homework,
    JournalCheck,
    Lesson,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
)
from services.people import enrolment, office_actor, policy
from services.reports import build_report
from services.school import school_year
from services.timetable import control_works, journal_control, substitutions
from tests.admin.helpers import count
from tests.factories import SchoolWorld, person


async def _class(
    session: AsyncSession, w: SchoolWorld, grade: int, letter: str, n: int
) -> list[int]:
    cls = SchoolClass(
        school_id=w.school.id,
        year_id=w.year.id,
        grade=grade,
        letter=letter,
        name=f"{grade}{letter}",
    )
    session.add(cls)
    await session.flush()
    ids = []
    for i in range(n):
        p = await person(session, w.school, f"Ученик{grade}{i}", "Имя", Role.STUDENT)
        session.add(
            Enrolment(
                school_id=w.school.id, student_id=p.id, class_id=cls.id, arrived_on=w.year.starts_on
            )
        )
        ids.append(p.id)
    await session.commit()
    return ids


async def test_open_year_promotes_graduates_and_keeps_history(
    session: AsyncSession, world: SchoolWorld
) -> None:
    w = world
    admin = w.actors["admin"]
    nine = await _class(session, w, 9, "А", 2)
    eleven = await _class(session, w, 11, "А", 2)
    enrolments_before = await count(session, Enrolment)
    res = await school_year.open_year(
        session,
        admin,
        name="2027/2028",
        starts_on=dt.date(2027, 9, 1),
        ends_on=dt.date(2028, 5, 31),
        promote_from=w.year.id,
        leaving=[nine[0]],
        repeating=[w.students[3].id],
        class_teachers={"2А": w.teacher.id},
        new_classes={"1Б": w.colleague.id},
    )
    assert sorted(res.classes) == ["10А", "1Б", "2А", "7А", "8А", "9Б"]
    assert (res.promoted, res.repeating, res.graduated, res.left) == (3 + 1 + 1 + 1, 1, 2, 1)
    assert res.classes["8А"].class_teacher_id == w.class_teacher.id  # carried over
    assert res.classes["2А"].class_teacher_id == w.teacher.id  # reassigned
    assert res.classes["7А"].class_teacher_id is None  # only repeaters there
    assert res.classes["1Б"].class_teacher_id == w.colleague.id
    assert await count(session, StudyPeriod, StudyPeriod.year_id == res.year.id) == 4
    # History: old enrolments closed the day after the old year, never deleted.
    day_after = dt.date(2027, 6, 1)
    old = (await session.scalars(select(Enrolment).where(Enrolment.class_id == w.cls.id))).all()
    assert {e.left_on for e in old} == {day_after}
    grads = (await session.scalars(select(Enrolment).where(Enrolment.student_id.in_(eleven)))).all()
    assert [(e.left_on, e.departure_note) for e in grads] == [(day_after, "выпуск")] * 2
    assert await count(session, Enrolment) == enrolments_before + 3 + 1 + 1 + 1 + 1
    assert await policy.student_class_ids(session, w.students[0].id, dt.date(2027, 9, 2)) == [
        res.classes["8А"].id
    ]
    assert await policy.student_class_ids(session, nine[1], dt.date(2027, 9, 2)) == [
        res.classes["10А"].id
    ]
    assert await policy.student_class_ids(session, nine[0], dt.date(2027, 9, 2)) == []
    with pytest.raises(Conflict):
        await school_year.open_year(
            session,
            admin,
            name="2027/2028",
            starts_on=dt.date(2027, 9, 1),
            ends_on=dt.date(2028, 5, 31),
        )
    with pytest.raises(AccessDenied):
        await school_year.open_year(
            session,
            w.actors["deputy"],
            name="x",
            starts_on=dt.date(2030, 9, 1),
            ends_on=dt.date(2031, 5, 31),
        )


async def test_close_and_archive_year(session: AsyncSession, world: SchoolWorld) -> None:
    admin = world.actors["admin"]
    after = dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC)  # the day after the year's last day
    with pytest.raises(ValidationFailed):
        await school_year.archive_year(session, admin, "2026/2027", now=after)
    year = await school_year.close_year(session, admin, "2026/2027", now=after)
    assert year.is_closed
    periods = (
        await session.scalars(select(StudyPeriod).where(StudyPeriod.year_id == year.id))
    ).all()
    assert all(p.is_closed for p in periods)
    with pytest.raises(Conflict):
        await school_year.close_year(session, admin, world.year.id, now=after)
    year = await school_year.archive_year(session, admin, world.year.id, now=after)
    assert year.archived_at is not None
    assert await school_year.is_archived_on(session, world.school.id, dt.date(2026, 11, 18))
    assert not await school_year.is_archived_on(session, world.school.id, dt.date(2027, 11, 18))
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"year.close", "year.archive"} <= actions


async def test_student_movement(session: AsyncSession, world: SchoolWorld) -> None:
    w = world
    admin = w.actors["admin"]
    s0, s1 = w.students[0].id, w.students[1].id
    await enrolment.transfer_student(
        session, admin, s0, w.other_cls.id, dt.date(2026, 11, 20), note="по заявлению"
    )
    await enrolment.withdraw_student(session, admin, s1, dt.date(2026, 11, 23), note="переезд")
    newcomer = await person(session, w.school, "Новенький", "Нил", Role.STUDENT)
    await session.commit()
    await enrolment.enrol_student(session, admin, newcomer.id, w.cls.id, dt.date(2026, 11, 24))
    assert await policy.student_class_ids(session, s0, dt.date(2026, 11, 19)) == [w.cls.id]
    assert await policy.student_class_ids(session, s0, dt.date(2026, 11, 20)) == [w.other_cls.id]
    assert await policy.student_class_ids(session, s1, dt.date(2026, 11, 23)) == []
    assert await count(session, Enrolment, Enrolment.student_id == s0) == 2
    with pytest.raises(Conflict):
        await enrolment.enrol_student(
            session, admin, newcomer.id, w.other_cls.id, dt.date(2026, 11, 25)
        )
    with pytest.raises(ValidationFailed):
        await enrolment.withdraw_student(session, admin, s1, dt.date(2026, 11, 25))
    with pytest.raises(ValidationFailed):
        await enrolment.transfer_student(session, admin, s0, w.cls.id, dt.date(2026, 11, 20))
    with pytest.raises(ValidationFailed):  # a teacher is not a student
        await enrolment.withdraw_student(session, admin, w.teacher.id, dt.date(2026, 11, 25))
    with pytest.raises(AccessDenied):
        await enrolment.transfer_student(
            session, w.actors["class_teacher"], s0, w.cls.id, dt.date(2026, 11, 26)
        )

    f = await build_report(
        session, admin, "movement", {"date_from": "2026-11-01", "date_to": "2026-11-30"}, "xlsx"
    )
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(f.data)).worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] and str(r[0]).isdigit()]
    events = [(r[1], r[3], r[4], r[5]) for r in rows if len(r) > 5 and r[3]]
    assert ("20.11.2026", "перевод", "7А", "8Б") in events
    assert ("23.11.2026", "выбытие", "7А", None) in events
    assert ("24.11.2026", "прибытие", None, "7А") in events
    summary = next(r for r in ws.iter_rows(values_only=True) if r[0] == "7А")
    assert summary[1:5] == (4, 1, 2, 3)


async def test_substitution_lets_the_substitute_fill_the_lesson(
    session: AsyncSession, world: SchoolWorld
) -> None:
    w = world
    lesson = w.lesson_today
    with pytest.raises(AccessDenied):
        await substitutions.set_substitution(
            session, w.actors["teacher"], lesson.id, w.colleague.id
        )
    sub = await substitutions.set_substitution(
        session, w.actors["deputy"], lesson.id, w.colleague.id, reason="курсы"
    )
    assert sub.teacher_id == w.colleague.id
    assert await policy.ensure_can_edit_lesson(session, w.actors["colleague"], lesson.id)
    with pytest.raises(AccessDenied):
        await policy.ensure_can_edit_lesson(session, w.actors["teacher"], lesson.id)
    with pytest.raises(ValidationFailed):
        await substitutions.set_substitution(
            session, w.actors["deputy"], lesson.id, w.students[0].id
        )
    await substitutions.remove_substitution(session, w.actors["deputy"], lesson.id)
    assert await policy.ensure_can_edit_lesson(session, w.actors["teacher"], lesson.id)


async def test_control_works_warn_on_a_crowded_day(
    session: AsyncSession, world: SchoolWorld
) -> None:
    w = world
    day = dt.date(2026, 12, 10)
    first = await control_works.schedule_control_work(
        session, w.actors["deputy"], w.cls.id, w.math.id, day
    )
    assert first.warnings == [] and first.control_work.agreed_at is not None
    second = await control_works.schedule_control_work(
        session, w.actors["colleague"], w.cls.id, w.russian.id, day
    )
    assert second.control_work.agreed_at is None  # the teacher proposes, the deputy agrees
    [(code, params)] = second.warnings
    assert code == "control_work.too_many" and params["count"] == 2 and params["limit"] == 1
    assert params["subjects"] == "Математика, Русский язык"
    agreed = await control_works.agree_control_work(
        session, w.actors["deputy"], second.control_work.id
    )
    assert agreed.agreed_at is not None
    third = await control_works.schedule_control_work(
        session, w.actors["admin"], w.cls.id, w.english.id, day, max_per_day=3
    )
    assert third.warnings == []
    with pytest.raises(Conflict):
        await control_works.schedule_control_work(
            session, w.actors["deputy"], w.cls.id, w.math.id, day
        )
    with pytest.raises(AccessDenied):  # not their subject
        await control_works.schedule_control_work(
            session, w.actors["teacher"], w.cls.id, w.russian.id, day
        )
    with pytest.raises(ValidationFailed):
        await control_works.schedule_control_work(
            session, w.actors["deputy"], w.cls.id, w.math.id, dt.date(2030, 1, 1)
        )


async def test_journal_checks_and_unfilled_lessons(
    session: AsyncSession, world: SchoolWorld
) -> None:
    w = world
    check = await journal_control.add_journal_check(
        session,
        w.actors["deputy"],
        w.cls.id,
        "Не записано домашнее задание за 09.11",
        subject_id=w.math.id,
        teacher_id=w.teacher.id,
        fix_by=dt.date(2026, 11, 20),
    )
    with pytest.raises(AccessDenied):
        await journal_control.add_journal_check(session, w.actors["teacher"], w.cls.id, "сам себя")
    seen = await journal_control.journal_checks_for(session, w.actors["teacher"])
    assert [c.id for c in seen] == [check.id] and seen[0].seen_at is not None
    ct = await journal_control.journal_checks_for(
        session, w.actors["class_teacher"]
    )  # of their class
    assert [c.id for c in ct] == [check.id]
    assert await journal_control.journal_checks_for(session, w.actors["colleague"]) == []
    done = await journal_control.resolve_journal_check(session, w.actors["teacher"], check.id)
    assert done.resolved_at is not None
    assert await count(session, JournalCheck) == 1

    # Fill one of the teacher's lessons completely.
    lesson = await session.get(Lesson, w.lesson_other_class.id)
    assert lesson is not None
    lesson.topic, lesson.attendance_taken_at = "Дроби", dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)
    session.add(Homework(school_id=w.school.id, lesson_id=lesson.id, text="№ 12"))
    await session.commit()
    report = await journal_control.unfilled_lessons(
        session,
        w.actors["deputy"],
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        today=dt.date(2026, 11, 18),
    )
    by = {t.teacher_id: t for t in report}
    mine = {x.lesson_id: x.missing for x in by[w.teacher.id].lessons}
    assert set(mine) == {w.lesson_today.id, w.lesson_old.id, w.lesson_substituted.id}
    assert mine[w.lesson_today.id] == ("attendance", "topic", "homework")
    assert w.lesson_substituted.id not in {x.lesson_id for x in by[w.colleague.id].lessons}
    assert {x.missing for x in by[w.first_teacher.id].lessons} == {("attendance", "topic")}
    own = await journal_control.unfilled_lessons(
        session,
        w.actors["teacher"],
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        teacher_id=w.teacher.id,
        today=dt.date(2026, 11, 18),
    )
    assert [t.teacher_id for t in own] == [w.teacher.id]
    with pytest.raises(AccessDenied):
        await journal_control.unfilled_lessons(
            session, w.actors["teacher"], dt.date(2026, 11, 1), dt.date(2026, 11, 30)
        )


async def test_cli_actor_audits_as_cli(session: AsyncSession, world: SchoolWorld) -> None:
    actor = await office_actor.cli_actor(session, world.school.code)
    assert actor.has(Role.ADMIN) and actor.label == "cli"
    after = dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC)
    await school_year.close_year(session, actor, world.year.id, now=after)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "year.close"))
    assert entry is not None
    assert (entry.actor_account_id, entry.actor_label, entry.source) == (None, "cli", "cli")
    assert entry.school_id == world.school.id
    assert (await office_actor.cli_actor(session)).school_id == world.school.id  # the only school
    assert await session.get(SchoolYear, world.year.id) is not None
