"""Complaints about a thread and the reading they allow (the school's rules keep messages for
the school; the administration reads a thread only on a documented complaint). The office
(admin, director, deputy) records who complained, when and why, about which thread; then it
may open that thread, and every opening is written to the audit log. Nothing else opens a
thread to the administration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.errors import ValidationFailed
from services.family_messages import reads
from services.models import (
    FamilyMessage,
    FamilyThread,
    Person,
    School,
    SchoolClass,
    ThreadComplaint,
)
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

MAX_COMPLAINANT = 200
MAX_REASON = 2000


@dataclass(frozen=True)
class ThreadHeader:
    """What the office sees of a thread without a complaint: who talks to whom, not what."""

    thread_id: int
    teacher: str
    child: str
    class_name: str
    side: str
    messages: int
    complaints: int
    opened: dt.datetime | None = None  # the thread's first message
    student_id: int = 0


async def thread_headers(
    session: AsyncSession, actor: Actor, student_id: int
) -> list[ThreadHeader]:
    """The threads about a student (to pick the one a complaint is about): names and counts,
    never the texts."""
    policy.ensure_can_record_complaint(actor)
    await policy.load(session, actor, Person, student_id)
    teacher = Person.__table__.alias("teacher")
    child = Person.__table__.alias("child")
    count = select(func.count()).where(FamilyMessage.thread_id == FamilyThread.id).scalar_subquery()
    complaints = (
        select(func.count()).where(ThreadComplaint.thread_id == FamilyThread.id).scalar_subquery()
    )
    rows = await session.execute(
        select(
            FamilyThread.id,
            teacher.c.last_name,
            teacher.c.first_name,
            child.c.first_name,
            child.c.last_name,
            SchoolClass.name,
            FamilyThread.side,
            count,
            complaints,
            FamilyThread.created_at,
        )
        .join(teacher, teacher.c.id == FamilyThread.teacher_id)
        .join(child, child.c.id == FamilyThread.student_id)
        .join(SchoolClass, SchoolClass.id == FamilyThread.class_id)
        .where(FamilyThread.school_id == actor.school_id, FamilyThread.student_id == student_id)
        .order_by(FamilyThread.id)
    )
    return [
        ThreadHeader(
            tid,
            f"{tl} {tf}",
            f"{cf} {cl}",
            cname,
            side,
            int(n or 0),
            int(c or 0),
            _aware(opened),
            student_id,
        )
        for tid, tl, tf, cf, cl, cname, side, n, c, opened in rows
    ]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


async def thread_header(session: AsyncSession, actor: Actor, thread_id: int) -> ThreadHeader:
    """One thread's header, for the office's complaint prompt (refused like a forgery for
    anyone else, or a thread of another school)."""
    policy.ensure_can_record_complaint(actor)
    thread = await policy.load(session, actor, FamilyThread, thread_id)
    for header in await thread_headers(session, actor, thread.student_id):
        if header.thread_id == thread.id:
            return header
    raise policy.deny(actor, "thread_header", thread_id=thread_id)  # pragma: no cover


def clean_complainant(text: str | None) -> str:
    """Who complained, as written (a name, "родитель ученика 7А"): one line, within the limit."""
    who = " ".join((text or "").split())
    if not who or len(who) > MAX_COMPLAINANT:
        raise ValidationFailed("threads.complaint_who", limit=MAX_COMPLAINANT)
    return who


def clean_reason(text: str | None) -> str:
    why = (text or "").strip()
    if not why or len(why) > MAX_REASON:
        raise ValidationFailed("threads.complaint_reason", limit=MAX_REASON)
    return why


def check_complaint_day(day: dt.date, today: dt.date) -> None:
    """A complaint is recorded on or after the day it was made: a later day is refused."""
    if day > today:
        raise ValidationFailed("complaints.day_future", today=today.strftime("%d.%m.%Y"))


@dataclass(frozen=True)
class ComplaintRow:
    """A recorded complaint in the office's list: about which thread, who, when, why."""

    complaint_id: int
    thread_id: int
    teacher: str
    child: str
    class_name: str
    complainant: str
    complained_on: dt.date
    reason: str
    recorded_at: dt.datetime


