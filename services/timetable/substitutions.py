"""Substitutions (замена урока, seed 002 §5.2.4): a class's lessons of any day, the
candidates (free at that time first, a busy one with the class they teach then), setting and
removing a substitute with alerts to the substitute and, for today's and tomorrow's lessons, to
the families; the log of a period's substitutions (who replaced whom, when, which class and
subject)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services import audit
from services.calendar import school_today
from services.enums import (
    LESSON_TEACHERS,
    SCHOOL_WIDE_READERS,
    GuardianKind,
    Role,
)
from services.errors import NotFound, ValidationFailed
from services.models import (
    Account,
    Enrolment,
    Guardianship,
    Lesson,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SubgroupMember,
    Subject,
    Substitution,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import (
    account_id_of,
    clean_note,
    ensure_admin,
    has_role,
)
from services.people.roster import list_name
from services.school.school_year import is_archived_on
from services.timetable.alert_kinds import SUBSTITUTION_FAMILY, SUBSTITUTION_TEACHER
from services.unit_of_work import UnitOfWork

TEACHING_ROLES = tuple(sorted(LESSON_TEACHERS))
# The families learn of a substitution of today's and tomorrow's lessons; later ones they see
# in the timetable and the diary when they look.
ALERT_DAYS = 1
# The longest period of the substitution log (a school year and a little).
MAX_LOG_DAYS = 400


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
            p.id: list_name(p)
            for p in (await session.scalars(select(Person).where(Person.id.in_(sub_ids)))).all()
        }
    return [
        LessonRow(
            id=lesson.id,
            number=lesson.lesson_number,
            subject=subject,
            teacher=list_name(teacher),
            substitute=subs.get(sub_id) if sub_id is not None else None,
            cancelled=lesson.is_cancelled,
            teacher_id=lesson.teacher_id,
        )
        for lesson, subject, teacher, sub_id in rows
    ]


@dataclass(frozen=True)
class Candidate:
    """A possible substitute; ``busy``: the class they teach at that time (a conflict)."""

    id: int
    title: str
    busy: str | None = None


async def substitute_candidates(
    session: AsyncSession, actor: Actor, lesson_id: int
) -> list[Candidate]:
    """Who may substitute a lesson: the school's teaching staff except its own teacher, those
    free at that time (the same date and lesson number) first, then the busy ones with the
    class they teach then."""
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
    busy = await busy_teachers(session, actor.school_id, lesson)
    out = [Candidate(p.id, list_name(p), busy.get(p.id)) for p in people]
    return sorted(out, key=lambda c: c.busy is not None)


async def busy_teachers(session: AsyncSession, school_id: int, lesson: Lesson) -> dict[int, str]:
    """Who teaches another lesson at the same date and number (their own, unless someone
    substitutes it, or one they substitute) → that lesson's class."""
    other = aliased(Lesson, name="other_lessons")
    rows = (
        await session.execute(
            select(other.teacher_id, Substitution.teacher_id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == other.class_id)
            .outerjoin(Substitution, Substitution.lesson_id == other.id)
            .where(
                other.school_id == school_id,
                other.date == lesson.date,
                other.lesson_number == lesson.lesson_number,
                other.id != lesson.id,
                other.is_cancelled.is_(False),
            )
        )
    ).all()
    out: dict[int, str] = {}
    for own, sub, class_name in rows:
        out.setdefault(sub if sub is not None else own, class_name)
    return out


async def conflict_of(
    session: AsyncSession, actor: Actor, lesson_id: int, teacher_id: int
) -> str | None:
    """The class a substitute teaches at the lesson's time besides it (a conflict), if any."""
    if not actor.has(Role.ADMIN, Role.DEPUTY):
        raise policy.deny(actor, "substitution", lesson_id=lesson_id)
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    return (await busy_teachers(session, actor.school_id, lesson)).get(teacher_id)


