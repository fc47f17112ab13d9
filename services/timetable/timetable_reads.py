"""Timetables: a class's, a family's and a teacher's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import load_calendar, school_today
from services.enums import (
    STAFF_ROLES,
    Role,
)
from services.models import (
    BellTime,
    Enrolment,
    Lesson,
    Person,
    SchoolClass,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    Subject,
    Substitution,
)
from services.people import policy
from services.people.context import StudentRef
from services.people.family import family_student, school_of, sections_for
from services.people.identity import Actor
from services.timetable import teacher_day
from services.timetable.diary import calendar_days, check_range, enrolled_during
from services.timetable.lessons import group_label


async def _student_groups(
    session: AsyncSession, student_id: int, first: dt.date, last: dt.date
) -> dict[int, list[tuple[dt.date | None, dt.date | None]]]:
    """The child's stays in subgroups over ``first``..``last``: group -> (joined, left)."""
    stays: dict[int, list[tuple[dt.date | None, dt.date | None]]] = {}
    for group, joined, left in await session.execute(
        select(SubgroupMember.subgroup_id, SubgroupMember.joined_on, SubgroupMember.left_on).where(
            SubgroupMember.student_id == student_id, SubgroupMember.during(first, last)
        )
    ):
        stays.setdefault(group, []).append((joined, left))
    return stays


def _in_group(
    stays: dict[int, list[tuple[dt.date | None, dt.date | None]]], group: int, day: dt.date
) -> bool:
    return any(
        (joined is None or joined <= day) and (left is None or day < left)
        for joined, left in stays.get(group, ())
    )


@dataclass(frozen=True)
class Slot:
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    teacher: str | None
    room: str | None
    substituted: bool
    cancelled: bool
    class_name: str | None = None  # a teacher's own timetable
    distance: bool = False  # held at a distance


@dataclass
class TimetableDay:
    date: dt.date
    holiday: str | None
    weekend: bool
    slots: list[Slot] = field(default_factory=list)


@dataclass
class TimetablePage:
    student: StudentRef | None  # None: the reader's own teaching timetable or a class's
    available: bool
    days: list[TimetableDay]
    today: dt.date
    class_id: int | None = None  # a class's timetable (staff)
    class_name: str | None = None


async def _page_days(
    session: AsyncSession,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None,
) -> tuple[dt.date, list[TimetableDay]]:
    """The school's today and the range's days, still without lessons."""
    school = await school_of(session, actor)
    today = school_today(school, now)
    calendar = await load_calendar(session, school)
    return today, [TimetableDay(*day) for day in calendar_days(calendar, date_from, date_to)]


def _slot(slot: TimetableSlot, subject: str | None = None) -> Slot:
    """A class's slot as a family or a class page shows it (``subject``: another label)."""
    return Slot(
        number=slot.number,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        subject=slot.subject if subject is None else subject,
        teacher=slot.teacher,
        room=slot.room,
        substituted=slot.substituted,
        cancelled=slot.cancelled,
        distance=slot.distance,
    )


