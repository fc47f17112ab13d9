"""The roll call: saving attendance and the absence alerts it queues."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Table,
    case,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance.alert_kinds import ABSENT, LATE, WITHDRAWN
from services.calendar import school_today
from services.enums import (
    AttendanceCode,
    GuardianKind,
    OutboxStatus,
    WorkKind,
)
from services.errors import ValidationFailed
from services.models import (
    Attendance,
    AuditEntry,
    Guardianship,
    Lesson,
    OutboxMessage,
    Person,
    utcnow,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable import lesson_sheet
from services.timetable.lesson_edits import (
    MAX_REASON,
    LessonContext,
    LockFacts,
    ensure_unlocked,
    lesson_payload,
)
from services.unit_of_work import UnitOfWork, clean_text


@dataclass(frozen=True)
class AttendanceSaved:
    lesson_id: int
    changed: int
    absent: int
    late: int
    # The lesson as its sheet shows it after the save (``with_sheet=True``), built from what
    # the save read and wrote: the card shown after "save" reads nothing again.
    sheet: lesson_sheet.LessonSheet | None = None


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
    reason: str | None = None,
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
    async with UnitOfWork(session, actor, now) as uow:
        return await apply_attendance(
            uow,
            lesson_id,
            codes,
            as_teacher=as_teacher,
            drop_unknown=drop_unknown,
            with_sheet=with_sheet,
            reason=reason,
        )


def late_correction(ctx: LessonContext, now: dt.datetime) -> bool:
    """A change of a roll call already taken, made after the lesson's day (school time)."""
    return ctx.lesson.attendance_taken_at is not None and ctx.lesson.date < school_today(
        ctx.school, now
    )


