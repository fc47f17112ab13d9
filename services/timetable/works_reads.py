"""The control works' schedule as a family sees it: the agreed control works of the child's
class in the current study period — the coming ones by date, the past ones with the child's
mark for the work — and the heads-up for the week ahead (the weekly summary).

The regulations ask that the forms of control and their schedule be shown to students and
parents (docs/regulations.md: "forms of control shown to families"); a work counts once the
deputy has agreed its date (``ControlWork.agreed_at``): a proposal is not a schedule.

Who sees the schedule: the parents and the student themselves; a trusted person only when the
parent allowed them marks or homework (``WORKS_SCOPES``: the works are the other side of both —
their dates to prepare for, their results), and the marks only with the marks scope.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import is_all_day, school_today
from services.enums import GuardianKind, NewsKind, WorkKind
from services.models import (
    ControlWork,
    Enrolment,
    Lesson,
    Mark,
    News,
    School,
    StudyPeriod,
    Subject,
)
from services.people import policy
from services.people.context import StudentRef
from services.people.family import family_read
from services.people.identity import Actor
from services.school.school_days import current_period
from services.timetable.diary import enrolled_during, event_title

# A trusted person sees the control works' schedule with either of these scopes.
WORKS_SCOPES = frozenset({"marks", "homework"})


@dataclass(frozen=True)
class WorkView:
    id: int
    date: dt.date
    subject: str
    kind: WorkKind
    title: str | None
    marks: tuple[int, ...] = ()  # the child's marks for the work (past works)


@dataclass(frozen=True)
class WorksPage:
    student: StudentRef
    today: dt.date
    period: StudyPeriod | None
    coming: list[WorkView]
    past: list[WorkView]
    show_marks: bool


def _allowed(link_kind: GuardianKind | None, permissions: list[str] | None) -> tuple[bool, bool]:
    """(sees the schedule, sees the marks) for a link to the child (None: a parent or the
    student)."""
    if link_kind != GuardianKind.TRUSTED:
        return True, True
    allowed = set(permissions or [])
    return bool(allowed & WORKS_SCOPES), "marks" in allowed


async def works_page(
    session: AsyncSession, actor: Actor, student_id: int, now: dt.datetime | None = None
) -> WorksPage:
    """The child's control works of the current study period (in the holidays: the period just
    ended). Another family's child is refused like a forged id; a trusted person without the
    marks or homework scope is refused. Four statements: the child with the school, the
    period, the works with the child's marks, and (in the holidays) the year's periods."""
    read = await family_read(session, actor, student_id)
    link = read.access.link  # the reader's guardianship of the child; None: the student
    sees, sees_marks = _allowed(
        link.kind if link is not None else None, link.permissions if link is not None else None
    )
    if not sees:
        raise policy.deny(actor, "control_works", student_id=student_id)
    today = school_today(read.school, now)
    period = await current_period(session, read.school, today)
    if period is None:
        return WorksPage(read.student, today, None, [], [], sees_marks)
    works = await student_works(
        session, student_id, period.starts_on, period.ends_on, with_marks=sees_marks
    )
    coming = [w for w in works if w.date >= today]
    past = [w for w in works if w.date < today]
    return WorksPage(read.student, today, period, coming, past, sees_marks)


async def student_works(
    session: AsyncSession,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    with_marks: bool = True,
) -> list[WorkView]:
    """The agreed control works of the classes the student was in on each work's date, from
    ``date_from`` to ``date_to``, by date; with the student's marks of the work's kind at the
    lessons of that subject on that day. One statement (the marks joined, grouped here)."""
    mark_on = and_(
        Lesson.class_id == ControlWork.class_id,
        Lesson.subject_id == ControlWork.subject_id,
        Lesson.date == ControlWork.date,
    )
    query = (
        select(ControlWork, Subject.name, Mark.id, Mark.value)
        .join(
            Enrolment,
            and_(
                Enrolment.class_id == ControlWork.class_id,
                Enrolment.student_id == student_id,
                enrolled_during(ControlWork.date),
            ),
        )
        .join(Subject, Subject.id == ControlWork.subject_id)
        .outerjoin(Lesson, mark_on if with_marks else and_(mark_on, Lesson.id.is_(None)))
        .outerjoin(
            Mark,
            and_(
                Mark.lesson_id == Lesson.id,
                Mark.student_id == student_id,
                Mark.work_kind == ControlWork.kind,
            ),
        )
        .where(
            ControlWork.agreed_at.is_not(None),
            ControlWork.date >= date_from,
            ControlWork.date <= date_to,
        )
        .order_by(ControlWork.date, Subject.name, ControlWork.id, Mark.id)
    )
    works: dict[int, WorkView] = {}
    seen: set[int] = set()  # a mark once (two enrolments in one class on a date)
    for cw, subject, mark_id, value in (await session.execute(query)).all():
        known = works.get(cw.id)
        if known is None:
            known = WorkView(cw.id, cw.date, subject, cw.kind, cw.title)
        if mark_id is not None and mark_id not in seen:
            seen.add(mark_id)
            known = WorkView(
                known.id, known.date, known.subject, known.kind, known.title, (*known.marks, value)
            )
        works[cw.id] = known
    return list(works.values())


async def week_ahead(
    session: AsyncSession,
    school_ids: list[int],
    students: list[int] | None,
    date_from: dt.date,
    date_to: dt.date,
) -> dict[int, list[dict[str, Any]]]:
    """The weekly summary's heads-up: per student, the agreed control works of their class
    and the class events and dated school news from ``date_from`` to ``date_to``, by date, as
    the summary's payload holds them. ``students``: the chunk's children (None: every student
    of the schools). Two statements whatever the number of families."""
    enrolled = and_(
        Enrolment.school_id.in_(school_ids),
        Enrolment.arrived_on <= date_to,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > date_from),
    )
    if students is not None:
        enrolled = and_(enrolled, Enrolment.student_id.in_(students))
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    works = (
        select(
            Enrolment.student_id,
            ControlWork.id,
            ControlWork.date,
            Subject.name,
            ControlWork.kind,
            ControlWork.title,
        )
        .join(Enrolment, and_(Enrolment.class_id == ControlWork.class_id, enrolled))
        .join(Subject, Subject.id == ControlWork.subject_id)
        .where(
            ControlWork.school_id.in_(school_ids),
            ControlWork.agreed_at.is_not(None),
            ControlWork.date >= date_from,
            ControlWork.date <= date_to,
            Enrolment.arrived_on <= ControlWork.date,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > ControlWork.date),
        )
    )
    seen: set[tuple[int, str, int]] = set()
    for sid, work_id, day, subject, kind, title in (await session.execute(works)).all():
        if (sid, "w", work_id) in seen:
            continue
        seen.add((sid, "w", work_id))
        item = {"date": day.isoformat(), "subject": subject, "kind": str(kind.value)}
        if title:
            item["title"] = title
        out[sid].append((day, "", 0, subject, work_id, item))
    # Events: wide UTC bounds (the schools' zones differ), the local day checked below.
    start = dt.datetime.combine(date_from - dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time(0), tzinfo=dt.UTC)
    events = (
        select(
            Enrolment.student_id,
            News.id,
            News.event_at,
            News.title,
            News.body,
            School.timezone,
        )
        .join(
            Enrolment,
            and_(
                enrolled,
                Enrolment.school_id == News.school_id,
                or_(News.kind == NewsKind.SCHOOL_NEWS, News.class_id == Enrolment.class_id),
            ),
        )
        .join(School, School.id == News.school_id)
        .where(News.school_id.in_(school_ids), News.event_at >= start, News.event_at < end)
    )
    for sid, news_id, at, title, body, zone in (await session.execute(events)).all():
        if at is None or (sid, "e", news_id) in seen:
            continue
        local = at.astimezone(ZoneInfo(zone))
        if not date_from <= local.date() <= date_to:
            continue
        seen.add((sid, "e", news_id))
        # an all-day event: no time (before the day's timed events, after its works)
        time = "" if is_all_day(local) else local.strftime("%H:%M")
        event: dict[str, Any] = {"date": local.date().isoformat()}
        if time:
            event["time"] = time
        else:
            event["all_day"] = True
        event["title"] = event_title(title, body)
        out[sid].append((local.date(), time, 1, "", news_id, event))
    return {
        sid: [entry[-1] for entry in sorted(items, key=lambda e: e[:5])]
        for sid, items in out.items()
    }
