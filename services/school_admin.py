"""The school office's use cases: the school year, student movement, substitutions,
control-work dates, journal checks and the list of unfilled lessons.

Each use case is one transaction: check the policy, change rows, audit, commit once.
The command line acts through a :class:`SystemActor` (admin of one school, audit source "cli").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit, policy
from services.calendar import school_today
from services.enums import HolidayKind, PeriodKind, Role, WorkKind
from services.errors import Conflict, NotFound, ValidationFailed
from services.identity import Actor
from services.models import (
    AuditEntry,
    ControlWork,
    Enrolment,
    Holiday,
    Homework,
    JournalCheck,
    Lesson,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
    Substitution,
    utcnow,
)

# --------------------------------------------------------------------------- the CLI actor


@dataclass(frozen=True)
class SystemActor(Actor):
    """An actor without an account: the command line or a scheduled job.

    It acts as the admin of one school; its audit entries carry ``actor_label`` and
    ``source`` ("cli") instead of an account id.
    """

    source: str = "cli"

    @property
    def label(self) -> str:
        return self.source


async def find_school(session: AsyncSession, code: str | None) -> School:
    """The school with this code, or the only school when no code is given."""
    if code:
        school = await session.scalar(select(School).where(School.code == code))
        if school is None:
            raise NotFound("admin.school_not_found", school=code)
        return school
    schools = (await session.scalars(select(School).order_by(School.id).limit(2))).all()
    if len(schools) != 1:
        raise ValidationFailed("admin.school_required")
    return schools[0]


async def cli_actor(session: AsyncSession, school_code: str | None = None) -> SystemActor:
    """The command line's actor: admin of the chosen school (audit source "cli")."""
    school = await find_school(session, school_code)
    return SystemActor(
        account_id=0,
        person_id=0,
        school_id=school.id,
        roles=frozenset({Role.ADMIN}),
        language=None,
        display_name="CLI",
        timezone=school.timezone,
        source="cli",
    )


def record(session: AsyncSession, actor: Actor, **kwargs: Any) -> AuditEntry:
    """``audit.record`` for this module's use cases (a :class:`SystemActor` included)."""
    return audit.record(session, actor=actor, **kwargs)


def account_id_of(actor: Actor) -> int | None:
    """The actor's account id for ``created_by_id`` columns (None for the CLI)."""
    return None if isinstance(actor, SystemActor) or actor.account_id <= 0 else actor.account_id


def ensure_admin(actor: Actor, action: str, *also: Role) -> None:
    if actor.has(Role.ADMIN, *also):
        return
    raise policy.deny(actor, action)


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


async def has_role(session: AsyncSession, person_id: int, *roles: Role) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(RoleGrant.person_id == person_id, RoleGrant.role.in_(list(roles)))
            )
        )
    )


def _source(actor: Actor) -> str:
    return getattr(actor, "source", "bot")


