"""The use cases of family messages, each one transaction through the unit of work (the
access check, the rows, the audit entry, the alerts): a family writes to a teacher, either
side writes in a thread, the teacher closes and reopens it, a participant opens it (the "read"
mark). The audit entries name the thread and the message, never the text: the text is kept in
the thread for the school, read only by its participants (and on a complaint, docs/messages.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import load_calendar, school_today
from services.enums import GuardianKind, Role
from services.errors import ValidationFailed
from services.family_messages import rules
from services.family_messages.alert_kinds import (
    PARENT,
    STUDENT,
    TEACHER,
    THREAD_MESSAGE,
    THREAD_STATE,
)
from services.models import (
    Enrolment,
    FamilyMessage,
    FamilyThread,
    FamilyThreadRead,
    Guardianship,
    Person,
    RoleGrant,
    School,
    SchoolClass,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

FAMILY = "family"
STUDENT_SIDE = "student"


@dataclass(frozen=True)
class Attachment:
    """A file of a message, by the messenger's own id (``messenger``: whose id it is)."""

    kind: str  # "photo" | "document"
    ref: str
    name: str | None = None
    messenger: str | None = None


@dataclass(frozen=True)
class Sent:
    """A message written: its thread, and when the recipient gets it (``held``: later than
    now, the teacher's working hours)."""

    thread_id: int
    message_id: int
    deliver_at: dt.datetime
    held: bool


def hours_of(school: School) -> rules.Hours:
    return rules.Hours(school.messages_from, school.messages_to)


async def actor_school(session: AsyncSession, actor: Actor) -> School:
    school = await session.get(School, actor.school_id)
    if school is None:  # pragma: no cover - an actor always has a school
        raise policy.deny(actor, "school")
    return school


async def child_class(
    session: AsyncSession, actor: Actor, student_id: int, today: dt.date
) -> SchoolClass:
    """The class the student is in today (their school's); refused like a forged id
    otherwise."""
    cls = await session.scalar(
        select(SchoolClass)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(
            Enrolment.student_id == student_id,
            Enrolment.school_id == actor.school_id,
            Enrolment.arrived_on <= today,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > today),
        )
        .order_by(Enrolment.arrived_on.desc())
        .limit(1)
    )
    if cls is None:
        raise ValidationFailed("threads.no_class")
    return cls


async def family_recipients(session: AsyncSession, thread: FamilyThread) -> list[int]:
    """Who gets the teacher's messages of a thread: the child's parents (a family thread) or
    the student (their own thread)."""
    if thread.side == STUDENT_SIDE:
        return [thread.student_id]
    parents = await session.scalars(
        select(Guardianship.guardian_id)
        .join(RoleGrant, RoleGrant.person_id == Guardianship.guardian_id)
        .where(
            Guardianship.student_id == thread.student_id,
            Guardianship.kind == GuardianKind.PARENT,
            RoleGrant.role == Role.PARENT,
        )
        .order_by(Guardianship.guardian_id)
    )
    return list(parents)


async def _names(session: AsyncSession, *ids: int) -> dict[int, str]:
    rows = await session.execute(
        select(Person.id, Person.last_name, Person.first_name, Person.middle_name).where(
            Person.id.in_(ids)
        )
    )
    return {
        pid: " ".join(p for p in (last, first, middle) if p) for pid, last, first, middle in rows
    }


