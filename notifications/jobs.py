"""Scheduled jobs: homework for tomorrow, weekly summary, fill-in reminders, monthly activity.

Every job runs per school, in the school's own time zone, and is idempotent twice over:

- a run is a :class:`~services.models.SchedulerRun` row unique by ``(job, run_key)``
  (``run_key`` = school and local date), inserted in the *same transaction* as the outbox rows
  the job queues — a crash leaves neither, a second process finds the key and skips;
- every queued alert has a deterministic dedup key.

:func:`run_due` is what the scheduler's tick calls: for each school it runs each job whose local
time has come and whose catch-up window has not passed, so a restart (or a missed tick) neither
skips nor repeats a run. Jobs receive only ids and load what they need when they run.

The weekly summary and tomorrow's homework reach every family of a school (2M and 1M rows for a
region), the evening-before reminder of a dated school news item every family, student and member
of staff: they queue one fan-out row per school (kind ``fanout``, no recipient) and the delivery
worker expands it into the families' rows a chunk at a time as it sends them (:func:`expand`),
with the same dedup keys and payloads the job itself would have queued.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.early_warning import job as early_warning
from services.enums import GuardianKind, OutboxStatus, Role
from services.homework.alert_kinds import HOMEWORK_TOMORROW
from services.marks import reminders
from services.marks.alert_kinds import REMINDER_CONTROL_RESULTS, REMINDER_PERIOD_MARKS
from services.messages import event_reminders
from services.messages.event_reminders import EVENT_REMINDER
from services.models import (
    Account,
    Attendance,
    Enrolment,
    Guardianship,
    Holiday,
    Homework,
    Lesson,
    Mark,
    MessengerBinding,
    NotificationPrefs,
    OutboxMessage,
    Person,
    RoleGrant,
    SchedulerRun,
    School,
    SchoolClass,
    SubgroupMember,
    Subject,
    Substitution,
    utcnow,
)
from services.notifications import outbox
from services.notifications.alert_kinds import (
    REMINDER_FILL,
    REPORT_ACTIVITY,
    REPORT_UNFILLED,
    SUMMARY_WEEKLY,
)
from services.notifications.kinds import FANOUT
from services.school.calendar import SchoolCalendar
from services.timetable.works_reads import week_ahead

log = logging.getLogger(__name__)

# A job runs for a batch of schools at once (one set of queries for all of them) and returns
# how many alerts it queued for each school.
JobFn = Callable[[AsyncSession, list[School], dt.date, dt.datetime], Awaitable[dict[int, int]]]

# Schools per transaction: each batch commits on its own and the scheduler yields to the event
# loop between batches (and between schools while building the alerts).
BATCH_SCHOOLS = 10
# Jobs that read a few rows per school (a day's lessons, counts) take bigger batches.
LIGHT_BATCH = 50


@dataclass(frozen=True)
class JobSpec:
    name: str
    at: Callable[[School], dt.time]
    applies: Callable[[School, Any, dt.date], bool]  # (school, calendar, local date)
    fn: JobFn
    # How late a run may still happen (a process down at the due time catches up).
    window: dt.timedelta
    batch: int = BATCH_SCHOOLS


# --------------------------------------------------------------------------- helpers


def _names(rows: Any) -> dict[int, str]:
    return {pid: f"{first} {last}" for pid, first, last in rows}


async def _person_names(session: AsyncSession, school_ids: list[int], ids: Any) -> dict[int, str]:
    """Names of the persons ``ids`` (a collection, or a subquery of ids) of the schools."""
    return _names(
        await _rows(
            session,
            select(Person.id, Person.first_name, Person.last_name).where(
                Person.school_id.in_(school_ids), Person.id.in_(ids)
            ),
        )
    )


def _children(by_school: dict[int, dict[int, list[int]]]) -> set[int]:
    """Every child of school → person → children."""
    return {c for by in by_school.values() for cs in by.values() for c in cs}


async def _children_names(
    session: AsyncSession,
    school_ids: list[int],
    chunk: Chunk | None,
    children: set[int],
    everyone: Any,
) -> tuple[list[int] | None, dict[int, str]]:
    """The children a chunk reads (``None`` for a whole batch) and the names it needs: a chunk
    reads only its own children's, a whole batch the subquery ``everyone`` at once."""
    some = sorted(children) if chunk is not None else None
    return some, await _person_names(session, school_ids, everyone if some is None else some)


def _school_ids(schools: list[School]) -> list[int]:
    return [s.id for s in schools]


async def _family(
    session: AsyncSession, school_ids: list[int], scope: str
) -> dict[int, dict[int, list[int]]]:
    """School → guardian → children: parents, and trusted persons allowed ``scope``."""
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    async for school_id, gid, sid, kind, perms in _paced(
        await _rows(
            session,
            select(
                Guardianship.school_id,
                Guardianship.guardian_id,
                Guardianship.student_id,
                Guardianship.kind,
                Guardianship.permissions,
            )
            .where(Guardianship.school_id.in_(school_ids))
            .order_by(Guardianship.id),
        )
    ):
        if kind == GuardianKind.PARENT or scope in (perms or []):
            out[school_id][gid].append(sid)
    return out


def _classes_of(school_ids: list[int]) -> Any:
    """The classes of the schools: lessons are found through (class, date)."""
    return select(SchoolClass.id).where(SchoolClass.school_id.in_(school_ids))


