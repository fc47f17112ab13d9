"""Read models of the messenger's office tools (/admin, /reports): a user's card, the audit log
of a student or of a lesson, the notification queue's dead letters, and the choices the report
and substitution screens offer (classes, periods, months, subjects, students, lessons, staff).

Nothing here changes data. Every function checks the actor first, and every id is looked up
together with the actor's school (``policy.load``), so an id of another school is refused like
one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import policy
from services.calendar import school_today
from services.enums import SCHOOL_WIDE_READERS, OutboxStatus, Role
from services.identity import Actor
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    Enrolment,
    Homework,
    JournalCheck,
    Lesson,
    Mark,
    MessengerBinding,
    OutboxMessage,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    StudyPeriod,
    Subject,
    Substitution,
    TeachingAssignment,
    utcnow,
)
from services.school_admin import current_year

AUDIT_LIMIT = 20
DEAD_LIMIT = 20
CHECKS_LIMIT = 20
TEACHING_ROLES = (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY)


# --------------------------------------------------------------------------- access


def ensure_admin(actor: Actor, action: str) -> None:
    if not actor.has(Role.ADMIN):
        raise policy.deny(actor, action)


def ensure_office(actor: Actor, action: str) -> None:
    """The /admin tools: the admin and the deputy."""
    if not actor.has(Role.ADMIN, Role.DEPUTY):
        raise policy.deny(actor, action)


async def _school(session: AsyncSession, actor: Actor) -> School:
    school = await session.get(School, actor.school_id)
    if school is None:
        raise policy.deny(actor, "school")
    return school


async def today_of(session: AsyncSession, actor: Actor, now: dt.datetime | None = None) -> dt.date:
    """Today in the actor's school's time zone."""
    return school_today(await _school(session, actor), now)


def _name(p: Person) -> str:
    return f"{p.last_name} {p.first_name}".strip()


# --------------------------------------------------------------------------- user card


@dataclass(frozen=True)
class UserCard:
    person_id: int
    name: str
    roles: tuple[Role, ...]
    login: str | None
    signed_in: bool
    blocked: bool
    # A one-time password or invite is waiting to be used.
    credentials_pending: bool
    last_seen_at: dt.datetime | None
    classes: tuple[str, ...]  # a student's class(es)

    @property
    def is_student(self) -> bool:
        return Role.STUDENT in self.roles


async def user_card(
    session: AsyncSession, actor: Actor, person_id: int, *, now: dt.datetime | None = None
) -> UserCard:
    """The admin's view of one person: roles, login, signed in or not, blocked."""
    ensure_admin(actor, "user_card")
    person = await policy.load(session, actor, Person, person_id)
    roles = tuple(
        sorted(
            (
                await session.scalars(
                    select(RoleGrant.role).where(RoleGrant.person_id == person.id)
                )
            ).all()
        )
    )
    account = await session.scalar(select(Account).where(Account.person_id == person.id))
    signed_in = False
    pending = False
    if account is not None:
        signed_in = bool(
            await session.scalar(
                select(func.count())
                .select_from(MessengerBinding)
                .where(
                    MessengerBinding.account_id == account.id, MessengerBinding.ended_at.is_(None)
                )
            )
        )
        moment = now or utcnow()
        pending = account.password_hash is not None and (
            account.password_expires_at is None or account.password_expires_at > moment
        )
    classes: tuple[str, ...] = ()
    if Role.STUDENT in roles:
        classes = tuple(
            (
                await session.scalars(
                    select(SchoolClass.name)
                    .join(Enrolment, Enrolment.class_id == SchoolClass.id)
                    .where(Enrolment.student_id == person.id, Enrolment.left_on.is_(None))
                    .order_by(SchoolClass.name)
                )
            ).all()
        )
    return UserCard(
        person_id=person.id,
        name=person.full_name,
        roles=roles,
        login=account.login if account else None,
        signed_in=signed_in,
        blocked=bool(account and account.is_blocked),
        credentials_pending=pending,
        last_seen_at=account.last_seen_at if account else None,
        classes=classes,
    )


# --------------------------------------------------------------------------- audit log


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
            names[ref_id] = _name(person)
    zone = ZoneInfo(actor.timezone)
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


# --------------------------------------------------------------------------- dead letters


@dataclass(frozen=True)
class DeadLetter:
    id: int
    kind: str
    recipient: str | None  # None: every family of the school (a fan-out row of a digest)
    last_error: str | None
    attempts: int
    created_at: dt.datetime  # in the school's time zone