async def apply_attendance(
    uow: UnitOfWork,
    lesson_id: int,
    codes: Mapping[int, AttendanceCode | None],
    *,
    merge: bool = False,
    reasons_only: bool = False,
    as_teacher: bool = False,
    drop_unknown: bool = False,
    with_sheet: bool = False,
    reason: str | None = None,
) -> AttendanceSaved:
    """The body of :func:`save_attendance`, in the unit's transaction.

    ``reason``: why the lesson's teacher corrects a roll call already taken after the
    lesson's day (required then, refused with ``changes.attendance_reason`` without one, and
    kept in each audit entry); the class teacher's reasons of absence need none.

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
    session, actor, now = uow.session, uow.actor, uow.now
    head_rows = await lesson_sheet.sheet_head(session, lesson_id)
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
                _roster_query(lesson.subgroup_id is not None), lesson_sheet.roster_params(lesson)
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
    why = None
    if changes and teaching and not merge and late_correction(ctx, now):
        # A roll call corrected after the lesson's day: the teacher says why (the office's
        # change log shows it beside the change).
        why = clean_text(reason, MAX_REASON, "reason")
        if not why:
            raise ValidationFailed("changes.attendance_reason")
    if changes:
        await _write_attendance(session, actor, lesson, changes, notices, now)
        await _audit_many(
            session,
            [
                uow.record(
                    action="attendance.set",
                    entity="lesson",
                    entity_id=lesson.id,
                    student_id=sid,
                    before={"code": before_code},
                    after={"code": after_code},
                    reason=why,
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
        homework, individual = lesson_sheet.homework_of(lesson_sheet.head_homework(head_rows))
        sheet = await lesson_sheet.sheet_of(
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
        lesson_sheet.sheet_roster_query(subgroup)
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
            guardian_id, guardian_kind, permissions = row[-3:]  # the roster's columns, then these
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
    ) -> tuple[lesson_sheet.SheetStudent, ...]:
        """The sheet's students with ``codes`` (what the save left in the journal)."""
        out = []
        for sid, (last, first, middle, family_reason) in self.people.items():
            notice = self.notices.get(sid)
            code = codes.get(sid)
            out.append(
                lesson_sheet.SheetStudent(
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
                        lesson_sheet.SheetMark(mark_id, value, kind)
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
    window, unless the family announced it (one still pending takes the new code); present
    again cancels what is still pending. A reason given (Б, УП) leaves them as they are.

    An alert that already went out is corrected once instead (``attendance.withdrawn``):
    present again → "the absence (lateness) withdrawn", absent → late → "marked late". The
    statement that cancels the pending alerts and the one that queues them tell which had gone
    out, so the corrections cost a statement only when there is one to queue: three at most,
    however many students, while no alert of the lesson had gone out yet.

    A withdrawal that went out starts a new generation of the student's alerts at the lesson
    (:func:`_generations`): absent once more after it is a new fact, told again under keys
    of that generation (and withdrawn again under them). An alert that went out brings one
    read of the generations and, when some are past the first, a cancel and a queue more."""
    alert = [
        (sid, after)
        for sid, _, after in changes
        if after in (AttendanceCode.ABSENT, AttendanceCode.LATE) and sid not in notices
    ]
    cancel = [sid for sid, _, after in changes if after is None]
    if not alert and not cancel:
        return
    lesson_id = ctx.lesson.id

    def key(student_id: int, guardian_id: int, gen: int = 0) -> str:
        first = f"absence:{lesson_id}:{student_id}:{guardian_id}"
        return first if gen == 0 else f"{first}:{gen}"

    def alert_row(sid: int, after: AttendanceCode, guardian_id: int, gen: int) -> dict[str, Any]:
        return {
            "school_id": ctx.lesson.school_id,
            "recipient_person_id": guardian_id,
            "kind": ABSENT.name if after == AttendanceCode.ABSENT else LATE.name,
            "dedup_key": key(sid, guardian_id, gen),
            "payload": {**lesson_payload(ctx), "student_id": sid, "code": after.value},
            "not_before": now + outbox.ABSENCE_GRACE,
            "urgent": True,
        }

    told = await _cancel_or_told(
        session, [key(sid, g) for sid in cancel for g in recipients.get(sid, [])]
    )
    queued = await _enqueue_reviving(
        session,
        [alert_row(sid, after, g, 0) for sid, after in alert for g in recipients.get(sid, [])],
        returning=True,
    )
    # The (student, recipient) pairs whose first alert had gone out: in a later generation
    # when a withdrawal went out since, whose own alert is what counts.
    present_gone = {
        (sid, g) for sid in cancel for g in recipients.get(sid, []) if key(sid, g) in told
    }
    alert_gone = {
        (sid, g) for sid, _ in alert for g in recipients.get(sid, []) if key(sid, g) not in queued
    }
    gens = await _generations(session, lesson_id, present_gone | alert_gone)
    if gens:
        told |= await _cancel_or_told(
            session, [key(sid, g, n) for (sid, g), n in gens.items() if (sid, g) in present_gone]
        )
        queued |= await _enqueue_reviving(
            session,
            [
                alert_row(sid, after, g, gens[sid, g])
                for sid, after in alert
                for g in recipients.get(sid, [])
                if (sid, g) in gens
            ],
            returning=True,
        )

    def gen(sid: int, guardian_id: int) -> int:
        return gens.get((sid, guardian_id), 0)

    before = {sid: b for sid, b, _ in changes}
    fixes = [
        _withdrawal(ctx, now, sid, g, before[sid], None, gen(sid, g))
        for sid in cancel
        if before[sid] in (AttendanceCode.ABSENT, AttendanceCode.LATE)
        for g in recipients.get(sid, [])
        if key(sid, g, gen(sid, g)) in told
    ]
    # Absent → late: the absence alert is not queued again when it had gone out (its row was
    # left as it was), and the family learns of the lateness as a correction.
    fixes += [
        _withdrawal(ctx, now, sid, g, AttendanceCode.ABSENT, AttendanceCode.LATE, gen(sid, g))
        for sid, after in alert
        if after == AttendanceCode.LATE and before[sid] == AttendanceCode.ABSENT
        for g in recipients.get(sid, [])
        if key(sid, g, gen(sid, g)) not in queued
    ]
    await _enqueue_reviving(session, fixes)


async def _generations(
    session: AsyncSession, lesson_id: int, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """The generation of each (student, recipient) pair of ``pairs`` at the lesson, when past
    the first: how many withdrawals ("present again") went out to that recipient. One read
    (none without pairs), by recipient: the rows of one recipient's corrections are few."""
    if not pairs:
        return {}
    prefix = f"absence-fix:{lesson_id}:"
    keys = await session.scalars(
        select(OutboxMessage.dedup_key).where(
            OutboxMessage.recipient_person_id.in_(sorted({g for _, g in pairs})),
            OutboxMessage.kind == WITHDRAWN.name,
            OutboxMessage.status.in_((OutboxStatus.SENDING, OutboxStatus.SENT)),
            OutboxMessage.dedup_key.startswith(prefix, autoescape=True),
        )
    )
    out: dict[tuple[int, int], int] = {}
    for dedup_key in keys:
        # absence-fix:<lesson>:<student>:<recipient>:<what>[:<generation>]
        parts = dedup_key.split(":")
        pair = (int(parts[2]), int(parts[3]))
        if parts[4] == "present" and pair in pairs:
            out[pair] = out.get(pair, 0) + 1
    return out


def _withdrawal(
    ctx: LessonContext,
    now: dt.datetime,
    student_id: int,
    guardian_id: int,
    was: AttendanceCode | None,
    code: AttendanceCode | None,
    gen: int = 0,
) -> dict[str, Any]:
    """The correction of an alert that went out: once per lesson, student, recipient,
    correction (present again, or late instead of absent) and generation (:func:`_generations`)."""
    payload: dict[str, Any] = {
        **lesson_payload(ctx),
        "student_id": student_id,
        "was": was.value if was is not None else None,
    }
    if code is not None:
        payload["code"] = code.value
    what = code.value if code is not None else "present"
    return {
        "school_id": ctx.lesson.school_id,
        "recipient_person_id": guardian_id,
        "kind": WITHDRAWN.name,
        "dedup_key": f"absence-fix:{ctx.lesson.id}:{student_id}:{guardian_id}:{what}"
        + (f":{gen}" if gen else ""),
        "payload": payload,
        # The same grace as the alert: corrected back within it, nothing is told.
        "not_before": now + outbox.ABSENCE_GRACE,
        "urgent": True,
    }


# An alert the family was (or is being) told of.
_TOLD = (OutboxStatus.SENDING.value, OutboxStatus.SENT.value)


async def _cancel_or_told(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Cancel the alerts of ``keys`` still pending (``outbox.cancel_pending``) and return the
    keys of those that went out (being sent or sent), in one statement: the rows that went
    out are "updated" to the status they have, so that the statement returns them too."""
    if not keys:
        return set()
    table = cast(Table, OutboxMessage.__table__)
    status = table.c.status
    result = await session.execute(
        update(table)
        .where(
            table.c.dedup_key.in_(keys),
            status.in_((OutboxStatus.PENDING.value, *_TOLD)),
        )
        .values(
            status=case(
                (status == OutboxStatus.PENDING.value, OutboxStatus.CANCELLED.value),
                else_=status,
            )
        )
        .returning(table.c.dedup_key, status)
    )
    return {dedup_key for dedup_key, now_status in result.all() if now_status in _TOLD}


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


async def _enqueue_reviving(
    session: AsyncSession, rows: Sequence[dict[str, Any]], *, returning: bool = False
) -> set[str]:
    """``outbox.enqueue(..., revive_cancelled=True)`` of many alerts in one statement: a new
    row per dedup key, or a row of the same event not gone out yet (cancelled, or pending)
    armed with the new kind, payload and time; a row already sent (or being sent) is left as
    it is. ``returning``: the dedup keys queued or armed (those not returned had gone out)."""
    if not rows:
        return set()
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
    upsert = stmt.on_conflict_do_update(
        index_elements=["dedup_key"],
        set_={
            "status": OutboxStatus.PENDING.value,
            "kind": stmt.excluded.kind,
            "not_before": stmt.excluded.not_before,
            "payload": stmt.excluded.payload,
        },
        where=or_(
            stmt.table.c.status == OutboxStatus.CANCELLED.value,
            stmt.table.c.status == OutboxStatus.PENDING.value,
        ),
    )
    if not returning:
        await session.execute(upsert, values)
        return set()
    result = await session.execute(upsert.returning(stmt.table.c.dedup_key), values)
    return set(result.scalars().all())
