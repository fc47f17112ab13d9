"""The teacher's use cases on a real database (SQLite and PostgreSQL): the lesson sheet, the
one-message save, absence reasons, period marks and the class teacher's views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance import absence_reasons, attendance_views, roll_call
from services.enums import AttendanceCode, SpecialMark, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.homework import topics
from services.marks import class_journal, final_marks, lesson_record, marking
from services.models import (
    Attendance,
    AuditEntry,
    FinalMark,
    Lesson,
    Mark,
    OutboxMessage,
    School,
)
from services.people import class_teacher
from services.timetable import lesson_sheet
from tests.factories import (
    NOW,
    TODAY,
    SchoolWorld,
    absence_notice,
    absent_today,
    at,
    build_school,
    count,
)
from tests.family.helpers import mark


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


# --------------------------------------------------------------------------- lesson sheet


async def test_lesson_sheet_shows_roster_notice_and_locks(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0, s1 = world.students[0], world.students[1]
    session.add(absence_notice(world, s1.id, "к врачу"))
    await session.commit()
    await marking.put_mark(
        session, teacher, world.lesson_today.id, s0.id, 5, WorkKind.ANSWER, now=NOW
    )
    sheet = await lesson_sheet.lesson_sheet(session, teacher, world.lesson_today.id, now=NOW)
    assert [s.last_name for s in sheet.students] == ["Иванов", "Петрова", "Сидоров", "Смирнова"]
    assert sheet.students[0].marks[0].value == 5
    assert sheet.students[1].notice_code == AttendanceCode.EXCUSED
    assert sheet.students[1].notice_reason == "к врачу"
    assert sheet.can_edit and not sheet.can_unlock
    assert sheet.records_lock is None and sheet.text_lock is None

    future = await lesson_sheet.lesson_sheet(session, teacher, world.lesson_future.id, now=NOW)
    assert future.records_lock is not None
    assert future.records_lock.code == "journal.lesson_in_future"
    assert future.text_lock is None

    old = await lesson_sheet.lesson_sheet(session, teacher, world.lesson_old.id, now=NOW)
    assert old.records_lock is not None and old.records_lock.code == "journal.lesson_locked"

    first = await lesson_sheet.lesson_sheet(
        session, world.actors["first_teacher"], world.lesson_first.id, now=NOW
    )
    assert first.first_grade

    deputy = await lesson_sheet.lesson_sheet(
        session, world.actors["deputy"], world.lesson_old.id, now=NOW
    )
    assert deputy.can_unlock and not deputy.can_edit


async def test_lesson_sheet_of_a_subgroup_and_substitution(
    session: AsyncSession, world: SchoolWorld
) -> None:
    sheet = await lesson_sheet.lesson_sheet(
        session, world.actors["class_teacher"], world.lesson_subgroup.id, now=NOW
    )
    assert {s.id for s in sheet.students} == {world.students[0].id, world.students[1].id}
    assert sheet.subgroup == "Группа 1"
    sub = await lesson_sheet.lesson_sheet(
        session, world.actors["teacher"], world.lesson_substituted.id, now=NOW
    )
    assert sub.substituted and sub.can_edit and sub.teacher_id == world.teacher.id
    colleague = await lesson_sheet.lesson_sheet(
        session, world.actors["colleague"], world.lesson_substituted.id, now=NOW
    )
    assert not colleague.can_edit


async def test_lesson_sheet_refuses_a_stranger(session: AsyncSession, world: SchoolWorld) -> None:
    with pytest.raises(AccessDenied):
        await lesson_sheet.lesson_sheet(
            session, world.actors["parent"], world.lesson_today.id, now=NOW
        )
    other = await build_school(session, "s2")
    with pytest.raises(AccessDenied):
        await lesson_sheet.lesson_sheet(
            session, other.actors["deputy"], world.lesson_today.id, now=NOW
        )


async def test_topic_suggestions_skip_used_plan_items(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from services.models import PlanItem

    teacher = world.actors["teacher"]
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
    first = await topics.topic_suggestions(session, teacher, world.lesson_today.id)
    assert [c.number for c in first] == [1, 2]
    await topics.set_topic(
        session,
        teacher,
        world.lesson_old.id,
        plan_item_id=world.plan_item.id,
        now=at(TODAY - dt.timedelta(days=9)),
    )
    after = await topics.topic_suggestions(session, teacher, world.lesson_today.id)
    assert [c.topic for c in after] == ["Системы уравнений"]


# --------------------------------------------------------------------------- one-message save


async def test_record_lesson_saves_marks_and_absences_in_one_go(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s = world.students
    lid = world.lesson_today.id
    await roll_call.save_attendance(session, teacher, lid, {s[3].id: AttendanceCode.LATE}, now=NOW)
    done = await lesson_record.record_lesson(
        session,
        teacher,
        lid,
        [(s[0].id, 5, WorkKind.ANSWER), (s[1].id, 4, WorkKind.CONTROL)],
        absences={s[2].id: AttendanceCode.ABSENT},
        now=NOW,
    )
    assert len(done.marks) == 2
    assert done.attendance is not None and done.attendance.changed == 1
    codes = dict((await session.execute(select(Attendance.student_id, Attendance.code))).all())
    # The late student keeps their code: absences are merged, not replacing.
    assert codes == {s[2].id: AttendanceCode.ABSENT, s[3].id: AttendanceCode.LATE}
    assert await count(session, Mark) == 2
    assert await count(session, AuditEntry, AuditEntry.action == "mark.create") == 2
    assert await count(session, OutboxMessage, OutboxMessage.kind == "mark.new") >= 2


async def test_record_lesson_is_all_or_nothing(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    s0, stranger, lid = world.students[0].id, world.other_student.id, world.lesson_today.id
    with pytest.raises(AccessDenied):
        await lesson_record.record_lesson(
            session,
            teacher,
            lid,
            [(s0, 5, WorkKind.ANSWER), (stranger, 4, WorkKind.ANSWER)],
            now=NOW,
        )
    await session.rollback()
    assert await count(session, Mark) == 0
    with pytest.raises(ValidationFailed) as err:
        await lesson_record.record_lesson(
            session, teacher, lid, [(s0, 6, WorkKind.ANSWER)], now=NOW
        )
    assert err.value.code == "journal.mark_value"
    await session.rollback()
    with pytest.raises(ValidationFailed) as err:
        await lesson_record.record_lesson(session, teacher, lid, [], now=NOW)
    assert err.value.code == "quick.nothing_to_save"


async def test_record_lesson_keeps_the_rules(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    s0 = world.students[0].id
    lid, first_lesson, first_student = (
        world.lesson_today.id,
        world.lesson_first.id,
        world.first_student.id,
    )
    cases = [
        (teacher, world.lesson_future.id, s0, "journal.lesson_in_future"),
        (teacher, world.lesson_old.id, s0, "journal.lesson_locked"),
        (
            world.actors["first_teacher"],
            world.lesson_first.id,
            world.first_student.id,
            "journal.first_grade_no_marks",
        ),
    ]
    for who, lesson_id, student_id, code in cases:
        with pytest.raises(ValidationFailed) as err:
            await lesson_record.record_lesson(
                session, who, lesson_id, [(student_id, 5, WorkKind.ANSWER)], now=NOW
            )
        assert err.value.code == code
        await session.rollback()
    with pytest.raises(AccessDenied):
        await lesson_record.record_lesson(
            session,
            world.actors["colleague"],
            lid,
            [(s0, 5, WorkKind.ANSWER)],
            now=NOW,
        )
    # 1st grade: attendance alone is fine.
    done = await lesson_record.record_lesson(
        session,
        world.actors["first_teacher"],
        first_lesson,
        [],
        absences={first_student: AttendanceCode.ABSENT},
        now=NOW,
    )
    assert done.marks == []


async def test_marks_per_student_and_lesson_are_capped_by_the_school_setting(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0, s1 = world.students[0].id, world.students[1].id
    name = world.students[0].short_name
    lid, school_id = world.lesson_today.id, world.school.id
    assert world.school.max_marks_per_lesson == 3  # the default
    # One message with 60 marks for one student saves nothing and names the student.
    with pytest.raises(ValidationFailed) as err:
        await lesson_record.record_lesson(
            session, teacher, lid, [(s0, 5, WorkKind.ANSWER)] * 60, now=NOW
        )
    assert err.value.code == "journal.too_many_marks"
    assert err.value.params == {"student": name, "total": 60, "limit": 3}
    await session.rollback()
    assert await count(session, Mark) == 0
    # Marks already there count: 2 by taps, then 2 more by one message is one too many.
    for value in (4, 5):
        await marking.put_mark(session, teacher, lid, s0, value, WorkKind.ANSWER, now=NOW)
    with pytest.raises(ValidationFailed) as err:
        await lesson_record.record_lesson(
            session,
            teacher,
            lid,
            [(s1, 5, WorkKind.ANSWER), (s0, 3, WorkKind.TEST), (s0, 4, WorkKind.TEST)],
            now=NOW,
        )
    assert err.value.params["student"] == name and err.value.params["total"] == 4
    await session.rollback()
    await marking.put_mark(session, teacher, lid, s0, 3, WorkKind.TEST, now=NOW)
    with pytest.raises(ValidationFailed) as err:
        await marking.put_mark(session, teacher, lid, s0, 5, WorkKind.ANSWER, now=NOW)
    assert err.value.code == "journal.too_many_marks"
    await session.rollback()
    assert await count(session, Mark, Mark.student_id == s0) == 3
    # The school may allow more.
    school = await session.get(School, school_id)
    assert school is not None
    school.max_marks_per_lesson = 4
    await session.commit()
    await marking.put_mark(session, teacher, lid, s0, 5, WorkKind.ANSWER, now=NOW)
    assert await count(session, Mark, Mark.student_id == s0) == 4


async def test_a_mark_for_an_absent_student_needs_a_confirmation(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s = [x.id for x in world.students]
    name = world.students[2].short_name
    lid = world.lesson_today.id
    await roll_call.save_attendance(
        session,
        teacher,
        lid,
        {s[0]: AttendanceCode.ABSENT, s[1]: AttendanceCode.ILL, s[3]: AttendanceCode.LATE},
        now=NOW,
    )
    for sid in (s[0], s[1]):
        with pytest.raises(ValidationFailed) as err:
            await marking.put_mark(session, teacher, lid, sid, 5, WorkKind.ANSWER, now=NOW)
        assert err.value.code == "journal.mark_for_absent"
        await session.rollback()
    # Absent in the same message counts too; a late student is present.
    with pytest.raises(ValidationFailed) as err:
        await lesson_record.record_lesson(
            session,
            teacher,
            lid,
            [(s[3], 4, WorkKind.ANSWER), (s[2], 5, WorkKind.ANSWER)],
            absences={s[2]: AttendanceCode.ABSENT},
            now=NOW,
        )
    assert err.value.params == {"student": name}
    await session.rollback()
    assert await count(session, Mark) == 0
    # Confirmed: saved and audited like any mark.
    await marking.put_mark(
        session, teacher, lid, s[0], 5, WorkKind.CONTROL, for_absent=True, now=NOW
    )
    done = await lesson_record.record_lesson(
        session,
        teacher,
        lid,
        [(s[3], 4, WorkKind.ANSWER), (s[2], 5, WorkKind.ANSWER)],
        absences={s[2]: AttendanceCode.ABSENT},
        for_absent=True,
        now=NOW,
    )
    assert len(done.marks) == 2
    assert await count(session, Mark) == 3
    assert await count(session, AuditEntry, AuditEntry.action == "mark.create") == 3


# --------------------------------------------------------------------------- absence reasons


async def test_class_teacher_sets_reasons_after_the_edit_window(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher, ct = world.actors["teacher"], world.actors["class_teacher"]
    s0, s1 = world.students[0].id, world.students[1].id
    monday = TODAY - dt.timedelta(days=2)
    lesson = Lesson(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.math.id,
        teacher_id=world.teacher.id,
        date=monday,
        lesson_number=6,
    )
    session.add(lesson)
    await session.commit()
    lid = lesson.id
    await roll_call.save_attendance(
        session,
        teacher,
        lid,
        {s0: AttendanceCode.ABSENT, s1: AttendanceCode.LATE},
        now=at(monday, 12),
    )
    later = at(TODAY + dt.timedelta(days=5))  # the teacher's window has passed
    changed = await absence_reasons.set_absence_reasons(
        session, ct, [(lid, s0, AttendanceCode.ILL)], now=later
    )
    assert changed == 1
    row = await session.scalar(select(Attendance).where(Attendance.student_id == s0))
    assert row is not None and row.code == AttendanceCode.ILL
    # Only between absence kinds: a late student cannot become "ill".
    with pytest.raises(AccessDenied):
        await absence_reasons.set_absence_reasons(
            session, ct, [(lid, s1, AttendanceCode.ILL)], now=later
        )
    await session.rollback()
    with pytest.raises(ValidationFailed):
        await absence_reasons.set_absence_reasons(
            session, ct, [(lid, s0, AttendanceCode.LATE)], now=later
        )
    await session.rollback()
    # Another class's class teacher may not.
    with pytest.raises(AccessDenied):
        await absence_reasons.set_absence_reasons(
            session,
            world.actors["first_teacher"],
            [(lid, s0, AttendanceCode.EXCUSED)],
            now=later,
        )
    await session.rollback()
    assert await count(session, AuditEntry, AuditEntry.action == "attendance.set") == 3


async def test_reasons_respect_a_closed_period(session: AsyncSession, world: SchoolWorld) -> None:
    s0 = world.students[0].id
    await absent_today(session, world, s0)
    world.q2.is_closed = True
    await session.commit()
    with pytest.raises(ValidationFailed) as err:
        await absence_reasons.set_absence_reasons(
            session,
            world.actors["class_teacher"],
            [(world.lesson_today.id, s0, AttendanceCode.ILL)],
            now=NOW,
        )
    assert err.value.code == "journal.period_closed"


# --------------------------------------------------------------------------- period marks


async def _marks(session: AsyncSession, world: SchoolWorld, values: dict[int, list[int]]) -> None:
    """Marks on lessons of the second quarter (days before TODAY), straight into the table."""
    for n, (student_id, marks) in enumerate(values.items()):
        for k, value in enumerate(marks):
            lesson = Lesson(
                school_id=world.school.id,
                class_id=world.cls.id,
                subject_id=world.math.id,
                teacher_id=world.teacher.id,
                date=world.q2.starts_on + dt.timedelta(days=k),
                lesson_number=7 - (n % 2),
            )
            existing = await session.scalar(
                select(Lesson).where(
                    Lesson.class_id == world.cls.id,
                    Lesson.date == lesson.date,
                    Lesson.lesson_number == lesson.lesson_number,
                )
            )
            if existing is None:
                session.add(lesson)
                await session.flush()
            else:
                lesson = existing
            session.add(mark(world, lesson, student_id, value))
    await session.commit()


async def test_term_sheet_suggests_by_thresholds(session: AsyncSession, world: SchoolWorld) -> None:
    s = world.students
    await _marks(session, world, {s[0].id: [5, 4, 4, 5], s[1].id: [3, 2], s[2].id: [2, 3, 3]})
    sheet = await final_marks.term_sheet(
        session, world.actors["teacher"], world.cls.id, world.math.id, world.q2.id
    )
    rows = {r.student_id: r for r in sheet.rows}
    assert rows[s[0].id].weighted_average == Decimal("4.50") and rows[s[0].id].suggested == 5
    assert rows[s[1].id].suggested == 3 and rows[s[1].id].too_few_marks
    assert rows[s[2].id].weighted_average == Decimal("2.67") and rows[s[2].id].suggested == 3
    assert rows[s[3].id].suggested is None and rows[s[3].id].marks_count == 0


async def test_set_period_marks_upserts_audits_and_alerts(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s = world.students
    args = (world.cls.id, world.math.id, world.q2.id)
    saved = await final_marks.set_period_marks(
        session, teacher, *args, {s[0].id: 5, s[1].id: SpecialMark.NOT_CERTIFIED}, now=NOW
    )
    assert (saved.created, saved.changed, saved.unchanged) == (2, 0, 0)
    again = await final_marks.set_period_marks(
        session, teacher, *args, {s[0].id: 5, s[1].id: 3}, now=NOW
    )
    assert (again.created, again.changed, again.unchanged) == (0, 1, 1)
    rows = {fm.student_id: fm for fm in (await session.scalars(select(FinalMark))).all()}
    assert rows[s[0].id].value == 5 and rows[s[1].id].value == 3 and rows[s[1].id].special is None
    audits = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "final_mark.set"))
    ).all()
    assert len(audits) == 3
    change = [a for a in audits if a.before is not None]
    assert change[0].before == {"value": None, "special": "na"}
    assert change[0].after is not None and change[0].after["value"] == 3
    alerts = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "final_mark.set"))
    ).all()
    # students[0]: a parent (the trusted person sees marks too); students[1]: parent2.
    assert {a.recipient_person_id for a in alerts} >= {world.parent.id, world.parent2.id}
    assert all(a.payload["subject"] == "Математика" for a in alerts)


async def test_class_teacher_sets_period_marks_of_any_subject(
    session: AsyncSession, world: SchoolWorld
) -> None:
    ct = world.actors["class_teacher"]
    saved = await final_marks.set_period_marks(
        session, ct, world.cls.id, world.russian.id, world.q2.id, {world.students[2].id: 4}, now=NOW
    )
    assert saved.created == 1
    options = await final_marks.term_options(session, ct)
    assert {(o.class_name, o.subject) for o in options} >= {
        ("7А", "Математика"),
        ("7А", "Русский язык"),
        ("7А", "Английский язык"),
    }


async def test_set_period_marks_refusals(session: AsyncSession, world: SchoolWorld) -> None:
    teacher = world.actors["teacher"]
    s0, cls_id, math_id, q2_id = world.students[0].id, world.cls.id, world.math.id, world.q2.id
    with pytest.raises(AccessDenied):  # not their subject
        await final_marks.set_period_marks(
            session, teacher, cls_id, world.russian.id, q2_id, {s0: 5}, now=NOW
        )
    with pytest.raises(AccessDenied):  # a student of another class
        await final_marks.set_period_marks(
            session,
            teacher,
            cls_id,
            math_id,
            q2_id,
            {world.other_student.id: 5},
            now=NOW,
        )
    with pytest.raises(ValidationFailed) as err:
        await final_marks.set_period_marks(
            session, teacher, cls_id, math_id, q2_id, {s0: 7}, now=NOW
        )
    assert err.value.code == "term.bad_value"
    with pytest.raises(ValidationFailed):
        await final_marks.set_period_marks(session, teacher, cls_id, math_id, q2_id, {}, now=NOW)
    world.q2.is_closed = True
    await session.commit()
    with pytest.raises(ValidationFailed) as err:
        await final_marks.set_period_marks(
            session, teacher, cls_id, math_id, q2_id, {s0: 5}, now=NOW
        )
    assert err.value.code == "yearmarks.period_marks_locked"
    await session.rollback()
    assert await count(session, FinalMark) == 0
    other = await build_school(session, "s2")
    with pytest.raises(AccessDenied):
        await final_marks.set_period_marks(
            session,
            other.actors["teacher"],
            cls_id,
            math_id,
            q2_id,
            {s0: 5},
            now=NOW,
        )


async def test_periods_default_to_the_current_one(
    session: AsyncSession, world: SchoolWorld
) -> None:
    periods, default = await final_marks.periods_for_class(
        session, world.actors["teacher"], world.cls.id, now=NOW
    )
    assert [p.name for p in periods] == ["1 четверть", "2 четверть"]
    assert default == world.q2.id


def test_parse_value() -> None:
    assert final_marks.parse_value("4") == 4
    assert final_marks.parse_value("exempt") == SpecialMark.EXEMPT
    for bad in ("0", "6", "x", True, 2.5):
        with pytest.raises(ValidationFailed):
            final_marks.parse_value(bad)


# --------------------------------------------------------------------------- class views


async def test_absences_of_a_class(session: AsyncSession, world: SchoolWorld) -> None:
    s = world.students
    teacher, ct = world.actors["teacher"], world.actors["class_teacher"]
    session.add(absence_notice(world, s[3].id, "соревнования"))
    await session.commit()
    await roll_call.save_attendance(
        session, teacher, world.lesson_today.id, {s[0].id: AttendanceCode.ABSENT}, now=NOW
    )
    await roll_call.save_attendance(
        session,
        teacher,
        world.lesson_substituted.id,
        {s[0].id: AttendanceCode.ABSENT, s[1].id: AttendanceCode.LATE},
        now=NOW,
    )
    att = await session.scalar(select(Attendance).where(Attendance.student_id == s[0].id).limit(1))
    assert att is not None
    att.family_reason = "ill"
    await session.commit()

    rows = await attendance_views.absence_days(session, ct, world.cls.id, TODAY, TODAY)
    by = {r.student_id: r for r in rows}
    assert [x.number for x in by[s[0].id].lessons] == [2, 5]
    assert by[s[0].id].unexplained and by[s[0].id].suggested == AttendanceCode.ILL
    assert by[s[1].id].lessons[0].code == AttendanceCode.LATE
    assert by[s[3].id].lessons == () and by[s[3].id].notice_reason == "соревнования"
    assert by[s[3].id].suggested == AttendanceCode.EXCUSED
    # The deputy sees it too; a subject teacher and another class teacher do not.
    assert await attendance_views.absence_days(
        session, world.actors["deputy"], world.cls.id, TODAY, TODAY
    )
    for who in ("teacher", "first_teacher", "parent"):
        with pytest.raises(AccessDenied):
            await attendance_views.absence_days(
                session, world.actors[who], world.cls.id, TODAY, TODAY
            )


async def test_overseen_classes(session: AsyncSession, world: SchoolWorld) -> None:
    assert [
        c.name for c in await class_teacher.overseen_classes(session, world.actors["class_teacher"])
    ] == ["7А"]
    assert await class_teacher.overseen_classes(session, world.actors["teacher"]) == []
    names = [c.name for c in await class_teacher.overseen_classes(session, world.actors["deputy"])]
    assert names == ["1А", "7А", "8Б"]


async def test_class_journal_grid(session: AsyncSession, world: SchoolWorld) -> None:
    s = world.students
    teacher = world.actors["teacher"]
    await marking.put_mark(
        session, teacher, world.lesson_today.id, s[0].id, 5, WorkKind.ANSWER, now=NOW
    )
    await marking.put_mark(
        session, teacher, world.lesson_today.id, s[0].id, 4, WorkKind.TEST, now=NOW
    )
    await roll_call.save_attendance(
        session, teacher, world.lesson_today.id, {s[2].id: AttendanceCode.ABSENT}, now=NOW
    )
    grid = await class_journal.class_journal(
        session, world.actors["class_teacher"], world.cls.id, world.math.id, world.q2.id
    )
    assert [c.date for c in grid.columns] == [
        TODAY - dt.timedelta(days=9),
        TODAY,
        TODAY + dt.timedelta(days=1),
    ]
    rows = {r.student_id: r for r in grid.rows}
    assert rows[s[0].id].cells == ("", "54", "")
    assert rows[s[0].id].average == Decimal("4.33")
    assert rows[s[2].id].cells == ("", "Н", "")
    # The subject's teacher may read it; another subject's teacher may not.
    await class_journal.class_journal(session, teacher, world.cls.id, world.math.id, world.q2.id)
    with pytest.raises(AccessDenied):
        await class_journal.class_journal(
            session, world.actors["colleague"], world.cls.id, world.math.id, world.q2.id
        )


async def test_class_subjects_and_find_teachers(session: AsyncSession, world: SchoolWorld) -> None:
    ct = world.actors["class_teacher"]
    names = [x.name for x in await class_journal.class_subjects(session, ct, world.cls.id)]
    assert names == ["Английский язык", "Математика", "Русский язык"]
    own = await class_journal.class_subjects(session, world.actors["teacher"], world.cls.id)
    assert [x.name for x in own] == ["Математика"]
    found = await class_teacher.find_teachers(session, world.actors["deputy"], "учит")
    assert [x.id for x in found] == [world.teacher.id]
    assert await class_teacher.find_teachers(session, world.actors["deputy"], " ") == []
    with pytest.raises(AccessDenied):
        await class_teacher.find_teachers(session, world.actors["teacher"], "Кол")