async def _lesson_facts(session: AsyncSession, lesson: Lesson) -> tuple[str, str, str]:
    """The lesson's class, subject and own teacher, for the alerts and the log."""
    row = (
        await session.execute(
            select(SchoolClass.name, Subject.name, Person)
            .select_from(Lesson)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(SchoolClass, SchoolClass.id == Lesson.class_id)
            .join(Person, Person.id == Lesson.teacher_id)
            .where(Lesson.id == lesson.id)
        )
    ).one()
    return row[0], row[1], list_name(row[2])


async def lesson_families(session: AsyncSession, lesson: Lesson) -> list[tuple[int, int]]:
    """(student, guardian) of the lesson's students on its date (its subgroup's, for a group
    lesson): the parents, and the trusted persons allowed to see the timetable."""
    q = (
        select(Guardianship.student_id, Guardianship.guardian_id, Guardianship.kind)
        .join(Enrolment, Enrolment.student_id == Guardianship.student_id)
        .where(
            Enrolment.class_id == lesson.class_id,
            Enrolment.arrived_on <= lesson.date,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > lesson.date),
        )
    )
    if lesson.subgroup_id is not None:
        q = q.join(
            SubgroupMember,
            and_(
                SubgroupMember.student_id == Guardianship.student_id,
                SubgroupMember.subgroup_id == lesson.subgroup_id,
            ),
        )
    rows = (await session.execute(q.add_columns(Guardianship.permissions))).all()
    out = {
        (student, guardian)
        for student, guardian, kind, permissions in rows
        if kind == GuardianKind.PARENT or "timetable" in (permissions or [])
    }
    return sorted(out)


async def _alert_families_of(
    uow: UnitOfWork, lesson: Lesson, subject: str, teacher: str, *, removed: bool, event: str
) -> None:
    """Today's and tomorrow's change reaches the families; a later one waits in the timetable."""
    session = uow.session
    school = await session.get(School, lesson.school_id)
    today = school_today(school, uow.now) if school is not None else lesson.date
    if not today <= lesson.date <= today + dt.timedelta(days=ALERT_DAYS):
        return
    for student, guardian in await lesson_families(session, lesson):
        payload = SUBSTITUTION_FAMILY.payload(
            student_id=student,
            lesson_id=lesson.id,
            date=lesson.date.isoformat(),
            number=lesson.lesson_number,
            subject=subject,
            teacher=teacher,
            removed=removed,
        )
        await outbox.enqueue(
            session,
            school_id=lesson.school_id,
            recipient_person_id=guardian,
            kind=SUBSTITUTION_FAMILY.name,
            dedup_key=f"sub:{lesson.id}:{event}:{student}:{guardian}",
            payload=payload.model_dump(mode="json", exclude_none=True),
        )


