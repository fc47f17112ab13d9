"""The audit trail as the office reads it: a student's and a lesson's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import SCHOOL_WIDE_READERS
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    Homework,
    Lesson,
    Mark,
    Person,
    SchoolClass,
    Subject,
)
from services.people import policy
from services.people.identity import Actor
from services.people.roster import list_name

AUDIT_LIMIT = 20


@dataclass(frozen=True)
class Concern:
    """Whose data and which lesson a change touched, for a line in plain words: the
    student ("Иванов П."), the lesson's subject and date (None where the change has none)."""

    student: str | None = None
    subject: str | None = None
    day: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # in the school's time zone
    who: str  # a person's name, or the label ("cli", "system", "telegram:123")
    action: str
    entity: str
    entity_id: str | None
    changes: tuple[tuple[str, Any, Any], ...]  # (field, before, after)
    reason: str | None
    about: Concern | None = None


def _int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _lesson_ref(entry: AuditEntry) -> int | None:
    """The lesson an entry names in itself: a lesson's own entry, or a mark's snapshot."""
    if entry.entity == "lesson":
        return _int(entry.entity_id)
    for side in (entry.after, entry.before):
        if side and _int(side.get("lesson_id")) is not None:
            return _int(side.get("lesson_id"))
    return None


async def _concerns(
    session: AsyncSession, school_id: int, entries: list[AuditEntry]
) -> dict[int, Concern]:
    """Whose and which lesson, for each entry (by its id): at most five statements for the
    whole page — the students, the rows that lead to a lesson, the lessons."""
    lesson_of: dict[int, int] = {}
    wanted: dict[type[Any], dict[int, list[int]]] = {Mark: {}, Attendance: {}, Homework: {}}
    by_entity = {"mark": Mark, "attendance": Attendance, "homework": Homework}
    for e in entries:
        ref = _lesson_ref(e)
        if ref is not None:
            lesson_of[e.id] = ref
        elif e.entity in by_entity and _int(e.entity_id) is not None:
            wanted[by_entity[e.entity]].setdefault(_int(e.entity_id) or 0, []).append(e.id)
    for model, ids in wanted.items():
        if not ids:
            continue
        for row_id, lesson_id in await session.execute(
            select(model.id, model.lesson_id).where(model.id.in_(list(ids)))
        ):
            for entry_id in ids[row_id]:
                lesson_of[entry_id] = lesson_id
    lessons: dict[int, tuple[str, dt.date]] = {}
    if lesson_of:
        for lesson_id, subject, day in await session.execute(
            select(Lesson.id, Subject.name, Lesson.date)
            .join(Subject, Subject.id == Lesson.subject_id)
            .where(Lesson.id.in_(set(lesson_of.values())), Lesson.school_id == school_id)
        ):
            lessons[lesson_id] = (subject, day)
    student_ids = {e.student_id for e in entries if e.student_id}
    students: dict[int, str] = {}
    if student_ids:
        for person in (
            await session.scalars(
                select(Person).where(Person.id.in_(student_ids), Person.school_id == school_id)
            )
        ).all():
            students[person.id] = person.short_name
    out: dict[int, Concern] = {}
    for e in entries:
        lesson = lessons.get(lesson_of.get(e.id, 0))
        student = students.get(e.student_id or 0)
        if lesson is None and student is None:
            continue
        out[e.id] = Concern(student, lesson[0] if lesson else None, lesson[1] if lesson else None)
    return out


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[Any, ...]:
    before = before or {}
    after = after or {}
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        out.append((key, old, new))
    return tuple(out)