# --------------------------------------------------------------------------- the school year


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
    for p in specs:
        session.add(
            StudyPeriod(
                school_id=actor.school_id,
                year_id=year.id,
                kind=p.kind,
                number=p.number,
                name=p.name,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
        )
    for h in holidays if holidays is not None else standard_holidays(starts_on.year):
        session.add(
            Holiday(
                school_id=actor.school_id,
                year_id=year.id,
                kind=h.kind,
                name=h.name,
                starts_on=h.starts_on,
                ends_on=h.ends_on,
            )
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
        old_classes = (
            await session.scalars(
                select(SchoolClass)
                .where(SchoolClass.year_id == old.id)
                .order_by(SchoolClass.grade, SchoolClass.letter)
            )
        ).all()
        for oc in old_classes:
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
        from services.imports.core import parse_class_name

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
    record(
        session,
        actor,
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
        source=_source(actor),
    )
    await session.commit()
    return result


async def close_year(session: AsyncSession, actor: Actor, year: int | str) -> SchoolYear:
    """Close a year and all its periods: the journal of the year becomes read-only for
    teachers (admins can still unlock); archive it afterwards with :func:`archive_year`."""
    ensure_admin(actor, "close_year")
    y = await _load_year(session, actor, year)
    if y.is_closed:
        raise Conflict("admin.year_closed", year=y.name)
    y.is_closed = True
    periods = (await session.scalars(select(StudyPeriod).where(StudyPeriod.year_id == y.id))).all()
    for p in periods:
        p.is_closed = True
    record(
        session,
        actor,
        action="year.close",
        entity="school_year",
        entity_id=y.id,
        before={"is_closed": False},
        after={"is_closed": True, "periods_closed": len(periods)},
        source=_source(actor),
    )
    await session.commit()
    return y


async def archive_year(
    session: AsyncSession, actor: Actor, year: int | str, *, now: dt.datetime | None = None
) -> SchoolYear:
    """The year-end archive (seed 002 §6.5): a closed year gets ``archived_at``; from then on
    it is read-only for everyone and counts toward retention (services.backup)."""
    ensure_admin(actor, "archive_year")
    y = await _load_year(session, actor, year)
    if not y.is_closed:
        raise ValidationFailed("admin.year_not_closed", year=y.name)
    if y.archived_at is not None:
        raise Conflict("admin.year_archived", year=y.name)
    y.archived_at = now or utcnow()
    record(
        session,
        actor,
        action="year.archive",
        entity="school_year",
        entity_id=y.id,
        after={"archived_at": y.archived_at},
        source=_source(actor),
    )
    await session.commit()
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


# --------------------------------------------------------------------------- student movement


async def _open_enrolment(session: AsyncSession, student_id: int, on: dt.date) -> Enrolment | None:
    return await session.scalar(
        select(Enrolment)
        .where(
            Enrolment.student_id == student_id,
            Enrolment.arrived_on <= on,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > on),
        )
        .order_by(Enrolment.arrived_on.desc())
        .limit(1)
    )


async def _student(session: AsyncSession, actor: Actor, student_id: int) -> Person:
    person = await policy.load(session, actor, Person, student_id)
    if not await has_role(session, person.id, Role.STUDENT):
        raise ValidationFailed("admin.not_a_student")
    return person


async def _class_for(
    session: AsyncSession, actor: Actor, class_id: int, on: dt.date
) -> SchoolClass:
    cls = await policy.load(session, actor, SchoolClass, class_id)
    year = await session.get(SchoolYear, cls.year_id)
    assert year is not None
    if not year.starts_on <= on <= year.ends_on:
        raise ValidationFailed("admin.date_outside_year", date=on, year=year.name)
    if year.archived_at is not None:
        raise ValidationFailed("admin.year_archived", year=year.name)
    return cls


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > 255:
        raise ValidationFailed("error.too_long", field="note", limit=255)
    return note or None


async def enrol_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
) -> Enrolment:
    """Arrival (прибытие): the student joins a class on ``on``."""
    ensure_admin(actor, "enrol_student")
    await _student(session, actor, student_id)
    cls = await _class_for(session, actor, class_id, on)
    if await _open_enrolment(session, student_id, on) is not None:
        raise Conflict("admin.already_enrolled")
    later = await session.scalar(
        select(Enrolment.arrived_on).where(
            Enrolment.student_id == student_id, Enrolment.arrived_on > on
        )
    )
    enrolment = Enrolment(
        school_id=actor.school_id,
        student_id=student_id,
        class_id=cls.id,
        arrived_on=on,
        left_on=later,
        arrival_note=_clean_note(note),
    )
    session.add(enrolment)
    record(
        session,
        actor,
        action="movement.arrive",
        entity="enrolment",
        entity_id=student_id,
        student_id=student_id,
        after={"class": cls.name, "arrived_on": on, "note": enrolment.arrival_note},
        source=_source(actor),
    )
    await session.commit()
    return enrolment


