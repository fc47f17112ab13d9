"""Read-side use cases: a student's diary, marks by subject, suggested period marks, a
teacher's day and a class's timetable. Each checks the access policy before it reads.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from services import policy
from services.calendar import load_calendar
from services.enums import AttendanceCode, GuardianKind, Role, WorkKind
from services.errors import ValidationFailed
from services.identity import Actor
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    BellTime,
    Enrolment,
    Guardianship,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    StudyPeriod,
    SubgroupMember,
    Subject,
    Substitution,
)

MAX_RANGE_DAYS = 62


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class MarkView:
    id: int
    value: int
    work_kind: WorkKind
    weight: int
    comment: str | None
    date: dt.date


@dataclass(frozen=True)
class HomeworkView:
    text: str
    individual: bool
    due_date: dt.date | None
    files: tuple[tuple[str, str, str | None], ...]  # (kind, file_ref, file_name)


@dataclass
class LessonView:
    lesson_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject_id: int
    subject: str
    teacher: str
    substituted: bool
    room: str | None
    cancelled: bool
    topic: str | None = None
    homework: list[HomeworkView] = field(default_factory=list)
    marks: list[MarkView] = field(default_factory=list)
    attendance: AttendanceCode | None = None
    announced_absence: bool = False


@dataclass
class DiaryDay:
    date: dt.date
    holiday: str | None  # name of the holiday or day off
    weekend: bool
    lessons: list[LessonView] = field(default_factory=list)


@dataclass(frozen=True)
class SubjectMarks:
    subject_id: int
    subject: str
    marks: tuple[MarkView, ...]
    weighted_average: Decimal | None
    suggested: int | None
    enough_marks: bool


# --------------------------------------------------------------------------- pure rules


def weighted_average(marks: list[tuple[int, int]]) -> Decimal | None:
    """Weighted average of (value, weight), to two decimals, half up."""
    total_weight = sum(w for _, w in marks)
    if not total_weight:
        return None
    total = sum((Decimal(v) * w for v, w in marks), Decimal(0))
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def suggest_mark(average: Decimal | None, school: School) -> int | None:
    """Suggested period mark by the school's thresholds (seed 003 §6.3: 2.5 / 3.5 / 4.5)."""
    if average is None:
        return None
    hundredths = int(average * 100)
    if hundredths >= school.threshold_5:
        return 5
    if hundredths >= school.threshold_4:
        return 4
    if hundredths >= school.threshold_3:
        return 3
    return 2


def _check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ValidationFailed("error.date_range", days=MAX_RANGE_DAYS)


# --------------------------------------------------------------------------- helpers


def _bell_of(school_id: Any) -> ColumnElement[bool]:
    """Join condition: the first shift's bell of a lesson's number (``school_id`` a value or a
    column)."""
    return and_(
        BellTime.school_id == school_id,
        BellTime.shift == 1,
        BellTime.number == Lesson.lesson_number,
    )


async def _bells(session: AsyncSession, school_id: int) -> dict[int, tuple[dt.time, dt.time]]:
    rows = (
        await session.execute(
            select(BellTime.number, BellTime.starts_at, BellTime.ends_at).where(
                BellTime.school_id == school_id, BellTime.shift == 1
            )
        )
    ).all()
    return {n: (s, e) for n, s, e in rows}


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: p.short_name for p in rows}


async def _subjects(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = (
        await session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(ids)))
    ).all()
    return {i: n for i, n in rows}


async def _trusted_scopes(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    access: policy.StudentAccess | None = None,
) -> set[str] | None:
    """For a trusted person, what the parent allowed; None for everyone else."""
    if not actor.has(Role.TRUSTED):
        return None
    if access is not None:
        link = access.link
    else:
        link = await session.scalar(
            select(Guardianship).where(
                Guardianship.guardian_id == actor.person_id, Guardianship.student_id == student_id
            )
        )
    if link is None or link.kind != GuardianKind.TRUSTED:
        return None
    return set(link.permissions or [])


def _enrolled_on_lesson_date(student_id: int) -> ColumnElement[bool]:
    """Join condition: the student was in the lesson's class on the lesson's date."""
    return and_(
        Enrolment.class_id == Lesson.class_id,
        Enrolment.student_id == student_id,
        Enrolment.arrived_on <= Lesson.date,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > Lesson.date),
    )


