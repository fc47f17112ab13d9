"""Use cases that change the journal: attendance, marks, topic, homework, unlocks.

Each is one transaction: check the access policy and the school's rules, change rows, write the
audit log and the outbox, commit once. Nothing is half-written: a rule that fails raises before
anything is flushed, and the caller's session is rolled back by the front end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import outbox
from services import audit, policy
from services.calendar import edit_deadline, load_calendar, period_on, school_today, year_on
from services.enums import DEFAULT_WEIGHTS, AttendanceCode, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.identity import Actor
from services.models import (
    AbsenceNotice,
    Attendance,
    Enrolment,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    Person,
    PlanItem,
    School,
    SchoolClass,
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


async def lesson_students(session: AsyncSession, lesson: Lesson) -> list[int]:
    """Students of the lesson's class (or subgroup) enrolled on the lesson's date."""
    q = select(Enrolment.student_id).where(
        Enrolment.class_id == lesson.class_id,
        Enrolment.arrived_on <= lesson.date,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > lesson.date),
    )
    if lesson.subgroup_id is not None:
        q = q.where(
            Enrolment.student_id.in_(
                select(SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id == lesson.subgroup_id
                )
            )
        )
    return list((await session.scalars(q)).all())


async def ensure_unlocked(
    session: AsyncSession,
    ctx: LessonContext,
    now: dt.datetime,
    *,
    records: bool,
    window: bool = True,
) -> None:
    """The school's rules for changing a lesson's record.

    ``records``: attendance and marks, which a lesson in the future cannot have yet.
    ``window``: the edit window applies (the class teacher's weekly reconciliation of absence
    reasons, seed 003 §4.5, is not bound by it; a closed period still is).
    """
    lesson, school = ctx.lesson, ctx.school
    today = school_today(school, now)
    if lesson.is_cancelled:
        raise ValidationFailed("journal.lesson_cancelled")
    if records and lesson.date > today:
        raise ValidationFailed("journal.lesson_in_future", date=lesson.date)
    await _refuse_archived(session, lesson)
    if lesson.unlocked_until is not None and now < lesson.unlocked_until:
        return
    period = await period_on(session, school.id, lesson.date)
    if period is not None and period.is_closed:
        raise ValidationFailed("journal.period_closed", period=period.name)
    if window and lesson.date <= today:
        calendar = await load_calendar(session, school)
        if now >= edit_deadline(school, calendar, lesson.date):
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


async def save_attendance(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    codes: Mapping[int, AttendanceCode | None],
    *,
    now: dt.datetime | None = None,
) -> AttendanceSaved:
    """Save the lesson's attendance: ``codes`` maps student id to a code (None = present).

    Students not in ``codes`` are present. Saving the same thing twice changes nothing; each
    change is audited per student. New absences queue an alert to the family after a grace
    window; a correction inside the window cancels it.
    """
    saved = await _apply_attendance(session, actor, lesson_id, codes, now or utcnow())
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
) -> AttendanceSaved:
    """The body of :func:`save_attendance`, without the commit.

    ``merge``: students not in ``codes`` keep what they have (instead of becoming present).
    ``reasons_only``: only changes between absence kinds (Н, Б, УП), by the class teacher or
    the lesson's teacher; the edit window does not apply to them (a closed period does).
    """
    lesson = await policy.load(session, actor, Lesson, lesson_id)
    teaching = True
    try:
        await policy.ensure_can_edit_lesson(session, actor, lesson_id)
    except AccessDenied:
        # The class teacher may only turn Н into a reason (Б, УП), not take attendance.
        if not await policy.can_set_absence_reason(session, actor, lesson):
            raise
        teaching = False
    if reasons_only:
        teaching = False
    ctx = await _context(session, lesson)
    await ensure_unlocked(session, ctx, now, records=True, window=not reasons_only)

    students = set(await lesson_students(session, lesson))
    unknown = [sid for sid in codes if sid not in students]
    if unknown:
        raise policy.deny(actor, "attendance_student", lesson_id=lesson_id, students=unknown)

    existing = {
        a.student_id: a
        for a in (
            await session.scalars(select(Attendance).where(Attendance.lesson_id == lesson.id))
        ).all()
    }
    wanted: dict[int, AttendanceCode | None] = {sid: None for sid in students}
    if not teaching or merge:
        # Only the codes given, and only between absence kinds.
        wanted = {sid: (existing[sid].code if sid in existing else None) for sid in students}
    for sid, code in codes.items():
        wanted[sid] = AttendanceCode(code) if code is not None else None
    if not teaching:
        for sid, code in codes.items():
            before = existing[sid].code if sid in existing else None
            absence_kinds = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)
            if before not in absence_kinds or code not in absence_kinds:
                raise policy.deny(actor, "attendance_reason", lesson_id=lesson_id, student=sid)

    notices = await _notices_on(session, lesson)
    changed = 0
    for sid in sorted(students):
        row = existing.get(sid)
        before_code = row.code if row is not None else None
        after_code = wanted[sid]
        if before_code == after_code:
            continue
        changed += 1
        if after_code is None:
            assert row is not None
            await session.delete(row)
        elif row is None:
            session.add(
                Attendance(
                    school_id=lesson.school_id,
                    lesson_id=lesson.id,
                    student_id=sid,
                    code=after_code,
                    notice_id=notices.get(sid),
                    created_at=now,
                    created_by_id=actor.account_id,
                )
            )
        else:
            row.code = after_code
            row.updated_at = now
            row.updated_by_id = actor.account_id
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
        await _absence_alerts(session, ctx, sid, before_code, after_code, now, notices)
    if teaching and not merge and lesson.attendance_taken_at is None:
        lesson.attendance_taken_at = now
        lesson.attendance_taken_by_id = actor.account_id
    lesson.updated_at = now if changed else lesson.updated_at
    await session.flush()
    absent = sum(1 for c in wanted.values() if c is not None and c != AttendanceCode.LATE)
    late = sum(1 for c in wanted.values() if c == AttendanceCode.LATE)
    return AttendanceSaved(lesson.id, changed, absent, late)


async def _notices_on(session: AsyncSession, lesson: Lesson) -> dict[int, int]:
    rows = (
        await session.execute(
            select(AbsenceNotice.student_id, AbsenceNotice.id).where(
                AbsenceNotice.school_id == lesson.school_id,
                AbsenceNotice.date_from <= lesson.date,
                AbsenceNotice.date_to >= lesson.date,
                AbsenceNotice.cancelled_at.is_(None),
            )
        )
    ).all()
    return {sid: nid for sid, nid in rows}


async def _absence_alerts(
    session: AsyncSession,
    ctx: LessonContext,
    student_id: int,
    before: AttendanceCode | None,
    after: AttendanceCode | None,
    now: dt.datetime,
    notices: Mapping[int, int],
) -> None:
    recipients = await outbox.family_recipients(session, student_id, "attendance")
    keys = {g: f"absence:{ctx.lesson.id}:{student_id}:{g}" for g in recipients}
    if after is None or (after != AttendanceCode.ABSENT and after != AttendanceCode.LATE):
        # Present again, or a reason was given: a pending alert is no longer news.
        if after is None:
            await outbox.cancel_pending(session, keys.values())
        return
    if student_id in notices:
        return  # the family announced it themselves (seed 000 §3.2)
    for guardian_id, key in keys.items():
        await outbox.enqueue(
            session,
            school_id=ctx.lesson.school_id,
            recipient_person_id=guardian_id,
            kind="attendance.absent" if after == AttendanceCode.ABSENT else "attendance.late",
            dedup_key=key,
            payload={**_lesson_payload(ctx), "student_id": student_id, "code": after.value},
            not_before=now + outbox.ABSENCE_GRACE,
            urgent=True,
            revive_cancelled=True,
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
