"""Year, exam and final marks (годовые, экзаменационные, итоговые).

Rules (docs/final-marks.md):
- the subject's teacher and the class teacher set the year, exam and final marks of the class
  (seed 003 §4.4, §4.5), as they set period marks (a subgroup's teacher: their group only);
- the suggested year mark is the mean of the student's period marks rounded by the school's
  thresholds (2.5 → «3», 3.5 → «4», 4.5 → «5», seed 003 §6.3); a period exempted
  (освобождён) does not count; a period not certified or failed leaves the choice to the teacher;
- the suggested final mark is the year mark; with an exam mark, the mean of the year and exam
  marks rounded half up (4.5 → 5), as the certificate's marks are;
- all three are locked after the day of the teachers' council that approves the year's results
  and when the year is closed; a deputy or admin unlocks a class and subject with a reason
  (services.marks.period_close).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import FinalMarkKind, SpecialMark
from services.errors import ValidationFailed
from services.marks import mark_reads, period_close
from services.marks.final_marks import FinalValue, parse_value
from services.models import (
    Enrolment,
    FinalMark,
    Person,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
    utcnow,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import enrolled_during
from services.unit_of_work import UnitOfWork

YEAR_KINDS = (FinalMarkKind.YEAR, FinalMarkKind.EXAM, FinalMarkKind.FINAL)


def suggest_year(periods: Sequence[FinalValue | None], school: School) -> FinalValue | None:
    """The year mark the period marks suggest (None: the teacher decides)."""
    values = [v for v in periods if v is not None]
    if not values:
        return None
    numbers = [v for v in values if isinstance(v, int)]
    specials = {v for v in values if isinstance(v, SpecialMark)}
    if specials & {SpecialMark.NOT_CERTIFIED, SpecialMark.FAILED}:
        return None
    if numbers:
        return mark_reads.suggest_mark(
            mark_reads.weighted_average([(v, 1) for v in numbers]), school
        )
    if specials == {SpecialMark.EXEMPT}:
        return SpecialMark.EXEMPT
    return SpecialMark.PASSED


def suggest_final(year: FinalValue | None, exam: FinalValue | None) -> FinalValue | None:
    """The final mark the year and exam marks suggest (None: the teacher decides)."""
    if year is None:
        return None
    if exam is None:
        return year
    if isinstance(year, int) and isinstance(exam, int):
        return int((Decimal(year + exam) / 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if year == SpecialMark.EXEMPT:
        return exam
    return None


@dataclass(frozen=True)
class YearRow:
    student_id: int
    student: str
    periods: tuple[FinalValue | None, ...]
    suggested_year: FinalValue | None
    year: FinalValue | None
    exam: FinalValue | None
    suggested_final: FinalValue | None
    final: FinalValue | None


@dataclass(frozen=True)
class YearSheet:
    class_id: int
    class_name: str
    subject_id: int
    subject: str
    year_id: int
    year: str
    periods: tuple[str, ...]
    council_on: dt.date | None
    locked: bool
    rows: tuple[YearRow, ...]


@dataclass(frozen=True)
class YearMarksSaved:
    created: int
    changed: int
    unchanged: int


def _value(fm: FinalMark) -> FinalValue | None:
    return fm.value if fm.value is not None else fm.special


async def _context(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int
) -> tuple[SchoolClass, Subject, SchoolYear, School]:
    cls = await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)
    subject = await policy.load(session, actor, Subject, subject_id)
    year = await session.get(SchoolYear, cls.year_id)
    school = await session.get(School, cls.school_id)
    assert year is not None and school is not None
    return cls, subject, year, school


async def _students(
    session: AsyncSession, actor: Actor, cls: SchoolClass, subject_id: int, year: SchoolYear
) -> list[Person]:
    """The class's students of the year (a subgroup's teacher: their group)."""
    people = (
        (
            await session.execute(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(Enrolment.class_id == cls.id, enrolled_during(year.starts_on, year.ends_on))
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .scalars()
        .unique()
        .all()
    )
    own = await policy.final_mark_students(session, actor, cls, subject_id)
    return [p for p in people if own is None or p.id in own]


async def year_sheet(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    *,
    now: dt.datetime | None = None,
) -> YearSheet:
    """Each student's period marks, the suggested and set year mark, the exam mark, the
    suggested and set final mark; whether they are locked."""
    now = now or utcnow()
    cls, subject, year, school = await _context(session, actor, class_id, subject_id)
    students = await _students(session, actor, cls, subject.id, year)
    periods = await mark_reads.periods_of_year(session, year.id)
    marks = (
        list(
            (
                await session.scalars(
                    select(FinalMark).where(
                        FinalMark.student_id.in_([p.id for p in students]),
                        FinalMark.subject_id == subject.id,
                        FinalMark.year_id == year.id,
                    )
                )
            ).all()
        )
        if students
        else []
    )
    # The class's kind of periods (quarters, trimesters or halves): the one its marks use.
    used = Counter(p.kind for p in periods for fm in marks if fm.period_id == p.id).most_common(1)
    kind = used[0][0] if used else (periods[0].kind if periods else None)
    columns: list[StudyPeriod] = [p for p in periods if p.kind == kind]
    by_period = {(fm.student_id, fm.period_id): _value(fm) for fm in marks if fm.period_id}
    by_kind = {(fm.student_id, fm.kind): _value(fm) for fm in marks if fm.period_id is None}
    rows = []
    for p in students:
        period_values = tuple(by_period.get((p.id, c.id)) for c in columns)
        year_value = by_kind.get((p.id, FinalMarkKind.YEAR))
        exam_value = by_kind.get((p.id, FinalMarkKind.EXAM))
        rows.append(
            YearRow(
                student_id=p.id,
                student=p.short_name,
                periods=period_values,
                suggested_year=suggest_year(period_values, school),
                year=year_value,
                exam=exam_value,
                suggested_final=suggest_final(year_value, exam_value),
                final=by_kind.get((p.id, FinalMarkKind.FINAL)),
            )
        )
    locked = await period_close.year_marks_locked(session, cls, subject.id, year, school, now)
    return YearSheet(
        class_id=cls.id,
        class_name=cls.name,
        subject_id=subject.id,
        subject=subject.name,
        year_id=year.id,
        year=year.name,
        periods=tuple(c.name for c in columns),
        council_on=year.council_on,
        locked=locked,
        rows=tuple(rows),
    )


async def set_year_marks(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    subject_id: int,
    kind: FinalMarkKind,
    marks: Mapping[int, int | SpecialMark | str],
    *,
    now: dt.datetime | None = None,
) -> YearMarksSaved:
    """Set year, exam or final marks of a class in a subject (``marks``: student id → 1-5 or
    a special mark). Upserts, audits before and after, alerts the families
    (``year_mark.set``), commits once; the same again changes nothing."""
    async with UnitOfWork(session, actor, now) as uow:
        cls, subject, year, school = await _context(session, actor, class_id, subject_id)
        if kind not in YEAR_KINDS:
            raise ValidationFailed("yearmarks.bad_kind")
        if year.archived_at is not None:
            raise ValidationFailed("journal.year_archived", year=year.name)
        if await period_close.year_marks_locked(session, cls, subject.id, year, school, uow.now):
            raise ValidationFailed("yearmarks.locked", year=year.name)
        if not marks:
            raise ValidationFailed("term.nothing_to_save")
        values = {sid: parse_value(v) for sid, v in marks.items()}
        allowed = {p.id for p in await _students(session, actor, cls, subject.id, year)}
        strangers = sorted(sid for sid in values if sid not in allowed)
        if strangers:
            raise policy.deny(actor, "year_mark_student", class_id=class_id, students=strangers)
        existing = {
            fm.student_id: fm
            for fm in await session.scalars(
                select(FinalMark).where(
                    FinalMark.student_id.in_(list(values)),
                    FinalMark.subject_id == subject.id,
                    FinalMark.year_id == year.id,
                    FinalMark.kind == kind,
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
                    year_id=year.id,
                    period_id=None,
                    kind=kind,
                    value=number,
                    special=special,
                    created_at=uow.now,
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
                fm.updated_at = uow.now
                fm.updated_by_id = actor.account_id
                changed += 1
            await session.flush()
            entry = await uow.recorded(
                action="final_mark.set",
                entity="final_mark",
                entity_id=fm.id,
                student_id=sid,
                before=before,
                after={
                    **audit.snapshot(fm, "value", "special"),
                    "kind": kind.value,
                    "year_id": year.id,
                    "subject_id": subject.id,
                },
            )
            for guardian_id in await outbox.family_recipients(session, sid, "marks"):
                await outbox.enqueue(
                    session,
                    school_id=cls.school_id,
                    recipient_person_id=guardian_id,
                    kind="year_mark.set",
                    dedup_key=f"year_mark.set:{fm.id}:{entry.id}:{guardian_id}",
                    payload={
                        "student_id": sid,
                        "subject": subject.name,
                        "class": cls.name,
                        "mark_kind": kind.value,
                        "year": year.name,
                        "value": number,
                        "special": special.value if special else None,
                        "before": before,
                    },
                )
        return YearMarksSaved(created, changed, unchanged)
