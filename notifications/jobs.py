"""Scheduled jobs: homework for tomorrow, weekly summary, fill-in reminders, monthly activity.

Every job runs per school, in the school's own time zone, and is idempotent twice over:

- a run is a :class:`~services.models.SchedulerRun` row unique by ``(job, run_key)``
  (``run_key`` = school and local date), inserted in the *same transaction* as the outbox rows
  the job queues — a crash leaves neither, a second process finds the key and skips;
- every queued alert has a deterministic dedup key.

:func:`run_due` is what the scheduler's tick calls: for each school it runs each job whose local
time has come and whose catch-up window has not passed, so a restart (or a missed tick) neither
skips nor repeats a run. Jobs receive only ids and load what they need when they run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import outbox
from services.calendar import load_calendar
from services.enums import GuardianKind, OutboxStatus, Role
from services.models import (
    Account,
    Attendance,
    Enrolment,
    Guardianship,
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

log = logging.getLogger(__name__)

JobFn = Callable[[AsyncSession, School, dt.date, dt.datetime], Awaitable[int]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    at: Callable[[School], dt.time]
    applies: Callable[[School, Any, dt.date], bool]  # (school, calendar, local date)
    fn: JobFn
    # How late a run may still happen (a process down at the due time catches up).
    window: dt.timedelta


# --------------------------------------------------------------------------- helpers


def _names(rows: Any) -> dict[int, str]:
    return {pid: f"{first} {last}" for pid, first, last in rows}


async def _person_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return _names(
        (
            await session.execute(
                select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(ids))
            )
        ).all()
    )


async def _prefs(session: AsyncSession, ids: set[int]) -> dict[int, NotificationPrefs]:
    if not ids:
        return {}
    rows = await session.scalars(
        select(NotificationPrefs).where(NotificationPrefs.person_id.in_(ids))
    )
    return {p.person_id: p for p in rows}


async def _family(session: AsyncSession, school_id: int, scope: str) -> dict[int, list[int]]:
    """Guardian → children: parents, and trusted persons allowed ``scope``."""
    out: dict[int, list[int]] = defaultdict(list)
    for gid, sid, kind, perms in (
        await session.execute(
            select(
                Guardianship.guardian_id,
                Guardianship.student_id,
                Guardianship.kind,
                Guardianship.permissions,
            ).where(Guardianship.school_id == school_id)
        )
    ).all():
        if kind == GuardianKind.PARENT or scope in (perms or []):
            out[gid].append(sid)
    return out


def _enrolled_on(day: dt.date) -> Any:
    return and_(
        Enrolment.arrived_on <= day, or_(Enrolment.left_on.is_(None), Enrolment.left_on > day)
    )


# --------------------------------------------------------------------------- homework


async def homework_tomorrow(
    session: AsyncSession, school: School, day: dt.date, now: dt.datetime
) -> int:
    """Evening: tomorrow's homework to the families (and students) who opted in."""
    calendar = await load_calendar(session, school)
    tomorrow = day + dt.timedelta(days=1)
    if not calendar.is_working_day(tomorrow):
        return 0
    opted = set(
        await session.scalars(
            select(NotificationPrefs.person_id).where(
                NotificationPrefs.school_id == school.id,
                NotificationPrefs.homework_tomorrow.is_(True),
            )
        )
    )
    if not opted:
        return 0
    family = await _family(session, school.id, "homework")
    students = set(
        await session.scalars(
            select(RoleGrant.person_id).where(
                RoleGrant.person_id.in_(opted), RoleGrant.role == Role.STUDENT
            )
        )
    )
    children_of = {
        pid: list(family.get(pid, [])) + ([pid] if pid in students else []) for pid in opted
    }
    all_children = {c for cs in children_of.values() for c in cs}
    if not all_children:
        return 0
    names = await _person_names(session, all_children)
    # tomorrow's lessons of each child (class lessons, and subgroup lessons of their groups)
    enrol = dict(
        (
            await session.execute(
                select(Enrolment.student_id, Enrolment.class_id).where(
                    Enrolment.student_id.in_(all_children), _enrolled_on(tomorrow)
                )
            )
        ).all()
    )
    groups: dict[int, set[int]] = defaultdict(set)
    for sid, gid in (
        await session.execute(
            select(SubgroupMember.student_id, SubgroupMember.subgroup_id).where(
                SubgroupMember.student_id.in_(all_children)
            )
        )
    ).all():
        groups[sid].add(gid)
    lessons = (
        await session.execute(
            select(Lesson, Subject.name)
            .join(Subject, Subject.id == Lesson.subject_id)
            .where(
                Lesson.class_id.in_(set(enrol.values())),
                Lesson.date == tomorrow,
                Lesson.is_cancelled.is_(False),
            )
            .order_by(Lesson.lesson_number)
        )
    ).all()
    # homework: due tomorrow, or set at the latest earlier lesson of the class and subject
    pairs = {(lesson.class_id, lesson.subject_id) for lesson, _ in lessons}
    texts: dict[tuple[int, int], list[tuple[int | None, str]]] = defaultdict(list)
    if pairs:
        hw_rows = (
            await session.execute(
                select(Lesson.class_id, Lesson.subject_id, Lesson.date, Homework)
                .join(Homework, Homework.lesson_id == Lesson.id)
                .where(
                    Lesson.class_id.in_({p[0] for p in pairs}),
                    Lesson.date < tomorrow,
                    Lesson.date >= tomorrow - dt.timedelta(days=21),
                    or_(Homework.due_date.is_(None), Homework.due_date == tomorrow),
                )
                .order_by(Lesson.date)
            )
        ).all()
        latest: dict[tuple[int, int], dt.date] = {}
        for cid, subj, date, hw in hw_rows:
            if hw.due_date is None:
                latest[(cid, subj)] = max(latest.get((cid, subj), date), date)
        for cid, subj, date, hw in hw_rows:
            if (cid, subj) not in pairs:
                continue
            if hw.due_date == tomorrow or date == latest.get((cid, subj)):
                texts[(cid, subj)].append((hw.student_id, hw.text))
    rows = []
    for pid, children in children_of.items():
        payload_children = []
        for child in children:
            child_class = enrol.get(child)
            items = []
            seen: set[tuple[int, int]] = set()
            for lesson, subject in lessons:
                if lesson.class_id != child_class:
                    continue
                if lesson.subgroup_id is not None and lesson.subgroup_id not in groups[child]:
                    continue
                key = (lesson.class_id, lesson.subject_id)
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
                    "school_id": school.id,
                    "recipient_person_id": pid,
                    "kind": "homework.tomorrow",
                    "dedup_key": f"homework:{tomorrow.isoformat()}:{pid}",
                    "payload": {"date": tomorrow.isoformat(), "children": payload_children},
                }
            )
    return await outbox.enqueue_many(session, rows, not_before=now)