COMPLAINTS_PAGE = 10


async def recorded_complaints(
    session: AsyncSession, actor: Actor, page: int = 0
) -> tuple[list[ComplaintRow], int]:
    """The school's recorded complaints, the newest first, a page of them; and how many pages.
    Names, the day and the reason — never a message's text."""
    policy.ensure_can_record_complaint(actor)
    teacher = Person.__table__.alias("teacher")
    child = Person.__table__.alias("child")
    total = int(
        await session.scalar(
            select(func.count())
            .select_from(ThreadComplaint)
            .where(ThreadComplaint.school_id == actor.school_id)
        )
        or 0
    )
    pages = max(1, -(-total // COMPLAINTS_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        select(
            ThreadComplaint.id,
            FamilyThread.id,
            teacher.c.last_name,
            teacher.c.first_name,
            child.c.first_name,
            child.c.last_name,
            SchoolClass.name,
            ThreadComplaint.complainant,
            ThreadComplaint.complained_on,
            ThreadComplaint.reason,
            ThreadComplaint.created_at,
        )
        .join(FamilyThread, FamilyThread.id == ThreadComplaint.thread_id)
        .join(teacher, teacher.c.id == FamilyThread.teacher_id)
        .join(child, child.c.id == FamilyThread.student_id)
        .join(SchoolClass, SchoolClass.id == FamilyThread.class_id)
        .where(ThreadComplaint.school_id == actor.school_id)
        .order_by(ThreadComplaint.id.desc())
        .offset(page * COMPLAINTS_PAGE)
        .limit(COMPLAINTS_PAGE)
    )
    return [
        ComplaintRow(cid, tid, f"{tl} {tf}", f"{cf} {cl}", cname, who, day, why, _aware(at) or at)
        for cid, tid, tl, tf, cf, cl, cname, who, day, why, at in rows
    ], pages


async def record_complaint(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    *,
    complainant: str,
    complained_on: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> ThreadComplaint:
    """The office records a complaint about a thread: who complained (a name as written),
    the day, the reason. Audited."""
    policy.ensure_can_record_complaint(actor)
    who = clean_complainant(complainant)
    why = clean_reason(reason)
    async with UnitOfWork(session, actor, now) as uow:
        thread = await policy.load(session, actor, FamilyThread, thread_id)
        school = await session.get(School, actor.school_id)
        if school is not None:
            check_complaint_day(complained_on, school_today(school, uow.now))
        complaint = ThreadComplaint(
            school_id=actor.school_id,
            thread_id=thread.id,
            complainant=who,
            complained_on=complained_on,
            reason=why,
            recorded_by_id=actor.account_id if actor.account_id > 0 else None,
            created_at=uow.now,
        )
        session.add(complaint)
        await session.flush()
        uow.record(
            action="thread.complaint",
            entity="family_thread",
            entity_id=thread.id,
            student_id=thread.student_id,
            after={
                "complaint_id": complaint.id,
                "complainant": who,
                "complained_on": complained_on.isoformat(),
            },
            reason=why[:500],
        )
        return complaint


async def read_on_complaint(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    page: int = 0,
    *,
    now: dt.datetime | None = None,
) -> reads.ThreadPage:
    """The administration opens a thread a complaint was recorded about; the reading is
    written to the audit log (who, which thread, which page). Refused without a complaint."""
    async with UnitOfWork(session, actor, now) as uow:
        thread = await policy.load(session, actor, FamilyThread, thread_id)
        await policy.ensure_can_read_on_complaint(session, actor, thread)
        view = await reads.thread_page(session, actor, thread, "office", page, now=uow.now)
        uow.record(
            action="thread.read_on_complaint",
            entity="family_thread",
            entity_id=thread.id,
            student_id=thread.student_id,
            after={"page": view.page, "messages": [m.message_id for m in view.messages]},
        )
        return view