def _in_student_groups(student_id: int) -> ColumnElement[bool]:
    groups = select(SubgroupMember.subgroup_id).where(SubgroupMember.student_id == student_id)
    return or_(Lesson.subgroup_id.is_(None), Lesson.subgroup_id.in_(groups))


# --------------------------------------------------------------------------- diary


async def student_diary(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    access: policy.StudentAccess | None = None,
    school: School | None = None,
) -> list[DiaryDay]:
    """A student's diary for a range of days: lessons, topics, homework, marks, attendance.

    ``access`` and ``school``, when the caller has read them already, spare their statements.
    Four statements then: the calendar, the lessons (with their substitution, subject,
    teacher, bell and the student's attendance), the homework with its files, the marks.
    """
    _check_range(date_from, date_to)
    await policy.ensure_can_view_student(session, actor, student_id, "diary", access=access)
    subjects_allowed = await policy.subject_filter_for(session, actor, student_id, access=access)
    scopes = await _trusted_scopes(session, actor, student_id, access)
    show = {s: scopes is None or s in scopes for s in ("marks", "attendance", "homework", "diary")}
    if school is None:
        school = await session.get(School, actor.school_id)
    assert school is not None
    calendar = await load_calendar(session, school)

    teacher = aliased(Person, name="teacher")
    attendance_on = and_(Attendance.lesson_id == Lesson.id, Attendance.student_id == student_id)
    if not show["attendance"]:
        attendance_on = and_(attendance_on, false())
    rows = (
        await session.execute(
            select(
                Lesson,
                Substitution.id,
                Subject.name,
                teacher,
                BellTime.starts_at,
                BellTime.ends_at,
                Attendance.code,
                Attendance.notice_id,
            )
            .join(Enrolment, _enrolled_on_lesson_date(student_id))
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .outerjoin(
                teacher, teacher.id == func.coalesce(Substitution.teacher_id, Lesson.teacher_id)
            )
            .outerjoin(BellTime, _bell_of(school.id))
            .outerjoin(Attendance, attendance_on)
            .where(Lesson.date >= date_from, Lesson.date <= date_to, _in_student_groups(student_id))
            .order_by(Lesson.date, Lesson.lesson_number)
        )
    ).all()
    seen: set[int] = set()
    picked = []
    for row in rows:
        lesson = row[0]
        if lesson.id in seen:  # two enrolments in the same class on one date
            continue
        seen.add(lesson.id)
        if subjects_allowed is None or lesson.subject_id in subjects_allowed:
            picked.append(row)
    ids = [row[0].id for row in picked]

    homework: dict[int, list[HomeworkView]] = defaultdict(list)
    marks: dict[int, list[MarkView]] = defaultdict(list)
    if ids and show["homework"]:
        rows_hw = await session.scalars(
            select(Homework)
            .options(joinedload(Homework.files))
            .where(
                Homework.lesson_id.in_(ids),
                or_(Homework.student_id.is_(None), Homework.student_id == student_id),
            )
            .order_by(Homework.id)
        )
        for hw in rows_hw.unique():
            homework[hw.lesson_id].append(
                HomeworkView(
                    text=hw.text,
                    individual=hw.student_id is not None,
                    due_date=hw.due_date,
                    files=tuple((f.kind, f.file_ref, f.file_name) for f in hw.files),
                )
            )
    lesson_dates = {row[0].id: row[0].date for row in picked}
    if ids and show["marks"]:
        for m in await session.scalars(
            select(Mark)
            .where(Mark.lesson_id.in_(ids), Mark.student_id == student_id)
            .order_by(Mark.id)
        ):
            marks[m.lesson_id].append(
                MarkView(m.id, m.value, m.work_kind, m.weight, m.comment, lesson_dates[m.lesson_id])
            )

    by_day: dict[dt.date, list[LessonView]] = defaultdict(list)
    for lesson, sub_id, subject, who, starts_at, ends_at, code, notice_id in picked:
        by_day[lesson.date].append(
            LessonView(
                lesson_id=lesson.id,
                date=lesson.date,
                number=lesson.lesson_number,
                starts_at=starts_at,
                ends_at=ends_at,
                subject_id=lesson.subject_id,
                subject=subject or "",
                teacher=who.short_name if who is not None else "",
                substituted=sub_id is not None,
                room=lesson.room,
                cancelled=lesson.is_cancelled,
                topic=lesson.topic if show["diary"] else None,
                homework=homework.get(lesson.id, []),
                marks=marks.get(lesson.id, []),
                attendance=code,
                announced_absence=bool(code is not None and notice_id),
            )
        )
    days = []
    day = date_from
    while day <= date_to:
        holiday = calendar.holiday_on(day)
        days.append(
            DiaryDay(
                date=day,
                holiday=holiday[1] if holiday else None,
                weekend=day.isoweekday() not in calendar.working_weekdays,
                lessons=by_day.get(day, []),
            )
        )
        day += dt.timedelta(days=1)
    return days