def _enrolled_on(day: dt.date) -> Any:
    return and_(
        Enrolment.arrived_on <= day, or_(Enrolment.left_on.is_(None), Enrolment.left_on > day)
    )


async def _enqueue(
    session: AsyncSession, alerts: dict[int, list[dict[str, Any]]], now: dt.datetime
) -> dict[int, int]:
    """Queue the batch's alerts together (a statement per 500 rows); the count per school."""
    queue = [row for rows in alerts.values() for row in rows]
    for start in range(0, len(queue), 500):
        await outbox.enqueue_many(session, queue[start : start + 500], not_before=now)
        await _pause()
    return {school_id: len(rows) for school_id, rows in alerts.items()}


async def _rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    """A query's rows through the session's connection: plain rows, without the ORM's
    per-row loading (several times faster for the tens of thousands of rows a batch reads)."""
    connection = await session.connection()
    return (await connection.execute(statement)).all()


async def _paced(rows: Iterable[Any], every: int = 2000) -> AsyncIterator[Any]:
    """A result's rows (or any items), letting the event loop run every ``every`` of them."""
    for i, row in enumerate(rows):
        if i % every == every - 1:
            await _pause()
        yield row


async def _pause() -> None:
    """Let the event loop run other work (the bot's updates) between schools."""
    await asyncio.sleep(0)


# --------------------------------------------------------------------------- fan-out

# The kind of a fan-out row (services.notifications.kinds.FANOUT): one outbox row per school
# and digest (no recipient) that the delivery worker expands into the families' rows a chunk at
# a time as it sends them (notifications/worker.py), instead of the job queuing a row per family.


@dataclass(frozen=True)
class Chunk:
    """Which recipients of one school an expansion step builds: the persons after ``after`` in
    id order, at most ``limit`` of them."""

    school_id: int
    after: int | None
    limit: int

    def take(self, persons: Iterable[int]) -> tuple[list[int], int | None]:
        """The persons of this step and the cursor of the next one (None: nothing left)."""
        ordered = sorted(p for p in persons if self.after is None or p > self.after)
        if len(ordered) > self.limit:
            return ordered[: self.limit], ordered[self.limit - 1]
        return ordered, None


Alerts = dict[int, list[dict[str, Any]]]


def _fanout_rows(
    schools: list[School], kind: str, key: str, day: dt.date
) -> dict[int, list[dict[str, Any]]]:
    return {
        s.id: [
            {
                "school_id": s.id,
                "recipient_person_id": None,
                "kind": FANOUT,
                "dedup_key": f"fanout:{key}:{s.id}",
                "payload": {"kind": kind, "day": day.isoformat(), "after": None, "queued": 0},
            }
        ]
        for s in schools
    }


