"""The evening's early warning check (notifications/jobs.py runs it per batch of schools).

A handful of statements per batch whatever the number of students: the current periods, the
absences (one grouped statement), the marks (one grouped statement), what was told before,
then only for the students told of today: names, classes, families. Each threshold is told
once per period: the ``early_warnings`` rows remember the absence step and the projected mark
told of (rules.py), and the outbox rows carry dedup keys of the events they tell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.early_warning import figures, rules
from services.early_warning.alert_kinds import EARLY_WARNING, FAMILY, TEACHER
from services.enums import GuardianKind
from services.models import (
    EarlyWarning,
    Guardianship,
    Person,
    School,
    SchoolClass,
    StudyPeriod,
    Subject,
)
from services.notifications import outbox

ABSENCES = 0  # the subject id of the absences' row


@dataclass
class Found:
    """What is told of one student today."""

    student_id: int
    class_id: int
    period_id: int
    absence: dict[str, Any] | None = None
    subjects: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def steps_of(school: School) -> tuple[int, ...]:
    return (int(school.warn_absence_first), int(school.warn_absence_second))


async def run(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Check the schools' students on ``day`` (school time) and queue the warnings; the number
    of alerts queued per school."""
    by_id = {s.id: s for s in schools}
    periods = await figures.current_periods(session, list(by_id), day)
    if not periods:
        return {}
    period_of = {p.id: p for p in periods}
    absences = await figures.absences(session, periods, day)
    sums = await figures.mark_sums(session, periods, day)
    state: dict[tuple[int, int, int], tuple[int, int]] = {
        (student, period, subject): (row_id, level)
        for row_id, student, period, subject, level in (
            await session.execute(
                select(
                    EarlyWarning.id,
                    EarlyWarning.student_id,
                    EarlyWarning.period_id,
                    EarlyWarning.subject_id,
                    EarlyWarning.level,
                ).where(EarlyWarning.period_id.in_(list(period_of)))
            )
        ).all()
    }
    found: dict[tuple[int, int], Found] = {}
    class_of: dict[tuple[int, int], int] = {}
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []

    def remember(key: tuple[int, int, int], level: int, warned: bool, school_id: int) -> None:
        held = state.get(key)
        if held is None:
            new_rows.append(
                {
                    "school_id": school_id,
                    "student_id": key[0],
                    "period_id": key[1],
                    "subject_id": key[2],
                    "level": level,
                    "warned_at": now if warned else None,
                    "updated_at": now,
                }
            )
        elif held[1] != level or warned:
            changed.append({"row_id": held[0], "lvl": level, "warned": warned, "at": now})

    for a in absences:
        period = period_of[a.period_id]
        school = by_id[period.school_id]
        class_of[(a.student_id, a.period_id)] = a.class_id
        step = rules.absence_step(a.absent, a.lessons, steps_of(school))
        key = (a.student_id, a.period_id, ABSENCES)
        held = state.get(key)
        if not rules.absence_decision(step, held[1] if held else None):
            continue
        remember(key, step, True, school.id)
        f = found.setdefault(
            (a.student_id, a.period_id), Found(a.student_id, a.class_id, a.period_id)
        )
        f.absence = {
            "step": step,
            "absent": a.absent,
            "lessons": a.lessons,
            "unexcused": a.unexcused,
            "percent": str(rules.absence_percent(a.absent, a.lessons)),
        }
        f.events.append(f"a{step}")
    for m in sums:
        period = period_of[m.period_id]
        school = by_id[period.school_id]
        class_id = class_of.get((m.student_id, m.period_id))
        if class_id is None:
            continue  # not enrolled today (left) or no lessons yet
        projected = rules.projected_mark(
            m.weighted_sum, m.weights, m.count, school, int(school.min_marks_for_period)
        )
        key = (m.student_id, m.period_id, m.subject_id)
        held = state.get(key)
        decision = rules.mark_decision(projected, held[1] if held else None)
        if decision.level is None:
            continue
        remember(key, decision.level, decision.warn, school.id)
        if not decision.warn:
            continue
        f = found.setdefault(
            (m.student_id, m.period_id), Found(m.student_id, class_id, m.period_id)
        )
        f.subjects.append(
            {"subject_id": m.subject_id, "mark": decision.level, "before": decision.before}
        )
        f.events.append(f"m{m.subject_id}.{decision.level}")
    await _save(session, new_rows, changed)
    if not found:
        return {}
    return await _queue(session, list(found.values()), period_of, now)


async def _save(
    session: AsyncSession, new_rows: list[dict[str, Any]], changed: list[dict[str, Any]]
) -> None:
    table = cast(Table, EarlyWarning.__table__)
    for start in range(0, len(new_rows), 1000):
        # Core's executemany: one statement per chunk (the ORM's bulk insert pages smaller).
        await session.execute(insert(table), new_rows[start : start + 1000])
    if changed:
        for row in changed:
            row.setdefault("warned", False)
        told = [r for r in changed if r["warned"]]
        kept = [r for r in changed if not r["warned"]]
        if told:
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(
                    level=bindparam("lvl"), warned_at=bindparam("at"), updated_at=bindparam("at")
                ),
                told,
            )
        if kept:
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(level=bindparam("lvl"), updated_at=bindparam("at")),
                kept,
            )


