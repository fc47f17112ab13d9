"""A lesson's details beside its topic: "no homework" chosen, and the kind of work.

The regulations ask the teacher to fill the topic, the kind of work ("тип задания") and the
homework on the day of the lesson, the homework "if homework is set": a lesson after which
nothing is set is marked so explicitly, and the journal's control and the fill-in reminders
count its homework column as filled. Homework for the class set later clears the choice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import WorkKind
from services.errors import ValidationFailed
from services.models import Homework, Lesson
from services.people.identity import Actor
from services.timetable.lesson_edits import editable_lesson
from services.unit_of_work import UnitOfWork

NO_HOMEWORK = "lesson.no_homework"
WORK_KIND = "lesson.work_kind"


def _touch(uow: UnitOfWork, lesson: Lesson) -> None:
    lesson.updated_at = uow.now
    lesson.updated_by_id = uow.actor.account_id


async def set_no_homework(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    on: bool = True,
    *,
    now: dt.datetime | None = None,
) -> Lesson:
    """Mark the lesson as one after which no homework is set (``on``), or take it back.

    Refused in the first grade (it has no homework at all) and while homework for the class
    is set (delete or replace it first: the two would contradict each other)."""
    async with UnitOfWork(session, actor, now) as uow:
        ctx = await editable_lesson(uow, lesson_id, records=False)
        lesson = ctx.lesson
        if ctx.cls.grade == 1:
            raise ValidationFailed("journal.first_grade_no_homework")
        if on:
            has_homework = await session.scalar(
                select(Homework.id)
                .where(Homework.lesson_id == lesson.id, Homework.student_id.is_(None))
                .limit(1)
            )
            if has_homework is not None:
                raise ValidationFailed("details.no_homework_but_set")
        if bool(lesson.no_homework) == on:
            return lesson
        before = audit.snapshot(lesson, "no_homework")
        lesson.no_homework = on
        _touch(uow, lesson)
        uow.record(
            action=NO_HOMEWORK,
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after=audit.snapshot(lesson, "no_homework"),
        )
        return lesson


async def set_work_kind(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    work_kind: WorkKind | str | None,
    *,
    now: dt.datetime | None = None,
) -> Lesson:
    """The kind of work of the lesson (classwork, control work, test, lab…; None: none).
    It is the kind new marks of the lesson are given by default."""
    try:
        kind = WorkKind(work_kind) if work_kind is not None else None
    except ValueError:
        raise ValidationFailed("details.bad_work_kind") from None
    async with UnitOfWork(session, actor, now) as uow:
        lesson = (await editable_lesson(uow, lesson_id, records=False)).lesson
        if lesson.work_kind == kind:
            return lesson
        before = audit.snapshot(lesson, "work_kind")
        lesson.work_kind = kind
        _touch(uow, lesson)
        uow.record(
            action=WORK_KIND,
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after=audit.snapshot(lesson, "work_kind"),
        )
        return lesson
