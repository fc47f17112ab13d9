"""Recording a whole lesson at once: attendance and marks in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance.roll_call import AttendanceSaved, apply_attendance
from services.enums import (
    AttendanceCode,
    WorkKind,
)
from services.errors import ValidationFailed
from services.marks.marking import check_new_marks, new_mark, no_marks_in_first_grade
from services.marks.weights import school_weights
from services.models import (
    Mark,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.lesson_edits import ensure_unlocked, lesson_context, lesson_students
from services.unit_of_work import UnitOfWork


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
    The limits of :func:`check_new_marks` apply; ``for_absent``: the teacher confirmed marks
    for students marked absent (before or in this very entry).
    """
    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
        ctx = await lesson_context(session, lesson)
        if marks:
            no_marks_in_first_grade(ctx)
        await ensure_unlocked(session, ctx, uow.now, records=True)
        if not marks and not absences:
            raise ValidationFailed("quick.nothing_to_save")
        students = set(await lesson_students(session, lesson))
        await check_new_marks(
            session,
            ctx,
            students,
            (sid for sid, _, _ in marks),
            absences=absences,
            for_absent=for_absent,
        )
        weights = await school_weights(session, lesson.school_id) if marks else {}
        created = [
            await new_mark(uow, ctx, students, sid, value, kind, weights[WorkKind(kind)], None)
            for sid, value, kind in marks
        ]
        saved = None
        if absences:
            saved = await apply_attendance(uow, lesson_id, dict(absences), merge=True)
        return LessonRecorded(created, saved)
