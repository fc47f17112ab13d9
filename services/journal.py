"""Use cases that change the journal: attendance, marks, topic, homework, unlocks.

Each is one transaction: check the access policy and the school's rules, change rows, write the
audit log and the outbox, commit once. Nothing is half-written: a rule that fails raises before
anything is flushed, and the caller's session is rolled back by the front end.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ScalarSelect,
    Select,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from notifications import outbox
from services import audit, diary, policy
from services.calendar import (
    SchoolCalendar,
    edit_deadline,
    load_calendar,
    school_today,
    year_on,
)
from services.enums import (
    DEFAULT_WEIGHTS,
    AttendanceCode,
    GuardianKind,
    OutboxStatus,
    WorkKind,
)
from services.errors import ValidationFailed
from services.identity import Actor
from services.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    Guardianship,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    OutboxMessage,
    Person,
    PlanItem,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    SubgroupMember,
    Subject,
    utcnow,
)
from services.quickmarks import NOT_PRESENT

MAX_TOPIC = 500
MAX_HOMEWORK = 4000
MAX_COMMENT = 500
MAX_REASON = 500


@dataclass(frozen=True)
class LessonContext:
    lesson: Lesson
    school: School
    cls: SchoolClass
    subject: Subject


async def _context(session: AsyncSession, lesson: Lesson) -> LessonContext:
    school = await session.get(School, lesson.school_id)
    cls = await session.get(SchoolClass, lesson.class_id)
    subject = await session.get(Subject, lesson.subject_id)
    assert school is not None and cls is not None and subject is not None
    return LessonContext(lesson, school, cls, subject)


def enrolled_on(lesson: Lesson) -> Select[Any]:
    """Students of the lesson's class (or subgroup) enrolled on the lesson's date, as a query."""
    return enrolled_query(lesson.class_id, lesson.date, lesson.subgroup_id)


def enrolled_query(class_id: Any, day: Any, subgroup_id: Any = None) -> Select[Any]:
    """Students of a class (or of its subgroup, unless ``subgroup_id`` is None) enrolled on
    ``day``; the arguments are values or bound parameters (a statement built once)."""
    q = select(Enrolment.student_id).where(
        Enrolment.class_id == class_id,
        Enrolment.arrived_on <= day,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > day),
    )
    if subgroup_id is not None:
        q = q.where(
            Enrolment.student_id.in_(
                select(SubgroupMember.student_id).where(SubgroupMember.subgroup_id == subgroup_id)
            )
        )
    return q


async def lesson_students(session: AsyncSession, lesson: Lesson) -> list[int]:
    """Students of the lesson's class (or subgroup) enrolled on the lesson's date."""
    return list((await session.scalars(enrolled_on(lesson))).all())


@dataclass
class LockFacts:
    """What the school's rules for changing a lesson read besides the lesson itself: the
    archived school year and the closed study period the lesson's date falls in (their names,
    None when there is none), and the school's calendar, loaded when the edit window is first
    needed. One set of facts serves several checks of the same lesson."""

    archived_year: str | None
    closed_period: str | None
    calendar: SchoolCalendar | None = None


def lock_fact_columns(school_id: Any, day: Any) -> tuple[ScalarSelect[str], ScalarSelect[str]]:
    """Scalar subqueries of :class:`LockFacts`: the archived year's and the closed period's
    names. Like ``year_on`` and ``period_on``, the year and the period taken are the first
    found that contain the day. ``school_id`` and ``day`` are values or the columns of a
    lesson in the enclosing query."""
    year, period = aliased(SchoolYear), aliased(StudyPeriod)
    year_id = (
        select(year.id)
        .where(year.school_id == school_id, year.starts_on <= day, year.ends_on >= day)
        .limit(1)
        .correlate(Lesson)
        .scalar_subquery()
    )
    period_id = (
        select(period.id)
        .where(period.school_id == school_id, period.starts_on <= day, period.ends_on >= day)
        .limit(1)
        .correlate(Lesson)
        .scalar_subquery()
    )
    archived = (
        select(SchoolYear.name)
        .where(SchoolYear.id == year_id, SchoolYear.archived_at.is_not(None))
        .correlate(Lesson)
        .scalar_subquery()
    )
    closed = (
        select(StudyPeriod.name)
        .where(StudyPeriod.id == period_id, StudyPeriod.is_closed)
        .correlate(Lesson)
        .scalar_subquery()
    )
    return archived, closed


async def lock_facts(session: AsyncSession, lesson: Lesson) -> LockFacts:
    archived, closed = lock_fact_columns(lesson.school_id, lesson.date)
    row = (await session.execute(select(archived, closed))).one()
    return LockFacts(row[0], row[1])


async def ensure_unlocked(
    session: AsyncSession,
    ctx: LessonContext,
    now: dt.datetime,
    *,
    records: bool,
    window: bool = True,
    facts: LockFacts | None = None,
) -> None:
    """The school's rules for changing a lesson's record.

    ``records``: attendance and marks, which a lesson in the future cannot have yet.
    ``window``: the edit window applies (the class teacher's weekly reconciliation of absence
    reasons, seed 003 §4.5, is not bound by it; a closed period still is).
    ``facts``: the year, period and calendar already read for this lesson (read here if not).
    """
    lesson, school = ctx.lesson, ctx.school
    today = school_today(school, now)
    if lesson.is_cancelled:
        raise ValidationFailed("journal.lesson_cancelled")
    if records and lesson.date > today:
        raise ValidationFailed("journal.lesson_in_future", date=lesson.date)
    if facts is None:
        facts = await lock_facts(session, lesson)
    if facts.archived_year is not None:
        raise ValidationFailed("journal.year_archived", year=facts.archived_year)
    if lesson.unlocked_until is not None and now < lesson.unlocked_until:
        return
    if facts.closed_period is not None:
        raise ValidationFailed("journal.period_closed", period=facts.closed_period)
    if window and lesson.date <= today:
        if facts.calendar is None:
            # Holidays only move the deadline later: while it has not passed counting the
            # working weekdays alone, the window is open without reading them.
            weekdays = frozenset(int(c) for c in school.working_weekdays)
            if now < edit_deadline(school, SchoolCalendar(weekdays, ()), lesson.date):
                return
            facts.calendar = await load_calendar(session, school)
        if now >= edit_deadline(school, facts.calendar, lesson.date):
            raise ValidationFailed("journal.lesson_locked", date=lesson.date)


async def _refuse_archived(session: AsyncSession, lesson: Lesson) -> None:
    """An archived school year is read-only for everyone (seed 002 §6.5): no unlock opens it."""
    year = await year_on(session, lesson.school_id, lesson.date)
    if year is not None and year.archived_at is not None:
        raise ValidationFailed("journal.year_archived", year=year.name)


def _no_marks_in_first_grade(ctx: LessonContext) -> None:
    if ctx.cls.grade == 1:
        raise ValidationFailed("journal.first_grade_no_marks")


def _clean_text(value: str | None, limit: int, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed("error.too_long", field=field, limit=limit)
    return value or None


def _lesson_payload(ctx: LessonContext) -> dict[str, object]:
    return {
        "lesson_id": ctx.lesson.id,
        "date": ctx.lesson.date.isoformat(),
        "lesson_number": ctx.lesson.lesson_number,
        "subject": ctx.subject.name,
        "class": ctx.cls.name,
    }


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceSaved:
    lesson_id: int
    changed: int
    absent: int
    late: int
    # The lesson as its sheet shows it after the save (``with_sheet=True``), built from what
    # the save read and wrote: the card shown after "save" reads nothing again.
    sheet: diary.LessonSheet | None = None


async def save_attendance(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    codes: Mapping[int, AttendanceCode | None],
    *,
    now: dt.datetime | None = None,
    as_teacher: bool = False,
    drop_unknown: bool = False,
    with_sheet: bool = False,
) -> AttendanceSaved:
    """Save the lesson's attendance: ``codes`` maps student id to a code (None = present).

    Students not in ``codes`` are present. Saving the same thing twice changes nothing; each
    change is audited per student. New absences queue an alert to the family after a grace
    window; a correction inside the window cancels it.

    ``as_teacher``: only the lesson's teacher (the class teacher's reason-only correction is
    refused instead). ``drop_unknown``: codes of students not (or no longer) in the lesson are
    left out instead of refused — for a draft kept while the roster may have changed.
    ``with_sheet``: also return the lesson's sheet after the save (``AttendanceSaved.sheet``),
    built from what the save read, without a statement more.
    """
    saved = await _apply_attendance(
        session,
        actor,
        lesson_id,
        codes,
        now or utcnow(),
        as_teacher=as_teacher,
        drop_unknown=drop_unknown,
        with_sheet=with_sheet,
    )
    await session.commit()
    return saved


async def _apply_attendance(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    codes: Mapping[int, AttendanceCode | None],
    now: dt.datetime,
    *,
    merge: bool = False,
    reasons_only: bool = False,
    as_teacher: bool = False,
    drop_unknown: bool = False,
    with_sheet: bool = False,
) -> AttendanceSaved:
    """The body of :func:`save_attendance`, without the commit.

    ``merge``: students not in ``codes`` keep what they have (instead of becoming present).
    ``reasons_only``: only changes between absence kinds (Н, Б, УП), by the class teacher or
    the lesson's teacher; the edit window does not apply to them (a closed period does).

    Set-based, and the number of statements does not depend on the number of students or of
    changes: two reads (the lesson with everything its checks and its sheet need; the roster
    with attendance, announced absences, marks and families), then one upsert and one delete
    of attendance rows, one insert of audit rows, one statement each to queue and to cancel
    the families' alerts, and the lesson's own row — eight at most. The school's holidays
    are read only when the edit window's end is near (see :func:`ensure_unlocked`).
    """
    head_rows = await diary._sheet_head(session, lesson_id)
    # policy.load finds the lesson in the identity map (the rows above keep it: its
    # references are weak); a lesson that does not exist, or of another school, is refused.
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    head = head_rows[0]
    ctx = LessonContext(lesson, head.School, head.SchoolClass, head.Subject)
    facts = LockFacts(head.archived_year, head.closed_period)
    teaches = policy.teaches_lesson(actor, lesson, head.Substitution)
    # The class teacher may only turn Н into a reason (Б, УП), not take attendance.
    if not teaches and (
        as_teacher or not await policy.can_set_absence_reason(session, actor, lesson)
    ):
        raise policy.deny(actor, "edit_lesson", lesson_id=lesson_id)
    teaching = teaches and not reasons_only
    await ensure_unlocked(session, ctx, now, records=True, window=not reasons_only, facts=facts)

    roster = _Roster.of(
        (
            await session.execute(
                _roster_query(lesson.subgroup_id is not None),
                {
                    "lesson_id": lesson.id,
                    "class_id": lesson.class_id,
                    "day": lesson.date,
                    "school_id": lesson.school_id,
                    "subgroup_id": lesson.subgroup_id,
                },
            )
        ).all()
    )
    existing = roster.codes
    notices = {sid: notice[0] for sid, notice in roster.notices.items()}
    students = set(existing)
    if drop_unknown:
        codes = {sid: code for sid, code in codes.items() if sid in students}
    unknown = [sid for sid in codes if sid not in students]
    if unknown:
        raise policy.deny(actor, "attendance_student", lesson_id=lesson_id, students=unknown)

    wanted: dict[int, AttendanceCode | None] = {sid: None for sid in students}
    if not teaching or merge:
        # Only the codes given, and only between absence kinds.
        wanted = dict(existing)
    for sid, code in codes.items():
        wanted[sid] = AttendanceCode(code) if code is not None else None
    if not teaching:
        for sid, code in codes.items():
            before = existing[sid]
            absence_kinds = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)
            if before not in absence_kinds or code not in absence_kinds:
                raise policy.deny(actor, "attendance_reason", lesson_id=lesson_id, student=sid)

    changes = [
        (sid, existing[sid], wanted[sid])
        for sid in sorted(students)
        if existing[sid] != wanted[sid]
    ]
    if changes:
        await _write_attendance(session, actor, lesson, changes, notices, now)
        await _audit_many(
            session,
            [
                audit.record(
                    session,
                    actor=actor,
                    action="attendance.set",
                    entity="lesson",
                    entity_id=lesson.id,
                    student_id=sid,
                    before={"code": before_code},
                    after={"code": after_code},
                )
                for sid, before_code, after_code in changes
            ],
        )
        await _absence_alerts(session, ctx, changes, now, notices, roster.recipients)
    if teaching and not merge and lesson.attendance_taken_at is None:
        lesson.attendance_taken_at = now
        lesson.attendance_taken_by_id = actor.account_id
    lesson.updated_at = now if changes else lesson.updated_at
    await session.flush()
    absent = sum(1 for c in wanted.values() if c is not None and c != AttendanceCode.LATE)
    late = sum(1 for c in wanted.values() if c == AttendanceCode.LATE)
    sheet = None
    if with_sheet:
        homework, individual = diary.homework_of(diary.head_homework(head_rows))
        sheet = await diary.sheet_of(
            session,
            actor,
            now,
            head,
            ctx,
            roster.students(wanted),
            homework,
            individual,
            facts,
        )
    return AttendanceSaved(lesson.id, len(changes), absent, late, sheet)


@functools.cache
def _roster_query(subgroup: bool) -> Any:
    """The lesson sheet's roster (students by name with attendance, announced absences and
    marks) with each student's guardians: one row per student, notice, mark and guardian (a
    few rows per student). Built once per shape with bound parameters."""
    return (
        diary._sheet_roster_query(subgroup)
        .outerjoin(Guardianship, Guardianship.student_id == Person.id)
        .add_columns(Guardianship.guardian_id, Guardianship.kind, Guardianship.permissions)
    )


@dataclass
class _Roster:
    """The rows of :func:`_roster_query` taken apart: per student (in the roster's order)
    the name and what the journal has, the latest announced absence (id, code, reason), the
    marks, and who is told of an absence."""

    people: dict[int, tuple[str, str, str | None, str | None]]  # last, first, middle, reason
    codes: dict[int, AttendanceCode | None]
    notices: dict[int, tuple[int, AttendanceCode, str]]
    marks: dict[int, dict[int, tuple[int, WorkKind]]]
    recipients: dict[int, list[int]]

    @classmethod
    def of(cls, rows: Sequence[Any]) -> _Roster:
        people: dict[int, tuple[str, str, str | None, str | None]] = {}
        codes: dict[int, AttendanceCode | None] = {}
        notices: dict[int, tuple[int, AttendanceCode, str]] = {}
        marks: dict[int, dict[int, tuple[int, WorkKind]]] = {}
        guardians: list[tuple[int, int, GuardianKind, list[str] | None]] = []
        for row in rows:
            sid, last, first, middle, code, family_reason = row[:6]
            notice_id, notice_code, notice_reason, mark_id, value, kind = row[6:12]
            guardian_id, guardian_kind, permissions = row[12:]
            if sid not in people:
                people[sid] = (last, first, middle, family_reason)
                codes[sid] = AttendanceCode(code) if code is not None else None
            # The latest notice, as the alerts and the sheet take it.
            if notice_id is not None and (sid not in notices or notice_id > notices[sid][0]):
                notices[sid] = (notice_id, AttendanceCode(notice_code), notice_reason)
            if mark_id is not None:
                marks.setdefault(sid, {})[mark_id] = (value, kind)
            if guardian_id is not None:
                guardians.append((sid, guardian_id, guardian_kind, permissions))
        return cls(people, codes, notices, marks, _family_recipients(guardians))

    def students(
        self, codes: Mapping[int, AttendanceCode | None]
    ) -> tuple[diary.SheetStudent, ...]:
        """The sheet's students with ``codes`` (what the save left in the journal)."""
        out = []
        for sid, (last, first, middle, family_reason) in self.people.items():
            notice = self.notices.get(sid)
            code = codes.get(sid)
            out.append(
                diary.SheetStudent(
                    id=sid,
                    last_name=last,
                    first_name=first,
                    short_name=Person(
                        last_name=last, first_name=first, middle_name=middle
                    ).short_name,
                    code=code,
                    notice_code=notice[1] if notice else None,
                    notice_reason=notice[2] if notice else None,
                    # Kept by an upsert of the row, gone with it.
                    family_reason=family_reason if code is not None else None,
                    marks=tuple(
                        diary.SheetMark(mark_id, value, kind)
                        for mark_id, (value, kind) in self.marks.get(sid, {}).items()
                    ),
                )
            )
        return tuple(out)


Change = tuple[int, AttendanceCode | None, AttendanceCode | None]  # student, before, after


async def _audit_many(session: AsyncSession, entries: Sequence[AuditEntry]) -> None:
    """Write the audit rows ``audit.record`` built (and added) in one executemany of the
    table's INSERT: the session would insert them one by one where it needs each new id back
    (SQLite), and an ORM bulk insert handles every value of every row in Python."""
    if not entries:
        return
    columns = [attr.key for attr in sa_inspect(AuditEntry).column_attrs if attr.key != "id"]
    rows = []
    for entry in entries:
        session.expunge(entry)
        values = sa_inspect(entry).dict
        rows.append({key: values[key] for key in columns if key in values})
    await session.execute(insert(cast(Table, AuditEntry.__table__)), rows)


def _insert_for(session: AsyncSession) -> Any:
    """INSERT with ON CONFLICT for the session's database (PostgreSQL or SQLite)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def _write_attendance(
    session: AsyncSession,
    actor: Actor,
    lesson: Lesson,
    changes: Sequence[Change],
    notices: Mapping[int, int],
    now: dt.datetime,
) -> None:
    """The attendance rows of ``changes``: one upsert for the absent and late (a new row, or
    the code of an existing one changed), one delete for those present again."""
    present = [sid for sid, _, after in changes if after is None]
    rows = [
        {
            "school_id": lesson.school_id,
            "lesson_id": lesson.id,
            "student_id": sid,
            "code": after,
            "notice_id": notices.get(sid),
            "created_at": now,
            "created_by_id": actor.account_id,
        }
        for sid, _, after in changes
        if after is not None
    ]
    if present:
        await session.execute(
            delete(Attendance)
            .where(Attendance.lesson_id == lesson.id, Attendance.student_id.in_(present))
            .execution_options(synchronize_session=False)
        )
    if rows:
        # One executemany of a statement compiled once (a multi-row VALUES is compiled anew
        # for every number of rows, which cost more CPU than the whole save).
        stmt = _insert_for(session)(Attendance.__table__)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["lesson_id", "student_id"],
                set_={
                    "code": stmt.excluded.code,
                    "updated_at": stmt.excluded.created_at,
                    "updated_by_id": stmt.excluded.created_by_id,
                },
            ),
            rows,
        )
    # Rows of this lesson the session may hold (read by an earlier step of the same update)
    # are out of date now: forget them, a later read loads them afresh.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Attendance) and sa_inspect(obj).dict.get("lesson_id") == lesson.id:
            session.expunge(obj)


async def _absence_alerts(
    session: AsyncSession,
    ctx: LessonContext,
    changes: Sequence[Change],
    now: dt.datetime,
    notices: Mapping[int, int],
    recipients: Mapping[int, list[int]],
) -> None:
    """The families' alerts of ``changes``: a new absence or lateness queues one per parent
    (and trusted person allowed to see attendance; ``recipients`` by student) after a grace
    window, unless the family announced it; present again cancels what is still pending. A
    reason given (Б, УП) leaves them as they are. Two statements at most, however many
    students."""
    alert = [
        (sid, after)
        for sid, _, after in changes
        if after in (AttendanceCode.ABSENT, AttendanceCode.LATE) and sid not in notices
    ]
    cancel = [sid for sid, _, after in changes if after is None]
    if not alert and not cancel:
        return

    def key(student_id: int, guardian_id: int) -> str:
        return f"absence:{ctx.lesson.id}:{student_id}:{guardian_id}"

    await outbox.cancel_pending(
        session, (key(sid, g) for sid in cancel for g in recipients.get(sid, []))
    )
    rows = [
        {
            "school_id": ctx.lesson.school_id,
            "recipient_person_id": guardian_id,
            "kind": "attendance.absent" if after == AttendanceCode.ABSENT else "attendance.late",
            "dedup_key": key(sid, guardian_id),
            "payload": {**_lesson_payload(ctx), "student_id": sid, "code": after.value},
            "not_before": now + outbox.ABSENCE_GRACE,
            "urgent": True,
        }
        for sid, after in alert
        if after is not None
        for guardian_id in recipients.get(sid, [])
    ]
    await _enqueue_reviving(session, rows)


def _family_recipients(
    rows: Iterable[tuple[int, int, GuardianKind, list[str] | None]],
) -> dict[int, list[int]]:
    """``outbox.family_recipients(..., "attendance")`` of many students from their
    guardianships (student, guardian, kind, permissions): parents, and trusted persons
    allowed to see attendance, sorted by id."""
    out: dict[int, set[int]] = {}
    for student_id, guardian_id, kind, permissions in rows:
        if kind == GuardianKind.PARENT or "attendance" in (permissions or []):
            out.setdefault(student_id, set()).add(guardian_id)
    return {sid: sorted(ids) for sid, ids in out.items()}


async def _enqueue_reviving(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """``outbox.enqueue(..., revive_cancelled=True)`` of many alerts in one statement: a new
    row per dedup key, or a row the same event had cancelled armed again (pending, with the
    new payload and time); a row still pending or already sent is left as it is."""
    if not rows:
        return
    created = utcnow()
    values = [
        {
            **r,
            "status": OutboxStatus.PENDING.value,
            "created_at": created,
            "attempts": 0,
        }
        for r in {r["dedup_key"]: r for r in rows}.values()
    ]
    stmt = _insert_for(session)(OutboxMessage.__table__)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["dedup_key"],
            set_={
                "status": OutboxStatus.PENDING.value,
                "not_before": stmt.excluded.not_before,
                "payload": stmt.excluded.payload,
            },
            where=stmt.table.c.status == OutboxStatus.CANCELLED.value,
        ),
        values,
    )


# --------------------------------------------------------------------------- marks


def _check_value(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValidationFailed("journal.mark_value")
    return value


def _check_weight(weight: int) -> int:
    if not 1 <= weight <= 10:
        raise ValidationFailed("journal.mark_weight")
    return weight


async def _mark_alerts(
    session: AsyncSession,
    ctx: LessonContext,
    mark: Mark,
    event: str,
    audit_id: int,
    extra: dict[str, object],
    now: dt.datetime,
) -> None:
    for guardian_id in await outbox.family_recipients(session, mark.student_id, "marks"):
        await outbox.enqueue(
            session,
            not_before=now,
            school_id=mark.school_id,
            recipient_person_id=guardian_id,
            kind=f"mark.{event}",
            dedup_key=f"mark.{event}:{mark.id}:{audit_id}:{guardian_id}",
            payload={
                **_lesson_payload(ctx),
                "student_id": mark.student_id,
                "mark_id": mark.id,
                "value": mark.value,
                "work_kind": mark.work_kind.value,
                **extra,
            },
        )


async def _student_name(session: AsyncSession, student_id: int) -> str:
    person = await session.get(Person, student_id)
    return person.short_name if person is not None else ""


async def _check_new_marks(
    session: AsyncSession,
    ctx: LessonContext,
    students: set[int],
    new: Iterable[int],
    *,
    absences: Mapping[int, AttendanceCode] | None = None,
    for_absent: bool = False,
) -> None:
    """The school's limits on new marks of a lesson, checked before anything is written.

    - At most ``School.max_marks_per_lesson`` marks per student in one lesson, those already
      there included: a slip or a pasted list cannot fill a lesson with dozens of marks.
    - A mark for a student marked absent in the lesson (absent, ill or excused; late is
      present) only when the teacher confirmed it (``for_absent``): the regulations do not
      forbid it — work handed in later is marked in its lesson — but it is never silent.

    Only the lesson's own students are checked here; any other is refused as a forgery by
    :func:`_new_mark`, without naming anyone.
    """
    wanted = Counter(sid for sid in new if sid in students)
    if not wanted:
        return
    lesson = ctx.lesson
    existing: Counter[int] = Counter(
        {
            int(sid): int(n)
            for sid, n in (
                await session.execute(
                    select(Mark.student_id, func.count())
                    .where(Mark.lesson_id == lesson.id, Mark.student_id.in_(list(wanted)))
                    .group_by(Mark.student_id)
                )
            ).all()
        }
    )
    limit = ctx.school.max_marks_per_lesson
    for sid, n in wanted.items():
        if existing[sid] + n > limit:
            raise ValidationFailed(
                "journal.too_many_marks",
                student=await _student_name(session, sid),
                total=existing[sid] + n,
                limit=limit,
            )
    if for_absent:
        return
    codes: dict[int, AttendanceCode] = {
        int(sid): AttendanceCode(code)
        for sid, code in (
            await session.execute(
                select(Attendance.student_id, Attendance.code).where(
                    Attendance.lesson_id == lesson.id, Attendance.student_id.in_(list(wanted))
                )
            )
        ).all()
    }
    codes.update(absences or {})
    for sid in wanted:
        if codes.get(sid) in NOT_PRESENT:
            raise ValidationFailed(
                "journal.mark_for_absent", student=await _student_name(session, sid)
            )


async def put_mark(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    student_id: int,
    value: int,
    work_kind: WorkKind,
    *,
    weight: int | None = None,
    comment: str | None = None,
    for_absent: bool = False,
    now: dt.datetime | None = None,
) -> Mark:
    """A new mark. ``for_absent``: the teacher confirmed a mark for a student marked absent
    in this lesson (e.g. for work handed in later)."""
    now = now or utcnow()
    lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
    ctx = await _context(session, lesson)
    _no_marks_in_first_grade(ctx)
    await ensure_unlocked(session, ctx, now, records=True)
    students = set(await lesson_students(session, lesson))
    await _check_new_marks(session, ctx, students, [student_id], for_absent=for_absent)
    mark = await _new_mark(
        session, actor, ctx, students, student_id, value, work_kind, weight, comment, now
    )
    await session.commit()
    return mark


async def _new_mark(
    session: AsyncSession,
    actor: Actor,
    ctx: LessonContext,
    students: set[int],
    student_id: int,
    value: int,
    work_kind: WorkKind,
    weight: int | None,
    comment: str | None,
    now: dt.datetime,
) -> Mark:
    """A new mark with its audit entry and family alerts, in the caller's transaction."""
    lesson = ctx.lesson
    _check_value(value)
    kind = WorkKind(work_kind)
    w = _check_weight(weight if weight is not None else DEFAULT_WEIGHTS[kind])
    if student_id not in students:
        raise policy.deny(actor, "mark_student", lesson_id=lesson.id, student_id=student_id)
    mark = Mark(
        school_id=lesson.school_id,
        lesson_id=lesson.id,
        student_id=student_id,
        value=value,
        work_kind=kind,
        weight=w,
        comment=_clean_text(comment, MAX_COMMENT, "comment"),
        created_at=now,
        created_by_id=actor.account_id,
    )
    session.add(mark)
    await session.flush()
    entry = audit.record(
        session,
        actor=actor,
        action="mark.create",
        entity="mark",
        entity_id=mark.id,
        student_id=student_id,
        after=audit.snapshot(mark, "lesson_id", "value", "work_kind", "weight", "comment"),
    )
    await session.flush()
    await _mark_alerts(session, ctx, mark, "new", entry.id, {}, now)
    return mark


@dataclass(frozen=True)
class LessonRecorded:
    marks: list[Mark]
    attendance: AttendanceSaved | None


async def record_lesson(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    marks: Sequence[tuple[int, int, WorkKind]],
    *,
    absences: Mapping[int, AttendanceCode] | None = None,
    for_absent: bool = False,
    now: dt.datetime | None = None,
) -> LessonRecorded:
    """Several marks ``(student_id, value, work_kind)`` and absences of one lesson at once
    (the teacher's one-message entry): all saved in one transaction, or nothing.

    Absences are merged into the lesson's attendance: students not named keep their code.
    The limits of :func:`_check_new_marks` apply; ``for_absent``: the teacher confirmed marks
    for students marked absent (before or in this very entry).
    """
    now = now or utcnow()
    lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
    ctx = await _context(session, lesson)
    if marks:
        _no_marks_in_first_grade(ctx)
    await ensure_unlocked(session, ctx, now, records=True)
    if not marks and not absences:
        raise ValidationFailed("quick.nothing_to_save")
    students = set(await lesson_students(session, lesson))
    await _check_new_marks(
        session,
        ctx,
        students,
        (sid for sid, _, _ in marks),
        absences=absences,
        for_absent=for_absent,
    )
    created = [
        await _new_mark(session, actor, ctx, students, sid, value, kind, None, None, now)
        for sid, value, kind in marks
    ]
    saved = None
    if absences:
        saved = await _apply_attendance(session, actor, lesson_id, dict(absences), now, merge=True)
    await session.commit()
    return LessonRecorded(created, saved)


def _require_reason(reason: str | None) -> str:
    cleaned = _clean_text(reason, MAX_REASON, "reason")
    if not cleaned:
        raise ValidationFailed("journal.reason_required")
    return cleaned


async def change_mark(
    session: AsyncSession,
    actor: Actor,
    mark_id: int,
    *,
    reason: str,
    value: int | None = None,
    work_kind: WorkKind | None = None,
    weight: int | None = None,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> Mark:
    """Correct a mark; a reason is required and goes to the audit log and the family."""
    now = now or utcnow()
    mark = await policy.load(session, actor, Mark, mark_id)
    lesson = await policy.ensure_can_edit_lesson(session, actor, mark.lesson_id)
    ctx = await _context(session, lesson)
    await ensure_unlocked(session, ctx, now, records=True)
    why = _require_reason(reason)
    before = audit.snapshot(mark, "value", "work_kind", "weight", "comment")
    if value is not None:
        mark.value = _check_value(value)
    if work_kind is not None:
        mark.work_kind = WorkKind(work_kind)
    if weight is not None:
        mark.weight = _check_weight(weight)
    if comment is not None:
        mark.comment = _clean_text(comment, MAX_COMMENT, "comment")
    after = audit.snapshot(mark, "value", "work_kind", "weight", "comment")
    if after == before:
        return mark
    mark.updated_at = now
    mark.updated_by_id = actor.account_id
    entry = audit.record(
        session,
        actor=actor,
        action="mark.change",
        entity="mark",
        entity_id=mark.id,
        student_id=mark.student_id,
        before=before,
        after=after,
        reason=why,
    )
    await session.flush()
    await _mark_alerts(
        session, ctx, mark, "changed", entry.id, {"before": before["value"], "reason": why}, now
    )
    await session.commit()
    return mark


async def delete_mark(
    session: AsyncSession,
    actor: Actor,
    mark_id: int,
    *,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    now = now or utcnow()
    mark = await policy.load(session, actor, Mark, mark_id)
    lesson = await policy.ensure_can_edit_lesson(session, actor, mark.lesson_id)
    ctx = await _context(session, lesson)
    await ensure_unlocked(session, ctx, now, records=True)
    why = _require_reason(reason)
    before = audit.snapshot(mark, "lesson_id", "value", "work_kind", "weight", "comment")
    entry = audit.record(
        session,
        actor=actor,
        action="mark.delete",
        entity="mark",
        entity_id=mark.id,
        student_id=mark.student_id,
        before=before,
        reason=why,
    )
    await session.flush()
    await _mark_alerts(session, ctx, mark, "deleted", entry.id, {"reason": why}, now)
    await session.delete(mark)
    await session.commit()


# --------------------------------------------------------------------------- topic, homework


async def set_topic(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    *,
    topic: str | None = None,
    plan_item_id: int | None = None,
    work_kind: WorkKind | None = None,
    now: dt.datetime | None = None,
) -> Lesson:
    """The lesson's topic, typed or taken from the thematic plan (КТП)."""
    now = now or utcnow()
    lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
    ctx = await _context(session, lesson)
    await ensure_unlocked(session, ctx, now, records=False)
    before = audit.snapshot(lesson, "topic", "plan_item_id", "work_kind")
    if plan_item_id is not None:
        item = await policy.load(session, actor, PlanItem, plan_item_id)
        if item.class_id != lesson.class_id or item.subject_id != lesson.subject_id:
            raise policy.deny(actor, "plan_item", lesson_id=lesson_id, plan_item_id=plan_item_id)
        lesson.plan_item_id = item.id
        lesson.topic = _clean_text(topic, MAX_TOPIC, "topic") or item.topic
    else:
        cleaned = _clean_text(topic, MAX_TOPIC, "topic")
        if not cleaned:
            raise ValidationFailed("journal.topic_empty")
        lesson.topic = cleaned
    if work_kind is not None:
        lesson.work_kind = WorkKind(work_kind)
    after = audit.snapshot(lesson, "topic", "plan_item_id", "work_kind")
    if after != before:
        lesson.updated_at = now
        lesson.updated_by_id = actor.account_id
        audit.record(
            session,
            actor=actor,
            action="lesson.topic",
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after=after,
        )
    await session.commit()
    return lesson


@dataclass(frozen=True)
class FileRef:
    kind: str  # "document" | "photo"
    file_ref: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


async def set_homework(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    text: str,
    *,
    files: Sequence[FileRef] = (),
    student_ids: Sequence[int] | None = None,
    due_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Homework]:
    """Homework for the whole class (replacing the previous text) or for chosen students."""
    now = now or utcnow()
    lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
    ctx = await _context(session, lesson)
    if ctx.cls.grade == 1:
        raise ValidationFailed("journal.first_grade_no_homework")
    await ensure_unlocked(session, ctx, now, records=False)
    body = _clean_text(text, MAX_HOMEWORK, "homework")
    if not body and not files:
        raise ValidationFailed("journal.homework_empty")
    if due_date is not None and due_date < lesson.date:
        raise ValidationFailed("journal.homework_due_before_lesson")
    targets: list[int | None]
    if student_ids:
        allowed = set(await lesson_students(session, lesson))
        bad = [s for s in student_ids if s not in allowed]
        if bad:
            raise policy.deny(actor, "homework_student", lesson_id=lesson_id, students=bad)
        targets = list(dict.fromkeys(student_ids))
    else:
        targets = [None]
    saved: list[Homework] = []
    for sid in targets:
        cond = Homework.student_id.is_(None) if sid is None else Homework.student_id == sid
        hw = await session.scalar(
            select(Homework).where(Homework.lesson_id == lesson.id, cond).limit(1)
        )
        before = audit.snapshot(hw, "text", "due_date") if hw is not None else None
        if hw is None:
            hw = Homework(
                school_id=lesson.school_id,
                lesson_id=lesson.id,
                student_id=sid,
                text=body or "",
                due_date=due_date,
                created_at=now,
                created_by_id=actor.account_id,
            )
            session.add(hw)
            await session.flush()
        else:
            hw.text = body or ""
            hw.due_date = due_date
            hw.updated_at = now
            await session.execute(delete(HomeworkFile).where(HomeworkFile.homework_id == hw.id))
            await session.refresh(hw, ["files"])
        for f in files:
            session.add(
                HomeworkFile(
                    school_id=lesson.school_id,
                    homework_id=hw.id,
                    kind=f.kind,
                    file_ref=f.file_ref,
                    file_name=f.file_name,
                    mime_type=f.mime_type,
                    size=f.size,
                )
            )
        audit.record(
            session,
            actor=actor,
            action="homework.set",
            entity="homework",
            entity_id=hw.id,
            student_id=sid,
            before=before,
            after={"text": hw.text, "due_date": due_date, "files": len(files)},
        )
        saved.append(hw)
    await session.commit()
    return saved


# --------------------------------------------------------------------------- unlocks


async def unlock_lesson(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    *,
    hours: int = 48,
    reason: str,
    now: dt.datetime | None = None,
) -> Lesson:
    """A deputy or admin opens a locked lesson for its teacher for a while (seed 003 §3.2)."""
    now = now or utcnow()
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    policy.ensure_can_unlock(actor, lesson)
    await _refuse_archived(session, lesson)
    why = _require_reason(reason)
    if not 1 <= hours <= 24 * 14:
        raise ValidationFailed("journal.unlock_hours")
    before = audit.snapshot(lesson, "unlocked_until")
    lesson.unlocked_until = now + dt.timedelta(hours=hours)
    audit.record(
        session,
        actor=actor,
        action="lesson.unlock",
        entity="lesson",
        entity_id=lesson.id,
        before=before,
        after=audit.snapshot(lesson, "unlocked_until"),
        reason=why,
    )
    await session.commit()
    return lesson


# --------------------------------------------------------------------------- absence reasons


async def set_absence_reasons(
    session: AsyncSession,
    actor: Actor,
    items: Sequence[tuple[int, int, AttendanceCode]],
    *,
    now: dt.datetime | None = None,
) -> int:
    """The class teacher's weekly reconciliation (seed 003 §4.5): ``(lesson_id, student_id,
    code)`` turns an absence into another absence kind (Н → Б or УП, or back). One commit.

    Only the class teacher of the lesson's class (or the lesson's own teacher) may; only between
    absence kinds; the edit window does not apply, a closed period does. Returns the number of
    rows changed.
    """
    now = now or utcnow()
    reasons = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)
    by_lesson: dict[int, dict[int, AttendanceCode | None]] = {}
    for lesson_id, student_id, code in items:
        if AttendanceCode(code) not in reasons:
            raise ValidationFailed("ct.reason_code")
        by_lesson.setdefault(lesson_id, {})[student_id] = AttendanceCode(code)
    changed = 0
    for lesson_id, codes in by_lesson.items():
        saved = await _apply_attendance(
            session, actor, lesson_id, codes, now, merge=True, reasons_only=True
        )
        changed += saved.changed
    await session.commit()
    return changed
