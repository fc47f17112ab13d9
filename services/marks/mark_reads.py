"""Marks read models: marks by subject, suggested period marks, the family's marks page."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import (
    FinalMarkKind,
    SpecialMark,
)
from services.models import (
    Enrolment,
    FinalMark,
    Lesson,
    Mark,
    Person,
    School,
    SchoolClass,
    StudyPeriod,
    Subject,
)
from services.people import policy
from services.people.context import StudentRef
from services.people.family import family_read, sections_of_link
from services.people.identity import Actor
from services.school.school_days import current_period, year_periods
from services.timetable import diary
from services.timetable.diary import (
    MarkView,
    enrolled_during,
    enrolled_on_lesson_date,
    in_student_groups,
)


@dataclass(frozen=True)
class Advice:
    """``fives`` more fives at weight 1 lift the suggested mark to ``target``."""

    target: int
    fives: int


@dataclass(frozen=True)
class FinalMarkView:
    value: int | None
    special: SpecialMark | None


@dataclass(frozen=True)
class SubjectReport:
    subject_id: int
    subject: str
    marks: tuple[diary.MarkView, ...]
    average: Decimal | None
    suggested: int | None
    enough_marks: bool
    advice: Advice | None
    period_mark: FinalMarkView | None
    year_mark: FinalMarkView | None


@dataclass
class MarksPage:
    student: StudentRef
    available: bool
    period: StudyPeriod | None
    periods: list[StudyPeriod]
    subjects: list[SubjectReport]
    today: dt.date
    # Grade 1 has no marks, only attendance and topics (seed 002 §4.5): the page says so once.
    first_grade: bool = False


async def _grade_on(session: AsyncSession, student_id: int, day: dt.date) -> int | None:
    """The grade of the class the student was in on ``day`` (None when not enrolled)."""
    return await session.scalar(
        select(SchoolClass.grade)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(Enrolment.student_id == student_id, enrolled_during(day))
        .limit(1)
    )


def fives_needed(
    marks: Sequence[tuple[int, int]], school: School, limit: int, cap: int = 40
) -> Advice | None:
    """The fewest fives (weight 1) that lift the suggested mark to the next one.

    None when there are no marks yet, the mark is already «5», or more fives are needed than
    ``limit`` (the lessons left in the period): out of reach, so nothing is promised.
    """
    current = suggest_mark(weighted_average(list(marks)), school)
    if current is None or current >= 5:
        return None
    target = current + 1
    for n in range(1, min(limit, cap) + 1):
        average = weighted_average([*marks, *([(5, 1)] * n)])
        suggested = suggest_mark(average, school)
        if suggested is not None and suggested >= target:
            return Advice(target, n)
    return None


async def periods_of_year(session: AsyncSession, year_id: int) -> list[StudyPeriod]:
    """The study periods of a school year, in order."""
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year_id)
                .order_by(StudyPeriod.starts_on)
            )
        ).all()
    )


def _final(mark: FinalMark | None) -> FinalMarkView | None:
    return FinalMarkView(mark.value, mark.special) if mark is not None else None


async def marks_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    period_id: int | None = None,
    now: dt.datetime | None = None,
) -> MarksPage:
    """Marks of a period by subject: weighted average, projected mark, what the next one
    needs, and the period and year marks once set.

    Six statements whatever the child has (one more in the holidays, to find the period):
    the child with the school, the year's periods, the grade, the marks, the subjects with
    the lessons left, and the period and year marks."""
    read = await family_read(session, actor, student_id)
    student, school = read.student, read.school
    today = school_today(school, now)
    sections = sections_of_link(actor, read.access.link)
    periods = await year_periods(session, school.id, today)
    if period_id:
        period: StudyPeriod | None = await policy.load(session, actor, StudyPeriod, period_id)
    else:
        period = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        if period is None:
            period = await current_period(session, school, today, periods)
    if not sections.marks or period is None:
        return MarksPage(student, sections.marks, period, periods, [], today)
    if period.year_id not in {p.year_id for p in periods}:
        periods = await periods_of_year(session, period.year_id)
    on = min(max(today, period.starts_on), period.ends_on)
    if await _grade_on(session, student.id, on) == 1:
        return MarksPage(student, True, period, periods, [], today, first_grade=True)
    open_period = not period.is_closed and period.ends_on > today
    subjects, left = await period_marks_by_subject(
        session,
        actor,
        student.id,
        period,
        school=school,
        access=read.access,
        left_from=today + dt.timedelta(days=1) if open_period else None,
    )
    finals = (
        await session.scalars(
            # Each arm of the OR matches one partial unique index (uq_final_marks_period,
            # uq_final_marks_year_kind): a year mark has no period (a check constraint).
            select(FinalMark).where(
                FinalMark.student_id == student.id,
                FinalMark.year_id == period.year_id,
                or_(
                    FinalMark.period_id == period.id,
                    and_(FinalMark.period_id.is_(None), FinalMark.kind == FinalMarkKind.YEAR),
                ),
            )
        )
    ).all()
    period_marks = {f.subject_id: f for f in finals if f.kind == FinalMarkKind.PERIOD}
    year_marks = {f.subject_id: f for f in finals if f.kind == FinalMarkKind.YEAR}
    reports = []
    for s in subjects:
        values = [(m.value, m.weight) for m in s.marks]
        advice = None
        if open_period and s.subject_id not in period_marks:
            advice = fives_needed(values, school, left.get(s.subject_id, 0))
        reports.append(
            SubjectReport(
                subject_id=s.subject_id,
                subject=s.subject,
                marks=s.marks,
                average=s.weighted_average,
                suggested=s.suggested,
                enough_marks=s.enough_marks,
                advice=advice,
                period_mark=_final(period_marks.get(s.subject_id)),
                year_mark=_final(year_marks.get(s.subject_id)),
            )
        )
    return MarksPage(student, True, period, periods, reports, today)


@dataclass(frozen=True)
class SubjectMarks:
    subject_id: int
    subject: str
    marks: tuple[MarkView, ...]
    weighted_average: Decimal | None
    suggested: int | None
    enough_marks: bool


def weighted_average(marks: list[tuple[int, int]]) -> Decimal | None:
    """Weighted average of (value, weight), to two decimals, half up."""
    total_weight = sum(w for _, w in marks)
    if not total_weight:
        return None
    total = sum((Decimal(v) * w for v, w in marks), Decimal(0))
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def suggest_mark(average: Decimal | None, school: School) -> int | None:
    """Suggested period mark by the school's thresholds (seed 003 §6.3: 2.5 / 3.5 / 4.5)."""
    if average is None:
        return None
    hundredths = int(average * 100)
    if hundredths >= school.threshold_5:
        return 5
    if hundredths >= school.threshold_4:
        return 4
    if hundredths >= school.threshold_3:
        return 3
    return 2


