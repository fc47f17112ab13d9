"""The class teacher's views: today's absences, the weekly reconciliation of absence reasons
(seed 003 §4.5), and a compact class journal of one subject and period; also the teacher lookup
a deputy uses to open a colleague's day.

Access (written here on top of :mod:`services.policy`): the class's own class teacher, or a
school-wide reader (admin, director, deputy), sees the class's absences; the class journal of a
subject is also open to that subject's teacher in the class.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services import diary, policy
from services.calendar import school_today
from services.enums import AttendanceCode, Role
from services.identity import Actor
from services.models import (
    AbsenceNotice,
    Attendance,
    BellTime,
    Enrolment,
    Lesson,
    Mark,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)

FAMILY_REASON_CODES = {"ill": AttendanceCode.ILL, "excused": AttendanceCode.EXCUSED}
MAX_WEEK_DAYS = 7


@dataclass(frozen=True)
class ClassRef:
    id: int
    name: str


@dataclass(frozen=True)
class SubjectRef:
    id: int
    name: str


async def ensure_can_oversee_class(
    session: AsyncSession, actor: Actor, class_id: int
) -> SchoolClass:
    """Absences of a whole class: its class teacher, or a school-wide reader."""
    cls = await policy.load(session, actor, SchoolClass, class_id)
    if policy.is_school_reader(actor):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    raise policy.deny(actor, "oversee_class", class_id=class_id)


async def _current_year_ids(session: AsyncSession, school: School) -> list[int]:
    today = school_today(school)
    years = list(
        (
            await session.scalars(
                select(SchoolYear)
                .where(SchoolYear.school_id == school.id)
                .order_by(SchoolYear.starts_on.desc())
            )
        ).all()
    )
    current = [y.id for y in years if y.starts_on <= today <= y.ends_on]
    return current or [y.id for y in years[:1]]


def class_sort_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


async def overseen_classes(session: AsyncSession, actor: Actor) -> list[ClassRef]:
    """The classes whose absences the actor follows: their own class(es) as class teacher;
    every class of the current year for a school-wide reader."""
    school = await session.get(School, actor.school_id)
    assert school is not None
    q = select(SchoolClass).where(
        SchoolClass.school_id == actor.school_id,
        SchoolClass.year_id.in_(await _current_year_ids(session, school)),
    )
    if not policy.is_school_reader(actor):
        if not actor.has(Role.CLASS_TEACHER):
            return []
        q = q.where(SchoolClass.class_teacher_id == actor.person_id)
    classes = (await session.scalars(q)).all()
    return sorted((ClassRef(c.id, c.name) for c in classes), key=lambda c: class_sort_key(c.name))


# --------------------------------------------------------------------------- absences


@dataclass(frozen=True)
class AbsenceLesson:
    lesson_id: int
    number: int
    subject: str
    code: AttendanceCode
    starts_at: dt.time | None = None  # from the school's bells, when they are set


@dataclass(frozen=True)
class StudentDay:
    """One student's absences on one day, with what the family said about them."""

    student_id: int
    student: str
    date: dt.date
    lessons: tuple[AbsenceLesson, ...]
    notice_code: AttendanceCode | None
    notice_reason: str | None
    family_reason: str | None

    @property
    def unexplained(self) -> bool:
        return any(x.code == AttendanceCode.ABSENT for x in self.lessons)

    @property
    def suggested(self) -> AttendanceCode | None:
        """The reason the family gave (their answer to the alert, or their advance notice)."""
        if self.family_reason in FAMILY_REASON_CODES:
            return FAMILY_REASON_CODES[self.family_reason]
        if self.notice_code in (AttendanceCode.ILL, AttendanceCode.EXCUSED):
            return self.notice_code
        if self.notice_code is not None:
            return AttendanceCode.EXCUSED
        return None


async def _class_students(
    session: AsyncSession, class_id: int, date_from: dt.date, date_to: dt.date
) -> dict[int, Person]:
    people = (
        (
            await session.execute(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(
                    Enrolment.class_id == class_id,
                    Enrolment.arrived_on <= date_to,
                    or_(Enrolment.left_on.is_(None), Enrolment.left_on > date_from),
                )
            )
        )
        .scalars()
        .unique()
        .all()
    )
    return {p.id: p for p in people}


