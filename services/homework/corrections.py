"""Homework corrected after the evening digest: the families who got it are told once.

The evening job (notifications/jobs.py) sends tomorrow's homework to the families (and students)
who opted in, one ``homework.tomorrow`` row per person keyed ``homework:<day>:<person>``. When a
teacher changes or adds homework that digest carried (or would have) after it went out, each
person who got it learns of it (``homework.changed``): once per lesson, child and evening — a
second correction the same evening replaces one still pending rather than stacking. Before the
digest went out nothing extra is queued: the digest is built from the journal when it goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import GuardianKind, OutboxStatus
from services.homework.alert_kinds import HOMEWORK_CHANGED, HOMEWORK_TOMORROW
from services.models import Guardianship, Homework, Lesson, OutboxMessage, School, Subject
from services.timetable.lesson_edits import lesson_students
from services.unit_of_work import UnitOfWork

# How long a correction waits, so that a teacher's next edit replaces it rather than stacks.
GRACE = dt.timedelta(minutes=10)
# The homework text an alert carries (the digest's cut too).
MAX_TEXT = 500
_TOLD = (OutboxStatus.SENDING.value, OutboxStatus.SENT.value)


async def due_day(session: AsyncSession, lesson: Lesson, hw: Homework) -> dt.date | None:
    """The day whose digest carries ``hw``: its due date, else the next lesson of the class and
    subject after the lesson's day (as the evening job takes it)."""
    if hw.due_date is not None:
        return hw.due_date
    day: dt.date | None = await session.scalar(
        select(Lesson.date)
        .where(
            Lesson.class_id == lesson.class_id,
            Lesson.subject_id == lesson.subject_id,
            Lesson.date > lesson.date,
            Lesson.is_cancelled.is_(False),
        )
        .order_by(Lesson.date)
        .limit(1)
    )
    return day


async def homework_corrected(
    uow: UnitOfWork, lesson: Lesson, changes: Sequence[tuple[Homework, bool]]
) -> int:
    """Tell the people who got the digest of ``changes`` (homework, added) that it changed;
    returns the alerts queued or replaced. In the caller's transaction."""
    session = uow.session
    school = await session.get(School, lesson.school_id)
    today = school_today(school, uow.now) if school is not None else lesson.date
    subject = await session.scalar(select(Subject.name).where(Subject.id == lesson.subject_id))
    class_students: list[int] | None = None
    rows = []
    for hw, added in changes:
        day = await due_day(session, lesson, hw)
        if day is None or day < today:
            continue
        if hw.student_id is not None:
            students = [hw.student_id]
        else:
            if class_students is None:
                class_students = await lesson_students(session, lesson)
            students = class_students
        told = await _told_of(session, lesson.school_id, day, students)
        for person, student in told:
            rows.append(
                {
                    "school_id": lesson.school_id,
                    "recipient_person_id": person,
                    "kind": HOMEWORK_CHANGED.name,
                    "dedup_key": f"hw-fix:{lesson.id}:{day.isoformat()}:{student}:{person}",
                    "payload": HOMEWORK_CHANGED.payload(
                        student_id=student,
                        lesson_id=lesson.id,
                        date=day.isoformat(),
                        subject=subject or "",
                        text=(hw.text or "")[:MAX_TEXT],
                        added=added,
                    ).model_dump(mode="json", exclude_none=True),
                    "not_before": uow.now + GRACE,
                }
            )
    await _replace_pending(session, rows, uow.now)
    return len(rows)


async def _told_of(
    session: AsyncSession, school_id: int, day: dt.date, students: Sequence[int]
) -> list[tuple[int, int]]:
    """(person, student) of ``students`` whose person got the digest of ``day``: the student,
    or a parent or a trusted person allowed to see homework."""
    if not students:
        return []
    candidates: dict[int, set[int]] = {sid: {sid} for sid in students}
    guardians = await session.execute(
        select(
            Guardianship.student_id,
            Guardianship.guardian_id,
            Guardianship.kind,
            Guardianship.permissions,
        ).where(Guardianship.student_id.in_(students))
    )
    for sid, guardian, kind, permissions in guardians.all():
        if kind == GuardianKind.PARENT or "homework" in (permissions or []):
            candidates[sid].add(guardian)
    people = {p for ps in candidates.values() for p in ps}
    keys = [f"homework:{day.isoformat()}:{p}" for p in people]
    got = set(
        await session.scalars(
            select(OutboxMessage.recipient_person_id).where(
                OutboxMessage.school_id == school_id,
                OutboxMessage.kind == HOMEWORK_TOMORROW.name,
                or_(
                    OutboxMessage.dedup_key.in_(keys),
                    and_(
                        OutboxMessage.dedup_key.like(f"homework:{day.isoformat()}:%@%"),
                        OutboxMessage.recipient_person_id.in_(people),
                    ),
                ),
                OutboxMessage.status.in_(_TOLD),
            )
        )
    )
    return sorted((p, sid) for sid, ps in candidates.items() for p in ps if p in got)


async def _replace_pending(
    session: AsyncSession, rows: list[dict[str, object]], now: dt.datetime
) -> None:
    """Queue ``rows``; a row of the same key still pending takes the new payload and time (a
    correction replaces the one not gone yet); one gone out is left as it is (once)."""
    if not rows:
        return
    values = [
        {**r, "status": OutboxStatus.PENDING.value, "created_at": now, "attempts": 0}
        for r in {str(r["dedup_key"]): r for r in rows}.values()
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(cast(Table, OutboxMessage.__table__))
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["dedup_key"],
            set_={"payload": stmt.excluded.payload, "not_before": stmt.excluded.not_before},
            where=stmt.table.c.status == OutboxStatus.PENDING.value,
        ),
        values,
    )