# --------------------------------------------------------------------------- marks


async def marks_by_subject(
    session: AsyncSession, actor: Actor, student_id: int, period_id: int
) -> list[SubjectMarks]:
    """Marks of a period by subject with the weighted average and the suggested period mark."""
    await policy.ensure_can_view_student(session, actor, student_id, "marks")
    period = await policy.load(session, actor, StudyPeriod, period_id)
    school = await session.get(School, actor.school_id)
    assert school is not None
    subjects, _ = await period_marks_by_subject(
        session, actor, student_id, period, school=school, checked=True
    )
    return subjects


async def period_marks_by_subject(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    period: StudyPeriod,
    *,
    school: School,
    access: policy.StudentAccess | None = None,
    left_from: dt.date | None = None,
    checked: bool = False,
) -> tuple[list[SubjectMarks], Counter[int]]:
    """:func:`marks_by_subject` of a period already loaded (in the actor's school), in two
    statements (the marks; the subjects the student has lessons in), and with ``left_from``
    the lessons not cancelled from that day to the period's end, by subject, from the same
    statement. ``checked``: the caller has run the access check already."""
    if not checked:
        await policy.ensure_can_view_student(session, actor, student_id, "marks", access=access)
    allowed = await policy.subject_filter_for(session, actor, student_id, access=access)
    rows = (
        await session.execute(
            select(Mark, Lesson.subject_id, Lesson.date, Subject.name)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .where(
                Mark.student_id == student_id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
            )
            .order_by(Lesson.date, Mark.id)
        )
    ).all()
    names: dict[int, str] = {}
    grouped: dict[int, list[MarkView]] = defaultdict(list)
    for mark, subject_id, date, name in rows:
        if allowed is None or subject_id in allowed:
            names[subject_id] = name or ""
            grouped[subject_id].append(
                MarkView(mark.id, mark.value, mark.work_kind, mark.weight, mark.comment, date)
            )
    # Subjects the student has lessons in, even without marks yet (and what is left of them).
    start = period.starts_on if left_from is None else min(period.starts_on, left_from)
    in_period = func.sum(case((Lesson.date >= period.starts_on, 1), else_=0))
    left = (
        func.sum(case((and_(Lesson.date >= left_from, Lesson.is_cancelled.is_(False)), 1), else_=0))
        if left_from is not None
        else literal(0)
    )
    subject_ids = set(grouped)
    lessons_left: Counter[int] = Counter()
    for subject_id, name, held, to_come in (
        await session.execute(
            select(Lesson.subject_id, Subject.name, in_period, left)
            .join(Enrolment, _enrolled_on_lesson_date(student_id))
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .where(
                Lesson.date >= start,
                Lesson.date <= period.ends_on,
                _in_student_groups(student_id),
            )
            .group_by(Lesson.subject_id, Subject.name)
        )
    ).all():
        if to_come:
            lessons_left[subject_id] = int(to_come)
        if held and (allowed is None or subject_id in allowed):
            subject_ids.add(subject_id)
            names[subject_id] = name or ""
    out = []
    for sid in sorted(subject_ids, key=lambda i: names.get(i, "")):
        ms = grouped.get(sid, [])
        avg = weighted_average([(m.value, m.weight) for m in ms])
        out.append(
            SubjectMarks(
                subject_id=sid,
                subject=names.get(sid, ""),
                marks=tuple(ms),
                weighted_average=avg,
                suggested=suggest_mark(avg, school),
                enough_marks=len(ms) >= school.min_marks_for_period,
            )
        )
    return out, lessons_left


@dataclass(frozen=True)
class SuggestedMark:
    student_id: int
    student: str
    marks_count: int
    weighted_average: Decimal | None
    suggested: int | None
    too_few_marks: bool