async def absence_days(
    session: AsyncSession, actor: Actor, class_id: int, date_from: dt.date, date_to: dt.date
) -> list[StudentDay]:
    """Absences (Н, Б, УП, ОП) of a class between two dates, by student and day, with the
    families' advance notices and answers; also announced absences not yet marked."""
    if date_to < date_from or (date_to - date_from).days >= MAX_WEEK_DAYS * 5:
        from services.errors import ValidationFailed

        raise ValidationFailed("error.date_range", days=MAX_WEEK_DAYS * 5)
    cls = await ensure_can_oversee_class(session, actor, class_id)
    students = await _class_students(session, cls.id, date_from, date_to)
    rows = (
        await session.execute(
            select(Attendance, Lesson.date, Lesson.lesson_number, Lesson.subject_id)
            .join(Lesson, Lesson.id == Attendance.lesson_id)
            .where(
                Lesson.class_id == cls.id,
                Lesson.date >= date_from,
                Lesson.date <= date_to,
                Lesson.is_cancelled.is_(False),
            )
            .order_by(Lesson.date, Lesson.lesson_number)
        )
    ).all()
    subject_names = {
        s.id: s.name
        for s in await session.scalars(
            select(Subject).where(Subject.id.in_({r[3] for r in rows} or {-1}))
        )
    }
    bells = dict(
        (
            await session.execute(
                select(BellTime.number, BellTime.starts_at).where(
                    BellTime.school_id == cls.school_id, BellTime.shift == 1
                )
            )
        ).all()
    )
    grouped: dict[tuple[int, dt.date], list[AbsenceLesson]] = defaultdict(list)
    family: dict[tuple[int, dt.date], str] = {}
    for att, day, number, subject_id in rows:
        if att.student_id not in students:
            continue
        grouped[(att.student_id, day)].append(
            AbsenceLesson(
                att.lesson_id,
                number,
                subject_names.get(subject_id, ""),
                att.code,
                bells.get(number),
            )
        )
        if att.family_reason:
            family[(att.student_id, day)] = att.family_reason
    notices: dict[tuple[int, dt.date], AbsenceNotice] = {}
    for n in await session.scalars(
        select(AbsenceNotice).where(
            AbsenceNotice.student_id.in_(list(students) or [-1]),
            AbsenceNotice.date_from <= date_to,
            AbsenceNotice.date_to >= date_from,
            AbsenceNotice.cancelled_at.is_(None),
        )
    ):
        day = max(n.date_from, date_from)
        while day <= min(n.date_to, date_to):
            notices[(n.student_id, day)] = n
            day += dt.timedelta(days=1)
    keys = set(grouped) | set(notices)
    out = []
    for sid, day in keys:
        person = students[sid]
        notice = notices.get((sid, day))
        out.append(
            StudentDay(
                student_id=sid,
                student=person.short_name,
                date=day,
                lessons=tuple(grouped.get((sid, day), [])),
                notice_code=notice.code if notice else None,
                notice_reason=notice.reason if notice else None,
                family_reason=family.get((sid, day)),
            )
        )
    # Announced absences on days without lessons of the class are noise; keep lesson days.
    lesson_days = set(
        (
            await session.scalars(
                select(Lesson.date).where(
                    Lesson.class_id == cls.id, Lesson.date >= date_from, Lesson.date <= date_to
                )
            )
        ).all()
    )
    out = [x for x in out if x.lessons or x.date in lesson_days]
    return sorted(out, key=lambda x: (x.date, x.student, x.student_id))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


# --------------------------------------------------------------------------- class journal


@dataclass(frozen=True)
class JournalColumn:
    lesson_id: int
    date: dt.date
    number: int


@dataclass(frozen=True)
class JournalRow:
    student_id: int
    last_name: str
    first_name: str
    cells: tuple[str, ...]  # per column: marks ("54"), or an attendance letter, or ""
    average: Decimal | None


@dataclass(frozen=True)
class JournalGrid:
    class_name: str
    subject: str
    period: str
    columns: tuple[JournalColumn, ...]
    rows: tuple[JournalRow, ...]


# The journal's own codes (Н, Б, УП, ОП), as every other view shows them.
CODE_LETTERS = {
    AttendanceCode.ABSENT: "Н",
    AttendanceCode.ILL: "Б",
    AttendanceCode.EXCUSED: "УП",
    AttendanceCode.LATE: "ОП",
}


async def ensure_can_read_class_journal(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int
) -> SchoolClass:
    if policy.is_school_reader(actor):
        return await policy.load(session, actor, SchoolClass, class_id)
    return await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)