async def dead_letters(
    session: AsyncSession, actor: Actor, *, limit: int = DEAD_LIMIT
) -> tuple[int, list[DeadLetter]]:
    """Notifications the delivery gave up on (status "dead"): their count and the last ones."""
    ensure_admin(actor, "dead_letters")
    where = (
        OutboxMessage.school_id == actor.school_id,
        OutboxMessage.status == OutboxStatus.DEAD,
    )
    total = int(
        await session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0
    )
    rows = (
        await session.execute(
            select(OutboxMessage, Person)
            .outerjoin(Person, Person.id == OutboxMessage.recipient_person_id)
            .where(*where)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    ).all()
    zone = ZoneInfo(actor.timezone)
    return total, [
        DeadLetter(
            id=m.id,
            kind=m.kind,
            recipient=_name(p) if p is not None else None,
            last_error=m.last_error,
            attempts=m.attempts,
            created_at=m.created_at.astimezone(zone),
        )
        for m, p in rows
    ]


# --------------------------------------------------------------------------- pickers


@dataclass(frozen=True)
class Choice:
    id: int
    title: str


async def office_classes(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The classes of the current school year, for the office's pickers."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "office_classes")
    year = await current_year(session, await _school(session, actor))
    classes = (
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.year_id == year.id)
            .order_by(SchoolClass.grade, SchoolClass.name)
        )
    ).all()
    return [Choice(c.id, c.name) for c in classes]


async def class_students(session: AsyncSession, actor: Actor, class_id: int) -> list[Choice]:
    """The students enrolled in a class now (anyone who may see the class)."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    if not actor.has(*SCHOOL_WIDE_READERS, Role.CLASS_TEACHER, Role.TEACHER):
        raise policy.deny(actor, "class_students", class_id=class_id)
    people = (
        await session.scalars(
            select(Person)
            .join(Enrolment, Enrolment.student_id == Person.id)
            .where(Enrolment.class_id == cls.id, Enrolment.left_on.is_(None))
            .order_by(Person.last_name, Person.first_name)
        )
    ).all()
    return [Choice(p.id, _name(p)) for p in people]


@dataclass(frozen=True)
class LessonRow:
    id: int
    number: int
    subject: str
    teacher: str
    substitute: str | None
    cancelled: bool
    teacher_id: int


async def class_lessons_on(
    session: AsyncSession, actor: Actor, class_id: int, day: dt.date
) -> list[LessonRow]:
    """A class's lessons of one day with their teacher and substitute (office roles)."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "class_lessons", class_id=class_id)
    cls = await policy.load(session, actor, SchoolClass, class_id)
    rows = (
        await session.execute(
            select(Lesson, Subject.name, Person, Substitution.teacher_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(Person, Person.id == Lesson.teacher_id)
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .where(Lesson.class_id == cls.id, Lesson.date == day)
            .order_by(Lesson.lesson_number, Lesson.id)
        )
    ).all()
    sub_ids = {r[3] for r in rows if r[3] is not None}
    subs = {}
    if sub_ids:
        subs = {
            p.id: _name(p)
            for p in (await session.scalars(select(Person).where(Person.id.in_(sub_ids)))).all()
        }
    return [
        LessonRow(
            id=lesson.id,
            number=lesson.lesson_number,
            subject=subject,
            teacher=_name(teacher),
            substitute=subs.get(sub_id) if sub_id is not None else None,
            cancelled=lesson.is_cancelled,
            teacher_id=lesson.teacher_id,
        )
        for lesson, subject, teacher, sub_id in rows
    ]


async def substitute_candidates(
    session: AsyncSession, actor: Actor, lesson_id: int
) -> list[Choice]:
    """Who may substitute a lesson: the school's teaching staff except its own teacher."""
    if not actor.has(Role.ADMIN, Role.DEPUTY):
        raise policy.deny(actor, "substitution", lesson_id=lesson_id)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    people = (
        await session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                Person.school_id == actor.school_id,
                # The school's grants by their index, not every grant of the region.
                RoleGrant.school_id == actor.school_id,
                RoleGrant.role.in_(TEACHING_ROLES),
                Person.id != lesson.teacher_id,
            )
            .distinct()
            .order_by(Person.last_name, Person.first_name)
        )
    ).all()
    return [Choice(p.id, _name(p)) for p in people]