async def suggest_period_marks(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int, period_id: int
) -> list[SuggestedMark]:
    """For a class, subject and period: each student's suggested mark and what it rests on."""
    cls = await policy.ensure_can_set_final_marks(session, actor, class_id, subject_id)
    period = await policy.load(session, actor, StudyPeriod, period_id)
    await policy.load(session, actor, Subject, subject_id)
    school = await session.get(School, actor.school_id)
    assert school is not None
    return await class_suggestions(session, cls, subject_id, period, school)


async def class_suggestions(
    session: AsyncSession, cls: SchoolClass, subject_id: int, period: StudyPeriod, school: School
) -> list[SuggestedMark]:
    """:func:`suggest_period_marks` once the access is checked: two statements, the class's
    students of the period and their marks of the subject."""
    students = (
        (
            await session.execute(
                select(Person)
                .join(Enrolment, Enrolment.student_id == Person.id)
                .where(
                    Enrolment.class_id == cls.id,
                    Enrolment.arrived_on <= period.ends_on,
                    or_(Enrolment.left_on.is_(None), Enrolment.left_on > period.starts_on),
                )
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .scalars()
        .unique()
        .all()
    )
    rows = (
        await session.execute(
            select(Mark.student_id, Mark.value, Mark.weight)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .where(
                Lesson.class_id == cls.id,
                Lesson.subject_id == subject_id,
                Lesson.date >= period.starts_on,
                Lesson.date <= period.ends_on,
            )
        )
    ).all()
    per_student: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sid, value, weight in rows:
        per_student[sid].append((value, weight))
    out = []
    for p in students:
        ms = per_student.get(p.id, [])
        avg = weighted_average(ms)
        out.append(
            SuggestedMark(
                student_id=p.id,
                student=p.short_name,
                marks_count=len(ms),
                weighted_average=avg,
                suggested=suggest_mark(avg, school),
                too_few_marks=len(ms) < school.min_marks_for_period,
            )
        )
    return out


# --------------------------------------------------------------------------- teacher, class


@dataclass(frozen=True)
class TeacherLesson:
    lesson_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    class_name: str
    class_id: int
    subgroup_id: int | None
    subject: str
    room: str | None
    substitute: bool  # this teacher substitutes for a colleague
    attendance_taken: bool
    topic: str | None
    homework_count: int
    marks_count: int
    cancelled: bool


async def teacher_lessons(
    session: AsyncSession, actor: Actor, day: dt.date, teacher_id: int | None = None
) -> list[TeacherLesson]:
    """A teacher's lessons for a day, substitutions included, with what is filled in."""
    teacher_id = teacher_id if teacher_id is not None else actor.person_id
    teacher_school = await session.scalar(select(Person.school_id).where(Person.id == teacher_id))
    policy.ensure_can_view_teacher_day(actor, teacher_id, teacher_school or -1)
    # One read shaped for the screen: the day's lessons with their class, subject, bell,
    # substitution and the counts of homework and marks.
    homework_count = select(func.count()).where(Homework.lesson_id == Lesson.id).scalar_subquery()
    marks_count = select(func.count()).where(Mark.lesson_id == Lesson.id).scalar_subquery()
    rows = (
        await session.execute(
            select(
                Lesson,
                SchoolClass.name,
                Subject.name,
                Substitution.id,
                BellTime.starts_at,
                BellTime.ends_at,
                homework_count,
                marks_count,
            )
            .outerjoin(SchoolClass, SchoolClass.id == Lesson.class_id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .outerjoin(BellTime, _bell_of(actor.school_id))
            .where(Lesson.date == day, policy.lessons_taught_by(teacher_id, day))
            .order_by(Lesson.lesson_number)
        )
    ).all()
    return [
        TeacherLesson(
            lesson_id=x.id,
            date=x.date,
            number=x.lesson_number,
            starts_at=starts_at,
            ends_at=ends_at,
            class_name=class_name or "",
            class_id=x.class_id,
            subgroup_id=x.subgroup_id,
            subject=subject or "",
            room=x.room,
            substitute=substitution_id is not None and x.teacher_id != teacher_id,
            attendance_taken=x.attendance_taken_at is not None,
            topic=x.topic,
            homework_count=int(hw or 0),
            marks_count=int(mk or 0),
            cancelled=x.is_cancelled,
        )
        for x, class_name, subject, substitution_id, starts_at, ends_at, hw, mk in rows
    ]


@dataclass(frozen=True)
class TimetableSlot:
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    teacher: str
    room: str | None
    subgroup_id: int | None
    substituted: bool
    cancelled: bool


async def class_timetable(
    session: AsyncSession, actor: Actor, class_id: int, date_from: dt.date, date_to: dt.date
) -> list[TimetableSlot]:
    """The dated timetable of a class, substitutions and cancellations marked."""
    _check_range(date_from, date_to)
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    lessons = (
        await session.scalars(
            select(Lesson)
            .where(Lesson.class_id == cls.id, Lesson.date >= date_from, Lesson.date <= date_to)
            .order_by(Lesson.date, Lesson.lesson_number, Lesson.subgroup_id)
        )
    ).all()
    ids = [x.id for x in lessons]
    subs = (
        {
            s.lesson_id: s
            for s in (
                await session.scalars(select(Substitution).where(Substitution.lesson_id.in_(ids)))
            ).all()
        }
        if ids
        else {}
    )
    names = await _names(session, {policy.effective_teacher_id(x, subs.get(x.id)) for x in lessons})
    subject_names = await _subjects(session, {x.subject_id for x in lessons})
    bells = await _bells(session, cls.school_id)
    out = []
    for x in lessons:
        bell = bells.get(x.lesson_number)
        out.append(
            TimetableSlot(
                date=x.date,
                number=x.lesson_number,
                starts_at=bell[0] if bell else None,
                ends_at=bell[1] if bell else None,
                subject=subject_names.get(x.subject_id, ""),
                teacher=names.get(policy.effective_teacher_id(x, subs.get(x.id)), ""),
                room=x.room,
                subgroup_id=x.subgroup_id,
                substituted=x.id in subs,
                cancelled=x.is_cancelled,
            )
        )
    return out


# --------------------------------------------------------------------------- one lesson's sheet


@dataclass(frozen=True)
class SheetMark:
    id: int
    value: int
    work_kind: WorkKind


@dataclass(frozen=True)
class SheetStudent:
    id: int
    last_name: str
    first_name: str
    short_name: str
    code: AttendanceCode | None  # saved attendance (None: present or not taken yet)
    notice_code: AttendanceCode | None  # the family announced an absence for that day
    notice_reason: str | None
    family_reason: str | None
    marks: tuple[SheetMark, ...]


@dataclass(frozen=True)
class LessonLock:
    """Why a lesson cannot be changed now: a locale key and its parameters."""

    code: str
    params: dict[str, object]


@dataclass(frozen=True)
class LessonSheet:
    lesson_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    class_id: int
    class_name: str
    grade: int
    subject_id: int
    subject: str
    subgroup: str | None
    teacher_id: int  # who teaches it (the substitute, if any)
    teacher: str
    substituted: bool
    cancelled: bool
    topic: str | None
    work_kind: WorkKind | None
    homework: tuple[HomeworkView, ...]
    individual_homework: int
    attendance_taken: bool
    students: tuple[SheetStudent, ...]
    can_edit: bool  # the actor teaches this lesson
    can_unlock: bool  # the actor is a deputy or admin
    records_lock: LessonLock | None  # attendance and marks
    text_lock: LessonLock | None  # topic and homework
    unlocked_until: dt.datetime | None
    # The school's limit of marks per student in one lesson (School.max_marks_per_lesson).
    max_marks: int = 3
    # Who opened the lesson for corrections (their role: deputy, admin or director), if it is.
    unlocked_by: Role | None = None

    @property
    def first_grade(self) -> bool:
        return self.grade == 1


async def lesson_sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, *, now: dt.datetime | None = None
) -> LessonSheet:
    """Everything a teacher's lesson screen shows: the roster with attendance, announced
    absences and marks, topic, homework, and whether (and why not) it can be changed now.

    A fixed number of statements whatever the class's size (two for the lesson's own
    teacher): the lesson with everything it points at and its homework with the files, the
    roster with its attendance, announced absences and marks; the access check reads more
    only for someone who does not teach the lesson; the school's calendar only when the edit
    window's end is near."""
    from services import journal
    from services.models import utcnow

    now = now or utcnow()
    heads = await _sheet_head(session, lesson_id)
    head = heads[0] if heads else None
    lesson = await policy.ensure_can_view_lesson(
        session, actor, lesson_id, substitution=(head.Substitution,) if head else None
    )
    assert head is not None  # the policy refused a lesson that does not exist
    ctx = await journal._context(session, lesson)  # from the identity map: no statement
    rows = (
        await session.execute(
            _sheet_roster_query(lesson.subgroup_id is not None),
            {
                "lesson_id": lesson.id,
                "class_id": lesson.class_id,
                "day": lesson.date,
                "school_id": lesson.school_id,
                "subgroup_id": lesson.subgroup_id,
            },
        )
    ).all()
    homework, individual = homework_of(head_homework(heads))
    people: dict[int, tuple[str, str, str, AttendanceCode | None, str | None]] = {}
    notices: dict[int, tuple[int, AttendanceCode, str]] = {}
    marks: dict[int, dict[int, SheetMark]] = defaultdict(dict)
    for row in rows:
        sid, last, first, middle, code, family_reason = row[:6]
        notice_id, notice_code, notice_reason, mark_id, value, kind = row[6:12]
        if sid not in people:
            short = Person(last_name=last, first_name=first, middle_name=middle).short_name
            people[sid] = (last, first, short, code, family_reason)
        if notice_id is not None and (sid not in notices or notice_id > notices[sid][0]):
            notices[sid] = (notice_id, notice_code, notice_reason)  # the latest
        if mark_id is not None:
            marks[sid][mark_id] = SheetMark(mark_id, value, kind)
    students = tuple(
        SheetStudent(
            id=sid,
            last_name=last,
            first_name=first,
            short_name=short,
            code=AttendanceCode(code) if code is not None else None,
            notice_code=notices[sid][1] if sid in notices else None,
            notice_reason=notices[sid][2] if sid in notices else None,
            family_reason=family_reason,
            marks=tuple(marks[sid].values()) if sid in marks else (),
        )
        for sid, (last, first, short, code, family_reason) in people.items()
    )
    facts = journal.LockFacts(head.archived_year, head.closed_period)
    return await sheet_of(session, actor, now, head, ctx, students, homework, individual, facts)


def head_homework(heads: Iterable[Any]) -> Iterable[tuple[Any, ...]]:
    """The homework columns of :func:`_sheet_head_query`'s rows, for :func:`homework_of`."""
    return (
        (r.hw_id, r.hw_student_id, r.hw_text, r.hw_due, r.hw_kind, r.hw_ref, r.hw_name)
        for r in heads
    )


def homework_of(rows: Iterable[Any]) -> tuple[tuple[HomeworkView, ...], int]:
    """The class's homework with its files, and how many individual ones, from rows of
    (homework id, student id, text, due date, file kind, file ref, file name) ordered by
    homework and file (a row without a homework, from an outer join, is skipped)."""
    homework: list[HomeworkView] = []
    individual = 0
    files: dict[int, list[tuple[str, str, str | None]]] = {}
    texts: dict[int, tuple[int | None, str, dt.date | None]] = {}
    for hw_id, student_id, hw_text, due, kind, ref, file_name in rows:
        if hw_id is None:
            continue
        texts.setdefault(hw_id, (student_id, hw_text, due))
        if kind is not None:
            files.setdefault(hw_id, []).append((kind, ref, file_name))
    for hw_id, (student_id, hw_text, due) in texts.items():
        if student_id is not None:
            individual += 1
            continue
        homework.append(
            HomeworkView(
                text=hw_text, individual=False, due_date=due, files=tuple(files.get(hw_id, []))
            )
        )
    return tuple(homework), individual


async def sheet_of(
    session: AsyncSession,
    actor: Actor,
    now: dt.datetime,
    head: Any,
    ctx: Any,
    students: tuple[SheetStudent, ...],
    homework: tuple[HomeworkView, ...],
    individual: int,
    facts: Any,
) -> LessonSheet:
    """The lesson sheet from what was read of the lesson: ``head`` a row of
    :func:`_sheet_head_query` (its names, bell and substitution), ``ctx`` the lesson with its
    school, class and subject (``journal.LessonContext``), the roster, the homework and the
    ``journal.LockFacts`` (a calendar already loaded is used again). Reads nothing more unless
    the edit window's end is near (the school's holidays).
    Also builds the card a use case shows after changing the lesson (``journal``)."""
    from services import journal
    from services.errors import DomainError

    lesson = ctx.lesson
    sub: Substitution | None = head.Substitution
    teacher_id = policy.effective_teacher_id(lesson, sub)

    async def lock(records: bool) -> LessonLock | None:
        try:
            await journal.ensure_unlocked(session, ctx, now, records=records, facts=facts)
        except DomainError as err:
            return LessonLock(err.code, dict(err.params))
        return None

    can_edit = actor.person_id == teacher_id and actor.has(
        Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY
    )
    unlocked = lesson.unlocked_until is not None and lesson.unlocked_until > now
    return LessonSheet(
        lesson_id=lesson.id,
        date=lesson.date,
        number=lesson.lesson_number,
        starts_at=head.starts_at,
        ends_at=head.ends_at,
        class_id=ctx.cls.id,
        class_name=ctx.cls.name,
        grade=ctx.cls.grade,
        subject_id=ctx.subject.id,
        subject=ctx.subject.name,
        subgroup=head.subgroup,
        teacher_id=teacher_id,
        teacher=_short_name(
            head.teacher_last_name, head.teacher_first_name, head.teacher_middle_name
        ),
        substituted=sub is not None,
        cancelled=lesson.is_cancelled,
        topic=lesson.topic,
        work_kind=lesson.work_kind,
        homework=homework,
        individual_homework=individual,
        attendance_taken=lesson.attendance_taken_at is not None,
        students=students,
        can_edit=can_edit,
        can_unlock=actor.has(Role.DEPUTY, Role.ADMIN),
        records_lock=await lock(True),
        text_lock=await lock(False),
        unlocked_until=lesson.unlocked_until if unlocked else None,
        max_marks=ctx.school.max_marks_per_lesson,
        unlocked_by=UNLOCK_ROLES[head.unlocked_by_rank - 1]
        if unlocked and head.unlocked_by_rank
        else None,
    )


def _short_name(last: str | None, first: str | None, middle: str | None) -> str:
    if last is None:
        return ""
    return Person(last_name=last, first_name=first, middle_name=middle).short_name


async def _sheet_head(session: AsyncSession, lesson_id: int) -> Sequence[Any]:
    """The lesson with its school, class, subject and substitution (into the identity map, for
    the access policy and the journal's rules), and what the sheet shows of them: the
    subgroup's name, the teacher's name (the substitute's, if any), the bell, the names of
    an archived year or a closed period the lesson falls in, and its homework with the files —
    one statement, one row per homework file (none: no rows)."""
    return (await session.execute(_sheet_head_query(), {"lesson_id": lesson_id})).all()


@functools.cache
def _sheet_roster_query(subgroup: bool) -> Any:
    """The lesson sheet's roster: the students by name with their attendance, the absences
    their family announced for the day and their marks at the lesson, one row per student,
    notice and mark (a notice per day is the rule: the latest is taken). Built once per shape
    with bound parameters: ``lesson_id``, ``class_id``, ``day``, ``school_id`` and, for a
    subgroup's lesson, ``subgroup_id``."""
    from services import journal
    from services.models import AbsenceNotice

    lesson_id: Any = bindparam("lesson_id")
    day: Any = bindparam("day")
    enrolled = journal.enrolled_query(
        bindparam("class_id"), day, bindparam("subgroup_id") if subgroup else None
    ).subquery()
    return (
        select(
            Person.id,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Attendance.code,
            Attendance.family_reason,
            AbsenceNotice.id,
            AbsenceNotice.code,
            AbsenceNotice.reason,
            Mark.id,
            Mark.value,
            Mark.work_kind,
        )
        .join(enrolled, enrolled.c.student_id == Person.id)
        .outerjoin(
            Attendance,
            and_(Attendance.lesson_id == lesson_id, Attendance.student_id == Person.id),
        )
        .outerjoin(
            AbsenceNotice,
            and_(
                AbsenceNotice.student_id == Person.id,
                AbsenceNotice.school_id == bindparam("school_id"),
                AbsenceNotice.date_from <= day,
                AbsenceNotice.date_to >= day,
                AbsenceNotice.cancelled_at.is_(None),
            ),
        )
        .outerjoin(Mark, and_(Mark.lesson_id == lesson_id, Mark.student_id == Person.id))
        .order_by(Person.last_name, Person.first_name, Person.id, Mark.id)
    )


@functools.cache
def _sheet_head_query() -> Select[Any]:
    """Built once (a statement this size costs more to build than to run)."""
    from services import journal
    from services.models import Subgroup

    own, substitute = aliased(Person), aliased(Person)
    archived, closed = journal.lock_fact_columns(Lesson.school_id, Lesson.date)
    return (
        select(
            Lesson,
            School,
            SchoolClass,
            Subject,
            Substitution,
            Subgroup.name.label("subgroup"),
            *(
                case(
                    (Substitution.id.is_not(None), getattr(substitute, name)),
                    else_=getattr(own, name),
                ).label(f"teacher_{name}")
                for name in ("last_name", "first_name", "middle_name")
            ),
            BellTime.starts_at,
            BellTime.ends_at,
            archived.label("archived_year"),
            closed.label("closed_period"),
            _unlocked_by_column(),
        )
        .join(School, School.id == Lesson.school_id)
        .join(SchoolClass, SchoolClass.id == Lesson.class_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
        .outerjoin(Subgroup, Subgroup.id == Lesson.subgroup_id)
        .outerjoin(own, own.id == Lesson.teacher_id)
        .outerjoin(substitute, substitute.id == Substitution.teacher_id)
        .outerjoin(BellTime, _bell_of(Lesson.school_id))
        # Substitution, bell and subgroup are one or none each: a row per homework file.
        .outerjoin(Homework, Homework.lesson_id == Lesson.id)
        .outerjoin(HomeworkFile, HomeworkFile.homework_id == Homework.id)
        .add_columns(
            Homework.id.label("hw_id"),
            Homework.student_id.label("hw_student_id"),
            Homework.text.label("hw_text"),
            Homework.due_date.label("hw_due"),
            HomeworkFile.kind.label("hw_kind"),
            HomeworkFile.file_ref.label("hw_ref"),
            HomeworkFile.file_name.label("hw_name"),
        )
        .where(Lesson.id == bindparam("lesson_id"))
        .order_by(Homework.id, HomeworkFile.id)
    )


UNLOCK_ROLES = (Role.DEPUTY, Role.ADMIN, Role.DIRECTOR)


def _unlocked_by_column() -> ColumnElement[Any]:
    """Who last opened a lesson for corrections (the audit log's ``lesson.unlock``), as the
    rank of their role in :data:`UNLOCK_ROLES` (1-based; None: none of them) — a column of
    :func:`_sheet_head_query`, computed only for a lesson with an unlock on it."""
    last_unlock = (
        select(AuditEntry.actor_account_id)
        .where(
            AuditEntry.action == "lesson.unlock",
            AuditEntry.entity == "lesson",
            AuditEntry.entity_id == cast(Lesson.id, String),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
        .correlate(Lesson)
        .scalar_subquery()
    )
    rank = (
        select(
            func.min(
                case(
                    *((RoleGrant.role == role, n) for n, role in enumerate(UNLOCK_ROLES, 1)),
                )
            )
        )
        .join(Account, Account.person_id == RoleGrant.person_id)
        .where(Account.id == last_unlock)
        .correlate(Lesson)
        .scalar_subquery()
    )
    return case((Lesson.unlocked_until.is_not(None), rank)).label("unlocked_by_rank")


@dataclass(frozen=True)
class TopicChoice:
    plan_item_id: int
    number: int
    topic: str


async def topic_suggestions(
    session: AsyncSession, actor: Actor, lesson_id: int, limit: int = 3
) -> list[TopicChoice]:
    """The next unused lines of the thematic plan (КТП) of the lesson's class and subject:
    those no lesson of that class and subject has taken yet, in plan order."""
    from services.models import PlanItem

    lesson = await policy.ensure_can_view_lesson(session, actor, lesson_id)
    used = select(Lesson.plan_item_id).where(
        Lesson.class_id == lesson.class_id,
        Lesson.subject_id == lesson.subject_id,
        Lesson.plan_item_id.is_not(None),
        Lesson.id != lesson.id,
    )
    rows = await session.scalars(
        select(PlanItem)
        .where(
            PlanItem.class_id == lesson.class_id,
            PlanItem.subject_id == lesson.subject_id,
            PlanItem.id.not_in(used),
        )
        .order_by(PlanItem.number)
        .limit(limit)
    )
    return [TopicChoice(p.id, p.number, p.topic) for p in rows]
