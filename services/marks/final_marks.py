"""Period marks (четвертные, триместровые, полугодовые): the suggested value and setting them.

The suggested mark is the weighted average rounded by the school's thresholds (seed 003 §6.3,
:func:`services.marks.mark_reads.suggest_period_marks`); the subject's teacher or the class teacher
(seed 003 §4.5) confirms it or sets another, for the whole class in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.calendar import school_today
from services.enums import SUBJECT_TEACHERS, FinalMarkKind, Role, SpecialMark
from services.errors import ValidationFailed
from services.marks import mark_reads, period_close
from services.models import (
    Enrolment,
    FinalMark,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    utcnow,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import enrolled_during
from services.unit_of_work import UnitOfWork

FinalValue = int | SpecialMark


@dataclass(frozen=True)
class TermOption:
    """A class and subject whose period marks the actor may set."""

    class_id: int
    class_name: str
    subject_id: int
    subject: str
    as_class_teacher: bool


@dataclass(frozen=True)
class TermRow(mark_reads.SuggestedMark):
    """A student's suggested period mark and what it rests on, and the mark already set."""

    current: FinalValue | None


@dataclass(frozen=True)
class TermSheet:
    class_id: int
    class_name: str
    subject_id: int
    subject: str
    period_id: int
    period: str
    period_closed: bool
    min_marks: int
    rows: tuple[TermRow, ...]


@dataclass(frozen=True)
class PeriodMarksSaved:
    created: int
    changed: int
    unchanged: int


def parse_value(value: object) -> FinalValue:
    """1-5 or a special mark (н/а, зачёт, незачёт, освобождён); anything else is refused."""
    if isinstance(value, SpecialMark):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    if isinstance(value, str):
        if value.isdigit() and 1 <= int(value) <= 5:
            return int(value)
        try:
            return SpecialMark(value)
        except ValueError:
            pass
    raise ValidationFailed("term.bad_value")


def _current(fm: FinalMark) -> FinalValue | None:
    if fm.value is not None:
        return fm.value
    return fm.special


async def _class_year(session: AsyncSession, cls: SchoolClass) -> SchoolYear:
    year = await session.get(SchoolYear, cls.year_id)
    assert year is not None
    return year


async def term_options(session: AsyncSession, actor: Actor) -> list[TermOption]:
    """Classes and subjects of the current year whose period marks the actor may set: what
    they teach, and every subject taught in the class they lead (seed 003 §4.5)."""
    pairs: dict[tuple[int, int], bool] = {}
    if actor.has(*SUBJECT_TEACHERS, Role.CLASS_TEACHER):
        for class_id, subject_id in (
            await session.execute(
                select(TeachingAssignment.class_id, TeachingAssignment.subject_id).where(
                    TeachingAssignment.teacher_id == actor.person_id,
                    TeachingAssignment.school_id == actor.school_id,
                )
            )
        ).all():
            pairs.setdefault((class_id, subject_id), False)
    if actor.has(Role.CLASS_TEACHER):
        led = select(SchoolClass.id).where(
            SchoolClass.class_teacher_id == actor.person_id,
            SchoolClass.school_id == actor.school_id,
        )
        for class_id, subject_id in (
            await session.execute(
                select(TeachingAssignment.class_id, TeachingAssignment.subject_id).where(
                    TeachingAssignment.class_id.in_(led)
                )
            )
        ).all():
            pairs[(class_id, subject_id)] = True
    if not pairs:
        return []
    school = await session.get(School, actor.school_id)
    assert school is not None
    today = school_today(school)
    classes = {
        c.id: c
        for c in await session.scalars(
            select(SchoolClass).where(SchoolClass.id.in_({c for c, _ in pairs}))
        )
    }
    years = {
        y.id: y
        for y in await session.scalars(
            select(SchoolYear).where(SchoolYear.id.in_({c.year_id for c in classes.values()}))
        )
    }
    subjects = {
        s.id: s.name
        for s in await session.scalars(select(Subject).where(Subject.id.in_({s for _, s in pairs})))
    }
    out = []
    for (class_id, subject_id), led_by_actor in pairs.items():
        cls = classes[class_id]
        year = years.get(cls.year_id)
        # Only the current year (or the latest, between years).
        if year is not None and year.ends_on < today - dt.timedelta(days=92):
            continue
        out.append(
            TermOption(class_id, cls.name, subject_id, subjects.get(subject_id, ""), led_by_actor)
        )
    return sorted(out, key=lambda o: (_class_key(o.class_name), o.subject))


def _class_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