async def withdraw_student(
    session: AsyncSession, actor: Actor, student_id: int, on: dt.date, *, note: str | None = None
) -> Enrolment:
    """Departure (выбытие): the student's enrolment ends; ``on`` is the first day away."""
    ensure_admin(actor, "withdraw_student")
    await _student(session, actor, student_id)
    current = await _open_enrolment(session, student_id, on - dt.timedelta(days=1))
    if current is None or (current.left_on is not None and current.left_on <= on):
        raise ValidationFailed("admin.not_enrolled")
    if on <= current.arrived_on:
        raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
    before = audit.snapshot(current, "left_on", "departure_note")
    current.left_on = on
    current.departure_note = _clean_note(note)
    record(
        session,
        actor,
        action="movement.leave",
        entity="enrolment",
        entity_id=current.id,
        student_id=student_id,
        before=before,
        after=audit.snapshot(current, "left_on", "departure_note"),
        source=_source(actor),
    )
    await session.commit()
    return current


async def transfer_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    to_class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
) -> Enrolment:
    """Transfer between classes on ``on``: the old enrolment ends, a new one starts."""
    ensure_admin(actor, "transfer_student")
    await _student(session, actor, student_id)
    cls = await _class_for(session, actor, to_class_id, on)
    current = await _open_enrolment(session, student_id, on)
    if current is None:
        raise ValidationFailed("admin.not_enrolled")
    if current.class_id == cls.id:
        raise Conflict("admin.same_class")
    if on <= current.arrived_on:
        raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
    old_class = await session.get(SchoolClass, current.class_id)
    text = _clean_note(note)
    current.left_on, current.departure_note = on, text
    enrolment = Enrolment(
        school_id=actor.school_id,
        student_id=student_id,
        class_id=cls.id,
        arrived_on=on,
        arrival_note=text,
    )
    session.add(enrolment)
    record(
        session,
        actor,
        action="movement.transfer",
        entity="enrolment",
        entity_id=student_id,
        student_id=student_id,
        before={"class": old_class.name if old_class else None},
        after={"class": cls.name, "on": on, "note": text},
        source=_source(actor),
    )
    await session.commit()
    return enrolment


# --------------------------------------------------------------------------- substitutions


async def set_substitution(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    teacher_id: int,
    *,
    reason: str | None = None,
) -> Substitution:
    """The deputy records a substitute for a dated lesson (seed 002 §5.2.4); the substitute
    then fills the lesson's record (the policy follows the substitution)."""
    ensure_admin(actor, "substitution", Role.DEPUTY)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    teacher = await policy.load(session, actor, Person, teacher_id)
    if not await has_role(session, teacher.id, Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY):
        raise ValidationFailed("admin.not_a_teacher")
    if lesson.is_cancelled:
        raise ValidationFailed("journal.lesson_cancelled")
    if await is_archived_on(session, actor.school_id, lesson.date):
        raise ValidationFailed("admin.year_archived", year=str(lesson.date.year))
    sub = await policy.substitution_of(session, lesson.id)
    before = audit.snapshot(sub, "teacher_id", "reason") if sub else None
    if teacher.id == lesson.teacher_id:
        raise ValidationFailed("admin.substitute_is_teacher")
    if sub is None:
        sub = Substitution(
            school_id=actor.school_id,
            lesson_id=lesson.id,
            teacher_id=teacher.id,
            reason=_clean_note(reason),
            created_by_id=account_id_of(actor),
        )
        session.add(sub)
    else:
        sub.teacher_id, sub.reason = teacher.id, _clean_note(reason)
    record(
        session,
        actor,
        action="substitution.set",
        entity="lesson",
        entity_id=lesson.id,
        before=before,
        after={"teacher_id": teacher.id, "reason": sub.reason},
        source=_source(actor),
    )
    await session.commit()
    return sub


async def remove_substitution(session: AsyncSession, actor: Actor, lesson_id: int) -> None:
    ensure_admin(actor, "substitution", Role.DEPUTY)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    sub = await policy.substitution_of(session, lesson.id)
    if sub is None:
        raise NotFound("admin.no_substitution")
    record(
        session,
        actor,
        action="substitution.remove",
        entity="lesson",
        entity_id=lesson.id,
        before=audit.snapshot(sub, "teacher_id", "reason"),
        source=_source(actor),
    )
    await session.delete(sub)
    await session.commit()


# --------------------------------------------------------------------------- control works

# Seed 002 §5.2.5 asks the deputy to agree control-work dates and set their priority; it names
# no number. One control work per class per day is the usual rule (SanPiN), configurable.
DEFAULT_MAX_CONTROL_WORKS_PER_DAY = 1


