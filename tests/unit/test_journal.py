"""The journal's use cases on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance import roll_call
from services.enums import AttendanceCode, OutboxStatus, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.homework import assignments, topics
from services.marks import mark_reads, marking
from services.models import (
    Attendance,
    AuditEntry,
    Homework,
    Lesson,
    Mark,
    OutboxMessage,
    School,
)
from services.timetable import diary, lesson_edits, teacher_day, timetable_reads
from tests.factories import (
    NOW,
    TODAY,
    SchoolWorld,
    absence_notice,
    absent_today,
    at,
    build_school,
    count,
    maths_lesson,
)


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


# --------------------------------------------------------------------------- constraints


def _first_student_today(world: SchoolWorld) -> dict[str, int]:
    return {
        "school_id": world.school.id,
        "lesson_id": world.lesson_today.id,
        "student_id": world.students[0].id,
    }


def _a_mark_of_seven(world: SchoolWorld, other: SchoolWorld) -> list[object]:
    return [Mark(**_first_student_today(world), value=7, work_kind=WorkKind.ANSWER, weight=1)]


def _two_attendance_rows(world: SchoolWorld, other: SchoolWorld) -> list[object]:
    return [Attendance(**_first_student_today(world), code=AttendanceCode.ABSENT) for _ in range(2)]


def _a_lesson_of_another_schools_class(world: SchoolWorld, other: SchoolWorld) -> list[object]:
    return [maths_lesson(world, TODAY, 7, class_id=other.cls.id)]


@pytest.mark.parametrize(
    "rows", [_a_mark_of_seven, _two_attendance_rows, _a_lesson_of_another_schools_class]
)
async def test_database_refuses(
    session: AsyncSession,
    world: SchoolWorld,
    rows: Callable[[SchoolWorld, SchoolWorld], list[object]],
) -> None:
    other = await build_school(session, "s2")
    session.add_all(rows(world, other))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_database_refuses_unknown_attendance_code(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from sqlalchemy import text

    with pytest.raises(IntegrityError):
        await session.execute(
            text(
                "INSERT INTO attendance (school_id, lesson_id, student_id, code, created_at) "
                "VALUES (:s, :l, :st, 'bogus', :at)"
            ),
            {
                "s": world.school.id,
                "l": world.lesson_today.id,
                "st": world.students[0].id,
                "at": NOW.replace(tzinfo=None),
            },
        )
        await session.commit()


async def test_thresholds_must_be_ordered(session: AsyncSession) -> None:
    session.add(School(code="bad", name="x", threshold_3=400, threshold_4=350, threshold_5=450))
    with pytest.raises(IntegrityError):
        await session.commit()


# --------------------------------------------------------------------------- attendance


async def test_attendance_is_saved_once_and_audited(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0, s1, s2 = (s.id for s in world.students[:3])
    codes = {s0: AttendanceCode.ABSENT, s1: AttendanceCode.LATE, s2: None}
    first = await roll_call.save_attendance(session, teacher, world.lesson_today.id, codes, now=NOW)
    assert (first.changed, first.absent, first.late) == (2, 1, 1)
    again = await roll_call.save_attendance(session, teacher, world.lesson_today.id, codes, now=NOW)
    assert again.changed == 0
    rows = (await session.scalars(select(Attendance).order_by(Attendance.student_id))).all()
    assert [(r.student_id, r.code) for r in rows] == [
        (s0, AttendanceCode.ABSENT),
        (s1, AttendanceCode.LATE),
    ]
    assert await count(session, AuditEntry, AuditEntry.action == "attendance.set") == 2
    lesson = await session.get(Lesson, world.lesson_today.id)
    assert lesson is not None and lesson.attendance_taken_at is not None


async def test_absence_alert_waits_for_grace_window_and_correction_cancels_it(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    await absent_today(session, world, s0)
    alerts = (await session.scalars(select(OutboxMessage))).all()
    # Only the parent: the trusted person was allowed marks, not attendance.
    assert [(a.recipient_person_id, a.kind, a.status) for a in alerts] == [
        (world.parent.id, "attendance.absent", OutboxStatus.PENDING)
    ]
    assert alerts[0].not_before == NOW + dt.timedelta(minutes=10)
    await roll_call.save_attendance(session, teacher, world.lesson_today.id, {s0: None}, now=NOW)
    await session.refresh(alerts[0])
    assert alerts[0].status == OutboxStatus.CANCELLED
    # Absent again: the same alert is armed again, not duplicated.
    await absent_today(session, world, s0)
    await session.refresh(alerts[0])
    assert alerts[0].status == OutboxStatus.PENDING
    assert await count(session, OutboxMessage) == 1


async def test_announced_absence_is_linked_and_not_alerted(
    session: AsyncSession, world: SchoolWorld
) -> None:
    s0 = world.students[0].id
    session.add(absence_notice(world, s0, "врач"))
    await session.commit()
    await absent_today(session, world, s0)
    row = await session.scalar(select(Attendance))
    assert row is not None and row.notice_id is not None
    assert await count(session, OutboxMessage) == 0


async def test_class_teacher_sets_reason_but_cannot_take_attendance(
    session: AsyncSession, world: SchoolWorld
) -> None:
    s0, s1 = world.students[0].id, world.students[1].id
    await absent_today(session, world, s0)
    ct = world.actors["class_teacher"]
    await roll_call.save_attendance(
        session, ct, world.lesson_today.id, {s0: AttendanceCode.ILL}, now=NOW
    )
    row = await session.scalar(select(Attendance).where(Attendance.student_id == s0))
    assert row is not None and row.code == AttendanceCode.ILL
    with pytest.raises(AccessDenied):
        await roll_call.save_attendance(
            session, ct, world.lesson_today.id, {s1: AttendanceCode.ABSENT}, now=NOW
        )


async def test_attendance_rules(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    with pytest.raises(ValidationFailed) as future:
        await roll_call.save_attendance(
            session, teacher, world.lesson_future.id, {s0: AttendanceCode.ABSENT}, now=NOW
        )
    assert future.value.code == "journal.lesson_in_future"
    with pytest.raises(ValidationFailed) as locked:
        await roll_call.save_attendance(
            session, teacher, world.lesson_old.id, {s0: AttendanceCode.ABSENT}, now=NOW
        )
    assert locked.value.code == "journal.lesson_locked"
    with pytest.raises(AccessDenied):
        await roll_call.save_attendance(
            session, teacher, world.lesson_today.id, {world.other_student.id: None}, now=NOW
        )
    with pytest.raises(AccessDenied):
        await roll_call.save_attendance(
            session, world.actors["colleague"], world.lesson_today.id, {}, now=NOW
        )


# --------------------------------------------------------------------------- marks


async def test_put_change_delete_mark_with_audit_and_alerts(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    mark = await marking.put_mark(
        session, teacher, world.lesson_today.id, s0, 4, WorkKind.CONTROL, now=NOW
    )
    assert mark.weight == 3  # the control work's default weight
    mark_id = mark.id
    kinds = sorted(
        (a.recipient_person_id, a.kind) for a in (await session.scalars(select(OutboxMessage)))
    )
    # Parent and the trusted person allowed to see marks.
    assert kinds == sorted([(world.parent.id, "mark.new"), (world.trusted.id, "mark.new")])

    with pytest.raises(ValidationFailed) as no_reason:
        await marking.change_mark(session, teacher, mark_id, value=5, reason="  ", now=NOW)
    assert no_reason.value.code == "journal.reason_required"

    await marking.change_mark(session, teacher, mark_id, value=5, reason="пересдача", now=NOW)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "mark.change"))
    assert entry is not None
    assert (entry.before or {})["value"] == 4 and (entry.after or {})["value"] == 5
    assert entry.reason == "пересдача" and entry.actor_account_id == teacher.account_id
    changed = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "mark.changed",
            OutboxMessage.recipient_person_id == world.parent.id,
        )
    )
    assert changed is not None
    assert changed.payload["before"] == 4 and changed.payload["value"] == 5

    await marking.delete_mark(session, teacher, mark_id, reason="ошибка", now=NOW)
    assert await count(session, Mark) == 0
    assert await count(session, AuditEntry, AuditEntry.action == "mark.delete") == 1
    assert await count(session, OutboxMessage, OutboxMessage.kind == "mark.deleted") == 2


@pytest.mark.parametrize(
    ("lesson_attr", "actor_name", "value", "error"),
    [
        ("lesson_first", "first_teacher", 5, "journal.first_grade_no_marks"),
        ("lesson_future", "teacher", 5, "journal.lesson_in_future"),
        ("lesson_old", "teacher", 5, "journal.lesson_locked"),
        ("lesson_today", "teacher", 7, "journal.mark_value"),
        ("lesson_today", "teacher", 0, "journal.mark_value"),
    ],
)
async def test_mark_rules(
    session: AsyncSession,
    world: SchoolWorld,
    lesson_attr: str,
    actor_name: str,
    value: int,
    error: str,
) -> None:
    lesson = getattr(world, lesson_attr)
    student = world.first_student.id if lesson_attr == "lesson_first" else world.students[0].id
    with pytest.raises(ValidationFailed) as exc:
        await marking.put_mark(
            session, world.actors[actor_name], lesson.id, student, value, WorkKind.ANSWER, now=NOW
        )
    assert exc.value.code == error
    await session.rollback()
    assert await count(session, Mark) == 0
    assert await count(session, OutboxMessage) == 0


async def test_substitute_teaches_and_the_absent_teacher_does_not(
    session: AsyncSession, world: SchoolWorld
) -> None:
    s0 = world.students[0].id
    lesson = world.lesson_substituted
    await marking.put_mark(
        session, world.actors["teacher"], lesson.id, s0, 5, WorkKind.ANSWER, now=NOW
    )
    with pytest.raises(AccessDenied):
        await marking.put_mark(
            session, world.actors["colleague"], lesson.id, s0, 5, WorkKind.ANSWER, now=NOW
        )


async def test_locked_lesson_opens_after_a_deputys_unlock(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    with pytest.raises(AccessDenied):
        await lesson_edits.unlock_lesson(
            session, teacher, world.lesson_old.id, reason="бумажный журнал", now=NOW
        )
    await lesson_edits.unlock_lesson(
        session, world.actors["deputy"], world.lesson_old.id, reason="бумажный журнал", now=NOW
    )
    mark = await marking.put_mark(
        session, teacher, world.lesson_old.id, s0, 3, WorkKind.ANSWER, now=NOW
    )
    assert mark.id is not None
    later = NOW + dt.timedelta(days=3)
    with pytest.raises(ValidationFailed):
        await marking.put_mark(
            session, teacher, world.lesson_old.id, s0, 3, WorkKind.ANSWER, now=later
        )


async def test_edit_window_counts_working_days(session: AsyncSession, world: SchoolWorld) -> None:
    # A Friday lesson: the window (today + 2 working days) runs to the end of Tuesday.
    friday = dt.date(2026, 11, 13)
    lesson = maths_lesson(world, friday, 6)
    session.add(lesson)
    await session.commit()
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    tuesday_evening = at(dt.date(2026, 11, 17), 23, 59)
    await marking.put_mark(session, teacher, lesson.id, s0, 4, WorkKind.ANSWER, now=tuesday_evening)
    with pytest.raises(ValidationFailed):
        await marking.put_mark(
            session, teacher, lesson.id, s0, 4, WorkKind.ANSWER, now=at(dt.date(2026, 11, 18), 0, 1)
        )


# --------------------------------------------------------------------------- topic, homework


async def test_topic_from_plan_and_homework(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    lesson = await topics.set_topic(
        session, teacher, world.lesson_today.id, plan_item_id=world.plan_item.id, now=NOW
    )
    assert lesson.topic == "Линейные уравнения"
    await assignments.set_homework(
        session,
        teacher,
        world.lesson_today.id,
        "№ 1–5 <b>стр. 10</b>",
        files=[assignments.FileRef("document", "file-1", "task.pdf")],
        now=NOW,
    )
    await assignments.set_homework(session, teacher, world.lesson_today.id, "№ 6", now=NOW)
    await assignments.set_homework(
        session,
        teacher,
        world.lesson_today.id,
        "Доклад",
        student_ids=[world.students[2].id],
        now=NOW,
    )
    rows = (await session.scalars(select(Homework).order_by(Homework.id))).all()
    assert [(h.student_id, h.text, len(h.files)) for h in rows] == [
        (None, "№ 6", 0),
        (world.students[2].id, "Доклад", 0),
    ]
    with pytest.raises(ValidationFailed) as first:
        await assignments.set_homework(
            session, world.actors["first_teacher"], world.lesson_first.id, "Прописи", now=NOW
        )
    assert first.value.code == "journal.first_grade_no_homework"
    with pytest.raises(ValidationFailed):
        await topics.set_topic(session, teacher, world.lesson_today.id, topic="   ", now=NOW)


async def test_plan_item_of_another_class_is_refused(
    session: AsyncSession, world: SchoolWorld
) -> None:
    with pytest.raises(AccessDenied):
        await topics.set_topic(
            session,
            world.actors["teacher"],
            world.lesson_other_class.id,
            plan_item_id=world.plan_item.id,
            now=NOW,
        )


# --------------------------------------------------------------------------- reading


async def test_diary_shows_the_childs_day(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    await topics.set_topic(session, teacher, world.lesson_today.id, topic="Дроби", now=NOW)
    await assignments.set_homework(session, teacher, world.lesson_today.id, "№ 7", now=NOW)
    await marking.put_mark(session, teacher, world.lesson_today.id, s0, 5, WorkKind.ANSWER, now=NOW)
    colleague = world.actors["colleague"]
    await roll_call.save_attendance(
        session, colleague, world.lesson_colleague.id, {s0: AttendanceCode.LATE}, now=NOW
    )
    days = await diary.student_diary(session, world.actors["parent"], s0, TODAY, TODAY)
    assert len(days) == 1
    lessons = {x.subject: x for x in days[0].lessons}
    maths = next(x for x in days[0].lessons if x.lesson_id == world.lesson_today.id)
    assert maths.topic == "Дроби" and [m.value for m in maths.marks] == [5]
    assert [h.text for h in maths.homework] == ["№ 7"]
    assert maths.starts_at == dt.time(9, 0)
    russian = next(x for x in days[0].lessons if x.lesson_id == world.lesson_colleague.id)
    assert russian.attendance == AttendanceCode.LATE
    # students[0] is in English group 1; the substituted lesson names the substitute.
    assert "Английский язык" in lessons
    sub = next(x for x in days[0].lessons if x.lesson_id == world.lesson_substituted.id)
    assert sub.substituted and sub.teacher.startswith("Учителев")

    # The trusted person was allowed marks only.
    trusted_days = await diary.student_diary(session, world.actors["trusted"], s0, TODAY, TODAY)
    maths_t = next(x for x in trusted_days[0].lessons if x.lesson_id == world.lesson_today.id)
    assert [m.value for m in maths_t.marks] == [5] and maths_t.homework == []
    # A student in English group 2 (students[2]) does not see group 1's lesson.
    other_days = await diary.student_diary(
        session, world.actors["admin"], world.students[2].id, TODAY, TODAY
    )
    assert world.lesson_subgroup.id not in {x.lesson_id for x in other_days[0].lessons}


async def test_diary_marks_holidays(session: AsyncSession, world: SchoolWorld) -> None:
    days = await diary.student_diary(
        session,
        world.actors["parent"],
        world.students[0].id,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 7),
    )
    assert days[0].holiday == "Осенние каникулы" and days[3].holiday == "Осенние каникулы"
    assert days[4].holiday is None and not days[4].weekend and days[6].weekend


async def test_parent_cannot_read_another_child(session: AsyncSession, world: SchoolWorld) -> None:
    with pytest.raises(AccessDenied):
        await diary.student_diary(
            session, world.actors["parent"], world.students[1].id, TODAY, TODAY
        )
    other = await build_school(session, "s2")
    with pytest.raises(AccessDenied):
        await diary.student_diary(
            session, world.actors["admin"], other.students[0].id, TODAY, TODAY
        )


@pytest.mark.parametrize(
    ("average", "expected"),
    [("2.49", 2), ("2.50", 3), ("3.49", 3), ("3.50", 4), ("4.49", 4), ("4.50", 5), ("1.00", 2)],
)
def test_suggested_mark_thresholds(average: str, expected: int) -> None:
    school = School(threshold_3=250, threshold_4=350, threshold_5=450)
    assert mark_reads.suggest_mark(Decimal(average), school) == expected


def test_weighted_average() -> None:
    assert mark_reads.weighted_average([(5, 1), (3, 3)]) == Decimal("3.50")
    assert mark_reads.weighted_average([]) is None


async def test_marks_by_subject_and_suggested_period_marks(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    await marking.put_mark(session, teacher, world.lesson_today.id, s0, 5, WorkKind.ANSWER, now=NOW)
    await marking.put_mark(
        session, teacher, world.lesson_today.id, s0, 3, WorkKind.CONTROL, now=NOW
    )
    subjects = await mark_reads.marks_by_subject(session, world.actors["student"], s0, world.q2.id)
    maths = next(s for s in subjects if s.subject_id == world.math.id)
    assert maths.weighted_average == Decimal("3.50") and maths.suggested == 4
    assert not maths.enough_marks
    assert any(s.subject_id == world.russian.id and s.suggested is None for s in subjects)

    rows = await mark_reads.suggest_period_marks(
        session, teacher, world.cls.id, world.math.id, world.q2.id
    )
    assert [r.student for r in rows][:2] == ["Иванов П.", "Петрова А."]
    first = rows[0]
    assert (first.marks_count, first.suggested, first.too_few_marks) == (2, 4, True)
    with pytest.raises(AccessDenied):
        await mark_reads.suggest_period_marks(
            session, world.actors["colleague"], world.cls.id, world.math.id, world.q2.id
        )


async def test_teacher_day_includes_substitutions(
    session: AsyncSession, world: SchoolWorld
) -> None:
    mine = await teacher_day.teacher_lessons(session, world.actors["teacher"], TODAY)
    assert [(x.number, x.class_name, x.substitute) for x in mine] == [
        (2, "7А", False),
        (3, "8Б", False),
        (5, "7А", True),
    ]
    theirs = await teacher_day.teacher_lessons(session, world.actors["colleague"], TODAY)
    assert [x.number for x in theirs] == [1]
    with pytest.raises(AccessDenied):
        await teacher_day.teacher_lessons(
            session, world.actors["colleague"], TODAY, world.teacher.id
        )
    assert await teacher_day.teacher_lessons(
        session, world.actors["deputy"], TODAY, world.teacher.id
    )


async def test_class_timetable(session: AsyncSession, world: SchoolWorld) -> None:
    slots = await timetable_reads.class_timetable(
        session, world.actors["parent"], world.cls.id, TODAY, TODAY
    )
    assert [s.number for s in slots] == [1, 2, 4, 5]
    assert [s.substituted for s in slots] == [False, False, False, True]
    with pytest.raises(AccessDenied):
        await timetable_reads.class_timetable(
            session, world.actors["parent"], world.other_cls.id, TODAY, TODAY
        )


async def test_archived_year_is_read_only_even_for_an_unlock(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from services.models import SchoolYear

    year = await session.get(SchoolYear, world.year.id)
    assert year is not None
    year.is_closed = True
    year.archived_at = NOW
    await session.commit()
    s0 = world.students[0].id
    with pytest.raises(ValidationFailed) as exc:
        await marking.put_mark(
            session,
            world.actors["teacher"],
            world.lesson_today.id,
            s0,
            5,
            WorkKind.ANSWER,
            now=NOW,
        )
    assert exc.value.code == "journal.year_archived"
    with pytest.raises(ValidationFailed):
        await lesson_edits.unlock_lesson(
            session, world.actors["deputy"], world.lesson_old.id, reason="архив", now=NOW
        )