# --------------------------------------------------------------------------- weekly summary


async def weekly_summary(
    session: AsyncSession, school: School, day: dt.date, now: dt.datetime
) -> int:
    """Sunday evening: each family's week — marks by subject, absences and lateness."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    family = await _family(session, school.id, "marks")
    prefs = await _prefs(session, set(family))
    family = {g: cs for g, cs in family.items() if g not in prefs or prefs[g].weekly_summary}
    children = {c for cs in family.values() for c in cs}
    if not children:
        return 0
    names = await _person_names(session, children)
    marks: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sid, value, subject in (
        await session.execute(
            select(Mark.student_id, Mark.value, Subject.name)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .where(
                Mark.student_id.in_(children),
                Lesson.date >= monday,
                Lesson.date <= sunday,
            )
            .order_by(Subject.name, Lesson.date, Lesson.lesson_number)
        )
    ).all():
        marks[sid][subject].append(value)
    absent: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    for sid, code in (
        await session.execute(
            select(Attendance.student_id, Attendance.code)
            .join(Lesson, Lesson.id == Attendance.lesson_id)
            .where(
                Attendance.student_id.in_(children),
                Lesson.date >= monday,
                Lesson.date <= sunday,
            )
        )
    ).all():
        if str(getattr(code, "value", code)) == "late":
            late[sid] += 1
        else:
            absent[sid] += 1
    rows = []
    for gid, cs in family.items():
        payload = {
            "date_from": monday.isoformat(),
            "date_to": sunday.isoformat(),
            "children": [
                {
                    "student": names.get(c, ""),
                    "subjects": [{"subject": s, "marks": v} for s, v in marks[c].items()],
                    "absent": absent[c],
                    "late": late[c],
                }
                for c in sorted(cs)
            ],
        }
        rows.append(
            {
                "school_id": school.id,
                "recipient_person_id": gid,
                "kind": "summary.weekly",
                "dedup_key": f"weekly:{monday.isoformat()}:{gid}",
                "payload": payload,
            }
        )
    return await outbox.enqueue_many(session, rows, not_before=now)


# --------------------------------------------------------------------------- fill-in reminders


@dataclass(frozen=True)
class Unfilled:
    teacher_id: int
    lesson_id: int
    lesson_number: int
    class_name: str
    subject: str
    missing: tuple[str, ...]


async def unfilled_lessons(session: AsyncSession, school_id: int, day: dt.date) -> list[Unfilled]:
    """Lessons of ``day`` lacking attendance, topic or homework (none for first grade)."""
    q = (
        select(Lesson, SchoolClass.name, SchoolClass.grade, Subject.name, Substitution.teacher_id)
        .join(SchoolClass, SchoolClass.id == Lesson.class_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
        .where(Lesson.school_id == school_id, Lesson.date == day, Lesson.is_cancelled.is_(False))
        .order_by(Lesson.lesson_number, SchoolClass.name)
    )
    lessons = (await session.execute(q)).all()
    ids = [lesson.id for lesson, *_ in lessons]
    with_hw = (
        set(await session.scalars(select(Homework.lesson_id).where(Homework.lesson_id.in_(ids))))
        if ids
        else set()
    )
    out = []
    for lesson, class_name, grade, subject, sub_teacher in lessons:
        missing = []
        if lesson.attendance_taken_at is None:
            missing.append("attendance")
        if not lesson.topic:
            missing.append("topic")
        if grade > 1 and lesson.id not in with_hw:
            missing.append("homework")
        if missing:
            out.append(
                Unfilled(
                    teacher_id=sub_teacher or lesson.teacher_id,
                    lesson_id=lesson.id,
                    lesson_number=lesson.lesson_number,
                    class_name=class_name,
                    subject=subject,
                    missing=tuple(missing),
                )
            )
    return out


def _deadline(school: School) -> str:
    return school.fill_deadline.strftime("%H:%M")


async def fill_reminder(
    session: AsyncSession, school: School, day: dt.date, now: dt.datetime
) -> int:
    """19:00: each teacher whose lessons of the day are not filled in (deadline 20:00,
    seed 003 §4.4)."""
    by_teacher: dict[int, list[Unfilled]] = defaultdict(list)
    for item in await unfilled_lessons(session, school.id, day):
        by_teacher[item.teacher_id].append(item)
    rows = [
        {
            "school_id": school.id,
            "recipient_person_id": tid,
            "kind": "reminder.fill",
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
    return await outbox.enqueue_many(session, rows, not_before=now)


async def unfilled_report(
    session: AsyncSession, school: School, day: dt.date, now: dt.datetime
) -> int:
    """At the deadline: the deputies get the list of lessons still not filled in."""
    items = await unfilled_lessons(session, school.id, day)
    if not items:
        return 0
    names = await _person_names(session, {i.teacher_id for i in items})
    deputies = set(
        await session.scalars(
            select(RoleGrant.person_id).where(
                RoleGrant.school_id == school.id, RoleGrant.role == Role.DEPUTY
            )
        )
    )
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
            "kind": "report.unfilled",
            "dedup_key": f"unfilled:{day.isoformat()}:{d}",
            "payload": payload,
            "urgent": False,
        }
        for d in sorted(deputies)
    ]
    return await outbox.enqueue_many(session, rows, not_before=now)


# --------------------------------------------------------------------------- monthly activity


async def monthly_activity(
    session: AsyncSession, school: School, day: dt.date, now: dt.datetime
) -> int:
    """On the 1st: last month's activity for the admins (seed 003 §8.1)."""
    first = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    tz = ZoneInfo(school.timezone)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day.replace(day=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    accounts = (
        await session.execute(
            select(Account.id, Account.person_id, Account.last_seen_at).where(
                Account.school_id == school.id
            )
        )
    ).all()
    bound = set(
        await session.scalars(
            select(MessengerBinding.account_id).where(
                MessengerBinding.school_id == school.id, MessengerBinding.ended_at.is_(None)
            )
        )
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for pid, role in (
        await session.execute(
            select(RoleGrant.person_id, RoleGrant.role).where(RoleGrant.school_id == school.id)
        )
    ).all():
        roles[pid].add(str(getattr(role, "value", role)))
    by_role: dict[str, dict[str, int]] = {}
    active_total = 0
    for account_id, pid, seen in accounts:
        active = seen is not None and start <= seen < end
        active_total += active
        for role_name in roles.get(pid, ()):
            c = by_role.setdefault(role_name, {"accounts": 0, "bound": 0, "active": 0})
            c["accounts"] += 1
            c["bound"] += account_id in bound
            c["active"] += active

    async def count(q: Any) -> int:
        return int(await session.scalar(q) or 0)

    payload = {
        "month": first.strftime("%m.%Y"),
        "accounts": len(accounts),
        "bound": len(bound),
        "active": active_total,
        "by_role": {r: by_role[r] for r in [x.value for x in Role] if r in by_role},
        "marks": await count(
            select(func.count()).where(
                Mark.school_id == school.id, Mark.created_at >= start, Mark.created_at < end
            )
        ),
        "attendance": await count(
            select(func.count()).where(
                Attendance.school_id == school.id,
                Attendance.created_at >= start,
                Attendance.created_at < end,
            )
        ),
        "topics": await count(
            select(func.count()).where(
                Lesson.school_id == school.id,
                Lesson.date >= first,
                Lesson.date < day.replace(day=1),
                Lesson.topic.is_not(None),
            )
        ),
        "sent": await count(
            select(func.count()).where(
                OutboxMessage.school_id == school.id,
                OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.sent_at >= start,
                OutboxMessage.sent_at < end,
            )
        ),
        "dead": await count(
            select(func.count()).where(
                OutboxMessage.school_id == school.id,
                OutboxMessage.status == OutboxStatus.DEAD,
                OutboxMessage.created_at >= start,
                OutboxMessage.created_at < end,
            )
        ),
    }
    admins = set(
        await session.scalars(
            select(RoleGrant.person_id).where(
                RoleGrant.school_id == school.id, RoleGrant.role == Role.ADMIN
            )
        )
    )
    rows = [
        {
            "school_id": school.id,
            "recipient_person_id": a,
            "kind": "report.activity",
            "dedup_key": f"activity:{first.strftime('%Y-%m')}:{a}",
            "payload": payload,
        }
        for a in sorted(admins)
    ]
    return await outbox.enqueue_many(session, rows, not_before=now)


# --------------------------------------------------------------------------- the schedule


def _working(school: School, calendar: Any, day: dt.date) -> bool:
    return bool(calendar.is_working_day(day))


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "homework_tomorrow",
        lambda s: dt.time(18, 0),
        lambda s, c, d: c.is_working_day(d + dt.timedelta(days=1)),
        homework_tomorrow,
        dt.timedelta(hours=4),
    ),
    JobSpec(
        "weekly_summary",
        lambda s: dt.time(18, 0),
        lambda s, c, d: d.isoweekday() == 7,
        weekly_summary,
        dt.timedelta(hours=24),
    ),
    JobSpec(
        "fill_reminder",
        lambda s: dt.time(19, 0),
        _working,
        fill_reminder,
        dt.timedelta(hours=1),
    ),
    JobSpec(
        "unfilled_report",
        lambda s: s.fill_deadline,
        _working,
        unfilled_report,
        dt.timedelta(hours=12),
    ),
    JobSpec(
        "monthly_activity",
        lambda s: dt.time(9, 0),
        lambda s, c, d: d.day == 1,
        monthly_activity,
        dt.timedelta(days=7),
    ),
)


