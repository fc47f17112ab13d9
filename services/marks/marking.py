"""Marking a lesson: put, change and delete a mark, and the mark alerts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import (
    AttendanceCode,
    WorkKind,
)
from services.errors import ValidationFailed
from services.marks.quickmarks import NOT_PRESENT
from services.marks.weights import default_weight
from services.models import (
    Attendance,
    Mark,
    Person,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable.lesson_edits import (
    LessonContext,
    editable_lesson,
    ensure_unlocked,
    lesson_context,
    lesson_payload,
    lesson_students,
    require_reason,
)
from services.unit_of_work import UnitOfWork, clean_text

MAX_COMMENT = 500


def no_marks_in_first_grade(ctx: LessonContext) -> None:
    """The first grade is not marked (seed 002)."""
    if ctx.cls.grade == 1:
        raise ValidationFailed("journal.first_grade_no_marks")


def _check_value(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValidationFailed("journal.mark_value")
    return value


def _check_weight(weight: int) -> int:
    if not 1 <= weight <= 10:
        raise ValidationFailed("journal.mark_weight")
    return weight


async def _mark_alerts(
    uow: UnitOfWork,
    ctx: LessonContext,
    mark: Mark,
    event: str,
    audit_id: int,
    extra: dict[str, object],
) -> None:
    for guardian_id in await outbox.family_recipients(uow.session, mark.student_id, "marks"):
        await outbox.enqueue(
            uow.session,
            not_before=uow.now,
            school_id=mark.school_id,
            recipient_person_id=guardian_id,
            kind=f"mark.{event}",
            dedup_key=f"mark.{event}:{mark.id}:{audit_id}:{guardian_id}",
            payload={
                **lesson_payload(ctx),
                "student_id": mark.student_id,
                "mark_id": mark.id,
                "value": mark.value,
                "work_kind": mark.work_kind.value,
                **extra,
            },
        )


async def _audited(
    uow: UnitOfWork,
    ctx: LessonContext,
    mark: Mark,
    action: str,
    event: str,
    extra: dict[str, object],
    **audit_fields: object,
) -> None:
    """The audit entry of a mark's change (``action``) and the family's alerts of it."""
    entry = await uow.recorded(
        action=action,
        entity="mark",
        entity_id=mark.id,
        student_id=mark.student_id,
        **audit_fields,
    )
    await _mark_alerts(uow, ctx, mark, event, entry.id, extra)


async def _editable_mark(
    uow: UnitOfWork, mark_id: int, reason: str
) -> tuple[Mark, LessonContext, str]:
    """A mark the actor may correct, its lesson (open for edits) and the required reason."""
    mark = await policy.load(uow.session, uow.actor, Mark, mark_id)
    ctx = await editable_lesson(uow, mark.lesson_id, records=True)
    return mark, ctx, require_reason(reason)


async def _student_name(session: AsyncSession, student_id: int) -> str:
    person = await session.get(Person, student_id)
    return person.short_name if person is not None else ""


async def check_new_marks(
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
    :func:`new_mark`, without naming anyone.
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
    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
        ctx = await lesson_context(session, lesson)
        no_marks_in_first_grade(ctx)
        await ensure_unlocked(session, ctx, uow.now, records=True)
        students = set(await lesson_students(session, lesson))
        await check_new_marks(session, ctx, students, [student_id], for_absent=for_absent)
        return await new_mark(uow, ctx, students, student_id, value, work_kind, weight, comment)


async def new_mark(
    uow: UnitOfWork,
    ctx: LessonContext,
    students: set[int],
    student_id: int,
    value: int,
    work_kind: WorkKind,
    weight: int | None,
    comment: str | None,
) -> Mark:
    """A new mark with its audit entry and family alerts, in the unit's transaction."""
    lesson = ctx.lesson
    _check_value(value)
    kind = WorkKind(work_kind)
    if weight is None:
        weight = await default_weight(uow.session, lesson.school_id, kind)
    w = _check_weight(weight)
    if student_id not in students:
        raise policy.deny(uow.actor, "mark_student", lesson_id=lesson.id, student_id=student_id)
    mark = Mark(
        school_id=lesson.school_id,
        lesson_id=lesson.id,
        student_id=student_id,
        value=value,
        work_kind=kind,
        weight=w,
        comment=clean_text(comment, MAX_COMMENT, "comment"),
        created_at=uow.now,
        created_by_id=uow.actor.account_id,
    )
    uow.session.add(mark)
    await uow.session.flush()
    after = audit.snapshot(mark, "lesson_id", "value", "work_kind", "weight", "comment")
    await _audited(uow, ctx, mark, "mark.create", "new", {}, after=after)
    return mark


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
    async with UnitOfWork(session, actor, now) as uow:
        mark, ctx, why = await _editable_mark(uow, mark_id, reason)
        before = audit.snapshot(mark, "value", "work_kind", "weight", "comment")
        if value is not None:
            mark.value = _check_value(value)
        if work_kind is not None:
            mark.work_kind = WorkKind(work_kind)
        if weight is not None:
            mark.weight = _check_weight(weight)
        if comment is not None:
            mark.comment = clean_text(comment, MAX_COMMENT, "comment")
        after = audit.snapshot(mark, "value", "work_kind", "weight", "comment")
        if after == before:
            return mark
        mark.updated_at = uow.now
        mark.updated_by_id = actor.account_id
        extra = {"before": before["value"], "reason": why}
        await _audited(
            uow, ctx, mark, "mark.change", "changed", extra, before=before, after=after, reason=why
        )
        return mark


async def delete_mark(
    session: AsyncSession,
    actor: Actor,
    mark_id: int,
    *,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    async with UnitOfWork(session, actor, now) as uow:
        mark, ctx, why = await _editable_mark(uow, mark_id, reason)
        before = audit.snapshot(mark, "lesson_id", "value", "work_kind", "weight", "comment")
        extra: dict[str, object] = {"reason": why}
        await _audited(uow, ctx, mark, "mark.delete", "deleted", extra, before=before, reason=why)
        await session.delete(mark)


async def set_mark_details(
    session: AsyncSession,
    actor: Actor,
    mark_id: int,
    *,
    weight: int | None = None,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> Mark:
    """A mark's weight (1–10, chosen instead of the school's default for its kind of work) and
    its comment ("" clears it), while its lesson is open for edits. Unlike a correction of the
    value, no reason is asked; the change is audited, and the diary shows the comment."""
    async with UnitOfWork(session, actor, now) as uow:
        mark = await policy.load(uow.session, uow.actor, Mark, mark_id)
        await editable_lesson(uow, mark.lesson_id, records=True)
        before = audit.snapshot(mark, "weight", "comment")
        if weight is not None:
            mark.weight = _check_weight(weight)
        if comment is not None:
            mark.comment = clean_text(comment, MAX_COMMENT, "comment")
        after = audit.snapshot(mark, "weight", "comment")
        if after != before:
            mark.updated_at = uow.now
            mark.updated_by_id = actor.account_id
            uow.record(
                action="mark.details",
                entity="mark",
                entity_id=mark.id,
                student_id=mark.student_id,
                before=before,
                after=after,
            )
        return mark