async def family_timetable(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """The child's dated timetable (their subgroups only), substitutions and changes marked."""
    student = await family_student(session, actor, student_id)
    today, days = await _page_days(session, actor, date_from, date_to, now)
    sections = await sections_for(session, actor, student.id)
    if not sections.timetable:
        return TimetablePage(student, False, days, today)
    await policy.ensure_can_view_student(session, actor, student.id, "timetable")
    groups = await _student_groups(session, student.id, date_from, date_to)
    enrolments = (
        await session.execute(
            select(Enrolment.class_id, Enrolment.arrived_on, Enrolment.left_on).where(
                Enrolment.student_id == student.id, enrolled_during(date_from, date_to)
            )
        )
    ).all()
    by_day = {d.date: d for d in days}
    for class_id, arrived, left in enrolments:
        for slot in await class_timetable(session, actor, class_id, date_from, date_to):
            if slot.date < arrived or (left is not None and slot.date >= left):
                continue
            if slot.subgroup_id is not None and not _in_group(groups, slot.subgroup_id, slot.date):
                continue
            by_day[slot.date].slots.append(_slot(slot))
    for d in days:
        d.slots.sort(key=lambda s: s.number)
    return TimetablePage(student, True, days, today)


async def staff_timetable(
    session: AsyncSession,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """A teacher's own lessons, day by day (substitutions they take included)."""
    today, days = await _page_days(session, actor, date_from, date_to, now)
    if not actor.has(*STAFF_ROLES):
        raise policy.deny(actor, "staff_timetable")
    for d in days:
        for x in await teacher_day.teacher_lessons(session, actor, d.date):
            d.slots.append(
                Slot(
                    number=x.number,
                    starts_at=x.starts_at,
                    ends_at=x.ends_at,
                    subject=x.subject,
                    teacher=None,
                    room=x.room,
                    substituted=x.substitute,
                    cancelled=x.cancelled,
                    distance=x.distance,
                    class_name=x.class_name,
                )
            )
    return TimetablePage(None, True, days, today)


async def timetable_classes(
    session: AsyncSession, actor: Actor, day: dt.date
) -> list[tuple[int, str]]:
    """Classes whose timetable a staff member may open from /timetable: every class of the
    current year for the administration, their own class for a class teacher."""
    if not actor.has(*STAFF_ROLES):
        return []
    year = await session.scalar(
        select(SchoolYear)
        .where(SchoolYear.school_id == actor.school_id, SchoolYear.starts_on <= day)
        .order_by(SchoolYear.starts_on.desc())
        .limit(1)
    )
    if year is None:
        return []
    q = select(SchoolClass.id, SchoolClass.name, SchoolClass.grade).where(
        SchoolClass.school_id == actor.school_id, SchoolClass.year_id == year.id
    )
    if not policy.is_journal_reader(actor):
        if not actor.has(Role.CLASS_TEACHER):
            return []
        q = q.where(SchoolClass.class_teacher_id == actor.person_id)
    rows = (await session.execute(q)).all()
    return [(i, n) for i, n, _ in sorted(rows, key=lambda r: (r[2], r[1]))]


async def class_timetable_page(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """A class's dated timetable for staff (subgroup lessons named by their group)."""
    today, days = await _page_days(session, actor, date_from, date_to, now)
    if not actor.has(*STAFF_ROLES):
        raise policy.deny(actor, "class_timetable", class_id=class_id)
    slots = await class_timetable(session, actor, class_id, date_from, date_to)
    cls = await policy.load(session, actor, SchoolClass, class_id)
    groups = dict(
        (
            await session.execute(
                select(Subgroup.id, Subgroup.name).where(Subgroup.class_id == class_id)
            )
        ).all()
    )
    by_day = {d.date: d for d in days}
    for slot in slots:
        subject = slot.subject
        if slot.subgroup_id is not None and slot.subgroup_id in groups:
            label = group_label(subject, groups[slot.subgroup_id])
            subject = f"{subject} ({label})" if label else subject
        by_day[slot.date].slots.append(_slot(slot, subject))
    return TimetablePage(None, True, days, today, class_id=cls.id, class_name=cls.name)


async def _bells(session: AsyncSession, school_id: int) -> dict[int, tuple[dt.time, dt.time]]:
    rows = (
        await session.execute(
            select(BellTime.number, BellTime.starts_at, BellTime.ends_at).where(
                BellTime.school_id == school_id, BellTime.shift == 1
            )
        )
    ).all()
    return {n: (s, e) for n, s, e in rows}


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: p.short_name for p in rows}


async def _subjects(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = (
        await session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(ids)))
    ).all()
    return {i: n for i, n in rows}


@dataclass(frozen=True)
class TimetableSlot:
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    teacher: str
    room: str | None
    subgroup_id: int | None
    substituted: bool
    cancelled: bool
    distance: bool = False


async def class_timetable(
    session: AsyncSession, actor: Actor, class_id: int, date_from: dt.date, date_to: dt.date
) -> list[TimetableSlot]:
    """The dated timetable of a class, substitutions and cancellations marked."""
    check_range(date_from, date_to)
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    lessons = (
        await session.scalars(
            select(Lesson)
            .where(Lesson.class_id == cls.id, Lesson.date >= date_from, Lesson.date <= date_to)
            .order_by(Lesson.date, Lesson.lesson_number, Lesson.subgroup_id)
        )
    ).all()
    ids = [x.id for x in lessons]
    subs = (
        {
            s.lesson_id: s
            for s in (
                await session.scalars(select(Substitution).where(Substitution.lesson_id.in_(ids)))
            ).all()
        }
        if ids
        else {}
    )
    names = await _names(session, {policy.effective_teacher_id(x, subs.get(x.id)) for x in lessons})
    subject_names = await _subjects(session, {x.subject_id for x in lessons})
    bells = await _bells(session, cls.school_id)
    out = []
    for x in lessons:
        bell = bells.get(x.lesson_number)
        out.append(
            TimetableSlot(
                date=x.date,
                number=x.lesson_number,
                starts_at=bell[0] if bell else None,
                ends_at=bell[1] if bell else None,
                subject=subject_names.get(x.subject_id, ""),
                teacher=names.get(policy.effective_teacher_id(x, subs.get(x.id)), ""),
                room=x.room,
                subgroup_id=x.subgroup_id,
                substituted=x.id in subs,
                cancelled=x.is_cancelled,
                distance=bool(x.is_distance),
            )
        )
    return out
