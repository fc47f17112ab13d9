"""How many lessons the timetable gives a class in a subject over a school year, to check a
thematic plan (КТП) against: the plan's hours must match the school's curriculum for the
whole year (the regulations on the electronic journal), and the timetable is that curriculum
week by week.

The count follows the dated lessons the timetable makes (services/timetable/lessons.py): every
working day inside a study period of the year (holidays and days off skipped), every weekly
slot valid that day. A class split into groups counts one group's lessons (the plan is one
per class and subject; each group goes through it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import load_calendar
from services.models import School, SchoolYear, StudyPeriod, TimetableEntry


async def timetable_hours(
    session: AsyncSession,
    school: School,
    year: SchoolYear,
    class_ids: Collection[int] | None = None,
) -> dict[tuple[int, int], int]:
    """(class id, subject id) -> the lessons the timetable gives in ``year`` (of the classes
    ``class_ids``, or of all)."""
    periods = (
        await session.execute(
            select(StudyPeriod.starts_on, StudyPeriod.ends_on).where(
                StudyPeriod.school_id == school.id, StudyPeriod.year_id == year.id
            )
        )
    ).all()
    query = select(TimetableEntry).where(
        TimetableEntry.school_id == school.id, TimetableEntry.year_id == year.id
    )
    if class_ids is not None:
        query = query.where(TimetableEntry.class_id.in_(list(class_ids)))
    entries = (await session.scalars(query)).all()
    if not periods or not entries:
        return {}
    by_weekday: dict[int, list[TimetableEntry]] = defaultdict(list)
    for e in entries:
        by_weekday[e.weekday].append(e)
    calendar = await load_calendar(session, school)
    counts: dict[tuple[int, int, int | None], int] = defaultdict(int)
    start = max(year.starts_on, min(p[0] for p in periods))
    end = min(year.ends_on, max(p[1] for p in periods))
    for day in calendar.working_days(start, end):
        if not any(s <= day <= e for s, e in periods):
            continue
        for e in by_weekday.get(day.isoweekday(), ()):
            if e.valid_from > day or (e.valid_to is not None and e.valid_to < day):
                continue
            counts[(e.class_id, e.subject_id, e.subgroup_id)] += 1
    out: dict[tuple[int, int], int] = {}
    for (class_id, subject_id, _group), n in counts.items():
        key = (class_id, subject_id)
        out[key] = max(out.get(key, 0), n)
    return out