@dataclass(frozen=True)
class CheckRow:
    id: int
    class_name: str
    checked_by: str
    checked_at: dt.datetime  # in the school's time zone
    note: str
    seen: bool
    resolved: bool


async def recent_journal_checks(
    session: AsyncSession, actor: Actor, *, limit: int = CHECKS_LIMIT
) -> list[CheckRow]:
    """The school's last journal checks (seed 002 §5.2.3), for the administration."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "journal_checks")
    rows = (
        await session.execute(
            select(JournalCheck, SchoolClass.name, Person)
            .join(SchoolClass, SchoolClass.id == JournalCheck.class_id)
            .join(Person, Person.id == JournalCheck.checked_by_id)
            .where(JournalCheck.school_id == actor.school_id)
            .order_by(JournalCheck.checked_at.desc(), JournalCheck.id.desc())
            .limit(limit)
        )
    ).all()
    zone = ZoneInfo(actor.timezone)
    return [
        CheckRow(
            id=c.id,
            class_name=name,
            checked_by=_name(p),
            checked_at=c.checked_at.astimezone(zone),
            note=c.note,
            seen=c.seen_at is not None,
            resolved=c.resolved_at is not None,
        )
        for c, name, p in rows
    ]


# --------------------------------------------------------------------------- report choices


async def report_classes(session: AsyncSession, actor: Actor, kind: str) -> list[Choice]:
    """The classes a report may be built for by this actor: the whole current year for the
    administration, their own class for a class teacher, the classes they teach for a
    teacher (journal pages)."""
    from services.reports import REPORTS

    spec = REPORTS.get(kind)
    if spec is None:
        raise policy.deny(actor, "report_classes", kind=kind)
    if actor.has(*SCHOOL_WIDE_READERS):
        return await office_classes(session, actor)
    year = await current_year(session, await _school(session, actor))
    ids: set[int] = set()
    if actor.has(Role.CLASS_TEACHER):
        ids |= set(
            (
                await session.scalars(
                    select(SchoolClass.id).where(
                        SchoolClass.year_id == year.id,
                        SchoolClass.class_teacher_id == actor.person_id,
                    )
                )
            ).all()
        )
    if spec.access == "journal" and actor.has(Role.TEACHER, Role.CLASS_TEACHER):
        ids |= set(
            (
                await session.scalars(
                    select(TeachingAssignment.class_id).where(
                        TeachingAssignment.teacher_id == actor.person_id
                    )
                )
            ).all()
        )
    if not ids:
        return []
    classes = (
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.id.in_(ids), SchoolClass.year_id == year.id)
            .order_by(SchoolClass.grade, SchoolClass.name)
        )
    ).all()
    return [Choice(c.id, c.name) for c in classes]


async def _year_id(session: AsyncSession, actor: Actor, class_id: int | None) -> int:
    if class_id:
        cls = await policy.ensure_can_view_class(session, actor, class_id)
        return cls.year_id
    return (await current_year(session, await _school(session, actor))).id


async def report_periods(
    session: AsyncSession, actor: Actor, class_id: int | None = None
) -> list[StudyPeriod]:
    """The study periods of the class's (or the current) school year."""
    year_id = await _year_id(session, actor, class_id)
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year_id, StudyPeriod.school_id == actor.school_id)
                .order_by(StudyPeriod.starts_on)
            )
        ).all()
    )


async def report_months(
    session: AsyncSession,
    actor: Actor,
    class_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[tuple[int, int]]:
    """(year, month) of the school year up to this month, newest first."""
    from services.models import SchoolYear

    year = await session.get(SchoolYear, await _year_id(session, actor, class_id))
    assert year is not None
    today = await today_of(session, actor, now)
    last = min(year.ends_on, max(today, year.starts_on))
    months = []
    y, m = year.starts_on.year, year.starts_on.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[::-1]


async def report_subjects(session: AsyncSession, actor: Actor, class_id: int) -> list[Choice]:
    """The subjects taught in a class; a subject teacher sees only their own."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    q = (
        select(Subject)
        .join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
        .where(TeachingAssignment.class_id == cls.id)
        .distinct()
        .order_by(Subject.name)
    )
    whole = actor.has(*SCHOOL_WIDE_READERS) or (
        actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id
    )
    if not whole:
        q = q.where(TeachingAssignment.teacher_id == actor.person_id)
    return [Choice(s.id, s.name) for s in (await session.scalars(q)).all()]
