"""The read models of family messages: the teachers a family may write to about a child, the
list of one's threads with unread counts, a thread's page with each message's delivered/read
mark (opening it moves the reader's read mark: the other side's ✓✓)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import GuardianKind, OutboxStatus, Role
from services.errors import NotFound
from services.family_messages import threads as uc
from services.models import (
    FamilyMessage,
    FamilyThread,
    FamilyThreadRead,
    Guardianship,
    OutboxMessage,
    Person,
    SchoolClass,
    Subject,
    TeachingAssignment,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 5
LIST_LIMIT = 30

# A message's mark for its sender: waiting for the teacher's hours, queued, delivered by the
# worker, opened by the other side, or not delivered (the recipient has no messenger).
HELD, QUEUED, SENT, READ, FAILED = "held", "queued", "sent", "read", "failed"


@dataclass(frozen=True)
class TeacherChoice:
    teacher_id: int
    name: str
    subjects: tuple[str, ...]
    class_teacher: bool


@dataclass(frozen=True)
class ChildTeachers:
    student_id: int
    child: str
    class_name: str
    teachers: tuple[TeacherChoice, ...]


def _name(last: str, first: str, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


async def child_teachers(
    session: AsyncSession, actor: Actor, student_id: int, *, now: dt.datetime | None = None
) -> ChildTeachers:
    """Whom the actor may write to about the child: the class teacher first, then the subject
    teachers by name, each with the subjects they teach the class."""
    school = await uc.actor_school(session, actor)
    today = school_today(school, now or utcnow())
    cls = await uc.child_class(session, actor, student_id, today)
    await policy.message_side(
        session, actor, student_id, students_may_write=school.student_messages
    )
    ids = await policy.child_teacher_ids(session, student_id, cls, today)
    people = (await session.scalars(select(Person).where(Person.id.in_(ids | {student_id})))).all()
    by_id = {p.id: p for p in people}
    subjects: dict[int, list[str]] = {}
    for teacher_id, subject in await session.execute(
        select(TeachingAssignment.teacher_id, Subject.name)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.class_id == cls.id, TeachingAssignment.teacher_id.in_(ids))
        .order_by(Subject.name)
    ):
        names = subjects.setdefault(teacher_id, [])
        if subject not in names:
            names.append(subject)
    choices = [
        TeacherChoice(
            tid,
            _name(by_id[tid].last_name, by_id[tid].first_name, by_id[tid].middle_name),
            tuple(subjects.get(tid, ())),
            tid == cls.class_teacher_id,
        )
        for tid in ids
        if tid in by_id
    ]
    choices.sort(key=lambda c: (not c.class_teacher, c.name))
    child = by_id[student_id]
    return ChildTeachers(
        student_id, f"{child.first_name} {child.last_name}", cls.name, tuple(choices)
    )


@dataclass(frozen=True)
class ThreadItem:
    thread_id: int
    role: str  # the reader's part: "teacher" or "family"
    other: str  # the teacher's name (family) or the child's and class (teacher)
    child: str
    class_name: str
    unread: int
    last_at: dt.datetime | None
    closed: bool
    side: str


async def _family_threads(session: AsyncSession, actor: Actor) -> list[int]:
    conds = []
    if actor.has(Role.PARENT):
        children = select(Guardianship.student_id).where(
            Guardianship.guardian_id == actor.person_id, Guardianship.kind == GuardianKind.PARENT
        )
        conds.append(and_(FamilyThread.side == "family", FamilyThread.student_id.in_(children)))
    if actor.has(Role.STUDENT):
        conds.append(
            and_(FamilyThread.side == "student", FamilyThread.student_id == actor.person_id)
        )
    if not conds:
        return []
    return list(
        await session.scalars(
            select(FamilyThread.id).where(FamilyThread.school_id == actor.school_id, or_(*conds))
        )
    )


async def thread_list(
    session: AsyncSession, actor: Actor, *, now: dt.datetime | None = None
) -> list[ThreadItem]:
    """The actor's threads, newest first (as a teacher, and as a family), with the messages of
    the other side not yet opened."""
    now = now or utcnow()
    school = await uc.actor_school(session, actor)
    family = await _family_threads(session, actor)
    if not school.student_messages and actor.has(Role.STUDENT) and not actor.has(Role.PARENT):
        family = []
    mine = or_(FamilyThread.teacher_id == actor.person_id, FamilyThread.id.in_(family))
    Teacher = Person.__table__.alias("teacher")
    Child = Person.__table__.alias("child")
    read = (
        select(FamilyThreadRead.last_read_id)
        .where(
            FamilyThreadRead.thread_id == FamilyThread.id,
            FamilyThreadRead.person_id == actor.person_id,
        )
        # The list's thread, two levels out (inside the count it would not correlate by
        # itself: family_threads would join into it, every read mark of the reader's a row).
        .correlate(FamilyThread)
        .scalar_subquery()
    )
    # Messages of the other side: the teacher's to a family reader, the family's to the teacher
    # (only those delivered by now: a message held for the working hours is not there yet).
    unread = (
        select(func.count())
        .where(
            FamilyMessage.thread_id == FamilyThread.id,
            FamilyMessage.author_id != actor.person_id,
            FamilyMessage.from_teacher == (FamilyThread.teacher_id != actor.person_id),
            FamilyMessage.deliver_at <= now,
            FamilyMessage.id > func.coalesce(read, 0),
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            FamilyThread,
            Teacher.c.last_name,
            Teacher.c.first_name,
            Teacher.c.middle_name,
            Child.c.first_name,
            Child.c.last_name,
            SchoolClass.name,
            unread,
        )
        .join(Teacher, Teacher.c.id == FamilyThread.teacher_id)
        .join(Child, Child.c.id == FamilyThread.student_id)
        .join(SchoolClass, SchoolClass.id == FamilyThread.class_id)
        .where(FamilyThread.school_id == actor.school_id, mine)
        .order_by(FamilyThread.last_message_at.desc().nulls_last(), FamilyThread.id.desc())
        .limit(LIST_LIMIT)
    )
    out = []
    for thread, t_last, t_first, t_middle, c_first, c_last, class_name, count in rows:
        role = "teacher" if thread.teacher_id == actor.person_id else "family"
        child = f"{c_first} {c_last}"
        other = _name(t_last, t_first, t_middle) if role == "family" else child
        out.append(
            ThreadItem(
                thread.id,
                role,
                other,
                child,
                class_name,
                int(count or 0),
                thread.last_message_at,
                thread.closed_at is not None,
                thread.side,
            )
        )
    return out


@dataclass(frozen=True)
class MessageLine:
    message_id: int
    mine: bool  # written by the reader's side
    author: str
    from_teacher: bool
    at: dt.datetime
    text: str
    attachment_kind: str | None
    attachment_ref: str | None
    attachment_name: str | None
    messenger: str | None
    status: str | None  # for the reader's side's messages: HELD … FAILED


@dataclass(frozen=True)
class ThreadPage:
    thread_id: int
    role: str  # "teacher", "family" or "office" (reading on a complaint)
    teacher: str
    child: str
    class_name: str
    side: str
    closed: bool
    messages: tuple[MessageLine, ...]  # oldest first
    page: int  # 0: the newest messages
    pages: int
    timezone: str
    # Why nobody may write in it any more (policy.thread_ended: "left", "year", "moved",
    # "teacher"); None while it is current. Read by its participants, not by the office.
    ended: str | None = None

    @property
    def can_write(self) -> bool:
        if self.ended is not None:
            return False
        return self.role == "teacher" or (self.role == "family" and not self.closed)


async def _statuses(
    session: AsyncSession,
    thread: FamilyThread,
    lines: list[FamilyMessage],
    reader_side_teacher: bool,
    now: dt.datetime,
) -> dict[int, str]:
    """The delivered/read mark of the reader's side's messages: read when someone of the other
    side opened the thread past it; else by the worker's rows (sent, waiting, failed); a
    message whose rows are gone (retention) was delivered long ago."""
    own = [m for m in lines if m.from_teacher == reader_side_teacher]
    if not own:
        return {}
    recipients = (
        await uc.family_recipients(session, thread) if reader_side_teacher else [thread.teacher_id]
    )
    seen = await session.scalar(
        select(func.max(FamilyThreadRead.last_read_id)).where(
            FamilyThreadRead.thread_id == thread.id,
            FamilyThreadRead.person_id.in_(recipients),
        )
    )
    keys = {uc.message_key(m.id, pid): m.id for m in own for pid in recipients}
    found: dict[int, set[str]] = {}
    if keys:
        for key, status in await session.execute(
            select(OutboxMessage.dedup_key, OutboxMessage.status).where(
                OutboxMessage.dedup_key.in_(list(keys))
            )
        ):
            found.setdefault(keys[key], set()).add(str(getattr(status, "value", status)))
    out: dict[int, str] = {}
    for m in own:
        states = found.get(m.id, set())
        if seen is not None and seen >= m.id:
            out[m.id] = READ
        elif OutboxStatus.SENT.value in states:
            out[m.id] = SENT
        elif m.deliver_at > now:
            out[m.id] = HELD
        elif states & {OutboxStatus.PENDING.value, OutboxStatus.SENDING.value}:
            out[m.id] = QUEUED
        elif states:
            out[m.id] = FAILED
        else:
            out[m.id] = SENT
    return out


async def thread_page(
    session: AsyncSession,
    actor: Actor,
    thread: FamilyThread,
    role: str,
    page: int = 0,
    *,
    now: dt.datetime | None = None,
) -> ThreadPage:
    """A page of the thread (``page`` 0: the newest messages), for a reader whose part the
    caller checked. The teacher does not see a family's message before it is delivered (the
    working hours); the sender sees their own at once, with its mark."""
    now = now or utcnow()
    visible = [FamilyMessage.thread_id == thread.id]
    if role == "teacher":
        visible.append(or_(FamilyMessage.from_teacher, FamilyMessage.deliver_at <= now))
    total = int(
        await session.scalar(select(func.count()).select_from(FamilyMessage).where(*visible)) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = list(
        (
            await session.scalars(
                select(FamilyMessage)
                .where(*visible)
                .order_by(FamilyMessage.id.desc())
                .offset(page * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
        ).all()
    )
    rows.reverse()
    ids = {m.author_id for m in rows} | {thread.teacher_id, thread.student_id}
    people = {
        pid: (last, first, middle)
        for pid, last, first, middle in await session.execute(
            select(Person.id, Person.last_name, Person.first_name, Person.middle_name).where(
                Person.id.in_(ids)
            )
        )
    }
    cls = await session.get(SchoolClass, thread.class_id)
    statuses = (
        await _statuses(session, thread, rows, role == "teacher", now) if role != "office" else {}
    )

    def name_of(pid: int) -> str:
        p = people.get(pid)
        return _name(*p) if p else ""

    school = await uc.actor_school(session, actor)
    child = people.get(thread.student_id)
    ended = (
        await policy.thread_ended(session, thread, school_today(school, now))
        if role != "office"
        else None
    )
    return ThreadPage(
        thread.id,
        role,
        name_of(thread.teacher_id),
        f"{child[1]} {child[0]}" if child else "",
        cls.name if cls is not None else "",
        thread.side,
        thread.closed_at is not None,
        tuple(
            MessageLine(
                m.id,
                m.from_teacher == (role == "teacher"),
                name_of(m.author_id),
                m.from_teacher,
                m.created_at,
                m.text,
                m.attachment_kind,
                m.attachment_ref,
                m.attachment_name,
                m.messenger,
                statuses.get(m.id),
            )
            for m in rows
        ),
        page,
        pages,
        school.timezone,
        ended,
    )


async def open_thread(
    session: AsyncSession,
    actor: Actor,
    thread_id: int,
    page: int = 0,
    *,
    now: dt.datetime | None = None,
) -> ThreadPage:
    """A participant opens a thread: its page, and their read mark moved to the newest message
    they can see (the other side's ✓✓)."""
    now = now or utcnow()
    thread, role = await uc.load_thread(session, actor, thread_id)
    view = await thread_page(session, actor, thread, role, page, now=now)
    if view.page == 0 and view.messages:
        async with UnitOfWork(session, actor, now) as uow:
            await uc.move_read_mark(
                session, thread, actor.person_id, view.messages[-1].message_id, uow.now
            )
    return view


async def writable_children(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """The children the actor may write to teachers about: a parent's own children (not those
    they are only trusted with); the student themself where the school allows it."""
    ids: list[int] = []
    if actor.has(Role.PARENT):
        ids += list(
            await session.scalars(
                select(Guardianship.student_id)
                .where(
                    Guardianship.guardian_id == actor.person_id,
                    Guardianship.kind == GuardianKind.PARENT,
                )
                .order_by(Guardianship.student_id)
            )
        )
    if actor.has(Role.STUDENT) and actor.person_id not in ids:
        school = await uc.actor_school(session, actor)
        if school.student_messages:
            ids.append(actor.person_id)
    if not ids:
        return []
    names = {
        pid: f"{first} {last}"
        for pid, first, last in await session.execute(
            select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(ids))
        )
    }
    return [(pid, names[pid]) for pid in ids if pid in names]


@dataclass(frozen=True)
class MessageFile:
    kind: str  # "photo" | "document"
    ref: str
    name: str | None
    messenger: str | None


async def message_file(session: AsyncSession, actor: Actor, message_id: int) -> MessageFile:
    """The file of a message, for a participant of its thread (anyone else refused like a
    forged id; a message without a file: not found)."""
    message = await policy.load(session, actor, FamilyMessage, message_id)
    await uc.load_thread(session, actor, message.thread_id)
    if not message.attachment_ref or not message.attachment_kind:
        raise NotFound()
    return MessageFile(
        message.attachment_kind, message.attachment_ref, message.attachment_name, message.messenger
    )
