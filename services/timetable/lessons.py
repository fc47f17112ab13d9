"""Dated lessons from the weekly timetable.

A school imports its timetable (weekly slots); teachers work with dated lessons. This fills the
dates: for every working day inside a study period (holidays and days off skipped), every slot
valid that day becomes a lesson, unless that class (or subgroup) already has a lesson in that
slot — so running it again, or after a substitution or a moved lesson, changes nothing. The
scheduler keeps the next two weeks filled; the CLI fills any range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.calendar import load_calendar
from services.errors import ValidationFailed
from services.models import Lesson, School, StudyPeriod, TimetableEntry
from services.people.identity import Actor

MAX_DAYS = 200
AHEAD = dt.timedelta(days=14)


@dataclass(frozen=True)
class Generated:
    school_id: int
    created: int
    days: int


async def generate_lessons(
    session: AsyncSession,
    school: School,
    date_from: dt.date,
    date_to: dt.date,
    *,
    actor: Actor | None = None,
    source: str = "system",
) -> Generated:
    """Create the missing dated lessons of ``school`` for the range; commits once."""
    if date_to < date_from or (date_to - date_from).days > MAX_DAYS:
        raise ValidationFailed("error.date_range", days=MAX_DAYS)
    calendar = await load_calendar(session, school)
    periods = (
        await session.execute(
            select(StudyPeriod.starts_on, StudyPeriod.ends_on).where(
                StudyPeriod.school_id == school.id,
                StudyPeriod.starts_on <= date_to,
                StudyPeriod.ends_on >= date_from,
            )
        )
    ).all()
    entries = (
        await session.scalars(
            select(TimetableEntry).where(
                TimetableEntry.school_id == school.id,
                TimetableEntry.valid_from <= date_to,
                or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= date_from),
            )
        )
    ).all()
    rows = await session.execute(
        select(Lesson.class_id, Lesson.subgroup_id, Lesson.date, Lesson.lesson_number).where(
            Lesson.school_id == school.id, Lesson.date >= date_from, Lesson.date <= date_to
        )
    )
    # (class, date, lesson number) -> groups with a lesson there (None: the whole class).
    taken: dict[tuple[int, dt.date, int], set[int | None]] = {}
    for class_id, group_id, day, number in rows.all():
        taken.setdefault((class_id, day, number), set()).add(group_id)
    created: list[Lesson] = []
    days = 0
    for day in calendar.working_days(date_from, date_to):
        if not any(start <= day <= end for start, end in periods):
            continue
        days += 1
        for e in entries:
            if e.weekday != day.isoweekday() or e.valid_from > day:
                continue
            if e.valid_to is not None and e.valid_to < day:
                continue
            groups = taken.setdefault((e.class_id, day, e.lesson_number), set())
            # A whole-class lesson and a group's lesson cannot share a slot either way.
            if None in groups or e.subgroup_id in groups or (e.subgroup_id is None and groups):
                continue
            groups.add(e.subgroup_id)
            created.append(
                Lesson(
                    school_id=school.id,
                    class_id=e.class_id,
                    subgroup_id=e.subgroup_id,
                    subject_id=e.subject_id,
                    teacher_id=e.teacher_id,
                    date=day,
                    lesson_number=e.lesson_number,
                    room=e.room,
                )
            )
    session.add_all(created)
    if created:
        audit.record(
            session,
            actor=actor,
            action="lessons.generate",
            entity="school",
            entity_id=school.id,
            school_id=school.id,
            after={"from": date_from, "to": date_to, "created": len(created)},
            source=source,
        )
    await session.commit()
    return Generated(school.id, len(created), days)


async def keep_ahead(session: AsyncSession, today: dt.date) -> list[Generated]:
    """For the scheduler: every school's lessons from today to two weeks ahead."""
    schools = (await session.scalars(select(School))).all()
    return [
        await generate_lessons(session, school, today, today + AHEAD, source="scheduler")
        for school in schools
    ]


_GROUP_SEPARATORS = ",;:-–—("


def group_label(subject: str, group: str | None) -> str | None:
    """How a lesson's subgroup is named after its subject: without the subject repeated.

    Registers often name a group by its subject ("Английский язык, группа 1"), which in a
    lesson title would read "Английский язык (Английский язык, группа 1)"; the label is then
    "группа 1". None when nothing is left (a group named just like the subject).
    """
    if not group or not group.strip():
        return None
    label = group.strip()
    name = subject.strip().casefold()
    folded = label.casefold()
    if name and folded.startswith(name):
        rest = label[len(name) :].strip()
        if not rest or rest[0] in _GROUP_SEPARATORS:
            label = rest.lstrip(_GROUP_SEPARATORS + " ")
            if label.endswith(")") and "(" not in label:
                label = label[:-1].rstrip()
    elif name and folded.endswith(name):
        rest = label[: len(label) - len(name)].strip()
        if rest and rest[-1] in _GROUP_SEPARATORS:
            label = rest.rstrip(_GROUP_SEPARATORS + " ")
    return label or None