async def _recent(
    session: AsyncSession, thread_id: int, author_id: int, now: dt.datetime
) -> tuple[int, int]:
    """The sender's messages in the thread in the last minute and the last day."""
    minute, day = now - dt.timedelta(minutes=1), now - dt.timedelta(days=1)
    row = (
        await session.execute(
            select(
                func.count().filter(FamilyMessage.created_at > minute),
                func.count(),
            ).where(
                FamilyMessage.thread_id == thread_id,
                FamilyMessage.author_id == author_id,
                FamilyMessage.created_at > day,
            )
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


async def move_read_mark(
    session: AsyncSession, thread: FamilyThread, person_id: int, message_id: int, now: dt.datetime
) -> bool:
    """Move the person's read mark of the thread up to ``message_id``; True if it moved."""
    mark = await session.get(FamilyThreadRead, (thread.id, person_id))
    if mark is None:
        session.add(
            FamilyThreadRead(
                thread_id=thread.id,
                person_id=person_id,
                school_id=thread.school_id,
                last_read_id=message_id,
                read_at=now,
            )
        )
        return True
    if mark.last_read_id >= message_id:
        return False
    mark.last_read_id = message_id
    mark.read_at = now
    return True


async def ensure_current(
    session: AsyncSession, school: School, thread: FamilyThread, now: dt.datetime
) -> None:
    """Refused, naming why, when nobody may write in the thread any more (the student left
    the class or the school, the teacher no longer teaches the child, another school year):
    for the family and the teacher alike; the thread stays readable for both."""
    ended = await policy.thread_ended(session, thread, school_today(school, now))
    if ended is None:
        return
    names = await _names(session, thread.teacher_id)
    child = await session.get(Person, thread.student_id)
    cls = await session.get(SchoolClass, thread.class_id)
    raise ValidationFailed(
        f"threads.ended_{ended}",
        teacher=names.get(thread.teacher_id, ""),
        # As the thread's page names the child: "Пётр Иванов".
        child=f"{child.first_name} {child.last_name}" if child is not None else "",
        class_name=cls.name if cls is not None else "",
    )


async def _write(
    uow: UnitOfWork,
    school: School,
    thread: FamilyThread,
    role: str,
    text: str | None,
    attachment: Attachment | None,
) -> Sent:
    """A message of ``role`` ("teacher" or "family") in the thread: the limits, the row, the
    alerts (the teacher's at the next working hours; the family's at once — the worker keeps
    their quiet hours), the audit entry."""
    session, actor, now = uow.session, uow.actor, uow.now
    await ensure_current(session, school, thread, now)
    if attachment is not None:
        rules.check_attachment(attachment.kind, attachment.ref, attachment.name)
    body = rules.clean_text(text, with_attachment=attachment is not None)
    if role != TEACHER and thread.closed_at is not None:
        raise ValidationFailed("threads.closed")
    rules.check_flood(*await _recent(session, thread.id, actor.person_id, now))
    tz = ZoneInfo(school.timezone)
    if role == TEACHER:
        deliver_at = now
        recipients = await family_recipients(session, thread)
        author_role = TEACHER
    else:
        calendar = await load_calendar(session, school)
        deliver_at = rules.delivery_time(now, tz, calendar, hours_of(school))
        recipients = [thread.teacher_id]
        author_role = STUDENT if thread.side == STUDENT_SIDE else PARENT
    message = FamilyMessage(
        school_id=thread.school_id,
        thread_id=thread.id,
        author_id=actor.person_id,
        from_teacher=role == TEACHER,
        text=body,
        attachment_kind=attachment.kind if attachment else None,
        attachment_ref=attachment.ref if attachment else None,
        attachment_name=attachment.name if attachment else None,
        messenger=(attachment.messenger if attachment else None) or actor.messenger,
        created_at=now,
        deliver_at=deliver_at,
    )
    session.add(message)
    thread.last_message_at = now
    await session.flush()
    names = await _names(session, actor.person_id, thread.student_id)
    cls = await session.get(SchoolClass, thread.class_id)
    payload = {
        "thread_id": thread.id,
        "message_id": message.id,
        "author": names.get(actor.person_id, ""),
        "author_role": author_role,
        "child": names.get(thread.student_id, ""),
        "class_name": cls.name if cls is not None else "",
        "text": body,
        "attachment_kind": message.attachment_kind,
        "attachment_ref": message.attachment_ref,
        "attachment_name": message.attachment_name,
        "attachment_messenger": message.messenger if message.attachment_ref else None,
    }
    for person_id in recipients:
        if person_id == actor.person_id:
            continue
        await outbox.enqueue(
            session,
            school_id=thread.school_id,
            recipient_person_id=person_id,
            kind=THREAD_MESSAGE.name,
            dedup_key=message_key(message.id, person_id),
            payload=payload,
            not_before=deliver_at,
        )
    await move_read_mark(session, thread, actor.person_id, message.id, now)
    uow.record(
        action="thread.message",
        entity="family_message",
        entity_id=message.id,
        student_id=thread.student_id,
        after={
            "thread_id": thread.id,
            "from_teacher": role == TEACHER,
            "deliver_at": deliver_at.isoformat(),
            "attachment": message.attachment_kind,
            "recipients": len(recipients),
        },
    )
    return Sent(thread.id, message.id, deliver_at, deliver_at > now)


def message_key(message_id: int, person_id: int) -> str:
    """The dedup key of a message's alert to one recipient (the delivered mark reads it)."""
    return f"thread:msg:{message_id}:{person_id}"


async def write_to_teacher(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    teacher_id: int,
    text: str | None,
    *,
    attachment: Attachment | None = None,
    now: dt.datetime | None = None,
) -> Sent:
    """A parent (or the student, where the school allows) writes to one of the child's
    teachers: the thread of this child, teacher and school year is opened on the first
    message. Refused for a teacher who does not teach the child, another family's child, a
    closed thread; held until the teacher's working hours (``Sent.held``)."""
    async with UnitOfWork(session, actor, now) as uow:
        school = await actor_school(session, actor)
        today = school_today(school, uow.now)
        cls = await child_class(session, actor, student_id, today)
        side = await policy.ensure_can_message_teacher(
            session,
            actor,
            student_id,
            teacher_id,
            cls,
            today,
            students_may_write=school.student_messages,
        )
        thread = await session.scalar(
            select(FamilyThread).where(
                FamilyThread.student_id == student_id,
                FamilyThread.teacher_id == teacher_id,
                FamilyThread.year_id == cls.year_id,
                FamilyThread.side == side,
            )
        )
        if thread is None:
            thread = FamilyThread(
                school_id=actor.school_id,
                year_id=cls.year_id,
                class_id=cls.id,
                student_id=student_id,
                teacher_id=teacher_id,
                side=side,
                created_at=uow.now,
            )
            session.add(thread)
            await session.flush()
        return await _write(uow, school, thread, FAMILY, text, attachment)


async def load_thread(
    session: AsyncSession, actor: Actor, thread_id: int, school: School | None = None
) -> tuple[FamilyThread, str]:
    """The thread and the actor's part in it ("teacher" or "family"); anyone else refused."""
    thread = await policy.load(session, actor, FamilyThread, thread_id)
    school = school or await actor_school(session, actor)
    role = await policy.thread_role(
        session, actor, thread, students_may_write=school.student_messages
    )
    return thread, role


async def write_in_thread(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    text: str | None,
    *,
    attachment: Attachment | None = None,
    now: dt.datetime | None = None,
) -> Sent:
    """A message in an existing thread: the teacher's reply (to the family at once, within
    their quiet hours) or the family's (to the teacher within working hours)."""
    async with UnitOfWork(session, actor, now) as uow:
        school = await actor_school(session, actor)
        thread, role = await load_thread(session, actor, thread_id, school)
        return await _write(uow, school, thread, role, text, attachment)


async def set_closed(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    closed: bool,
    *,
    now: dt.datetime | None = None,
) -> FamilyThread:
    """The teacher closes the thread (the family can no longer write in it) or reopens it; the
    family is told. Only the thread's teacher; the same state again changes nothing."""
    async with UnitOfWork(session, actor, now) as uow:
        thread, role = await load_thread(session, actor, thread_id)
        if role != TEACHER:
            raise policy.deny(actor, "thread_close", thread_id=thread_id)
        if (thread.closed_at is not None) == closed:
            return thread
        thread.closed_at = uow.now if closed else None
        thread.closed_by_id = actor.account_id if closed else None
        names = await _names(session, thread.teacher_id, thread.student_id)
        for person_id in await family_recipients(session, thread):
            await outbox.enqueue(
                session,
                school_id=thread.school_id,
                recipient_person_id=person_id,
                kind=THREAD_STATE.name,
                dedup_key=f"thread:{'close' if closed else 'open'}:{thread.id}:"
                f"{uow.now.timestamp():.0f}:{person_id}",
                payload={
                    "thread_id": thread.id,
                    "teacher": names.get(thread.teacher_id, ""),
                    "child": names.get(thread.student_id, ""),
                    "closed": closed,
                },
                not_before=uow.now,
            )
        uow.record(
            action="thread.close" if closed else "thread.reopen",
            entity="family_thread",
            entity_id=thread.id,
            student_id=thread.student_id,
            before={"closed": not closed},
            after={"closed": closed},
        )
        return thread


async def mark_read(
    session: AsyncSession,
    actor: Actor,
    thread: FamilyThread,
    message_id: int,
    *,
    now: dt.datetime | None = None,
) -> bool:
    """The participant opened the thread up to ``message_id`` (checked by the caller: the
    thread's page read model); one small write, not audited (it changes nothing of the
    record, only the ✓✓ the other side sees)."""
    async with UnitOfWork(session, actor, now) as uow:
        return await move_read_mark(session, thread, actor.person_id, message_id, uow.now)
