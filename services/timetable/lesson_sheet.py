"""The lesson sheet: one lesson with its students, attendance, marks, topic and homework, as the
teacher edits it."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.enums import LESSON_TEACHERS, AttendanceCode, Role, WorkKind
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    BellTime,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    Subject,
    Substitution,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import HomeworkView, bell_of


@dataclass(frozen=True)
class SheetMark:
    id: int
    value: int
    work_kind: WorkKind
    weight: int = 1
    comment: str | None = None


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
    # The teacher chose "no homework" for this lesson (the homework column counts as filled).
    no_homework: bool = False
    # Held at a distance (seed 000 §3.2): the roll call is the same, present online is present.
    distance: bool = False

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
    from services.models import utcnow
    from services.timetable import lesson_edits

    now = now or utcnow()
    heads = await sheet_head(session, lesson_id)
    head = heads[0] if heads else None
    lesson = await policy.ensure_can_view_lesson(
        session, actor, lesson_id, substitution=(head.Substitution,) if head else None
    )
    assert head is not None  # the policy refused a lesson that does not exist
    ctx = await lesson_edits.lesson_context(session, lesson)  # from the identity map: no statement
    rows = (
        await session.execute(
            sheet_roster_query(lesson.subgroup_id is not None), roster_params(lesson)
        )
    ).all()
    homework, individual = homework_of(head_homework(heads))
    people: dict[int, tuple[str, str, str, AttendanceCode | None, str | None]] = {}
    notices: dict[int, tuple[int, AttendanceCode, str]] = {}
    marks: dict[int, dict[int, SheetMark]] = defaultdict(dict)
    for row in rows:
        sid, last, first, middle, code, family_reason = row[:6]
        notice_id, notice_code, notice_reason, mark_id, value, kind, weight, comment = row[6:14]
        if sid not in people:
            short = Person(last_name=last, first_name=first, middle_name=middle).short_name
            people[sid] = (last, first, short, code, family_reason)
        if notice_id is not None and (sid not in notices or notice_id > notices[sid][0]):
            notices[sid] = (notice_id, notice_code, notice_reason)  # the latest
        if mark_id is not None:
            marks[sid][mark_id] = SheetMark(mark_id, value, kind, weight, comment)
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
    facts = lesson_edits.LockFacts(head.archived_year, head.closed_period)
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
    from services.errors import DomainError
    from services.timetable import lesson_edits

    lesson = ctx.lesson
    sub: Substitution | None = head.Substitution
    teacher_id = policy.effective_teacher_id(lesson, sub)

    async def lock(records: bool) -> LessonLock | None:
        try:
            await lesson_edits.ensure_unlocked(session, ctx, now, records=records, facts=facts)
        except DomainError as err:
            return LessonLock(err.code, dict(err.params))
        return None

    can_edit = actor.person_id == teacher_id and actor.has(*LESSON_TEACHERS)
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
        no_homework=bool(lesson.no_homework),
        distance=bool(lesson.is_distance),
        unlocked_by=UNLOCK_ROLES[head.unlocked_by_rank - 1]
        if unlocked and head.unlocked_by_rank
        else None,
    )


def _short_name(last: str | None, first: str | None, middle: str | None) -> str:
    if last is None:
        return ""
    return Person(last_name=last, first_name=first, middle_name=middle).short_name


async def sheet_head(session: AsyncSession, lesson_id: int) -> Sequence[Any]:
    """The lesson with its school, class, subject and substitution (into the identity map, for
    the access policy and the journal's rules), and what the sheet shows of them: the
    subgroup's name, the teacher's name (the substitute's, if any), the bell, the names of
    an archived year or a closed period the lesson falls in, and its homework with the files —
    one statement, one row per homework file (none: no rows)."""
    return (await session.execute(_sheet_head_query(), {"lesson_id": lesson_id})).all()


def roster_params(lesson: Lesson) -> dict[str, Any]:
    """The bound parameters of :func:`sheet_roster_query` for ``lesson``."""
    return {
        "lesson_id": lesson.id,
        "class_id": lesson.class_id,
        "day": lesson.date,
        "school_id": lesson.school_id,
        "subgroup_id": lesson.subgroup_id,
    }


@functools.cache
def sheet_roster_query(subgroup: bool) -> Any:
    """The lesson sheet's roster: the students by name with their attendance, the absences
    their family announced for the day and their marks at the lesson, one row per student,
    notice and mark (a notice per day is the rule: the latest is taken). Built once per shape
    with bound parameters: ``lesson_id``, ``class_id``, ``day``, ``school_id`` and, for a
    subgroup's lesson, ``subgroup_id``."""
    from services.models import AbsenceNotice
    from services.timetable import lesson_edits

    lesson_id: Any = bindparam("lesson_id")
    day: Any = bindparam("day")
    enrolled = lesson_edits.enrolled_query(
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
            Mark.weight,
            Mark.comment,
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
    from services.models import Subgroup
    from services.timetable import lesson_edits

    own, substitute = aliased(Person), aliased(Person)
    archived, closed = lesson_edits.lock_fact_columns(Lesson.school_id, Lesson.date)
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
        .outerjoin(BellTime, bell_of(Lesson.school_id))
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
