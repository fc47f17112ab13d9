"""The class teacher's list of the class's students at risk: absences of the current study
period at or above the school's first step (unexcused apart), and subjects whose projected
period mark is «2» or lower than the one last told of (falling). Eight statements whatever
the class's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.early_warning import figures, rules
from services.models import EarlyWarning, Person, School, Subject
from services.people import policy
from services.people.identity import Actor


@dataclass(frozen=True)
class SubjectRisk:
    subject: str
    mark: int
    before: int | None  # the higher projection last told of or seen (falling); None: «2»


@dataclass(frozen=True)
class StudentRisk:
    student_id: int
    name: str
    lessons: int
    absent: int
    unexcused: int
    percent: Decimal
    absences_at_risk: bool
    subjects: tuple[SubjectRisk, ...]


@dataclass(frozen=True)
class AtRisk:
    class_id: int
    class_name: str
    period: str | None
    first_step: int
    second_step: int
    students: tuple[StudentRisk, ...]


async def class_at_risk(
    session: AsyncSession, actor: Actor, class_id: int, *, now: dt.datetime | None = None
) -> AtRisk:
    cls = await policy.ensure_can_view_at_risk(session, actor, class_id)
    school = await session.get(School, cls.school_id)
    assert school is not None
    day = school_today(school, now)
    periods = [
        p
        for p in await figures.current_periods(session, [school.id], day)
        if p.year_id == cls.year_id
    ]
    steps = (int(school.warn_absence_first), int(school.warn_absence_second))
    if not periods:
        return AtRisk(cls.id, cls.name, None, *steps, ())
    period = periods[0]
    absences = await figures.absences(session, periods, day, class_id=cls.id)
    sums = await figures.mark_sums(session, periods, day, class_id=cls.id)
    students = {a.student_id: a for a in absences}
    told = {
        (student, subject): level
        for student, subject, level in (
            await session.execute(
                select(EarlyWarning.student_id, EarlyWarning.subject_id, EarlyWarning.level).where(
                    EarlyWarning.period_id == period.id,
                    EarlyWarning.student_id.in_(list(students)),
                )
            )
        ).all()
    }
    subjects_at_risk: dict[int, list[tuple[int, int, int | None]]] = {}
    for m in sums:
        if m.student_id not in students:
            continue
        projected = rules.projected_mark(
            m.weighted_sum, m.weights, m.count, school, int(school.min_marks_for_period)
        )
        if projected is None:
            continue
        last = told.get((m.student_id, m.subject_id))
        falling = last is not None and projected <= last - 1
        if projected <= rules.FAILING or falling:
            subjects_at_risk.setdefault(m.student_id, []).append(
                (m.subject_id, projected, last if falling else None)
            )
    at_risk = {
        sid
        for sid, a in students.items()
        if rules.absence_step(a.absent, a.lessons, steps) or sid in subjects_at_risk
    }
    if not at_risk:
        return AtRisk(cls.id, cls.name, period.name, *steps, ())
    names = {
        pid: (last, first)
        for pid, last, first in (
            await session.execute(
                select(Person.id, Person.last_name, Person.first_name).where(Person.id.in_(at_risk))
            )
        ).all()
    }
    subject_names = {
        sid: name
        for sid, name in (
            await session.execute(
                select(Subject.id, Subject.name).where(
                    Subject.id.in_({s for v in subjects_at_risk.values() for s, _, _ in v})
                )
            )
        ).all()
    }
    out = []
    for sid in sorted(at_risk, key=lambda s: (names.get(s, ("", "")), s)):
        a = students[sid]
        surname, first = names.get(sid, ("", ""))
        out.append(
            StudentRisk(
                student_id=sid,
                name=f"{surname} {first}".strip(),
                lessons=a.lessons,
                absent=a.absent,
                unexcused=a.unexcused,
                percent=rules.absence_percent(a.absent, a.lessons),
                absences_at_risk=bool(rules.absence_step(a.absent, a.lessons, steps)),
                subjects=tuple(
                    SubjectRisk(subject_names.get(s, ""), mark, before)
                    for s, mark, before in sorted(
                        subjects_at_risk.get(sid, []), key=lambda x: subject_names.get(x[0], "")
                    )
                ),
            )
        )
    return AtRisk(cls.id, cls.name, period.name, *steps, tuple(out))
