"""The deputy's control of the journal: checks and unfilled lessons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import (
    SCHOOL_WIDE_READERS,
    Role,
)
from services.errors import ValidationFailed
from services.models import (
    Homework,
    JournalCheck,
    Lesson,
    Person,
    School,
    SchoolClass,
    Subject,
    Substitution,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.people.roster import list_name
from services.unit_of_work import UnitOfWork

CHECKS_LIMIT = 20


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
            checked_by=list_name(p),
            checked_at=c.checked_at.astimezone(zone),
            note=c.note,
            seen=c.seen_at is not None,
            resolved=c.resolved_at is not None,
        )
        for c, name, p in rows
    ]


async def add_journal_check(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    note: str,
    *,
    subject_id: int | None = None,
    teacher_id: int | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    fix_by: dt.date | None = None,
) -> JournalCheck:
    """A deputy's entry in «Проверка журнала» (seed 002 §5.2.3), seen by the teacher
    (§6.3). The administration may also check (§5.3.2)."""
    async with UnitOfWork(session, actor) as uow:
        if not actor.has(Role.DEPUTY, Role.DIRECTOR, Role.ADMIN) or actor.person_id <= 0:
            raise policy.deny(actor, "journal_check")
        cls = await policy.load(session, actor, SchoolClass, class_id)
        if subject_id is not None:
            await policy.load(session, actor, Subject, subject_id)
        if teacher_id is not None:
            await policy.load(session, actor, Person, teacher_id)
        text = (note or "").strip()
        if not text:
            raise ValidationFailed("admin.note_required")
        if len(text) > 4000:
            raise ValidationFailed("error.too_long", field="note", limit=4000)
        if period_from and period_to and period_to < period_from:
            raise ValidationFailed("error.date_range", days=0)
        check = JournalCheck(
            school_id=actor.school_id,
            class_id=cls.id,
            subject_id=subject_id,
            teacher_id=teacher_id,
            checked_by_id=actor.person_id,
            period_from=period_from,
            period_to=period_to,
            note=text,
            fix_by=fix_by,
        )
        session.add(check)
        await session.flush()
        uow.record(
            action="journal_check.add",
            entity="journal_check",
            entity_id=check.id,
            after={
                "class": cls.name,
                "subject_id": subject_id,
                "teacher_id": teacher_id,
                "fix_by": fix_by,
            },
        )
        return check


async def journal_checks_for(
    session: AsyncSession, actor: Actor, *, mark_seen: bool = True
) -> list[JournalCheck]:
    """The checks addressed to this teacher (or of their class as class teacher); marks the
    unseen ones as seen."""
    classes = select(SchoolClass.id).where(SchoolClass.class_teacher_id == actor.person_id)
    cond = [JournalCheck.teacher_id == actor.person_id]
    if actor.has(Role.CLASS_TEACHER):
        cond.append(JournalCheck.class_id.in_(classes))
    checks = list(
        (
            await session.scalars(
                select(JournalCheck)
                .where(JournalCheck.school_id == actor.school_id, or_(*cond))
                .order_by(JournalCheck.checked_at.desc())
            )
        ).all()
    )
    if mark_seen:
        async with UnitOfWork(session, actor) as uow:
            for c in checks:
                if c.seen_at is None and c.teacher_id == actor.person_id:
                    c.seen_at = uow.now
    return checks


async def resolve_journal_check(session: AsyncSession, actor: Actor, check_id: int) -> JournalCheck:
    """The teacher reports the remarks fixed, or the checker closes the check."""
    async with UnitOfWork(session, actor) as uow:
        check = await policy.load(session, actor, JournalCheck, check_id)
        if actor.person_id not in (check.teacher_id, check.checked_by_id) and not actor.has(
            Role.DEPUTY, Role.ADMIN
        ):
            raise policy.deny(actor, "resolve_journal_check", check_id=check_id)
        check.resolved_at = utcnow()
        uow.record(
            action="journal_check.resolve",
            entity="journal_check",
            entity_id=check.id,
            after={"resolved_at": check.resolved_at},
        )
        return check


@dataclass(frozen=True)
class UnfilledLesson:
    lesson_id: int
    date: dt.date
    number: int
    class_name: str
    subject: str
    missing: tuple[str, ...]  # "attendance", "topic", "homework"


@dataclass
class TeacherUnfilled:
    teacher_id: int
    teacher: str
    lessons: list[UnfilledLesson] = field(default_factory=list)


async def unfilled_lessons(
    session: AsyncSession,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    *,
    teacher_id: int | None = None,
    today: dt.date | None = None,
) -> list[TeacherUnfilled]:
    """Lessons without attendance, topic or homework (none required in grade 1, seed 002
    §4.5), by the teacher who teaches them (the substitute if any), up to today."""
    own = teacher_id is not None and teacher_id == actor.person_id
    if not own and not policy.is_school_reader(actor):
        raise policy.deny(actor, "unfilled_lessons")
    if date_to < date_from or (date_to - date_from).days > 400:
        raise ValidationFailed("error.date_range", days=400)
    school = await session.get(School, actor.school_id)
    assert school is not None
    last = min(date_to, today or school_today(school))
    # One read of only what the list shows: the classes and subjects joined by this school
    # (both carry school_id: no hash join over the region's), the homework as EXISTS instead of
    # a second statement with every lesson id, and only lessons that miss something (the same
    # rule as below, which decides what is missing).
    who_teaches = func.coalesce(Substitution.teacher_id, Lesson.teacher_id)
    # "No homework" chosen by the teacher fills the homework column as homework does.
    has_homework = or_(
        Lesson.no_homework.is_(True), exists().where(Homework.lesson_id == Lesson.id)
    )
    query = (
        select(
            Lesson.id,
            Lesson.date,
            Lesson.lesson_number,
            Lesson.attendance_taken_at,
            Lesson.topic,
            who_teaches,
            SchoolClass.name,
            SchoolClass.grade,
            Subject.name,
            has_homework,
        )
        .join(
            SchoolClass,
            and_(SchoolClass.id == Lesson.class_id, SchoolClass.school_id == actor.school_id),
        )
        .join(Subject, and_(Subject.id == Lesson.subject_id, Subject.school_id == actor.school_id))
        .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
        .where(
            Lesson.school_id == actor.school_id,
            Lesson.date >= date_from,
            Lesson.date <= last,
            Lesson.is_cancelled.is_(False),
            or_(
                Lesson.attendance_taken_at.is_(None),
                Lesson.topic.is_(None),
                Lesson.topic == "",
                and_(SchoolClass.grade > 1, ~has_homework),
            ),
        )
        .order_by(Lesson.date, Lesson.lesson_number)
    )
    if teacher_id is not None:
        query = query.where(who_teaches == teacher_id)
    rows = (await session.execute(query)).all()
    by_teacher: dict[int, list[UnfilledLesson]] = defaultdict(list)
    for lesson_id, date, number, taken_at, topic, who, cname, grade, sname, homework in rows:
        missing = []
        if taken_at is None:
            missing.append("attendance")
        if not topic:
            missing.append("topic")
        if grade > 1 and not homework:
            missing.append("homework")
        if missing:
            by_teacher[who].append(
                UnfilledLesson(lesson_id, date, number, cname, sname, tuple(missing))
            )
    people = {
        p.id: p
        for p in (
            await session.scalars(select(Person).where(Person.id.in_(list(by_teacher))))
        ).all()
    }
    out = [
        TeacherUnfilled(tid, people[tid].full_name if tid in people else str(tid), lessons)
        for tid, lessons in by_teacher.items()
    ]
    return sorted(out, key=lambda t: (-len(t.lessons), t.teacher))
