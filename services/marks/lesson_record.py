"""Recording a whole lesson at once: attendance and marks in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance.roll_call import AttendanceSaved, _apply_attendance
from services.enums import (
    AttendanceCode,
    WorkKind,
)
from services.errors import ValidationFailed
from services.marks.marking import _check_new_marks, _new_mark, _no_marks_in_first_grade
from services.models import (
    Mark,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.lesson_edits import _context, ensure_unlocked, lesson_students


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