@dataclass
class ControlWorkResult:
    control_work: ControlWork
    # Locale keys with params: e.g. ("control_work.too_many", {"count": 2, "limit": 1, ...}).
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


async def control_works_on(session: AsyncSession, class_id: int, day: dt.date) -> list[ControlWork]:
    return list(
        (
            await session.scalars(
                select(ControlWork).where(ControlWork.class_id == class_id, ControlWork.date == day)
            )
        ).all()
    )


async def schedule_control_work(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    day: dt.date,
    *,
    kind: WorkKind = WorkKind.CONTROL,
    title: str | None = None,
    max_per_day: int = DEFAULT_MAX_CONTROL_WORKS_PER_DAY,
) -> ControlWorkResult:
    """Put a control work's date in the system. The subject's teacher proposes, the deputy
    (or admin) agrees; a date agreed by the deputy is set at once. A warning (not a refusal)
    when the class would have more than ``max_per_day`` control works that day."""
    subject = await policy.load(session, actor, Subject, subject_id)
    cls = await policy.ensure_can_propose_control_work(session, actor, class_id, subject.id)
    deputy = actor.has(Role.DEPUTY, Role.ADMIN)
    year = await session.get(SchoolYear, cls.year_id)
    assert year is not None
    if not year.starts_on <= day <= year.ends_on:
        raise ValidationFailed("admin.date_outside_year", date=day, year=year.name)
    if await session.scalar(
        select(ControlWork.id).where(
            ControlWork.class_id == cls.id,
            ControlWork.subject_id == subject.id,
            ControlWork.date == day,
        )
    ):
        raise Conflict("control_work.exists", date=day)
    now = utcnow()
    cw = ControlWork(
        school_id=actor.school_id,
        class_id=cls.id,
        subject_id=subject.id,
        date=day,
        kind=kind,
        title=_clean_note(title),
        created_by_id=account_id_of(actor),
        agreed_at=now if deputy else None,
        agreed_by_id=account_id_of(actor) if deputy else None,
    )
    session.add(cw)
    await session.flush()
    result = ControlWorkResult(cw)
    same_day = await control_works_on(session, cls.id, day)
    if len(same_day) > max_per_day:
        subjects = await session.scalars(
            select(Subject.name).where(Subject.id.in_([c.subject_id for c in same_day]))
        )
        result.warnings.append(
            (
                "control_work.too_many",
                {
                    "class": cls.name,
                    "date": day,
                    "count": len(same_day),
                    "limit": max_per_day,
                    "subjects": ", ".join(sorted(subjects)),
                },
            )
        )
    record(
        session,
        actor,
        action="control_work.schedule",
        entity="control_work",
        entity_id=cw.id,
        after={
            "class": cls.name,
            "subject": subject.name,
            "date": day,
            "agreed": deputy,
            "warnings": [w[0] for w in result.warnings],
        },
        source=_source(actor),
    )
    await session.commit()
    return result


async def agree_control_work(
    session: AsyncSession, actor: Actor, control_work_id: int
) -> ControlWork:
    ensure_admin(actor, "agree_control_work", Role.DEPUTY)
    cw = await policy.load(session, actor, ControlWork, control_work_id)
    cw.agreed_at, cw.agreed_by_id = utcnow(), account_id_of(actor)
    record(
        session,
        actor,
        action="control_work.agree",
        entity="control_work",
        entity_id=cw.id,
        after={"agreed_at": cw.agreed_at},
        source=_source(actor),
    )
    await session.commit()
    return cw


# --------------------------------------------------------------------------- journal checks


