"""Homework: setting it on a lesson and the family's homework page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.errors import ValidationFailed
from services.homework.corrections import homework_corrected
from services.models import (
    Homework,
    HomeworkFile,
)
from services.people import policy
from services.people.context import StudentRef
from services.people.family import family_student, sections_for, today_for
from services.people.identity import Actor
from services.timetable import diary
from services.timetable.lesson_edits import ensure_unlocked, lesson_context, lesson_students
from services.unit_of_work import UnitOfWork, clean_text

# How far back homework set at an earlier lesson still counts for a day.
HOMEWORK_LOOKBACK = 21


@dataclass(frozen=True)
class HomeworkItem:
    subject: str
    text: str
    individual: bool
    set_on: dt.date  # the lesson at which it was set
    due_date: dt.date | None
    files: tuple[tuple[str, str, str | None], ...]


@dataclass
class HomeworkPage:
    student: StudentRef
    day: dt.date
    today: dt.date
    available: bool
    holiday: str | None
    weekend: bool
    subjects: list[str]  # the day's lessons, in order (cancelled ones left out)
    items: list[HomeworkItem]

    @property
    def files(self) -> list[tuple[str, str, str | None]]:
        return [f for item in self.items for f in item.files]


async def homework_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    day: dt.date,
    now: dt.datetime | None = None,
) -> HomeworkPage:
    """Homework to be ready on ``day``: due that day, or set at the latest earlier lesson of a
    subject the child has that day (when the teacher gave no due date)."""
    student = await family_student(session, actor, student_id)
    sections = await sections_for(session, actor, student.id)
    today = await today_for(session, actor, now)
    if not sections.homework:
        return HomeworkPage(student, day, today, False, None, False, [], [])
    await policy.ensure_can_view_student(session, actor, student.id, "homework")
    start = day - dt.timedelta(days=HOMEWORK_LOOKBACK)
    days = await diary.student_diary(session, actor, student.id, start, day)
    target = days[-1]
    subjects_today = [x for x in target.lessons if not x.cancelled]
    subject_ids = {x.subject_id for x in subjects_today}
    latest: dict[int, dt.date] = {}
    for d in days[:-1]:
        for lesson in d.lessons:
            if lesson.subject_id in subject_ids and any(
                h.due_date is None for h in lesson.homework
            ):
                latest[lesson.subject_id] = d.date
    items: list[HomeworkItem] = []
    seen: set[tuple[str, str]] = set()
    for d in days[:-1]:
        for lesson in d.lessons:
            for hw in lesson.homework:
                due = hw.due_date == day or (
                    hw.due_date is None and latest.get(lesson.subject_id) == d.date
                )
                if not due or (lesson.subject, hw.text) in seen:
                    continue
                seen.add((lesson.subject, hw.text))
                items.append(
                    HomeworkItem(
                        lesson.subject, hw.text, hw.individual, d.date, hw.due_date, hw.files
                    )
                )
    order = {x.subject: i for i, x in enumerate(subjects_today)}
    items.sort(key=lambda i: (order.get(i.subject, len(order)), i.set_on))
    names: list[str] = []
    for x in subjects_today:
        if x.subject not in names:
            names.append(x.subject)
    return HomeworkPage(
        student=student,
        day=day,
        today=today,
        available=True,
        holiday=target.holiday,
        weekend=target.weekend,
        subjects=names,
        items=items,
    )


MAX_HOMEWORK = 4000


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
    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.ensure_can_edit_lesson(session, actor, lesson_id)
        ctx = await lesson_context(session, lesson)
        if ctx.cls.grade == 1:
            raise ValidationFailed("journal.first_grade_no_homework")
        await ensure_unlocked(session, ctx, uow.now, records=False)
        body = clean_text(text, MAX_HOMEWORK, "homework")
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
            # Homework for the class replaces the "no homework" chosen before.
            lesson.no_homework = False
        saved: list[Homework] = []
        changed: list[tuple[Homework, bool]] = []
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
                    created_at=uow.now,
                    created_by_id=actor.account_id,
                )
                session.add(hw)
                await session.flush()
            else:
                hw.text = body or ""
                hw.due_date = due_date
                hw.updated_at = uow.now
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
            uow.record(
                action="homework.set",
                entity="homework",
                entity_id=hw.id,
                student_id=sid,
                before=before,
                after={"text": hw.text, "due_date": due_date, "files": len(files)},
            )
            saved.append(hw)
            if before != audit.snapshot(hw, "text", "due_date") or files:
                changed.append((hw, before is None))
        # Told to those who got the evening digest it belongs to, if it went out already.
        await homework_corrected(uow, lesson, changed)
        return saved
