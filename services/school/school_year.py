"""The school year's life cycle: open, close, archive."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise

from sqlalchemy import distinct, exists, func, or_, select
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
    TeachingAssignment,
    utcnow,
)
from services.notifications import outbox
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


def standard_trimesters(first_year: int) -> list[PeriodSpec]:
    """Three trimesters of a school year starting 1 September ``first_year`` (the holidays
    fall inside them; the last school day is the quarters' one)."""
    y, z = first_year, first_year + 1
    end_of_february = dt.date(z, 3, 1) - dt.timedelta(days=1)
    return [
        PeriodSpec(PeriodKind.TRIMESTER, 1, "1 триместр", dt.date(y, 9, 1), dt.date(y, 11, 30)),
        PeriodSpec(PeriodKind.TRIMESTER, 2, "2 триместр", dt.date(y, 12, 1), end_of_february),
        PeriodSpec(PeriodKind.TRIMESTER, 3, "3 триместр", dt.date(z, 3, 1), dt.date(z, 5, 26)),
    ]


def default_calendar(kind: PeriodKind, first_year: int) -> list[PeriodSpec]:
    """The region's usual calendar: quarters, or trimesters."""
    if kind == PeriodKind.TRIMESTER:
        return standard_trimesters(first_year)
    return standard_quarters(first_year)


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
    periods: list[PeriodSpec] = field(default_factory=list)
    holidays: list[HolidaySpec] = field(default_factory=list)
    from_year: str | None = None


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
    now: dt.datetime | None = None,
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
    async with UnitOfWork(session, actor, now) as uow:
        return await _open_year(
            uow,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            periods=periods,
            holidays=holidays,
            promote_from=promote_from,
            leaving=leaving,
            repeating=repeating,
            last_grades=last_grades,
            class_teachers=class_teachers,
            new_classes=new_classes,
        )


async def _open_year(
    uow: UnitOfWork,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    periods: Sequence[PeriodSpec] | None,
    holidays: Sequence[HolidaySpec] | None,
    promote_from: int | str | None,
    leaving: Iterable[int],
    repeating: Iterable[int],
    last_grades: Iterable[int],
    class_teachers: dict[str, int | None] | None,
    new_classes: dict[str, int | None] | None,
) -> YearOpened:
    session, actor = uow.session, uow.actor
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
    year = SchoolYear(school_id=actor.school_id, name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(year)
    await session.flush()
    # The specs name the periods' and holidays' own columns.
    session.add_all(
        StudyPeriod(school_id=actor.school_id, year_id=year.id, **asdict(p)) for p in specs
    )
    rest = list(holidays) if holidays is not None else standard_holidays(starts_on.year)
    for h in rest:
        if not starts_on <= h.starts_on <= h.ends_on <= ends_on:
            raise ValidationFailed("admin.period_outside_year", period=h.name)
    session.add_all(Holiday(school_id=actor.school_id, year_id=year.id, **asdict(h)) for h in rest)
    result = YearOpened(year=year, classes={}, periods=specs, holidays=rest)
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
        result.from_year = old.name
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
                target = await new_class(grade, oc.letter, None if repeat else oc.class_teacher_id)
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


@dataclass(frozen=True)
class YearPlan:
    """What opening, closing or archiving a year will do, shown before it is confirmed (the
    dry run); the same numbers the real action reports."""

    action: str  # open | close | archive
    year: str
    starts_on: dt.date
    ends_on: dt.date
    from_year: str | None = None
    classes: tuple[str, ...] = ()  # open: the new year's classes; close/archive: the year's
    promoted: int = 0
    repeating: int = 0
    graduated: int = 0
    left: int = 0
    students: int = 0  # close/archive: students enrolled in the year's classes
    periods: tuple[PeriodSpec, ...] = ()
    holidays: tuple[HolidaySpec, ...] = ()
    periods_to_close: int = 0
    warnings: tuple[str, ...] = ()
    year_id: int = 0  # close/archive: the year (opening: not kept)


class _DryRun(Exception):
    def __init__(self, plan: YearPlan) -> None:
        super().__init__("dry run")
        self.plan = plan


async def plan_open_year(
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
    now: dt.datetime | None = None,
) -> YearPlan:
    """The dry run of :func:`open_year`: the same work done in a transaction that is rolled
    back, so the summary is exactly what the confirmation will do; nothing is kept, not even
    the audit entry."""
    try:
        async with UnitOfWork(session, actor, now) as uow:
            opened = await _open_year(
                uow,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                periods=periods,
                holidays=holidays,
                promote_from=promote_from,
                leaving=leaving,
                repeating=repeating,
                last_grades=last_grades,
                class_teachers=class_teachers,
                new_classes=new_classes,
            )
            raise _DryRun(
                YearPlan(
                    action="open",
                    year=opened.year.name,
                    starts_on=opened.year.starts_on,
                    ends_on=opened.year.ends_on,
                    from_year=opened.from_year,
                    classes=tuple(
                        sorted(opened.classes, key=lambda c: parse_class_name(c) or (0, c))
                    ),
                    promoted=opened.promoted,
                    repeating=opened.repeating,
                    graduated=opened.graduated,
                    left=opened.left,
                    periods=tuple(opened.periods),
                    holidays=tuple(opened.holidays),
                    warnings=tuple(opened.warnings),
                )
            )
    except _DryRun as done:
        return done.plan
    raise AssertionError("unreachable")  # pragma: no cover


async def _ensure_over(
    session: AsyncSession, actor: Actor, y: SchoolYear, now: dt.datetime
) -> None:
    """A running year is neither closed nor archived: its journal is still being filled (the
    year-end archive is done at the end of the school year, seed 002 §6.5). From the day
    after its last day on."""
    school = await session.get(School, actor.school_id)
    assert school is not None
    if school_today(school, now) <= y.ends_on:
        raise ValidationFailed(
            "year.running",
            year=y.name,
            ends=y.ends_on.strftime("%d.%m.%Y"),
            after=(y.ends_on + dt.timedelta(days=1)).strftime("%d.%m.%Y"),
        )


async def _close_checks(
    session: AsyncSession, actor: Actor, year: int | str, now: dt.datetime
) -> tuple[SchoolYear, list[StudyPeriod]]:
    ensure_admin(actor, "close_year")
    y = await _load_year(session, actor, year)
    if y.is_closed:
        raise Conflict("admin.year_closed", year=y.name)
    await _ensure_over(session, actor, y, now)
    periods = (await session.scalars(select(StudyPeriod).where(StudyPeriod.year_id == y.id))).all()
    return y, list(periods)


async def _archive_checks(
    session: AsyncSession, actor: Actor, year: int | str, now: dt.datetime
) -> SchoolYear:
    ensure_admin(actor, "archive_year")
    y = await _load_year(session, actor, year)
    if y.archived_at is not None:
        raise Conflict("admin.year_archived", year=y.name)
    if not y.is_closed:
        raise ValidationFailed("admin.year_not_closed", year=y.name)
    await _ensure_over(session, actor, y, now)
    return y


async def _year_plan(
    session: AsyncSession, action: str, y: SchoolYear, periods_to_close: int = 0
) -> YearPlan:
    classes = await classes_of_year(session, y.id)
    students = await session.scalar(
        select(func.count(distinct(Enrolment.student_id))).where(
            Enrolment.class_id.in_([c.id for c in classes] or [0])
        )
    )
    return YearPlan(
        action=action,
        year=y.name,
        year_id=y.id,
        starts_on=y.starts_on,
        ends_on=y.ends_on,
        classes=tuple(c.name for c in classes),
        students=int(students or 0),
        periods_to_close=periods_to_close,
    )


async def plan_close_year(
    session: AsyncSession, actor: Actor, year: int | str, *, now: dt.datetime | None = None
) -> YearPlan:
    """The dry run of :func:`close_year`: refused the same way, nothing changed."""
    y, periods = await _close_checks(session, actor, year, now or utcnow())
    return await _year_plan(session, "close", y, sum(1 for p in periods if not p.is_closed))


async def plan_archive_year(
    session: AsyncSession, actor: Actor, year: int | str, *, now: dt.datetime | None = None
) -> YearPlan:
    """The dry run of :func:`archive_year`: refused the same way, nothing changed."""
    y = await _archive_checks(session, actor, year, now or utcnow())
    return await _year_plan(session, "archive", y)


async def _year_staff(session: AsyncSession, year_id: int) -> list[int]:
    """The teachers of the year's classes and their class teachers."""
    class_ids = select(SchoolClass.id).where(SchoolClass.year_id == year_id)
    teachers = select(TeachingAssignment.teacher_id).where(
        TeachingAssignment.class_id.in_(class_ids)
    )
    leaders = select(SchoolClass.class_teacher_id).where(
        SchoolClass.year_id == year_id, SchoolClass.class_teacher_id.is_not(None)
    )
    rows = await session.scalars(teachers.union(leaders))
    return sorted({int(r) for r in rows if r is not None})


async def close_year(
    session: AsyncSession, actor: Actor, year: int | str, *, now: dt.datetime | None = None
) -> SchoolYear:
    """Close a year and all its periods: the journal of the year becomes read-only for
    teachers (admins can still unlock); archive it afterwards with :func:`archive_year`.
    A year is closed only after its last day (see :func:`_ensure_over`)."""
    async with UnitOfWork(session, actor, now) as uow:
        y, periods = await _close_checks(session, actor, year, uow.now)
        y.is_closed = True
        for p in periods:
            p.is_closed = True
        # The staff who taught in the year learn that its journal is read-only now.
        for person_id in await _year_staff(session, y.id):
            await outbox.enqueue(
                session,
                school_id=actor.school_id,
                recipient_person_id=person_id,
                kind="year.closed",  # services/school/alert_kinds.YEAR_CLOSED
                dedup_key=f"year.closed:{y.id}:{person_id}",
                payload={"year_id": y.id, "year": y.name},
            )
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
        y = await _archive_checks(session, actor, year, uow.now)
        y.archived_at = uow.now
        uow.record(
            action="year.archive",
            entity="school_year",
            entity_id=y.id,
            after={"archived_at": y.archived_at},
        )
        return y


# --------------------------------------------------------------------------- the office's view


@dataclass(frozen=True)
class YearRow:
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    is_closed: bool
    archived_at: dt.datetime | None
    over: bool  # its last day has passed: it may be closed and archived


@dataclass(frozen=True)
class YearDraft:
    """The year the office opens next: after the latest one, promoting its classes."""

    name: str
    first_year: int
    promote_from: int | None
    from_name: str | None


async def years_overview(
    session: AsyncSession, actor: Actor, *, now: dt.datetime | None = None
) -> tuple[list[YearRow], YearDraft]:
    """The school's years, latest first, and the draft of the next one (the admin's)."""
    ensure_admin(actor, "year_list")
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school, now)
    years = (
        await session.scalars(
            select(SchoolYear)
            .where(SchoolYear.school_id == actor.school_id)
            .order_by(SchoolYear.starts_on.desc())
        )
    ).all()
    rows = [
        YearRow(y.id, y.name, y.starts_on, y.ends_on, y.is_closed, y.archived_at, today > y.ends_on)
        for y in years
    ]
    if years:
        latest = years[0]
        first = latest.starts_on.year + 1
        draft = YearDraft(next_year_name(first), first, latest.id, latest.name)
    else:
        first = today.year if today.month >= 6 else today.year - 1
        draft = YearDraft(next_year_name(first), first, None, None)
    return rows, draft


# --------------------------------------------------------------------------- a typed calendar

_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
CALENDAR_LINE_RE = re.compile(
    rf"^(?P<name>.*?)[\s:;,\t]*(?P<a>{_DATE})\s*(?:[-–—;,\t]|по|to)?\s*(?P<b>{_DATE})[\s;,]*$",
    re.IGNORECASE,
)
_PERIOD_WORDS = (
    (PeriodKind.QUARTER, ("четверт", "quarter")),
    (PeriodKind.TRIMESTER, ("триместр", "trimester", "term")),
    (PeriodKind.HALF, ("полугод", "half")),
)
_HOLIDAY_WORDS = ("каникул", "holiday", "vacation", "break")
_DAY_OFF_WORDS = ("выходн", "праздн", "day off")
MAX_CALENDAR_LINES = 60


def _calendar_date(value: str) -> dt.date | None:
    try:
        if "-" in value:
            return dt.date.fromisoformat(value)
        d, m, y = (int(x) for x in value.split("."))
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_calendar(text: str) -> tuple[list[PeriodSpec], list[HolidaySpec]]:
    """Study periods and holidays as the office types them or lists them in a file, one a
    line: a name and two dates, "1 четверть 01.09.2027 - 25.10.2027",
    "Осенние каникулы; 26.10.2027; 03.11.2027". A name with "каникулы" is a holiday, with
    "выходной"/"праздник" a day off; any other is a study period (its kind from the name:
    четверть, триместр, полугодие), numbered in order. A line without dates (a header) is
    skipped if it is the first."""
    periods: list[PeriodSpec] = []
    holidays: list[HolidaySpec] = []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_CALENDAR_LINES:
        raise ValidationFailed("year.calendar_too_long", limit=MAX_CALENDAR_LINES)
    for index, (n, line) in enumerate(lines):
        m = CALENDAR_LINE_RE.match(line)
        if m is None:
            if index == 0 and not re.search(r"\d", line):
                continue  # a header
            raise ValidationFailed("year.calendar_line", line=n)
        name = m.group("name").strip(" \t:;,-–—").strip() or ""
        a, b = _calendar_date(m.group("a")), _calendar_date(m.group("b"))
        if a is None or b is None:
            raise ValidationFailed("year.calendar_line", line=n)
        if a > b:
            raise ValidationFailed("year.calendar_order", line=n)
        low = name.lower()
        if not name:
            raise ValidationFailed("year.calendar_line", line=n)
        if any(w in low for w in _HOLIDAY_WORDS):
            holidays.append(HolidaySpec(name[:100], a, b))
        elif any(w in low for w in _DAY_OFF_WORDS):
            holidays.append(HolidaySpec(name[:100], a, b, HolidayKind.DAY_OFF))
        else:
            kind = next(
                (k for k, words in _PERIOD_WORDS if any(w in low for w in words)),
                PeriodKind.QUARTER,
            )
            periods.append(PeriodSpec(kind, len(periods) + 1, name[:100], a, b))
    if not periods:
        raise ValidationFailed("year.calendar_empty")
    ordered = sorted(periods, key=lambda p: p.starts_on)
    for before, after in pairwise(ordered):
        if after.starts_on <= before.ends_on:
            raise ValidationFailed("year.calendar_overlap", first=before.name, second=after.name)
    numbered = [replace(p, number=n) for n, p in enumerate(ordered, 1)]
    return numbered, sorted(holidays, key=lambda h: h.starts_on)


def calendar_csv(periods: Sequence[PeriodSpec], holidays: Sequence[HolidaySpec]) -> str:
    """A calendar as the file :func:`parse_calendar` reads back ("name;start;end", a header):
    the template the office edits — the region's default calendar filled in."""
    lines = ["Название;Начало;Конец"]
    items: list[PeriodSpec | HolidaySpec] = [*periods, *holidays]
    for item in items:
        lines.append(
            f"{item.name};{item.starts_on.strftime('%d.%m.%Y')};{item.ends_on.strftime('%d.%m.%Y')}"
        )
    return "\n".join(lines) + "\n"


def calendar_bounds(periods: Sequence[PeriodSpec], first_year: int) -> tuple[dt.date, dt.date]:
    """A year's first and last day around its periods: from 1 September (or the first
    period's start, if earlier) to 31 May (or the last period's end, if later)."""
    starts = min([dt.date(first_year, 9, 1), *(p.starts_on for p in periods)])
    ends = max([dt.date(first_year + 1, 5, 31), *(p.ends_on for p in periods)])
    return starts, ends


def next_year_name(first_year: int) -> str:
    return f"{first_year}/{first_year + 1}"


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