async def marks_by_subject(
    session: AsyncSession, actor: Actor, student_id: int, period_id: int
) -> list[SubjectMarks]:
    """Marks of a period by subject with the weighted average and the suggested period mark."""
    await policy.ensure_can_view_student(session, actor, student_id, "marks")
    period = await policy.load(session, actor, StudyPeriod, period_id)
    school = await session.get(School, actor.school_id)
    assert school is not None
    subjects, _ = await period_marks_by_subject(
        session, actor, student_id, period, school=school, checked=True
    )
    return subjects


async def period_marks_by_subject(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    period: StudyPeriod,
    *,
    school: School,
    access: policy.StudentAccess | None = None,
    left_from: dt.date | None = None,
    checked: bool = False,
) -> tuple[list[SubjectMarks], Counter[int]]:
    """:func:`marks_by_subject` of a period already loaded (in the actor's school), in two
    statements (the marks; the subjects the student has lessons in), and with ``left_from``
    the lessons not cancelled from that day to the period's end, by subject, from the same
    statement. ``checked``: the caller has run the access check already."""
    if not checked:
        await policy.ensure_can_view_student(session, actor, student_id, "marks", access=access)
    allowed = await policy.subject_filter_for(session, actor, student_id, access=access)
    rows = (
        await session.execute(
            select(Mark, Lesson.subject_id, Lesson.date, Subject.name)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .where(
                Mark.student_id == student_id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
            )
            .order_by(Lesson.date, Mark.id)
        )
    ).all()
    names: dict[int, str] = {}
    grouped: dict[int, list[MarkView]] = defaultdict(list)
    for mark, subject_id, date, name in rows:
        if allowed is None or subject_id in allowed:
            names[subject_id] = name or ""
            grouped[subject_id].append(
                MarkView(mark.id, mark.value, mark.work_kind, mark.weight, mark.comment, date)
            )
    # Subjects the student has lessons in, even without marks yet (and what is left of them).
    start = period.starts_on if left_from is None else min(period.starts_on, left_from)
    in_period = func.sum(case((Lesson.date >= period.starts_on, 1), else_=0))
    left = (
        func.sum(case((and_(Lesson.date >= left_from, Lesson.is_cancelled.is_(False)), 1), else_=0))
        if left_from is not None
        else literal(0)
    )
    subject_ids = set(grouped)
    lessons_left: Counter[int] = Counter()
    for subject_id, name, held, to_come in (
        await session.execute(
            select(Lesson.subject_id, Subject.name, in_period, left)
            .join(Enrolment, enrolled_on_lesson_date(student_id))
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .where(
                Lesson.date >= start,
                Lesson.date <= period.ends_on,
                in_student_groups(student_id),
            )
            .group_by(Lesson.subject_id, Subject.name)
        )
    ).all():
        if to_come:
            lessons_left[subject_id] = int(to_come)
        if held and (allowed is None or subject_id in allowed):
            subject_ids.add(subject_id)
            names[subject_id] = name or ""
    out = []
    for sid in sorted(subject_ids, key=lambda i: names.get(i, "")):
        ms = grouped.get(sid, [])
        avg = weighted_average([(m.value, m.weight) for m in ms])
        out.append(
            SubjectMarks(
                subject_id=sid,
                subject=names.get(sid, ""),
                marks=tuple(ms),
                weighted_average=avg,
                suggested=suggest_mark(avg, school),
                enough_marks=len(ms) >= school.min_marks_for_period,
            )
        )
    return out, lessons_left