async def run_job(
    session_factory: async_sessionmaker[AsyncSession],
    spec: JobSpec,
    school_id: int,
    day: dt.date,
    owner: str,
    run_at: dt.datetime | None = None,
) -> bool:
    """Run one job for one school and local date, once: the run record and the job's outbox rows
    commit together. Returns False when the run already exists (another process, a restart)."""
    run_key = f"school:{school_id}:{day.isoformat()}"
    async with session_factory() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        now = utcnow()
        run_at = run_at or now
        inserted = await session.scalar(
            insert(SchedulerRun)
            .values(job=spec.name, run_key=run_key, owner=owner, started_at=now, status="running")
            .on_conflict_do_nothing()
            .returning(SchedulerRun.id)
        )
        if inserted is None:
            return False
        school = await session.get(School, school_id)
        if school is None:
            return False
        queued = await spec.fn(session, school, day, run_at)
        await session.execute(
            update(SchedulerRun)
            .where(SchedulerRun.id == inserted)
            .values(status="done", finished_at=utcnow(), detail={"queued": queued})
        )
    log.info("job ran", extra={"job": spec.name, "run_key": run_key, "queued": queued})
    return True


async def run_due(
    session_factory: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    owner: str,
    jobs: tuple[JobSpec, ...] = JOBS,
) -> list[tuple[str, int, dt.date]]:
    """Run every job whose school-local time has come (within its catch-up window)."""
    async with session_factory() as session:
        schools = list((await session.scalars(select(School))).all())
        calendars = {s.id: await load_calendar(session, s) for s in schools}
    ran: list[tuple[str, int, dt.date]] = []
    for school in schools:
        tz = ZoneInfo(school.timezone)
        local = now.astimezone(tz)
        for spec in jobs:
            days_back = spec.window.days + 1
            for back in range(days_back, -1, -1):
                day = local.date() - dt.timedelta(days=back)
                due = dt.datetime.combine(day, spec.at(school), tzinfo=tz)
                if not due <= local < due + spec.window:
                    continue
                if due < school.created_at:
                    # Nothing to catch up from before the school was set up: a new
                    # deployment does not send last Sunday's summary on its first start.
                    continue
                if not spec.applies(school, calendars[school.id], day):
                    continue
                try:
                    if await run_job(session_factory, spec, school.id, day, owner, now):
                        ran.append((spec.name, school.id, day))
                except Exception:
                    log.exception("job failed", extra={"job": spec.name, "school": school.id})
    return ran
