"""Subgroup membership on both databases (services.people.subgroups): a move between groups
keeps history — the group's past lessons keep who was in it, the new group's lessons and the
child's diary follow from the day of the move; joins and leaves are audited; bad requests are
refused in words; only the class teacher of the class and the admin edit membership."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import AccessDenied, Conflict, ValidationFailed
from services.models import AuditEntry, Lesson, Subgroup, SubgroupMember
from services.people import subgroups
from services.reports import data as report_data
from services.timetable import diary, lesson_edits
from tests.factories import NOW, TODAY, SchoolWorld

YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


async def _second_group(session: AsyncSession, world: SchoolWorld) -> Subgroup:
    group = Subgroup(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.english.id,
        name="Группа 2",
    )
    session.add(group)
    await session.commit()
    return group


async def _lesson(
    session: AsyncSession, world: SchoolWorld, group: Subgroup, day: dt.date, n: int
) -> Lesson:
    lesson = Lesson(
        school_id=world.school.id,
        class_id=world.cls.id,
        subject_id=world.english.id,
        teacher_id=world.class_teacher.id,
        date=day,
        lesson_number=n,
        subgroup_id=group.id,
    )
    session.add(lesson)
    await session.commit()
    return lesson


async def test_a_move_keeps_past_lessons_and_follows_from_its_day(
    session: AsyncSession, world: SchoolWorld
) -> None:
    one, moved = world.subgroup, world.students[1]
    two = await _second_group(session, world)
    past_one = await _lesson(session, world, one, YESTERDAY, 4)
    next_one = await _lesson(session, world, one, TOMORROW, 4)
    next_two = await _lesson(session, world, two, TOMORROW, 5)

    await subgroups.move_to_group(
        session, world.actors["class_teacher"], moved.id, one.id, two.id, TODAY, now=NOW
    )

    assert moved.id in await lesson_edits.lesson_students(session, past_one)
    assert moved.id not in await lesson_edits.lesson_students(session, next_one)
    assert moved.id not in await lesson_edits.lesson_students(session, world.lesson_subgroup)
    assert await lesson_edits.lesson_students(session, next_two) == [moved.id]
    # The report of group 1 over the two days names the student; from today, group 2's.
    assert moved.id in await report_data.subgroup_students(session, one.id, YESTERDAY, TODAY)
    assert moved.id not in await report_data.subgroup_students(session, one.id, TODAY, TOMORROW)
    # The child's diary: yesterday's group-1 lesson, tomorrow's group-2 lesson.
    shown = set(
        (
            await session.scalars(
                select(Lesson.id).where(
                    Lesson.class_id == world.cls.id,
                    Lesson.subgroup_id.is_not(None),
                    diary.in_student_groups(moved.id),
                )
            )
        ).all()
    )
    assert shown == {past_one.id, next_two.id}
    stays = (
        await session.execute(
            select(SubgroupMember.subgroup_id, SubgroupMember.joined_on, SubgroupMember.left_on)
            .where(SubgroupMember.student_id == moved.id)
            .order_by(SubgroupMember.id)
        )
    ).all()
    assert [tuple(s) for s in stays] == [(one.id, None, TODAY), (two.id, TODAY, None)]
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "subgroup.move"))
    assert entry is not None and entry.student_id == moved.id
    assert entry.before == {"group": "Группа 1"}
    assert entry.after == {"group": "Группа 2", "class": "7А", "from": TODAY.isoformat()}


async def test_join_and_leave(session: AsyncSession, world: SchoolWorld) -> None:
    admin, newcomer = world.actors["admin"], world.students[2]
    group = world.subgroup
    stay = await subgroups.join_group(session, admin, group.id, newcomer.id, TOMORROW, now=NOW)
    assert stay.joined_on == TOMORROW
    view = await subgroups.class_groups(session, admin, world.cls.id, TOMORROW)
    shown = view.group(group.id)
    assert shown is not None and newcomer.id in [m[0] for m in shown.members]
    today_view = await subgroups.class_groups(session, admin, world.cls.id, TODAY)
    shown = today_view.group(group.id)
    assert shown is not None and newcomer.id not in [m[0] for m in shown.members]
    with pytest.raises(Conflict) as err:
        await subgroups.join_group(session, admin, group.id, newcomer.id, TOMORROW, now=NOW)
    assert err.value.code == "subgroups.already_member"
    # Left the day it would have begun: the stay never held and is gone.
    await subgroups.leave_group(session, admin, group.id, newcomer.id, TOMORROW, now=NOW)
    rows = await session.scalars(
        select(SubgroupMember.id).where(SubgroupMember.student_id == newcomer.id)
    )
    assert rows.all() == []
    with pytest.raises(Conflict) as err:
        await subgroups.leave_group(session, admin, group.id, newcomer.id, TOMORROW, now=NOW)
    assert err.value.code == "subgroups.not_a_member"
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.student_id == newcomer.id)
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["subgroup.join", "subgroup.leave"]


async def test_refusals(session: AsyncSession, world: SchoolWorld) -> None:
    admin = world.actors["admin"]
    with pytest.raises(ValidationFailed) as err:
        await subgroups.join_group(
            session, admin, world.subgroup.id, world.other_student.id, TODAY, now=NOW
        )
    assert err.value.code == "subgroups.not_in_class"
    with pytest.raises(ValidationFailed) as err:
        await subgroups.join_group(
            session, admin, world.subgroup.id, world.students[2].id, dt.date(2030, 1, 1), now=NOW
        )
    assert err.value.code == "subgroups.date_outside_year"
    with pytest.raises(ValidationFailed) as err:
        await subgroups.move_to_group(
            session,
            admin,
            world.students[0].id,
            world.subgroup.id,
            world.subgroup.id,
            TODAY,
            now=NOW,
        )
    assert err.value.code == "subgroups.move_same_class"
    for who in ("colleague", "teacher", "parent", "deputy", "first_teacher"):
        with pytest.raises(AccessDenied):
            await subgroups.join_group(
                session, world.actors[who], world.subgroup.id, world.students[2].id, now=NOW
            )
    assert (
        await session.scalars(select(AuditEntry.id).where(AuditEntry.action.like("subgroup.%")))
    ).all() == []