def _key(recipient: int, period_id: int, events: Sequence[str]) -> str:
    digest = hashlib.sha256("|".join(sorted(events)).encode()).hexdigest()[:20]
    return f"early_warning:{period_id}:{recipient}:{digest}"


async def _queue(
    session: AsyncSession,
    found: list[Found],
    period_of: dict[int, StudyPeriod],
    now: dt.datetime,
) -> dict[int, int]:
    students = {f.student_id for f in found}
    classes = {
        cid: (name, teacher)
        for cid, name, teacher in (
            await session.execute(
                select(SchoolClass.id, SchoolClass.name, SchoolClass.class_teacher_id).where(
                    SchoolClass.id.in_({f.class_id for f in found})
                )
            )
        ).all()
    }
    teachers = {t for _, t in classes.values() if t is not None}
    names = {
        pid: (first, last)
        for pid, first, last in (
            await session.execute(
                select(Person.id, Person.first_name, Person.last_name).where(
                    Person.id.in_(students | teachers)
                )
            )
        ).all()
    }
    subjects = {
        sid: name
        for sid, name in (
            await session.execute(
                select(Subject.id, Subject.name).where(
                    Subject.id.in_({s["subject_id"] for f in found for s in f.subjects})
                )
            )
        ).all()
    }
    families: dict[int, list[tuple[int, GuardianKind, list[str]]]] = defaultdict(list)
    for gid, sid, kind, perms in (
        await session.execute(
            select(
                Guardianship.guardian_id,
                Guardianship.student_id,
                Guardianship.kind,
                Guardianship.permissions,
            )
            .where(Guardianship.student_id.in_(students))
            .order_by(Guardianship.id)
        )
    ).all():
        families[sid].append((gid, kind, list(perms or [])))

    def full(pid: int | None) -> str:
        first, last = names.get(pid or 0, ("", ""))
        return f"{first} {last}".strip()

    def child(f: Found, *, absence: bool, marks: bool) -> dict[str, Any]:
        class_name, teacher = classes.get(f.class_id, ("", None))
        return {
            "student_id": f.student_id,
            "student": full(f.student_id),
            "student_first": names.get(f.student_id, ("", ""))[0],
            "class_name": class_name,
            "period": period_of[f.period_id].name,
            "teacher": full(teacher),
            "absence": f.absence if absence else None,
            "subjects": [
                {
                    "subject": subjects.get(s["subject_id"], ""),
                    "mark": s["mark"],
                    "before": s["before"],
                }
                for s in f.subjects
            ]
            if marks
            else [],
        }

    # One message per recipient: a family's children, a class teacher's students.
    to_family: dict[tuple[int, int, int], tuple[list[dict[str, Any]], list[str]]] = {}
    to_teacher: dict[tuple[int, int, int], tuple[list[dict[str, Any]], list[str]]] = {}
    for f in sorted(found, key=lambda f: (full(f.student_id), f.student_id)):
        period = period_of[f.period_id]
        events = [f"{f.student_id}:{e}" for e in f.events]
        for gid, kind, perms in families.get(f.student_id, []):
            absence = f.absence is not None and (
                kind == GuardianKind.PARENT or "attendance" in perms
            )
            marks = bool(f.subjects) and (kind == GuardianKind.PARENT or "marks" in perms)
            if not absence and not marks:
                continue
            entry = to_family.setdefault((period.school_id, f.period_id, gid), ([], []))
            entry[0].append(child(f, absence=absence, marks=marks))
            entry[1].extend(events)
        teacher = classes.get(f.class_id, ("", None))[1]
        if teacher is not None:
            entry = to_teacher.setdefault((period.school_id, f.period_id, teacher), ([], []))
            entry[0].append(child(f, absence=True, marks=True))
            entry[1].extend(events)
    rows: list[dict[str, Any]] = []
    for audience, table in ((FAMILY, to_family), (TEACHER, to_teacher)):
        for (school_id, period_id, recipient), (children, events) in table.items():
            rows.append(
                {
                    "school_id": school_id,
                    "recipient_person_id": recipient,
                    "kind": EARLY_WARNING.name,
                    "dedup_key": _key(recipient, period_id, events),
                    "payload": {"audience": audience, "children": children},
                }
            )
    counts: dict[int, int] = defaultdict(int)
    for start in range(0, len(rows), 500):
        await outbox.enqueue_many(session, rows[start : start + 500], not_before=now)
    for row in rows:
        counts[row["school_id"]] += 1
    return dict(counts)
