"""The school year's life cycle: open, close, archive."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import HolidayKind, PeriodKind, Role
from services.errors import Conflict, NotFound, ValidationFailed
from services.models import (
    Enrolment,
    Holiday,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import ensure_admin, has_role
from services.unit_of_work import UnitOfWork

# A class name as the office writes it: "5А", "5 А", "5-а", "11".
CLASS_NAME_RE = re.compile(r"^(\d{1,2})\s*[-‐ ]?\s*([A-Za-zА-Яа-яЁё]{0,3})$")


def parse_class_name(value: str) -> tuple[int, str] | None:
    m = CLASS_NAME_RE.match(value.strip())
    if not m:
        return None
    grade = int(m.group(1))
    if not 1 <= grade <= 11:
        return None
    return grade, m.group(2).upper()


async def current_year(session: AsyncSession, school: School) -> SchoolYear:
    """The year an office action is about: the open year containing today, else the latest
    open year, else the latest year."""
    today = school_today(school)
    years = (
        await session.scalars(
            select(SchoolYear)
            .where(SchoolYear.school_id == school.id)
            .order_by(SchoolYear.starts_on.desc())
        )
    ).all()
    if not years:
        raise NotFound("admin.no_year")
    for y in years:
        if not y.is_closed and y.starts_on <= today <= y.ends_on:
            return y
    for y in years:
        if not y.is_closed:
            return y
    return years[0]


async def classes_of_year(
    session: AsyncSession, year_id: int, *, among: Collection[int] | None = None
) -> list[SchoolClass]:
    """A year's classes (only those ``among`` some ids, when given) in the office's order:
    by grade, then name."""
    query = select(SchoolClass).where(SchoolClass.year_id == year_id)
    if among is not None:
        query = query.where(SchoolClass.id.in_(among))
    rows = await session.scalars(query.order_by(SchoolClass.grade, SchoolClass.name))
    return list(rows.all())


@dataclass(frozen=True)
class PeriodSpec:
    kind: PeriodKind
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class HolidaySpec:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    kind: HolidayKind = HolidayKind.HOLIDAY


def standard_quarters(first_year: int) -> list[PeriodSpec]:
    """Four quarters of a usual Russian school year starting 1 September ``first_year``
    (adjust to the school's calendar order)."""
    y, z = first_year, first_year + 1
    return [
        PeriodSpec(PeriodKind.QUARTER, 1, "1 четверть", dt.date(y, 9, 1), dt.date(y, 10, 25)),
        PeriodSpec(PeriodKind.QUARTER, 2, "2 четверть", dt.date(y, 11, 5), dt.date(y, 12, 28)),
        PeriodSpec(PeriodKind.QUARTER, 3, "3 четверть", dt.date(z, 1, 9), dt.date(z, 3, 22)),
        PeriodSpec(PeriodKind.QUARTER, 4, "4 четверть", dt.date(z, 4, 1), dt.date(z, 5, 26)),
    ]


def standard_holidays(first_year: int) -> list[HolidaySpec]:
    y, z = first_year, first_year + 1
    return [
        HolidaySpec("Осенние каникулы", dt.date(y, 10, 26), dt.date(y, 11, 4)),
        HolidaySpec("Зимние каникулы", dt.date(y, 12, 29), dt.date(z, 1, 8)),
        HolidaySpec("Весенние каникулы", dt.date(z, 3, 23), dt.date(z, 3, 31)),
    ]


@dataclass
class YearOpened:
    year: SchoolYear
    classes: dict[str, SchoolClass]  # new class name -> class
    promoted: int = 0
    repeating: int = 0
    graduated: int = 0
    left: int = 0
    warnings: list[str] = field(default_factory=list)


async def _load_year(session: AsyncSession, actor: Actor, year: int | str) -> SchoolYear:
    if isinstance(year, int):
        return await policy.load(session, actor, SchoolYear, year)
    found = await session.scalar(
        select(SchoolYear).where(SchoolYear.school_id == actor.school_id, SchoolYear.name == year)
    )
    if found is None:
        raise NotFound("admin.year_not_found", year=year)
    return found


async def open_year(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    periods: Sequence[PeriodSpec] | None = None,
    holidays: Sequence[HolidaySpec] | None = None,
    promote_from: int | str | None = None,
    leaving: Iterable[int] = (),
    repeating: Iterable[int] = (),
    last_grades: Iterable[int] = (11,),
    class_teachers: dict[str, int | None] | None = None,
    new_classes: dict[str, int | None] | None = None,
) -> YearOpened:
    """Open a school year (seed 002 §5.1.4): periods, holidays, and the classes of the
    previous year promoted (grade + 1, same letter, same class teacher unless
    ``class_teachers`` names another or None).

    Students of ``last_grades`` (11 by default) and those in ``leaving`` (e.g. 9th graders who
    go to college) finish with ``Enrolment.left_on`` = the day after the old year ends;
    ``repeating`` students stay in the same grade. Every old enrolment is closed on that day,
    every continuing student gets a new one from ``starts_on``. ``new_classes`` adds classes
    (e.g. first grades) by name with their class teacher. Nothing is deleted.
    """
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "open_year")
        name = name.strip()
        if not name or starts_on >= ends_on:
            raise ValidationFailed("admin.year_dates")
        if await session.scalar(
            select(SchoolYear.id).where(
                SchoolYear.school_id == actor.school_id, SchoolYear.name == name
            )
        ):
            raise Conflict("admin.year_exists", year=name)
        specs = list(periods) if periods is not None else standard_quarters(starts_on.year)
        for p in specs:
            if not starts_on <= p.starts_on <= p.ends_on <= ends_on:
                raise ValidationFailed("admin.period_outside_year", period=p.name)
        year = SchoolYear(
            school_id=actor.school_id, name=name, starts_on=starts_on, ends_on=ends_on
        )
        session.add(year)
        await session.flush()
        # The specs name the periods' and holidays' own columns.
        session.add_all(
            StudyPeriod(school_id=actor.school_id, year_id=year.id, **asdict(p)) for p in specs
        )
        session.add_all(
            Holiday(school_id=actor.school_id, year_id=year.id, **asdict(h))
            for h in (holidays if holidays is not None else standard_holidays(starts_on.year))
        )
        result = YearOpened(year=year, classes={})
        teachers = dict(class_teachers or {})

        async def new_class(grade: int, letter: str, teacher_id: int | None) -> SchoolClass:
            cname = f"{grade}{letter}"
            if cname in result.classes:
                return result.classes[cname]
            if cname in teachers:
                teacher_id = teachers[cname]
            if teacher_id is not None:
                person = await policy.load(session, actor, Person, teacher_id)
                if not await has_role(session, person.id, Role.CLASS_TEACHER):
                    session.add(
                        RoleGrant(
                            school_id=actor.school_id, person_id=person.id, role=Role.CLASS_TEACHER
                        )
                    )
            cls = SchoolClass(
                school_id=actor.school_id,
                year_id=year.id,
                grade=grade,
                letter=letter,
                name=cname,
                class_teacher_id=teacher_id,
            )
            session.add(cls)
            await session.flush()
            result.classes[cname] = cls
            return cls

        if promote_from is not None:
            old = await _load_year(session, actor, promote_from)
            if old.starts_on >= starts_on:
                raise ValidationFailed("admin.year_order")
            leave_ids, repeat_ids, final = set(leaving), set(repeating), set(last_grades)
            closing_day = old.ends_on + dt.timedelta(days=1)
            for oc in await classes_of_year(session, old.id):
                open_rows = (
                    await session.scalars(
                        select(Enrolment).where(
                            Enrolment.class_id == oc.id,
                            or_(Enrolment.left_on.is_(None), Enrolment.left_on > old.ends_on),
                        )
                    )
                ).all()
                for e in open_rows:
                    e.left_on = closing_day
                    if oc.grade in final or e.student_id in leave_ids:
                        e.departure_note = (
                            "выпуск" if oc.grade in final else "выбытие по окончании года"
                        )
                        if oc.grade in final:
                            result.graduated += 1
                        else:
                            result.left += 1
                        continue
                    repeat = e.student_id in repeat_ids
                    grade = oc.grade if repeat else oc.grade + 1
                    if grade > 11:
                        result.graduated += 1
                        continue
                    target = await new_class(
                        grade, oc.letter, None if repeat else oc.class_teacher_id
                    )
                    session.add(
                        Enrolment(
                            school_id=actor.school_id,
                            student_id=e.student_id,
                            class_id=target.id,
                            arrived_on=starts_on,
                            arrival_note="оставлен на повторное обучение"
                            if repeat
                            else "перевод в следующий класс",
                        )
                    )
                    if repeat:
                        result.repeating += 1
                    else:
                        result.promoted += 1
                if oc.grade not in final and oc.grade < 11:
                    await new_class(oc.grade + 1, oc.letter, oc.class_teacher_id)
        for cname, teacher_id in (new_classes or {}).items():
            parsed = parse_class_name(cname)
            if parsed is None:
                raise ValidationFailed("admin.bad_class_name", name=cname)
            await new_class(parsed[0], parsed[1], teacher_id)
        for cname, teacher_id in teachers.items():
            cls = result.classes.get(cname)
            if cls is None:
                result.warnings.append(f"class {cname} not created: class teacher ignored")
            else:
                cls.class_teacher_id = teacher_id
        uow.record(
            action="year.open",
            entity="school_year",
            entity_id=year.id,
            after={
                "name": name,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "periods": len(specs),
                "classes": sorted(result.classes),
                "promoted": result.promoted,
                "repeating": result.repeating,
                "graduated": result.graduated,
                "left": result.left,
            },
        )
        return result