async def set_substitution(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    teacher_id: int,
    *,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> Substitution:
    """The deputy records a substitute for a dated lesson of any day (seed 002 §5.2.4); the
    substitute then fills the lesson's record (the policy follows the substitution). A
    substitute busy at that time is allowed (the screen warns first): a deputy may merge two
    classes. The substitute is told; so are the families of a lesson of today or tomorrow."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, "substitution", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        teacher = await policy.load(session, actor, Person, teacher_id)
        if not await has_role(session, teacher.id, *TEACHING_ROLES):
            raise ValidationFailed("admin.not_a_teacher")
        if lesson.is_cancelled:
            raise ValidationFailed("journal.lesson_cancelled")
        if await is_archived_on(session, actor.school_id, lesson.date):
            raise ValidationFailed("admin.year_archived", year=str(lesson.date.year))
        sub = await policy.substitution_of(session, lesson.id)
        before = audit.snapshot(sub, "teacher_id", "reason") if sub else None
        if teacher.id == lesson.teacher_id:
            raise ValidationFailed("admin.substitute_is_teacher")
        if sub is not None and sub.teacher_id == teacher.id:
            return sub  # the same substitute again: nothing changes, nobody is told twice
        if sub is None:
            sub = Substitution(
                school_id=actor.school_id,
                lesson_id=lesson.id,
                teacher_id=teacher.id,
                reason=clean_note(reason),
                created_by_id=account_id_of(actor),
                created_at=uow.now,
            )
            session.add(sub)
        else:
            sub.teacher_id, sub.reason = teacher.id, clean_note(reason)
        uow.record(
            action="substitution.set",
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after={"teacher_id": teacher.id, "reason": sub.reason},
        )
        class_name, subject, own = await _lesson_facts(session, lesson)
        await outbox.enqueue(
            session,
            school_id=lesson.school_id,
            recipient_person_id=teacher.id,
            kind=SUBSTITUTION_TEACHER.name,
            dedup_key=f"sub:{lesson.id}:teacher:{teacher.id}",
            payload=SUBSTITUTION_TEACHER.payload(
                lesson_id=lesson.id,
                date=lesson.date.isoformat(),
                number=lesson.lesson_number,
                subject=subject,
                class_name=class_name,
                teacher=own,
                room=lesson.room,
            ).model_dump(mode="json", exclude_none=True),
        )
        await _alert_families_of(
            uow,
            lesson,
            subject,
            list_name(teacher),
            removed=False,
            event=f"set:{teacher.id}:{int(uow.now.timestamp())}",
        )
        return sub


async def remove_substitution(
    session: AsyncSession, actor: Actor, lesson_id: int, *, now: dt.datetime | None = None
) -> None:
    """The lesson goes back to its own teacher; families of today's and tomorrow's lesson
    learn it."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, "substitution", Role.DEPUTY)
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        sub = await policy.substitution_of(session, lesson.id)
        if sub is None:
            raise NotFound("admin.no_substitution")
        uow.record(
            action="substitution.remove",
            entity="lesson",
            entity_id=lesson.id,
            before=audit.snapshot(sub, "teacher_id", "reason"),
        )
        _, subject, own = await _lesson_facts(session, lesson)
        await _alert_families_of(
            uow, lesson, subject, own, removed=True, event=f"del:{sub.id}:{sub.teacher_id}"
        )
        await session.delete(sub)


# --------------------------------------------------------------------------- the log


@dataclass(frozen=True)
class LogRow:
    """One substitution of the log: when, which class and subject, whom, by whom."""

    date: dt.date
    number: int
    class_name: str
    subject: str
    absent: str  # the lesson's own teacher
    substitute: str
    reason: str | None
    recorded_at: dt.datetime
    recorded_by: str | None


async def substitution_log(
    session: AsyncSession, actor: Actor, date_from: dt.date, date_to: dt.date
) -> list[LogRow]:
    """The substitutions of the lessons of a period (журнал замен), in the order of the lessons:
    the administration reads it (one statement)."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "substitution_log")
    if date_to < date_from or (date_to - date_from).days > MAX_LOG_DAYS:
        raise ValidationFailed("subs.log_range", days=MAX_LOG_DAYS)
    own, sub_person, author = (
        aliased(Person, name="own"),
        aliased(Person, name="sub"),
        aliased(Person, name="author"),
    )
    rows = (
        await session.execute(
            select(Lesson, Substitution, SchoolClass.name, Subject.name, own, sub_person, author)
            .select_from(Lesson)
            .join(Substitution, Substitution.lesson_id == Lesson.id)
            .join(SchoolClass, SchoolClass.id == Lesson.class_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(own, own.id == Lesson.teacher_id)
            .join(sub_person, sub_person.id == Substitution.teacher_id)
            .outerjoin(Account, Account.id == Substitution.created_by_id)
            .outerjoin(author, author.id == Account.person_id)
            .where(
                Substitution.school_id == actor.school_id,
                Lesson.date >= date_from,
                Lesson.date <= date_to,
            )
            .order_by(Lesson.date, Lesson.lesson_number, SchoolClass.grade, SchoolClass.name)
        )
    ).all()
    return [
        LogRow(
            date=lesson.date,
            number=lesson.lesson_number,
            class_name=class_name,
            subject=subject,
            absent=list_name(absent),
            substitute=list_name(substitute),
            reason=sub.reason,
            recorded_at=sub.created_at,
            recorded_by=list_name(who) if who is not None else None,
        )
        for lesson, sub, class_name, subject, absent, substitute, who in rows
    ]
