"""The shell of every lesson edit: the lesson's context, its lock and unlock, the students on it,
text rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ScalarSelect,
    Select,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services import audit
from services.calendar import (
    SchoolCalendar,
    edit_deadline,
    load_calendar,
    school_today,
    year_on,
)
from services.errors import ValidationFailed
from services.models import (
    Enrolment,
    Lesson,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    SubgroupMember,
    Subject,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.diary import enrolled_during
from services.unit_of_work import UnitOfWork, clean_text

MAX_REASON = 500


@dataclass(frozen=True)
class LessonContext:
    lesson: Lesson
    school: School
    cls: SchoolClass
    subject: Subject


async def lesson_context(session: AsyncSession, lesson: Lesson) -> LessonContext:
    """The lesson with its school, class and subject (found in the session when loaded)."""
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
    q = select(Enrolment.student_id).where(Enrolment.class_id == class_id, enrolled_during(day))
    if subgroup_id is not None:
        q = q.where(
            Enrolment.student_id.in_(
                select(SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id == subgroup_id, SubgroupMember.during(day)
                )
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

    def name_if(model: Any, condition: Any) -> ScalarSelect[str]:
        """The name of the first year or period of the school containing the day, if
        ``condition`` holds for it."""
        span = aliased(model)
        first = (
            select(span.id)
            .where(span.school_id == school_id, span.starts_on <= day, span.ends_on >= day)
            .limit(1)
            .correlate(Lesson)
            .scalar_subquery()
        )
        return (
            select(model.name)
            .where(model.id == first, condition)
            .correlate(Lesson)
            .scalar_subquery()
        )

    return (
        name_if(SchoolYear, SchoolYear.archived_at.is_not(None)),
        name_if(StudyPeriod, StudyPeriod.is_closed),
    )


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


def lesson_payload(ctx: LessonContext) -> dict[str, object]:
    """What an alert about the lesson carries of it."""
    return {
        "lesson_id": ctx.lesson.id,
        "date": ctx.lesson.date.isoformat(),
        "lesson_number": ctx.lesson.lesson_number,
        "subject": ctx.subject.name,
        "class": ctx.cls.name,
    }


def require_reason(reason: str | None) -> str:
    """The reason a correction needs: required, at most MAX_REASON characters."""
    cleaned = clean_text(reason, MAX_REASON, "reason")
    if not cleaned:
        raise ValidationFailed("journal.reason_required")
    return cleaned


async def editable_lesson(uow: UnitOfWork, lesson_id: int, *, records: bool) -> LessonContext:
    """The shell of a lesson edit: the lesson the actor may edit, its context, and the school's
    rules for changing it (:func:`ensure_unlocked`; ``records``: attendance and marks)."""
    lesson = await policy.ensure_can_edit_lesson(uow.session, uow.actor, lesson_id)
    ctx = await lesson_context(uow.session, lesson)
    await ensure_unlocked(uow.session, ctx, uow.now, records=records)
    return ctx


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
    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.load(session, actor, Lesson, lesson_id)
        policy.ensure_can_unlock(actor, lesson)
        await _refuse_archived(session, lesson)
        why = require_reason(reason)
        if not 1 <= hours <= 24 * 14:
            raise ValidationFailed("journal.unlock_hours")
        before = audit.snapshot(lesson, "unlocked_until")
        lesson.unlocked_until = uow.now + dt.timedelta(hours=hours)
        uow.record(
            action="lesson.unlock",
            entity="lesson",
            entity_id=lesson.id,
            before=before,
            after=audit.snapshot(lesson, "unlocked_until"),
            reason=why,
        )
        return lesson
