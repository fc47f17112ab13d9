"""Subgroups of a class (a class split for a foreign language, IT, labour): who is in which.

A student's membership is a stay with dates (``SubgroupMember.joined_on`` .. the day before
``left_on``), as an enrolment in a class is. A move between groups closes the stay in one
group and opens a stay in the other from the same day; nothing is deleted, so a past lesson
of a group keeps the students who were in it that day (its roster, journal page and report),
and the diary, timetable and alerts of a child follow the group they are in on each date.
The class teacher of the class and the admin edit membership; the registers' import fills it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Conflict, ValidationFailed
from services.models import (
    Enrolment,
    Person,
    SchoolClass,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    Subject,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.people.roster import list_name
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    subject: str | None
    members: tuple[tuple[int, str], ...]  # (student id, name), by name


@dataclass(frozen=True)
class ClassGroups:
    """A class's subgroups on ``day``: each group's students and the class's students."""

    class_id: int
    class_name: str
    day: dt.date
    groups: tuple[GroupView, ...]
    students: tuple[tuple[int, str], ...]  # the class's students enrolled on ``day``

    def group(self, group_id: int) -> GroupView | None:
        return next((g for g in self.groups if g.id == group_id), None)


def local_day(actor: Actor, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def _enrolled(class_id: int, day: dt.date) -> ColumnElement[bool]:
    return and_(
        Enrolment.class_id == class_id,
        Enrolment.arrived_on <= day,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > day),
    )


async def class_groups(
    session: AsyncSession, actor: Actor, class_id: int, day: dt.date
) -> ClassGroups:
    """The class's subgroups with who is in each on ``day`` (the class teacher, the admin)."""
    cls = await policy.ensure_can_edit_subgroups(session, actor, class_id)
    groups = (
        await session.execute(
            select(Subgroup.id, Subgroup.name, Subject.name)
            .outerjoin(Subject, Subject.id == Subgroup.subject_id)
            .where(Subgroup.class_id == cls.id)
            .order_by(Subject.name, Subgroup.name)
        )
    ).all()
    members: dict[int, list[tuple[int, str]]] = {g.id: [] for g in groups}
    for group_id, person in (
        await session.execute(
            select(SubgroupMember.subgroup_id, Person)
            .join(Person, Person.id == SubgroupMember.student_id)
            .where(
                SubgroupMember.subgroup_id.in_(list(members) or [-1]),
                SubgroupMember.during(day),
            )
        )
    ).all():
        members[group_id].append((person.id, list_name(person)))
    students = [
        (p.id, list_name(p))
        for p in (
            await session.scalars(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(_enrolled(cls.id, day))
            )
        ).all()
    ]
    return ClassGroups(
        cls.id,
        cls.name,
        day,
        tuple(
            GroupView(g.id, g[1], g[2], tuple(sorted(members[g.id], key=lambda m: m[1])))
            for g in groups
        ),
        tuple(sorted(students, key=lambda m: m[1])),
    )


async def _checked(
    session: AsyncSession, actor: Actor, subgroup_id: int, student_id: int, on: dt.date
) -> tuple[Subgroup, SchoolClass, Person]:
    """The group, its class and the student, after the policy; the day in the class's year,
    the year not archived, the student in the class that day."""
    group = await policy.load(session, actor, Subgroup, subgroup_id)
    cls = await policy.ensure_can_edit_subgroups(session, actor, group.class_id)
    student = await policy.load(session, actor, Person, student_id)
    year = await session.get(SchoolYear, cls.year_id)
    assert year is not None
    if not year.starts_on <= on <= year.ends_on:
        raise ValidationFailed("subgroups.date_outside_year", date=on, year=year.name)
    if year.archived_at is not None:
        raise ValidationFailed("subgroups.year_archived", year=year.name)
    enrolled = await session.scalar(
        select(Enrolment.id).where(Enrolment.student_id == student.id, _enrolled(cls.id, on))
    )
    if enrolled is None:
        raise ValidationFailed("subgroups.not_in_class", name=list_name(student), cls=cls.name)
    return group, cls, student


async def add_stay(
    session: AsyncSession, school_id: int, group: Subgroup, student_id: int, on: dt.date | None
) -> SubgroupMember:
    """A stay in ``group`` from ``on`` (None: since the group began). Refused when the
    student is already in the group on that day or later."""
    q = select(SubgroupMember.id).where(
        SubgroupMember.subgroup_id == group.id, SubgroupMember.student_id == student_id
    )
    if on is not None:
        q = q.where(or_(SubgroupMember.left_on.is_(None), SubgroupMember.left_on > on))
    clash = await session.scalar(q.limit(1))
    if clash is not None:
        raise Conflict("subgroups.already_member", group=group.name)
    stay = SubgroupMember(
        school_id=school_id, subgroup_id=group.id, student_id=student_id, joined_on=on
    )
    session.add(stay)
    return stay


