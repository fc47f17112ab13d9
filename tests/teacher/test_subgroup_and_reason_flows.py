"""Through the Dispatcher: the class teacher's /subgroups (a tap moves a student between the
English groups from today; a forged class is refused) and the reason asked when a roll call
is corrected after the lesson's day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from screens.class_teacher.actions import GroupCb
from screens.teacher.actions import AttCb
from services.attendance import roll_call
from services.enums import AttendanceCode
from services.models import AuditEntry, Lesson, Subgroup, SubgroupMember
from tests.factories import NOW, TODAY, SchoolWorld


async def test_class_teacher_moves_a_student_between_groups(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    second = Subgroup(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.english.id,
        name="Группа 2",
    )
    session.add(second)
    await session.commit()
    ct = chat("class_teacher")
    await ct.send("/subgroups")
    assert "Подгруппы 7А" in ct.text and "Группа 1 (Английский язык)" in ct.text
    await ct.press(ct.button("Группа 2"))
    assert "0 обучающихся" in ct.text
    await ct.press(ct.button("Петрова"))
    assert "переведён из «Группа 1» в «Группа 2» с 18.11.2026" in ct.text
    assert any(text.startswith("✅ Петрова") for text, _ in ct.buttons())
    stays = (
        await session.execute(
            select(SubgroupMember.subgroup_id, SubgroupMember.joined_on, SubgroupMember.left_on)
            .where(SubgroupMember.student_id == world.students[1].id)
            .order_by(SubgroupMember.id)
        )
    ).all()
    assert [tuple(s) for s in stays] == [
        (world.subgroup.id, None, TODAY),
        (second.id, TODAY, None),
    ]
    # A colleague has no /subgroups; a forged button for another class is refused.
    other = chat("teacher")
    await other.press(GroupCb(action="cls", class_id=world.cls.id).pack())
    assert "Подгруппы" not in "".join(str(s.text) for s in other.shown())


async def test_a_late_roll_call_correction_asks_the_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    lesson = Lesson(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.math.id,
        teacher_id=world.teacher.id,
        date=TODAY - dt.timedelta(days=1),
        lesson_number=3,
    )
    session.add(lesson)
    await session.commit()
    student = world.students[0]
    await roll_call.save_attendance(
        session,
        world.actors["teacher"],
        lesson.id,
        {student.id: AttendanceCode.ABSENT},
        now=NOW - dt.timedelta(days=1),
    )
    teacher = chat("teacher")
    await teacher.press(AttCb(lesson_id=lesson.id, action="t", student_id=student.id).pack())
    await teacher.press(AttCb(lesson_id=lesson.id, action="save").pack())
    assert "Напишите одним сообщением причину" in teacher.text
    await teacher.send("перепутал с однофамильцем")
    entry = await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "attendance.set", AuditEntry.student_id == student.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    assert entry is not None and entry.reason == "перепутал с однофамильцем"
    assert entry.before == {"code": "absent"}