async def class_subjects(session: AsyncSession, actor: Actor, class_id: int) -> list[SubjectRef]:
    """Subjects taught in a class (by its teaching assignments), for the class journal."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    q = select(Subject).join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
    q = q.where(TeachingAssignment.class_id == cls.id)
    if not policy.is_school_reader(actor) and cls.class_teacher_id != actor.person_id:
        q = q.where(TeachingAssignment.teacher_id == actor.person_id)
    subjects = (await session.execute(q)).scalars().unique().all()
    return sorted((SubjectRef(s.id, s.name) for s in subjects), key=lambda s: s.name)


async def class_journal(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int, period_id: int
) -> JournalGrid:
    """Marks and absences of a class in one subject over a period: lessons as columns.

    Six or seven statements whatever the class's size: the class (and a teacher's right to
    it), the subject and period at once, the lessons, the students, the marks, the absences."""
    cls = await ensure_can_read_class_journal(session, actor, class_id, subject_id)
    found = (
        await session.execute(
            select(Subject, StudyPeriod)
            .select_from(Subject)
            .join(StudyPeriod, true())  # two rows looked up by id at once, no product
            .where(Subject.id == subject_id, StudyPeriod.id == period_id)
        )
    ).first()
    if found is None:
        raise policy.deny(actor, "load", model="Subject/StudyPeriod", object_id=subject_id)
    subject, period = found
    for obj in (subject, period):
        if obj.school_id != actor.school_id:
            raise policy.deny(actor, "load", model=type(obj).__name__, object_id=obj.id)
    lessons = (
        await session.scalars(
            select(Lesson)
            .where(
                Lesson.class_id == cls.id,
                Lesson.subject_id == subject.id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
                Lesson.is_cancelled.is_(False),
            )
            .order_by(Lesson.date, Lesson.lesson_number, Lesson.id)
        )
    ).all()
    ids = [x.id for x in lessons]
    students = await _class_students(session, cls.id, period.starts_on, period.ends_on)
    marks: dict[tuple[int, int], list[int]] = defaultdict(list)
    weights: dict[int, list[tuple[int, int]]] = defaultdict(list)
    codes: dict[tuple[int, int], AttendanceCode] = {}
    if ids:
        for m in await session.scalars(
            select(Mark).where(Mark.lesson_id.in_(ids)).order_by(Mark.id)
        ):
            marks[(m.student_id, m.lesson_id)].append(m.value)
            weights[m.student_id].append((m.value, m.weight))
        for a in await session.scalars(select(Attendance).where(Attendance.lesson_id.in_(ids))):
            codes[(a.student_id, a.lesson_id)] = a.code
    rows = []
    for p in sorted(students.values(), key=lambda p: (p.last_name, p.first_name, p.id)):
        cells = []
        for x in lessons:
            values = marks.get((p.id, x.id))
            code = codes.get((p.id, x.id))
            if values:
                cells.append("".join(str(v) for v in values))
            elif code is not None:
                cells.append(CODE_LETTERS[code])
            else:
                cells.append("")
        rows.append(
            JournalRow(
                student_id=p.id,
                last_name=p.last_name,
                first_name=p.first_name,
                cells=tuple(cells),
                average=diary.weighted_average(weights.get(p.id, [])),
            )
        )
    return JournalGrid(
        class_name=cls.name,
        subject=subject.name,
        period=period.name,
        columns=tuple(JournalColumn(x.id, x.date, x.lesson_number) for x in lessons),
        rows=tuple(rows),
    )


# --------------------------------------------------------------------------- teachers


@dataclass(frozen=True)
class TeacherRef:
    id: int
    name: str


async def find_teachers(
    session: AsyncSession, actor: Actor, query: str, limit: int = 8
) -> list[TeacherRef]:
    """Teachers of the actor's school whose surname starts with ``query`` (a deputy opening a
    colleague's day). Only school-wide readers may look others up."""
    if not policy.is_school_reader(actor):
        raise policy.deny(actor, "find_teachers")
    needle = query.strip().lower().replace("ё", "е")
    if not needle:
        return []
    people = (
        (
            await session.execute(
                select(Person)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(
                    Person.school_id == actor.school_id,
                    RoleGrant.role.in_([Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY]),
                )
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .scalars()
        .unique()
        .all()
    )
    found = [
        TeacherRef(p.id, p.short_name)
        for p in people
        if p.last_name.lower().replace("ё", "е").startswith(needle)
    ]
    return found[:limit]