async def end_stay(
    session: AsyncSession, group: Subgroup, student_id: int, on: dt.date
) -> SubgroupMember | None:
    """The student's open stay in ``group`` ends before ``on`` (``on`` is the first day out).
    A stay that would cover no day (joined on ``on`` or later) is removed: it never held.
    Returns the stay ended (None: removed). Refused when the student is not in the group."""
    stay = await session.scalar(
        select(SubgroupMember).where(
            SubgroupMember.subgroup_id == group.id,
            SubgroupMember.student_id == student_id,
            SubgroupMember.left_on.is_(None),
        )
    )
    if stay is None:
        raise Conflict("subgroups.not_a_member", group=group.name)
    if stay.joined_on is not None and stay.joined_on >= on:
        await session.delete(stay)
        return None
    stay.left_on = on
    return stay


async def join_group(
    session: AsyncSession,
    actor: Actor,
    subgroup_id: int,
    student_id: int,
    on: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
) -> SubgroupMember:
    """The student joins the group from ``on`` (default: the school's today)."""
    async with UnitOfWork(session, actor, now) as uow:
        day = on or local_day(actor, uow.now)
        group, cls, student = await _checked(session, actor, subgroup_id, student_id, day)
        stay = await add_stay(session, actor.school_id, group, student.id, day)
        await session.flush()
        uow.record(
            action="subgroup.join",
            entity="subgroup",
            entity_id=group.id,
            student_id=student.id,
            after={"group": group.name, "class": cls.name, "from": day},
        )
        return stay


async def leave_group(
    session: AsyncSession,
    actor: Actor,
    subgroup_id: int,
    student_id: int,
    on: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
) -> None:
    """The student leaves the group from ``on`` (the first day out; default: today); the
    lessons before stay theirs."""
    async with UnitOfWork(session, actor, now) as uow:
        day = on or local_day(actor, uow.now)
        group, cls, student = await _checked(session, actor, subgroup_id, student_id, day)
        await end_stay(session, group, student.id, day)
        await session.flush()
        uow.record(
            action="subgroup.leave",
            entity="subgroup",
            entity_id=group.id,
            student_id=student.id,
            before={"group": group.name, "class": cls.name},
            after={"left_on": day},
        )


async def move_to_group(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    from_id: int,
    to_id: int,
    on: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
) -> SubgroupMember:
    """The student moves from one group of the class to another from ``on``: one stay
    ends, the other begins, in one transaction."""
    async with UnitOfWork(session, actor, now) as uow:
        day = on or local_day(actor, uow.now)
        source, cls, student = await _checked(session, actor, from_id, student_id, day)
        target, _, _ = await _checked(session, actor, to_id, student_id, day)
        if target.class_id != source.class_id or target.id == source.id:
            raise ValidationFailed("subgroups.move_same_class")
        await end_stay(session, source, student.id, day)
        stay = await add_stay(session, actor.school_id, target, student.id, day)
        await session.flush()
        uow.record(
            action="subgroup.move",
            entity="subgroup",
            entity_id=target.id,
            student_id=student.id,
            before={"group": source.name},
            after={"group": target.name, "class": cls.name, "from": day},
        )
        return stay


@dataclass(frozen=True)
class Toggled:
    """What one tap on a student in a group's list did: ``joined``, ``left`` or ``moved``
    (from the group named ``other``), from ``day``."""

    outcome: str
    student: str
    group: str
    day: dt.date
    other: str | None = None


async def toggle_member(
    session: AsyncSession,
    actor: Actor,
    subgroup_id: int,
    student_id: int,
    *,
    now: dt.datetime | None = None,
) -> Toggled:
    """The bot's tap on a student in a group's list, from the school's today: a member
    leaves; a student in another group of the same subject moves here; anyone else joins."""
    now = now or utcnow()
    day = local_day(actor, now)
    group, _, student = await _checked(session, actor, subgroup_id, student_id, day)
    name = list_name(student)
    current = await session.scalar(
        select(SubgroupMember.id).where(
            SubgroupMember.subgroup_id == group.id,
            SubgroupMember.student_id == student.id,
            SubgroupMember.left_on.is_(None),
        )
    )
    if current is not None:
        await leave_group(session, actor, group.id, student.id, day, now=now)
        return Toggled("left", name, group.name, day)
    other = None
    if group.subject_id is not None:
        other = await session.scalar(
            select(Subgroup)
            .join(SubgroupMember, SubgroupMember.subgroup_id == Subgroup.id)
            .where(
                Subgroup.class_id == group.class_id,
                Subgroup.subject_id == group.subject_id,
                Subgroup.id != group.id,
                SubgroupMember.student_id == student.id,
                SubgroupMember.left_on.is_(None),
            )
            .limit(1)
        )
    if other is not None:
        await move_to_group(session, actor, student.id, other.id, group.id, day, now=now)
        return Toggled("moved", name, group.name, day, other.name)
    await join_group(session, actor, group.id, student.id, day, now=now)
    return Toggled("joined", name, group.name, day)