async def close_year(session: AsyncSession, actor: Actor, year: int | str) -> SchoolYear:
    """Close a year and all its periods: the journal of the year becomes read-only for
    teachers (admins can still unlock); archive it afterwards with :func:`archive_year`."""
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "close_year")
        y = await _load_year(session, actor, year)
        if y.is_closed:
            raise Conflict("admin.year_closed", year=y.name)
        y.is_closed = True
        periods = (
            await session.scalars(select(StudyPeriod).where(StudyPeriod.year_id == y.id))
        ).all()
        for p in periods:
            p.is_closed = True
        uow.record(
            action="year.close",
            entity="school_year",
            entity_id=y.id,
            before={"is_closed": False},
            after={"is_closed": True, "periods_closed": len(periods)},
        )
        return y


async def archive_year(
    session: AsyncSession, actor: Actor, year: int | str, *, now: dt.datetime | None = None
) -> SchoolYear:
    """The year-end archive (seed 002 §6.5): a closed year gets ``archived_at``; from then on
    it is read-only for everyone and counts toward retention (services.tools.backup)."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, "archive_year")
        y = await _load_year(session, actor, year)
        if not y.is_closed:
            raise ValidationFailed("admin.year_not_closed", year=y.name)
        if y.archived_at is not None:
            raise Conflict("admin.year_archived", year=y.name)
        y.archived_at = uow.now or utcnow()
        uow.record(
            action="year.archive",
            entity="school_year",
            entity_id=y.id,
            after={"archived_at": y.archived_at},
        )
        return y


async def is_archived_on(session: AsyncSession, school_id: int, day: dt.date) -> bool:
    """Whether ``day`` falls into an archived year: the journal use cases refuse changes."""
    return bool(
        await session.scalar(
            select(
                exists().where(
                    SchoolYear.school_id == school_id,
                    SchoolYear.starts_on <= day,
                    SchoolYear.ends_on >= day,
                    SchoolYear.archived_at.is_not(None),
                )
            )
        )
    )