async def add_journal_check(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    note: str,
    *,
    subject_id: int | None = None,
    teacher_id: int | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    fix_by: dt.date | None = None,
) -> JournalCheck:
    """A deputy's entry in «Проверка журнала» (seed 002 §5.2.3), seen by the teacher
    (§6.3). The administration may also check (§5.3.2)."""
    if not actor.has(Role.DEPUTY, Role.DIRECTOR, Role.ADMIN) or actor.person_id <= 0:
        raise policy.deny(actor, "journal_check")
    cls = await policy.load(session, actor, SchoolClass, class_id)
    if subject_id is not None:
        await policy.load(session, actor, Subject, subject_id)
    if teacher_id is not None:
        await policy.load(session, actor, Person, teacher_id)
    text = (note or "").strip()
    if not text:
        raise ValidationFailed("admin.note_required")
    if len(text) > 4000:
        raise ValidationFailed("error.too_long", field="note", limit=4000)
    if period_from and period_to and period_to < period_from:
        raise ValidationFailed("error.date_range", days=0)
    check = JournalCheck(
        school_id=actor.school_id,
        class_id=cls.id,
        subject_id=subject_id,
        teacher_id=teacher_id,
        checked_by_id=actor.person_id,
        period_from=period_from,
        period_to=period_to,
        note=text,
        fix_by=fix_by,
    )
    session.add(check)
    await session.flush()
    record(
        session,
        actor,
        action="journal_check.add",
        entity="journal_check",
        entity_id=check.id,
        after={
            "class": cls.name,
            "subject_id": subject_id,
            "teacher_id": teacher_id,
            "fix_by": fix_by,
        },
        source=_source(actor),
    )
    await session.commit()
    return check


async def journal_checks_for(
    session: AsyncSession, actor: Actor, *, mark_seen: bool = True
) -> list[JournalCheck]:
    """The checks addressed to this teacher (or of their class as class teacher); marks the
    unseen ones as seen."""
    classes = select(SchoolClass.id).where(SchoolClass.class_teacher_id == actor.person_id)
    cond = [JournalCheck.teacher_id == actor.person_id]
    if actor.has(Role.CLASS_TEACHER):
        cond.append(JournalCheck.class_id.in_(classes))
    checks = list(
        (
            await session.scalars(
                select(JournalCheck)
                .where(JournalCheck.school_id == actor.school_id, or_(*cond))
                .order_by(JournalCheck.checked_at.desc())
            )
        ).all()
    )
    if mark_seen:
        now = utcnow()
        changed = [c for c in checks if c.seen_at is None and c.teacher_id == actor.person_id]
        for c in changed:
            c.seen_at = now
        if changed:
            await session.commit()
    return checks


async def resolve_journal_check(session: AsyncSession, actor: Actor, check_id: int) -> JournalCheck:
    """The teacher reports the remarks fixed, or the checker closes the check."""
    check = await policy.load(session, actor, JournalCheck, check_id)
    if actor.person_id not in (check.teacher_id, check.checked_by_id) and not actor.has(
        Role.DEPUTY, Role.ADMIN
    ):
        raise policy.deny(actor, "resolve_journal_check", check_id=check_id)
    check.resolved_at = utcnow()
    record(
        session,
        actor,
        action="journal_check.resolve",
        entity="journal_check",
        entity_id=check.id,
        after={"resolved_at": check.resolved_at},
        source=_source(actor),
    )
    await session.commit()
    return check


# --------------------------------------------------------------------------- unfilled lessons


@dataclass(frozen=True)
class UnfilledLesson:
    lesson_id: int
    date: dt.date
    number: int
    class_name: str
    subject: str
    missing: tuple[str, ...]  # "attendance", "topic", "homework"


@dataclass
class TeacherUnfilled:
    teacher_id: int
    teacher: str
    lessons: list[UnfilledLesson] = field(default_factory=list)