async def expand(
    session: AsyncSession, school_id: int, payload: dict[str, Any], limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """One step of a fan-out row's expansion: the rows of at most ``limit`` recipients after
    the cursor (``payload["after"]``), exactly as the job would have queued them, and the
    cursor of the next step (None: the fan-out is done)."""
    day = dt.date.fromisoformat(payload["day"])
    chunk = Chunk(school_id, payload.get("after"), limit)
    build = {
        SUMMARY_WEEKLY.name: _weekly_alerts,
        HOMEWORK_TOMORROW.name: _homework_alerts,
        EVENT_REMINDER.name: _event_alerts,
    }
    alerts, cursor = await build[payload["kind"]](session, [school_id], day, chunk)
    return alerts.get(school_id, []), cursor


# --------------------------------------------------------------------------- event reminders


async def event_reminder_fanout(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """The scheduled job: one fan-out row per school with an event tomorrow (one statement
    finds them), expanded by the delivery worker into the rows of
    services.messages.event_reminders.run — a dated school news item reaches every family,
    student and member of staff of its school."""
    due = await event_reminders.schools_due(session, schools, day)
    tomorrow = (day + dt.timedelta(days=1)).isoformat()
    with_events = [s for s in schools if s.id in due]
    return await _enqueue(
        session, _fanout_rows(with_events, EVENT_REMINDER.name, f"event:{tomorrow}", day), now
    )


async def _event_alerts(
    session: AsyncSession, ids: list[int], day: dt.date, chunk: Chunk | None
) -> tuple[Alerts, int | None]:
    """The reminders of tomorrow's events of the schools ``ids`` (or of one chunk of one
    school's recipients: every event of the school for each of them)."""
    schools = list(await session.scalars(select(School).where(School.id.in_(ids))))
    if chunk is None:
        return await event_reminders.reminders(session, schools, day)
    return await event_reminders.reminders(
        session, schools, day, after=chunk.after, limit=chunk.limit
    )


# --------------------------------------------------------------------------- homework


async def homework_tomorrow(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Evening: tomorrow's homework to the families (and students) who opted in, one row per
    person. The scheduled job queues a fan-out row per school instead
    (:func:`homework_tomorrow_fanout`); the rows its expansion makes are these rows."""
    alerts, _ = await _homework_alerts(session, _school_ids(schools), day, None)
    return await _enqueue(session, alerts, now)


async def homework_tomorrow_fanout(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """The scheduled job: one fan-out row per school, expanded by the delivery worker.

    Runs only where tomorrow is a working day (the spec's ``applies``)."""
    tomorrow = (day + dt.timedelta(days=1)).isoformat()
    return await _enqueue(
        session, _fanout_rows(schools, HOMEWORK_TOMORROW.name, f"homework:{tomorrow}", day), now
    )


async def _homework_alerts(
    session: AsyncSession, ids: list[int], day: dt.date, chunk: Chunk | None
) -> tuple[Alerts, int | None]:
    """The homework rows of the schools ``ids`` (or of one chunk of one school's persons)."""
    tomorrow = day + dt.timedelta(days=1)
    opted_q = select(NotificationPrefs.person_id).where(
        NotificationPrefs.school_id.in_(ids), NotificationPrefs.homework_tomorrow.is_(True)
    )
    opted: dict[int, list[int]] = defaultdict(list)  # school → persons
    for pid, school_id in await _rows(session, opted_q.add_columns(NotificationPrefs.school_id)):
        opted[school_id].append(pid)
    cursor: int | None = None
    if chunk is not None:
        persons, cursor = chunk.take(opted.get(chunk.school_id, ()))
        opted = defaultdict(list, {chunk.school_id: persons} if persons else {})
    if not opted:
        return {}, cursor
    family = await _family(session, ids, "homework")
    students = set(
        await session.scalars(
            select(RoleGrant.person_id).where(
                RoleGrant.school_id.in_(ids),
                RoleGrant.role == Role.STUDENT,
                RoleGrant.person_id.in_(opted_q),
            )
        )
    )
    children_of: dict[int, dict[int, list[int]]] = {
        school_id: {
            pid: list(family[school_id].get(pid, [])) + ([pid] if pid in students else [])
            for pid in pids
        }
        for school_id, pids in opted.items()
    }
    all_children = _children(children_of)
    if not all_children:
        return {}, cursor
    some, names = await _children_names(
        session,
        ids,
        chunk,
        all_children,
        select(Guardianship.student_id)
        .where(Guardianship.school_id.in_(ids))
        .union(select(RoleGrant.person_id).where(RoleGrant.person_id.in_(opted_q))),
    )
    # tomorrow's lessons of each child (class lessons, and subgroup lessons of their groups)
    enrol_q = select(Enrolment.student_id, Enrolment.class_id).where(
        Enrolment.school_id.in_(ids), _enrolled_on(tomorrow)
    )
    groups_q = select(SubgroupMember.student_id, SubgroupMember.subgroup_id).where(
        SubgroupMember.school_id.in_(ids), SubgroupMember.during(tomorrow)
    )
    if some is not None:
        enrol_q = enrol_q.where(Enrolment.student_id.in_(some))
        groups_q = groups_q.where(SubgroupMember.student_id.in_(some))
    enrol = {sid: cid for sid, cid in await _rows(session, enrol_q) if sid in all_children}
    groups: dict[int, set[int]] = defaultdict(set)
    for sid, gid in await _rows(session, groups_q):
        groups[sid].add(gid)
    classes = set(enrol.values())
    lessons_of: dict[int, list[tuple[int | None, int, str]]] = defaultdict(list)
    for class_id, subgroup_id, subject_id, subject in await _rows(
        session,
        select(Lesson.class_id, Lesson.subgroup_id, Lesson.subject_id, Subject.name)
        .join(Subject, Subject.id == Lesson.subject_id)
        .where(
            Lesson.class_id.in_(_classes_of(ids)),
            Lesson.date == tomorrow,
            Lesson.is_cancelled.is_(False),
        )
        .order_by(Lesson.lesson_number, Lesson.id),
    ):
        if class_id in classes:
            lessons_of[class_id].append((subgroup_id, subject_id, subject))
    # homework: due tomorrow, or set at the latest earlier lesson of the class and subject
    pairs = {(cid, subj) for cid, ls in lessons_of.items() for _, subj, _ in ls}
    texts: dict[tuple[int, int], list[tuple[int | None, str]]] = defaultdict(list)
    if pairs:
        hw_rows = await _rows(
            session,
            select(
                Lesson.class_id,
                Lesson.subject_id,
                Lesson.date,
                Homework.student_id,
                Homework.text,
                Homework.due_date,
            )
            .join(Homework, Homework.lesson_id == Lesson.id)
            .where(
                Lesson.class_id.in_(sorted(classes) if some is not None else _classes_of(ids)),
                Lesson.date < tomorrow,
                Lesson.date >= tomorrow - dt.timedelta(days=21),
                or_(Homework.due_date.is_(None), Homework.due_date == tomorrow),
            )
            .order_by(Lesson.date, Lesson.lesson_number, Homework.id),
        )
        latest: dict[tuple[int, int], dt.date] = {}
        for cid, subj, date, _, _, due in hw_rows:
            if due is None:
                latest[(cid, subj)] = max(latest.get((cid, subj), date), date)
        for cid, subj, date, student_id, text, due in hw_rows:
            if (cid, subj) not in pairs:
                continue
            if due == tomorrow or date == latest.get((cid, subj)):
                texts[(cid, subj)].append((student_id, text))
    alerts: Alerts = {}
    for school_id, by_person in children_of.items():
        rows = []
        async for pid, children in _paced(by_person.items(), 100):
            payload_children = []
            for child in children:
                child_class = enrol.get(child)
                items = []
                seen: set[tuple[int, int]] = set()
                for subgroup_id, subject_id, subject in lessons_of.get(child_class or 0, ()):
                    if subgroup_id is not None and subgroup_id not in groups[child]:
                        continue
                    key = (child_class or 0, subject_id)
                    if key in seen:
                        continue
                    seen.add(key)
                    for student_id, text in texts.get(key, []):
                        if student_id in (None, child) and text:
                            items.append({"subject": subject, "text": text[:500]})
                payload_children.append({"student": names.get(child, ""), "items": items})
            if payload_children:
                rows.append(
                    {
                        "school_id": school_id,
                        "recipient_person_id": pid,
                        "kind": HOMEWORK_TOMORROW.name,
                        "dedup_key": f"homework:{tomorrow.isoformat()}:{pid}",
                        "payload": {"date": tomorrow.isoformat(), "children": payload_children},
                    }
                )
        alerts[school_id] = rows
        await _pause()
    return alerts, cursor


# --------------------------------------------------------------------------- weekly summary


async def weekly_summary(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Sunday evening: each family's week — marks by subject, absences and lateness — one row
    per family. The scheduled job queues a fan-out row per school instead
    (:func:`weekly_summary_fanout`); the rows its expansion makes are these rows."""
    alerts, _ = await _weekly_alerts(session, _school_ids(schools), day, None)
    return await _enqueue(session, alerts, now)


async def weekly_summary_fanout(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """The scheduled job: one fan-out row per school, expanded by the delivery worker."""
    monday = (day - dt.timedelta(days=day.weekday())).isoformat()
    return await _enqueue(
        session, _fanout_rows(schools, SUMMARY_WEEKLY.name, f"weekly:{monday}", day), now
    )


async def _weekly_alerts(
    session: AsyncSession, ids: list[int], day: dt.date, chunk: Chunk | None
) -> tuple[Alerts, int | None]:
    """The weekly summaries of the schools ``ids`` (or of one chunk of one school's families)."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    family = await _family(session, ids, "marks")
    off = set(
        await session.scalars(
            select(NotificationPrefs.person_id).where(
                NotificationPrefs.school_id.in_(ids), NotificationPrefs.weekly_summary.is_(False)
            )
        )
    )
    family = {
        school_id: {g: cs for g, cs in by.items() if g not in off}
        for school_id, by in family.items()
    }
    cursor: int | None = None
    if chunk is not None:
        by = family.get(chunk.school_id, {})
        guardians, cursor = chunk.take(by)
        family = {chunk.school_id: {g: by[g] for g in guardians}} if guardians else {}
    children = _children(family)
    if not children:
        return {}, cursor
    some, names = await _children_names(
        session,
        ids,
        chunk,
        children,
        select(Guardianship.student_id).where(Guardianship.school_id.in_(ids)),
    )
    week = and_(Lesson.class_id.in_(_classes_of(ids)), Lesson.date >= monday, Lesson.date <= sunday)
    marks_q = (
        select(Mark.student_id, Mark.value, Subject.name)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .where(week)
        .order_by(Subject.name, Lesson.date, Lesson.lesson_number, Mark.id)
    )
    attendance_q = (
        select(Attendance.student_id, Attendance.code)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(week)
    )
    if some is not None:
        marks_q = marks_q.where(Mark.student_id.in_(some))
        attendance_q = attendance_q.where(Attendance.student_id.in_(some))
    marks: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    async for sid, value, subject in _paced(await _rows(session, marks_q)):
        if sid in children:
            marks[sid][subject].append(value)
    absent: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    async for sid, code in _paced(await _rows(session, attendance_q)):
        if sid not in children:
            continue
        if str(getattr(code, "value", code)) == "late":
            late[sid] += 1
        else:
            absent[sid] += 1
    # The week ahead: agreed control works and dated class events and school news.
    ahead = await week_ahead(
        session, ids, some, sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=7)
    )
    alerts: Alerts = {}
    for school_id, by_guardian in family.items():
        rows = []
        async for gid, cs in _paced(by_guardian.items(), 100):
            payload = {
                "date_from": monday.isoformat(),
                "date_to": sunday.isoformat(),
                "children": [
                    {
                        "student": names.get(c, ""),
                        "subjects": [
                            {"subject": s, "marks": v} for s, v in marks.get(c, {}).items()
                        ],
                        "absent": absent.get(c, 0),
                        "late": late.get(c, 0),
                        "ahead": ahead.get(c, []),
                    }
                    for c in sorted(cs)
                ],
            }
            rows.append(
                {
                    "school_id": school_id,
                    "recipient_person_id": gid,
                    "kind": SUMMARY_WEEKLY.name,
                    "dedup_key": f"weekly:{monday.isoformat()}:{gid}",
                    "payload": payload,
                }
            )
        alerts[school_id] = rows
        await _pause()
    return alerts, cursor


# --------------------------------------------------------------------------- fill-in reminders


@dataclass(frozen=True)
class Unfilled:
    teacher_id: int
    lesson_id: int
    lesson_number: int
    class_name: str
    subject: str
    missing: tuple[str, ...]


async def unfilled_lessons(
    session: AsyncSession, school_ids: list[int], day: dt.date
) -> dict[int, list[Unfilled]]:
    """Each school's lessons of ``day`` lacking attendance, topic or homework (none for first
    grade), in one query for all the schools."""
    # "No homework" chosen by the teacher fills the homework column as homework does.
    has_homework = or_(
        Lesson.no_homework.is_(True),
        select(Homework.id).where(Homework.lesson_id == Lesson.id).exists(),
    )
    q = (
        select(
            Lesson.school_id,
            Lesson.id,
            Lesson.lesson_number,
            Lesson.teacher_id,
            Lesson.attendance_taken_at,
            Lesson.topic,
            SchoolClass.name,
            SchoolClass.grade,
            Subject.name,
            Substitution.teacher_id,
            has_homework,
        )
        .join(SchoolClass, SchoolClass.id == Lesson.class_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
        .where(
            Lesson.class_id.in_(_classes_of(school_ids)),
            Lesson.date == day,
            Lesson.is_cancelled.is_(False),
        )
        .order_by(Lesson.school_id, Lesson.lesson_number, SchoolClass.name, Lesson.id)
    )
    out: dict[int, list[Unfilled]] = defaultdict(list)
    async for (
        school_id,
        lesson_id,
        number,
        teacher_id,
        taken_at,
        topic,
        class_name,
        grade,
        subject,
        sub_teacher,
        with_hw,
    ) in _paced(await _rows(session, q), 500):
        missing = []
        if taken_at is None:
            missing.append("attendance")
        if not topic:
            missing.append("topic")
        if grade > 1 and not with_hw:
            missing.append("homework")
        if missing:
            out[school_id].append(
                Unfilled(
                    teacher_id=sub_teacher or teacher_id,
                    lesson_id=lesson_id,
                    lesson_number=number,
                    class_name=class_name,
                    subject=subject,
                    missing=tuple(missing),
                )
            )
    return out


def _deadline(school: School) -> str:
    return school.fill_deadline.strftime("%H:%M")


async def fill_reminder(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """19:00: each teacher whose lessons of the day are not filled in (deadline 20:00,
    seed 003 §4.4)."""
    unfilled = await unfilled_lessons(session, _school_ids(schools), day)
    alerts: dict[int, list[dict[str, Any]]] = {}
    for school in schools:
        by_teacher: dict[int, list[Unfilled]] = defaultdict(list)
        for item in unfilled.get(school.id, ()):
            by_teacher[item.teacher_id].append(item)
        rows = [
            {
                "school_id": school.id,
                "recipient_person_id": tid,
                "kind": REMINDER_FILL.name,
                "dedup_key": f"fill:{day.isoformat()}:{tid}",
                "payload": {
                    "date": day.isoformat(),
                    "deadline": _deadline(school),
                    "lessons": [
                        {
                            "lesson_id": i.lesson_id,
                            "lesson_number": i.lesson_number,
                            "class": i.class_name,
                            "subject": i.subject,
                            "missing": list(i.missing),
                        }
                        for i in items
                    ],
                },
            }
            for tid, items in by_teacher.items()
        ]
        alerts[school.id] = rows
        await _pause()
    return await _enqueue(session, alerts, now)


async def unfilled_report(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """At the deadline: the deputies get the list of lessons still not filled in."""
    ids = _school_ids(schools)
    unfilled = await unfilled_lessons(session, ids, day)
    if not unfilled:
        return {}
    names = await _person_names(
        session, ids, {i.teacher_id for items in unfilled.values() for i in items[:60]}
    )
    deputies: dict[int, set[int]] = defaultdict(set)
    for pid, school_id in await _rows(
        session,
        select(RoleGrant.person_id, RoleGrant.school_id).where(
            RoleGrant.school_id.in_(ids), RoleGrant.role == Role.DEPUTY
        ),
    ):
        deputies[school_id].add(pid)
    alerts: dict[int, list[dict[str, Any]]] = {}
    for school in schools:
        items = unfilled.get(school.id)
        if not items:
            continue
        payload = {
            "date": day.isoformat(),
            "deadline": _deadline(school),
            "lessons": [
                {
                    "lesson_id": i.lesson_id,
                    "teacher": names.get(i.teacher_id, ""),
                    "lesson_number": i.lesson_number,
                    "class": i.class_name,
                    "subject": i.subject,
                    "missing": list(i.missing),
                }
                for i in items[:60]
            ],
        }
        rows = [
            {
                "school_id": school.id,
                "recipient_person_id": d,
                "kind": REPORT_UNFILLED.name,
                "dedup_key": f"unfilled:{day.isoformat()}:{d}",
                "payload": payload,
                "urgent": False,
            }
            for d in sorted(deputies.get(school.id, ()))
        ]
        alerts[school.id] = rows
    return await _enqueue(session, alerts, now)


# --------------------------------------------------------------------------- monthly activity


async def monthly_activity(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """On the 1st: last month's activity for the admins (seed 003 §8.1).

    The month is counted in each school's time zone: one set of counts per time zone."""
    first = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    alerts: dict[int, list[dict[str, Any]]] = {}
    by_zone: dict[str, list[School]] = defaultdict(list)
    for school in schools:
        by_zone[school.timezone].append(school)
    for zone, group in by_zone.items():
        alerts.update(await _monthly_activity(session, group, zone, first, day))
    return await _enqueue(session, alerts, now)


async def _monthly_activity(
    session: AsyncSession,
    schools: list[School],
    zone: str,
    first: dt.date,
    day: dt.date,
) -> dict[int, list[dict[str, Any]]]:
    ids = _school_ids(schools)
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day.replace(day=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    # Accounts, live bindings and activity counted by the database, per school and per role.
    active = case((and_(Account.last_seen_at >= start, Account.last_seen_at < end), 1), else_=0)
    totals = {
        school_id: (int(n), int(act or 0))
        for school_id, n, act in await _rows(
            session,
            select(Account.school_id, func.count(), func.sum(active))
            .where(Account.school_id.in_(ids))
            .group_by(Account.school_id),
        )
    }
    bound = {
        school_id: int(n)
        for school_id, n in await _rows(
            session,
            select(
                MessengerBinding.school_id, func.count(func.distinct(MessengerBinding.account_id))
            )
            .where(MessengerBinding.school_id.in_(ids), MessengerBinding.ended_at.is_(None))
            .group_by(MessengerBinding.school_id),
        )
    }
    roles: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for school_id, role, n, n_bound, n_active in await _rows(
        session,
        select(
            Account.school_id,
            RoleGrant.role,
            func.count(),
            func.count(MessengerBinding.account_id),
            func.sum(active),
        )
        .join(
            RoleGrant,
            and_(
                RoleGrant.person_id == Account.person_id, RoleGrant.school_id == Account.school_id
            ),
        )
        .outerjoin(
            MessengerBinding,
            and_(
                MessengerBinding.account_id == Account.id,
                MessengerBinding.school_id == Account.school_id,
                MessengerBinding.ended_at.is_(None),
            ),
        )
        .where(Account.school_id.in_(ids))
        .group_by(Account.school_id, RoleGrant.role),
    ):
        roles[school_id][str(getattr(role, "value", role))] = {
            "accounts": int(n),
            "bound": int(n_bound),
            "active": int(n_active or 0),
        }
    admins: dict[int, set[int]] = defaultdict(set)
    for school_id, pid in await _rows(
        session,
        select(RoleGrant.school_id, RoleGrant.person_id).where(
            RoleGrant.school_id.in_(ids), RoleGrant.role == Role.ADMIN
        ),
    ):
        admins[school_id].add(pid)

    async def counts(column: Any, *where: Any) -> dict[int, int]:
        rows = await _rows(
            session, select(column, func.count()).where(column.in_(ids), *where).group_by(column)
        )
        return {school_id: int(n) for school_id, n in rows}

    marks = await counts(Mark.school_id, Mark.created_at >= start, Mark.created_at < end)
    attendance = await counts(
        Attendance.school_id, Attendance.created_at >= start, Attendance.created_at < end
    )
    topics = await counts(
        Lesson.school_id,
        Lesson.class_id.in_(_classes_of(ids)),
        Lesson.date >= first,
        Lesson.date < day.replace(day=1),
        Lesson.topic.is_not(None),
    )
    sent = await counts(
        OutboxMessage.school_id,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.kind != FANOUT,
        OutboxMessage.sent_at >= start,
        OutboxMessage.sent_at < end,
    )
    dead = await counts(
        OutboxMessage.school_id,
        OutboxMessage.status == OutboxStatus.DEAD,
        OutboxMessage.created_at >= start,
        OutboxMessage.created_at < end,
    )
    alerts: dict[int, list[dict[str, Any]]] = {}
    for school in schools:
        sid = school.id
        by_role = roles.get(sid, {})
        accounts, active_total = totals.get(sid, (0, 0))
        payload = {
            "month": first.strftime("%m.%Y"),
            "accounts": accounts,
            "bound": bound.get(sid, 0),
            "active": active_total,
            "by_role": {r: by_role[r] for r in [x.value for x in Role] if r in by_role},
            "marks": marks.get(sid, 0),
            "attendance": attendance.get(sid, 0),
            "topics": topics.get(sid, 0),
            "sent": sent.get(sid, 0),
            "dead": dead.get(sid, 0),
        }
        rows = [
            {
                "school_id": sid,
                "recipient_person_id": a,
                "kind": REPORT_ACTIVITY.name,
                "dedup_key": f"activity:{first.strftime('%Y-%m')}:{a}",
                "payload": payload,
            }
            for a in sorted(admins.get(sid, ()))
        ]
        alerts[sid] = rows
    return alerts


# --------------------------------------------------------------------------- final marks


async def period_marks_reminder(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """In the last week of a study period, before the holidays (seed 003 §2.3): each teacher
    with period marks still missing in their classes (services.marks.reminders)."""
    periods = await reminders.periods_in_last_week(session, _school_ids(schools), day)
    missing = await reminders.missing_by_assignment(session, periods, on=day)
    if not missing:
        return {}
    names = {
        **{
            ("class", cid): name
            for cid, name in await _rows(
                session,
                select(SchoolClass.id, SchoolClass.name).where(
                    SchoolClass.id.in_({k.class_id for k in missing})
                ),
            )
        },
        **{
            ("subject", sid): name
            for sid, name in await _rows(
                session,
                select(Subject.id, Subject.name).where(
                    Subject.id.in_({k.subject_id for k in missing})
                ),
            )
        },
    }
    by_period = {p.id: p for p in periods}
    grouped: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for key in sorted(missing):
        grouped[(key.period_id, key.teacher_id)].append(
            {
                "class_name": names.get(("class", key.class_id), ""),
                "subject": names.get(("subject", key.subject_id), ""),
                "missing": len(missing[key]),
            }
        )
    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (period_id, teacher_id), items in grouped.items():
        period = by_period[period_id]
        alerts[period.school_id].append(
            {
                "school_id": period.school_id,
                "recipient_person_id": teacher_id,
                "kind": REMINDER_PERIOD_MARKS.name,
                "dedup_key": f"period_marks:{period_id}:{day.isoformat()}:{teacher_id}",
                "payload": {
                    "period": period.name,
                    "ends_on": period.ends_on.isoformat(),
                    "items": items,
                },
            }
        )
    return await _enqueue(session, dict(alerts), now)


async def control_results_reminder(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Control-work results are due within a day of the work (seed 003 §4.4): each teacher
    whose control works of the past week have no results yet."""
    due = await reminders.control_works_without_results(session, _school_ids(schools), day)
    grouped: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for work in due:
        grouped[(work.school_id, work.teacher_id)].append(
            {
                "class_name": work.class_name,
                "subject": work.subject,
                "date": work.date.isoformat(),
                "title": work.title,
            }
        )
    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (school_id, teacher_id), works in grouped.items():
        alerts[school_id].append(
            {
                "school_id": school_id,
                "recipient_person_id": teacher_id,
                "kind": REMINDER_CONTROL_RESULTS.name,
                "dedup_key": f"control_results:{day.isoformat()}:{teacher_id}",
                "payload": {"works": works},
            }
        )
    return await _enqueue(session, dict(alerts), now)


# --------------------------------------------------------------------------- the schedule


def _working(school: School, calendar: Any, day: dt.date) -> bool:
    return bool(calendar.is_working_day(day))


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "homework_tomorrow",
        lambda s: dt.time(18, 0),
        lambda s, c, d: c.is_working_day(d + dt.timedelta(days=1)),
        homework_tomorrow_fanout,
        dt.timedelta(hours=4),
    ),
    JobSpec(
        "weekly_summary",
        lambda s: dt.time(18, 0),
        lambda s, c, d: d.isoweekday() == 7,
        weekly_summary_fanout,
        dt.timedelta(hours=24),
    ),
    JobSpec(
        "fill_reminder",
        lambda s: dt.time(19, 0),
        _working,
        fill_reminder,
        dt.timedelta(hours=1),
        batch=LIGHT_BATCH,
    ),
    JobSpec(
        "unfilled_report",
        lambda s: s.fill_deadline,
        _working,
        unfilled_report,
        dt.timedelta(hours=12),
        batch=LIGHT_BATCH,
    ),
    JobSpec(
        "period_marks_reminder",
        lambda s: dt.time(14, 0),
        _working,
        period_marks_reminder,
        dt.timedelta(hours=2),
        batch=LIGHT_BATCH,
    ),
    JobSpec(
        "control_results_reminder",
        lambda s: dt.time(14, 30),
        _working,
        control_results_reminder,
        dt.timedelta(hours=2),
        batch=LIGHT_BATCH,
    ),
    # Absences and falling projected marks of the study period (services.early_warning): in the
    # afternoon, once the day's lessons are over, apart from the evening's reminders and digests.
    JobSpec(
        "early_warning",
        lambda s: dt.time(16, 30),
        _working,
        early_warning.run,
        dt.timedelta(hours=1, minutes=30),
    ),
    # Class events and dated school news of tomorrow (services.messages.event_reminders):
    # every evening, weekends too; late catch-ups stop before the usual quiet hours. A fan-out
    # row per school with an event; the worker expands it into a row per person.
    JobSpec(
        "event_reminder",
        lambda s: dt.time(18, 30),
        lambda s, c, d: True,
        event_reminder_fanout,
        dt.timedelta(hours=2, minutes=30),
        batch=LIGHT_BATCH,
    ),
    JobSpec(
        "monthly_activity",
        lambda s: dt.time(9, 0),
        lambda s, c, d: d.day == 1,
        monthly_activity,
        dt.timedelta(days=7),
        batch=LIGHT_BATCH,
    ),
)


def run_key(school_id: int, day: dt.date) -> str:
    return f"school:{school_id}:{day.isoformat()}"


async def _run_batch(
    session_factory: async_sessionmaker[AsyncSession],
    spec: JobSpec,
    school_ids: list[int],
    day: dt.date,
    owner: str,
    run_at: dt.datetime | None,
) -> list[int]:
    """Run one job for some schools and one local date in one transaction: the run records
    (one per school) and the job's outbox rows commit together. Returns the schools it ran for;
    a school whose run exists already (another process, a restart) is skipped."""
    keys = {run_key(sid, day): sid for sid in school_ids}
    async with session_factory() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        now = utcnow()
        run_at = run_at or now
        claimed = {
            keys[key]: run_id
            for run_id, key in (
                await session.execute(
                    insert(SchedulerRun)
                    .values(
                        [
                            {
                                "job": spec.name,
                                "run_key": key,
                                "owner": owner,
                                "started_at": now,
                                "status": "running",
                            }
                            for key in keys
                        ]
                    )
                    .on_conflict_do_nothing()
                    .returning(SchedulerRun.id, SchedulerRun.run_key)
                )
            ).all()
        }
        if not claimed:
            return []
        schools = list(
            (
                await session.scalars(
                    select(School).where(School.id.in_(claimed)).order_by(School.id)
                )
            ).all()
        )
        queued = await spec.fn(session, schools, day, run_at) if schools else {}
        table = cast(Table, SchedulerRun.__table__)
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("run_id"))
            .values(status="done", finished_at=bindparam("finished"), detail=bindparam("info")),
            [
                {"run_id": run_id, "finished": utcnow(), "info": {"queued": queued.get(sid, 0)}}
                for sid, run_id in claimed.items()
            ],
        )
    ran = [s.id for s in schools]
    for sid in ran:
        log.info(
            "job ran",
            extra={"job": spec.name, "run_key": run_key(sid, day), "queued": queued.get(sid, 0)},
        )
    return ran


async def run_job(
    session_factory: async_sessionmaker[AsyncSession],
    spec: JobSpec,
    school_id: int,
    day: dt.date,
    owner: str,
    run_at: dt.datetime | None = None,
) -> bool:
    """Run one job for one school and local date, once. Returns False when the run already
    exists (another process, a restart)."""
    return bool(await _run_batch(session_factory, spec, [school_id], day, owner, run_at))


async def _calendars(
    session: AsyncSession, schools: list[School], since: dt.date
) -> dict[int, SchoolCalendar]:
    """Every school's calendar from ``since`` on, from one query (``load_calendar`` for many
    schools; a job's date is never older than its catch-up window)."""
    holidays: dict[int, list[tuple[dt.date, dt.date, str, str]]] = defaultdict(list)
    for school_id, starts, ends, kind, name in (
        await session.execute(
            select(
                Holiday.school_id, Holiday.starts_on, Holiday.ends_on, Holiday.kind, Holiday.name
            )
            .where(Holiday.ends_on >= since)
            .order_by(Holiday.id)
        )
    ).all():
        holidays[school_id].append((starts, ends, str(kind), name))
    return {
        s.id: SchoolCalendar(
            working_weekdays=frozenset(int(c) for c in s.working_weekdays),
            holidays=tuple(holidays.get(s.id, ())),
        )
        for s in schools
    }


async def run_due(
    session_factory: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    owner: str,
    jobs: tuple[JobSpec, ...] = JOBS,
) -> list[tuple[str, int, dt.date]]:
    """Run every job whose school-local time has come (within its catch-up window).

    The schools due for a job on the same local date run in batches of ``spec.batch``: a few
    queries per batch whatever the number of schools, students or families; each batch
    commits on its own and the event loop runs other work between batches."""
    async with session_factory() as session:
        schools = list((await session.scalars(select(School).order_by(School.id))).all())
        oldest = max((spec.window.days for spec in jobs), default=0) + 3
        calendars = await _calendars(session, schools, now.date() - dt.timedelta(days=oldest))
    due: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for position, school in enumerate(schools):
        if position % 100 == 99:
            await _pause()
        tz = ZoneInfo(school.timezone)
        local = now.astimezone(tz)
        for index, spec in enumerate(jobs):
            days_back = spec.window.days + 1
            for back in range(days_back, -1, -1):
                day = local.date() - dt.timedelta(days=back)
                due_at = dt.datetime.combine(day, spec.at(school), tzinfo=tz)
                if not due_at <= local < due_at + spec.window:
                    continue
                if due_at < school.created_at:
                    # Nothing to catch up from before the school was set up: a new
                    # deployment does not send last Sunday's summary on its first start.
                    continue
                if not spec.applies(school, calendars[school.id], day):
                    continue
                due[(index, day)].append(school.id)
    ran: list[tuple[str, int, dt.date]] = []
    if not due:
        return ran
    # Runs done already (every tick of a catch-up window finds them): one query per job and date.
    async with session_factory() as session:
        for (index, day), ids in due.items():
            done = set(
                await session.scalars(
                    select(SchedulerRun.run_key).where(
                        SchedulerRun.job == jobs[index].name,
                        SchedulerRun.run_key.in_([run_key(sid, day) for sid in ids]),
                    )
                )
            )
            due[(index, day)] = [sid for sid in ids if run_key(sid, day) not in done]
    for (index, day), ids in due.items():
        spec = jobs[index]
        for start in range(0, len(ids), spec.batch):
            batch = ids[start : start + spec.batch]
            for sid in await _run_isolated(session_factory, spec, batch, day, owner, now):
                ran.append((spec.name, sid, day))
            await _pause()
    return ran


async def _run_isolated(
    session_factory: async_sessionmaker[AsyncSession],
    spec: JobSpec,
    school_ids: list[int],
    day: dt.date,
    owner: str,
    now: dt.datetime,
) -> list[int]:
    """A batch; if it fails, its schools one by one, so that one school's failure neither
    stops the others nor records a run for itself (the next tick tries it again)."""
    if not school_ids:
        return []
    try:
        return await _run_batch(session_factory, spec, school_ids, day, owner, now)
    except Exception:
        if len(school_ids) == 1:
            log.exception("job failed", extra={"job": spec.name, "school": school_ids[0]})
            return []
        log.warning(
            "job batch failed; running its schools one by one",
            extra={"job": spec.name, "schools": len(school_ids)},
        )
    ran: list[int] = []
    for sid in school_ids:
        try:
            ran += await _run_batch(session_factory, spec, [sid], day, owner, now)
        except Exception:
            log.exception("job failed", extra={"job": spec.name, "school": sid})
    return ran