async def _audit_rows(
    session: AsyncSession, actor: Actor, entries: list[AuditEntry]
) -> list[AuditRow]:
    account_ids = {e.actor_account_id for e in entries if e.actor_account_id}
    for e in entries:
        if e.actor_label.startswith("account:") and e.actor_label[8:].isdigit():
            account_ids.add(int(e.actor_label[8:]))
    names: dict[int, str] = {}
    if account_ids:
        for ref_id, person in (
            await session.execute(
                select(Account.id, Person)
                .join(Person, Person.id == Account.person_id)
                .where(Account.id.in_(account_ids), Account.school_id == actor.school_id)
            )
        ).all():
            names[ref_id] = list_name(person)
    zone = ZoneInfo(actor.timezone)
    concerns = await _concerns(session, actor.school_id, entries)
    rows = []
    for e in entries:
        ref: int | None = e.actor_account_id
        if ref is None and e.actor_label.startswith("account:"):
            tail = e.actor_label[8:]
            ref = int(tail) if tail.isdigit() else None
        # The account as it is now, else the row's snapshot of who acted (the account may
        # be gone), else the label ("cli", "system").
        who = (names.get(ref) if ref else None) or e.actor_name or e.actor_label
        rows.append(
            AuditRow(
                id=e.id,
                at=e.at.astimezone(zone),
                who=who,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                changes=_changes(e.before, e.after),
                reason=e.reason,
                about=concerns.get(e.id),
            )
        )
    return rows


async def student_audit(
    session: AsyncSession, actor: Actor, student_id: int, *, limit: int = AUDIT_LIMIT
) -> tuple[str, list[AuditRow]]:
    """The last changes that concern one student (their marks, attendance, enrolment…),
    newest first, with the student's name."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "student_audit", student_id=student_id)
    student = await policy.load(session, actor, Person, student_id)
    entries = list(
        (
            await session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.school_id == actor.school_id,
                    AuditEntry.student_id == student.id,
                )
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            )
        ).all()
    )
    return student.full_name, await _audit_rows(session, actor, entries)


@dataclass(frozen=True)
class LessonTitle:
    id: int
    date: dt.date
    number: int
    class_id: int
    class_name: str
    subject: str


async def lesson_title(session: AsyncSession, actor: Actor, lesson_id: int) -> LessonTitle:
    """A lesson's date, number, class and subject (office roles)."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "lesson_title", lesson_id=lesson_id)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    cls = await session.get(SchoolClass, lesson.class_id)
    subject = await session.get(Subject, lesson.subject_id)
    return LessonTitle(
        lesson.id,
        lesson.date,
        lesson.lesson_number,
        lesson.class_id,
        cls.name if cls else "?",
        subject.name if subject else "?",
    )


async def lesson_audit(
    session: AsyncSession, actor: Actor, lesson_id: int, *, limit: int = AUDIT_LIMIT
) -> tuple[LessonTitle, list[AuditRow]]:
    """The last changes of one lesson: its own entries (attendance, topic, unlock,
    substitution), its marks (also deleted ones), homework and attendance rows."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "lesson_audit", lesson_id=lesson_id)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    mark_ids = {
        str(i)
        for i in (await session.scalars(select(Mark.id).where(Mark.lesson_id == lesson.id))).all()
    }
    # Marks deleted since: their creation entry names the lesson.
    created = select(AuditEntry.entity_id).where(
        AuditEntry.school_id == actor.school_id,
        AuditEntry.entity == "mark",
        AuditEntry.action == "mark.create",
        AuditEntry.after["lesson_id"].as_integer() == lesson.id,
    )
    mark_ids |= {i for i in (await session.scalars(created)).all() if i}
    homework_ids = [
        str(i)
        for i in (
            await session.scalars(select(Homework.id).where(Homework.lesson_id == lesson.id))
        ).all()
    ]
    attendance_ids = [
        str(i)
        for i in (
            await session.scalars(select(Attendance.id).where(Attendance.lesson_id == lesson.id))
        ).all()
    ]
    cond = [and_(AuditEntry.entity == "lesson", AuditEntry.entity_id == str(lesson.id))]
    for entity, ids in (
        ("mark", sorted(mark_ids)),
        ("homework", homework_ids),
        ("attendance", attendance_ids),
    ):
        if ids:
            cond.append(and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids)))
    entries = list(
        (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.school_id == actor.school_id, or_(*cond))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            )
        ).all()
    )
    title = await lesson_title(session, actor, lesson.id)
    return title, await _audit_rows(session, actor, entries)