async def unfilled_lessons(
    session: AsyncSession,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    *,
    teacher_id: int | None = None,
    today: dt.date | None = None,
) -> list[TeacherUnfilled]:
    """Lessons without attendance, topic or homework (none required in grade 1, seed 002
    §4.5), by the teacher who teaches them (the substitute if any), up to today."""
    own = teacher_id is not None and teacher_id == actor.person_id
    if not own and not policy.is_school_reader(actor):
        raise policy.deny(actor, "unfilled_lessons")
    if date_to < date_from or (date_to - date_from).days > 400:
        raise ValidationFailed("error.date_range", days=400)
    school = await session.get(School, actor.school_id)
    assert school is not None
    last = min(date_to, today or school_today(school))
    # One read of only what the list shows: the classes and subjects joined by this school
    # (both carry school_id: no hash join over the region's), the homework as EXISTS instead of
    # a second statement with every lesson id, and only lessons that miss something (the same
    # rule as below, which decides what is missing).
    who_teaches = func.coalesce(Substitution.teacher_id, Lesson.teacher_id)
    has_homework = exists().where(Homework.lesson_id == Lesson.id)
    query = (
        select(
            Lesson.id,
            Lesson.date,
            Lesson.lesson_number,
            Lesson.attendance_taken_at,
            Lesson.topic,
            who_teaches,
            SchoolClass.name,
            SchoolClass.grade,
            Subject.name,
            has_homework,
        )
        .join(
            SchoolClass,
            and_(SchoolClass.id == Lesson.class_id, SchoolClass.school_id == actor.school_id),
        )
        .join(Subject, and_(Subject.id == Lesson.subject_id, Subject.school_id == actor.school_id))
        .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
        .where(
            Lesson.school_id == actor.school_id,
            Lesson.date >= date_from,
            Lesson.date <= last,
            Lesson.is_cancelled.is_(False),
            or_(
                Lesson.attendance_taken_at.is_(None),
                Lesson.topic.is_(None),
                Lesson.topic == "",
                and_(SchoolClass.grade > 1, ~has_homework),
            ),
        )
        .order_by(Lesson.date, Lesson.lesson_number)
    )
    if teacher_id is not None:
        query = query.where(who_teaches == teacher_id)
    rows = (await session.execute(query)).all()
    by_teacher: dict[int, list[UnfilledLesson]] = defaultdict(list)
    for lesson_id, date, number, taken_at, topic, who, cname, grade, sname, homework in rows:
        missing = []
        if taken_at is None:
            missing.append("attendance")
        if not topic:
            missing.append("topic")
        if grade > 1 and not homework:
            missing.append("homework")
        if missing:
            by_teacher[who].append(
                UnfilledLesson(lesson_id, date, number, cname, sname, tuple(missing))
            )
    people = {
        p.id: p
        for p in (
            await session.scalars(select(Person).where(Person.id.in_(list(by_teacher))))
        ).all()
    }
    out = [
        TeacherUnfilled(tid, people[tid].full_name if tid in people else str(tid), lessons)
        for tid, lessons in by_teacher.items()
    ]
    return sorted(out, key=lambda t: (-len(t.lessons), t.teacher))


async def schedule_control_work_at_lesson(
    session: AsyncSession, actor: Actor, lesson_id: int, *, kind: WorkKind = WorkKind.CONTROL
) -> ControlWorkResult:
    """The teacher puts a control work on one of their lessons: its class, subject and date.
    Who may is :func:`policy.ensure_can_propose_control_work` (seeing the lesson is not enough:
    a class teacher sees every lesson of the class but proposes only for their subjects)."""
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    return await schedule_control_work(
        session, actor, lesson.class_id, lesson.subject_id, lesson.date, kind=kind
    )


@dataclass(frozen=True)
class ControlWorkRow:
    id: int
    date: dt.date
    class_name: str
    subject: str
    agreed: bool


async def upcoming_control_works(
    session: AsyncSession, actor: Actor, *, today: dt.date, days: int = 30
) -> list[ControlWorkRow]:
    """The deputy's list of control works in the next ``days`` days, unagreed first."""
    ensure_admin(actor, "control_works", Role.DEPUTY)
    rows = (
        await session.execute(
            select(ControlWork, SchoolClass.name, Subject.name)
            .join(SchoolClass, SchoolClass.id == ControlWork.class_id)
            .join(Subject, Subject.id == ControlWork.subject_id)
            .where(
                ControlWork.school_id == actor.school_id,
                ControlWork.date >= today,
                ControlWork.date <= today + dt.timedelta(days=days),
            )
            .order_by(ControlWork.agreed_at.is_not(None), ControlWork.date, SchoolClass.name)
        )
    ).all()
    return [
        ControlWorkRow(cw.id, cw.date, cls, subj, cw.agreed_at is not None)
        for cw, cls, subj in rows
    ]