async def periods_for_class(
    session: AsyncSession, actor: Actor, class_id: int, *, now: dt.datetime | None = None
) -> tuple[list[StudyPeriod], int | None]:
    """The study periods of the class's year, and the one to offer first: the current period,
    else the latest that has ended."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    school = await session.get(School, cls.school_id)
    assert school is not None
    today = school_today(school, now)
    periods = await mark_reads.periods_of_year(session, cls.year_id)
    default = None
    for p in periods:
        if p.starts_on <= today:
            default = p.id
    return periods, default


async def term_sheet(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    period_id: int,
    *,
    now: dt.datetime | None = None,
) -> TermSheet:
    """Each student's suggested period mark, what it rests on, and the mark already set.

    Five to seven statements whatever the class's size: the class and the right to set its
    marks, the period, subject and school at once, the subgroups a teacher marks, the
    students, their marks and their period marks."""
    cls = await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)
    found = (
        await session.execute(
            select(StudyPeriod, Subject, School)
            .select_from(StudyPeriod)
            .join(Subject, true())  # three rows looked up by id at once, no product
            .join(School, true())
            .where(
                StudyPeriod.id == period_id,
                Subject.id == subject_id,
                School.id == actor.school_id,
            )
        )
    ).first()
    if found is None:
        raise policy.deny(actor, "load", model="StudyPeriod/Subject", object_id=period_id)
    period, subject, school = found
    for obj in (period, subject):
        if obj.school_id != actor.school_id:
            raise policy.deny(actor, "load", model=type(obj).__name__, object_id=obj.id)
    suggestions = await mark_reads.class_suggestions(session, cls, subject_id, period, school)
    # A teacher of one subgroup sees and sets the marks of their group only.
    own = await policy.final_mark_students(session, actor, cls, subject_id)
    if own is not None:
        suggestions = [s for s in suggestions if s.student_id in own]
    current = (
        {
            fm.student_id: _current(fm)
            for fm in await session.scalars(
                # By the class's students: uq_final_marks_period leads with student_id.
                select(FinalMark).where(
                    FinalMark.student_id.in_([s.student_id for s in suggestions]),
                    FinalMark.subject_id == subject_id,
                    FinalMark.period_id == period_id,
                )
            )
        }
        if suggestions
        else {}
    )
    rows = tuple(TermRow(**vars(s), current=current.get(s.student_id)) for s in suggestions)
    return TermSheet(
        class_id=cls.id,
        class_name=cls.name,
        subject_id=subject.id,
        subject=subject.name,
        period_id=period.id,
        period=period.name,
        period_closed=period.is_closed
        and not await period_close.is_unlocked(
            session, cls.id, subject.id, period.id, now or utcnow()
        ),
        min_marks=school.min_marks_for_period,
        rows=rows,
    )


async def set_period_marks(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    period_id: int,
    marks: Mapping[int, int | SpecialMark],
    *,
    now: dt.datetime | None = None,
) -> PeriodMarksSaved:
    """Set period marks of a class in a subject: ``marks`` maps student id to 1-5 or a special
    mark. Upserts FinalMark rows, audits before and after, alerts the families
    (``final_mark.set``), commits once. Setting the same again changes nothing."""
    async with UnitOfWork(session, actor, now) as uow:
        return await _set_period_marks(uow, class_id, subject_id, period_id, marks)


async def _set_period_marks(
    uow: UnitOfWork,
    class_id: int,
    subject_id: int,
    period_id: int,
    marks: Mapping[int, int | SpecialMark],
) -> PeriodMarksSaved:
    session, actor, now = uow.session, uow.actor, uow.now
    cls = await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)
    period = await policy.load(session, actor, StudyPeriod, period_id)
    subject = await policy.load(session, actor, Subject, subject_id)
    if period.year_id != cls.year_id:
        raise policy.deny(actor, "final_mark_period", class_id=class_id, period_id=period_id)
    # A closed period's marks change only while the deputy's unlock of the class and subject
    # runs (services.marks.period_close).
    if period.is_closed and not await period_close.is_unlocked(
        session, cls.id, subject.id, period.id, now
    ):
        raise ValidationFailed("yearmarks.period_marks_locked", period=period.name)
    if not marks:
        raise ValidationFailed("term.nothing_to_save")
    values = {sid: parse_value(v) for sid, v in marks.items()}
    enrolled = set(
        (
            await session.scalars(
                select(Enrolment.student_id).where(
                    Enrolment.class_id == cls.id, enrolled_during(period.starts_on, period.ends_on)
                )
            )
        ).all()
    )
    own = await policy.final_mark_students(session, actor, cls, subject.id)
    strangers = sorted(
        sid for sid in values if sid not in enrolled or (own is not None and sid not in own)
    )
    if strangers:
        raise policy.deny(actor, "final_mark_student", class_id=class_id, students=strangers)
    existing = {
        fm.student_id: fm
        for fm in await session.scalars(
            select(FinalMark).where(
                FinalMark.subject_id == subject.id,
                FinalMark.period_id == period.id,
                FinalMark.student_id.in_(list(values)),
            )
        )
    }
    created = changed = unchanged = 0
    for sid in sorted(values):
        value = values[sid]
        number = value if isinstance(value, int) else None
        special = value if isinstance(value, SpecialMark) else None
        fm = existing.get(sid)
        before = audit.snapshot(fm, "value", "special") if fm is not None else None
        if fm is None:
            fm = FinalMark(
                school_id=cls.school_id,
                student_id=sid,
                subject_id=subject.id,
                year_id=period.year_id,
                period_id=period.id,
                kind=FinalMarkKind.PERIOD,
                value=number,
                special=special,
                created_at=now,
                created_by_id=actor.account_id,
            )
            session.add(fm)
            created += 1
        elif fm.value == number and fm.special == special:
            unchanged += 1
            continue
        else:
            fm.value = number
            fm.special = special
            fm.updated_at = now
            fm.updated_by_id = actor.account_id
            changed += 1
        await session.flush()
        after = audit.snapshot(fm, "value", "special")
        entry = await uow.recorded(
            action="final_mark.set",
            entity="final_mark",
            entity_id=fm.id,
            student_id=sid,
            before=before,
            after={**after, "period_id": period.id, "subject_id": subject.id},
        )
        for guardian_id in await outbox.family_recipients(session, sid, "marks"):
            await outbox.enqueue(
                session,
                school_id=cls.school_id,
                recipient_person_id=guardian_id,
                kind="final_mark.set",
                dedup_key=f"final_mark.set:{fm.id}:{entry.id}:{guardian_id}",
                payload={
                    "student_id": sid,
                    "subject": subject.name,
                    "class": cls.name,
                    "period_id": period.id,
                    "period": period.name,
                    "value": number,
                    "special": special.value if special else None,
                    "before": before,
                },
            )
    return PeriodMarksSaved(created, changed, unchanged)