@dataclass(frozen=True)
class SuggestedMark:
    student_id: int
    student: str
    marks_count: int
    weighted_average: Decimal | None
    suggested: int | None
    too_few_marks: bool


async def suggest_period_marks(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int, period_id: int
) -> list[SuggestedMark]:
    """For a class, subject and period: each student's suggested mark and what it rests on."""
    cls = await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)
    period = await policy.load(session, actor, StudyPeriod, period_id)
    await policy.load(session, actor, Subject, subject_id)
    school = await session.get(School, actor.school_id)
    assert school is not None
    return await class_suggestions(session, cls, subject_id, period, school)


async def class_suggestions(
    session: AsyncSession, cls: SchoolClass, subject_id: int, period: StudyPeriod, school: School
) -> list[SuggestedMark]:
    """:func:`suggest_period_marks` once the access is checked: two statements, the class's
    students of the period and their marks of the subject."""
    students = (
        (
            await session.execute(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(
                    Enrolment.class_id == cls.id, enrolled_during(period.starts_on, period.ends_on)
                )
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .scalars()
        .unique()
        .all()
    )
    rows = (
        await session.execute(
            select(Mark.student_id, Mark.value, Mark.weight)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .where(
                # A student's marks of the period go with them to a new class (seed 002
                # §5.1.9): the marks of the subject in any class, not only this one.
                Mark.student_id.in_([p.id for p in students]),
                Lesson.subject_id == subject_id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
            )
        )
    ).all()
    per_student: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sid, value, weight in rows:
        per_student[sid].append((value, weight))
    out = []
    for p in students:
        ms = per_student.get(p.id, [])
        avg = weighted_average(ms)
        out.append(
            SuggestedMark(
                student_id=p.id,
                student=p.short_name,
                marks_count=len(ms),
                weighted_average=avg,
                suggested=suggest_mark(avg, school),
                too_few_marks=len(ms) < school.min_marks_for_period,
            )
        )
    return out
