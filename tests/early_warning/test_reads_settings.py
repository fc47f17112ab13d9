"""The class teacher's list of students at risk, who may see it, and the school's steps."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.early_warning import reads, settings
from services.enums import AttendanceCode, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.models import Attendance, AuditEntry, Mark, School
from tests.factories import MSK, TODAY, SchoolWorld, build_school, maths_lesson

NOW = dt.datetime.combine(TODAY, dt.time(20, 0), tzinfo=MSK).astimezone(dt.UTC)
PAST_DAYS = [dt.date(2026, 11, d) for d in (5, 6, 9, 10, 11, 12, 13, 16, 17)]


async def at_risk_world(session: AsyncSession) -> SchoolWorld:
    w = await build_school(session)
    lessons = [maths_lesson(w, day, n) for day in PAST_DAYS for n in (6, 7)]
    session.add_all(lessons)
    await session.flush()
    # students[0]: 3 absences of 23 lessons (13 %), 2 without a valid reason
    for lesson, code in zip(
        lessons[:3],
        (AttendanceCode.ABSENT, AttendanceCode.ABSENT, AttendanceCode.ILL),
        strict=True,
    ):
        session.add(
            Attendance(
                school_id=w.school.id, lesson_id=lesson.id, student_id=w.students[0].id, code=code
            )
        )
    # students[2]: maths 2, 2, 2 → «2»; students[1]: nothing at risk
    for lesson in lessons[:3]:
        session.add(
            Mark(
                school_id=w.school.id,
                lesson_id=lesson.id,
                student_id=w.students[2].id,
                value=2,
                work_kind=WorkKind.ANSWER,
                weight=1,
            )
        )
    await session.commit()
    return w


async def test_the_class_teacher_sees_the_students_at_risk(session: AsyncSession) -> None:
    w = await at_risk_world(session)
    risk = await reads.class_at_risk(session, w.actors["class_teacher"], w.cls.id, now=NOW)
    assert (risk.class_name, risk.period, risk.first_step, risk.second_step) == (
        "7А",
        "2 четверть",
        5,
        10,
    )
    by_name = {s.name: s for s in risk.students}
    assert set(by_name) == {"Иванов Пётр", "Сидоров Олег"}
    ivanov = by_name["Иванов Пётр"]
    assert (ivanov.absent, ivanov.lessons, ivanov.unexcused, str(ivanov.percent)) == (
        3,
        23,
        2,
        "13.0",
    )
    assert ivanov.absences_at_risk and ivanov.subjects == ()
    sidorov = by_name["Сидоров Олег"]
    assert not sidorov.absences_at_risk
    assert sidorov.subjects == (reads.SubjectRisk("Математика", 2, None),)
    # the administration too
    assert (await reads.class_at_risk(session, w.actors["deputy"], w.cls.id, now=NOW)).students


@pytest.mark.parametrize("who", ["teacher", "colleague", "first_teacher", "parent", "student"])
async def test_others_cannot_see_the_list(session: AsyncSession, who: str) -> None:
    w = await at_risk_world(session)
    with pytest.raises(AccessDenied):
        await reads.class_at_risk(session, w.actors[who], w.cls.id, now=NOW)


async def test_the_admin_sets_the_steps_audited(session: AsyncSession) -> None:
    w = await build_school(session)
    admin = w.actors["admin"]
    assert await settings.warning_steps(session, admin) == settings.WarningSteps(5, 10)
    assert await settings.set_warning_steps(session, admin, "3", "8 %", now=NOW) == (
        settings.WarningSteps(3, 8)
    )
    school = await session.get(School, w.school.id)
    assert school is not None
    await session.refresh(school)
    assert (school.warn_absence_first, school.warn_absence_second) == (3, 8)
    entries = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "school.early_warning"))
    ).all()
    assert len(entries) == 1
    assert entries[0].before == {"warn_absence_first": 5, "warn_absence_second": 10}
    # the same again: nothing recorded
    await settings.set_warning_steps(session, admin, 3, 8, now=NOW)
    assert (
        len(
            (
                await session.scalars(
                    select(AuditEntry).where(AuditEntry.action == "school.early_warning")
                )
            ).all()
        )
        == 1
    )


@pytest.mark.parametrize(("first", "second"), [("10", "5"), ("0", "5"), ("5", "101"), ("a", "5")])
async def test_bad_steps_are_refused(session: AsyncSession, first: str, second: str) -> None:
    w = await build_school(session)
    with pytest.raises(ValidationFailed):
        await settings.set_warning_steps(session, w.actors["admin"], first, second, now=NOW)


async def test_only_the_admin_sets_the_steps(session: AsyncSession) -> None:
    w = await build_school(session)
    for who in ("class_teacher", "deputy", "parent"):
        with pytest.raises(AccessDenied):
            await settings.set_warning_steps(session, w.actors[who], 3, 8, now=NOW)
