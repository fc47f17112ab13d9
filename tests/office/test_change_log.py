"""The change log in plain words on both databases: a roll call corrected after the lesson's
day needs the teacher's reason (kept in the audit entry); the office's log of a student names
whose change it is and which lesson (student, subject, date), before → after and why."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import translator
from screens.admin.tools import student_audit_screen
from services.attendance import roll_call
from services.enums import AttendanceCode, WorkKind
from services.errors import ValidationFailed
from services.marks import marking
from services.models import AuditEntry, Lesson
from services.school import audit_trail
from tests.factories import NOW, TODAY, SchoolWorld, build_school

YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def _yesterday(session: AsyncSession, world: SchoolWorld) -> Lesson:
    lesson = Lesson(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.math.id,
        teacher_id=world.teacher.id,
        date=YESTERDAY,
        lesson_number=3,
    )
    session.add(lesson)
    await session.commit()
    return lesson


async def test_a_late_correction_needs_a_reason(session: AsyncSession, world: SchoolWorld) -> None:
    teacher, student = world.actors["teacher"], world.students[0]
    lesson = await _yesterday(session, world)
    taken_then = NOW - dt.timedelta(days=1)
    absent = {student.id: AttendanceCode.ABSENT}
    # Taken on the lesson's day: no reason needed.
    await roll_call.save_attendance(session, teacher, lesson.id, absent, now=taken_then)
    # Corrected the next day: refused without a reason, nothing written.
    for reason in (None, "   "):
        with pytest.raises(ValidationFailed) as err:
            await roll_call.save_attendance(session, teacher, lesson.id, {}, now=NOW, reason=reason)
        assert err.value.code == "changes.attendance_reason"
    saved = await roll_call.save_attendance(
        session, teacher, lesson.id, {}, now=NOW, reason="был на олимпиаде, пришёл ко 2-му"
    )
    assert saved.changed == 1
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "attendance.set", AuditEntry.entity_id == str(lesson.id))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert [(e.before, e.after, e.reason) for e in entries] == [
        ({"code": None}, {"code": "absent"}, None),
        ({"code": "absent"}, {"code": None}, "был на олимпиаде, пришёл ко 2-му"),
    ]
    # Saving the same again changes nothing and asks nothing.
    again = await roll_call.save_attendance(session, teacher, lesson.id, {}, now=NOW)
    assert again.changed == 0
    # Today's lesson, taken and corrected the same day: no reason.
    today = world.lesson_today
    await roll_call.save_attendance(session, teacher, today.id, absent, now=NOW)
    await roll_call.save_attendance(session, teacher, today.id, {}, now=NOW)


async def test_the_log_says_whose_and_which_lesson(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher, student = world.actors["teacher"], world.students[0]
    lesson = await _yesterday(session, world)
    mark = await marking.put_mark(
        session, teacher, lesson.id, student.id, 3, WorkKind.ANSWER, now=NOW
    )
    await marking.change_mark(session, teacher, mark.id, reason="пересчёт", value=4, now=NOW)
    await roll_call.save_attendance(
        session, teacher, lesson.id, {student.id: AttendanceCode.LATE}, now=NOW
    )
    _, rows = await audit_trail.student_audit(session, world.actors["deputy"], student.id)
    about = {r.action: r.about for r in rows}
    concern = audit_trail.Concern("Иванов П.", "Математика", YESTERDAY)
    assert about == {"mark.create": concern, "mark.change": concern, "attendance.set": concern}

    ru = "\n".join(student_audit_screen(translator("ru"), student.full_name, rows).texts)
    day = f"{YESTERDAY:%d.%m}"
    assert (
        f"отметка исправлена (Иванов П., Математика, {day}): отметка: 3 → 4, причина: пересчёт"
        in ru
    )
    assert f"посещаемость (Иванов П., Математика, {day}): присутствие → " in ru
    en = "\n".join(student_audit_screen(translator("en"), student.full_name, rows).texts)
    assert f"(Иванов П., Математика, {day}): mark: 3 → 4, reason: пересчёт" in en
