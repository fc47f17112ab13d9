"""Scheduled jobs run set-based: a few statements per job whatever the number of schools, each
school's alerts to its own people, and one school's failure isolated from the others."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from notifications import jobs
from services.enums import AttendanceCode, NewsKind, WorkKind
from services.homework import assignments
from services.marks import marking
from services.models import (
    Attendance,
    ControlWork,
    News,
    OutboxMessage,
    Person,
    SchedulerRun,
    School,
)
from services.notifications import outbox, prefs
from tests.factories import TODAY, SchoolWorld, build_school
from tests.notifications.test_alerts import msk

SUNDAY = TODAY + dt.timedelta(days=4)

# When each job is due for the factory's school (Moscow time).
DUE = {
    "homework_tomorrow": msk(18, 0),
    "weekly_summary": msk(18, 5, SUNDAY),
    "fill_reminder": msk(19, 0),
    "unfilled_report": msk(20, 0),
    "monthly_activity": msk(9, 30, dt.date(2026, 12, 1)),
    # The last week of the second quarter (it ends on 27.12): period marks still missing.
    "period_marks_reminder": msk(14, 30, dt.date(2026, 12, 21)),
    # The day after today's control work, its results still not entered.
    "control_results_reminder": msk(15, 0, TODAY + dt.timedelta(days=1)),
    "early_warning": msk(16, 30),
    # Tomorrow's class event and school news (services.messages.event_reminders).
    "event_reminder": msk(18, 30),
}

# Statements of one run of each job over every school due, from reading the schools to the
# last commit. The same for one school and for three: nothing is queried per school, per
# family or per student (the outbox rows go in chunks of 500, so only more than 500 alerts in
# one batch of schools add a statement). The homework, the weekly summary and the event reminder
# queue one fan-out row per school (expanded by the delivery worker:
# tests/notifications/test_fanout.py); the reminder reads tomorrow's events to find the schools.
STATEMENTS = {
    "homework_tomorrow": 7,
    "weekly_summary": 7,
    "fill_reminder": 8,
    "unfilled_report": 10,
    "monthly_activity": 16,
    "period_marks_reminder": 14,
    "control_results_reminder": 8,
    "early_warning": 16,
    "event_reminder": 8,
}


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def schools_with_activity(session: AsyncSession, count: int) -> list[SchoolWorld]:
    """``count`` identical schools, each with homework, a mark and a parent opted in to
    tomorrow's homework, so that every job takes its full path."""
    worlds = []
    for n in range(count):
        w = await build_school(session, code=f"s{n + 1}")
        teacher = w.actors["teacher"]
        now = msk(10, 0)
        await prefs.update_prefs(session, w.actors["parent"], homework_tomorrow=True)
        await assignments.set_homework(session, teacher, w.lesson_today.id, "Стр. 42", now=now)
        await marking.put_mark(
            session, teacher, w.lesson_today.id, w.students[0].id, 5, WorkKind.ANSWER, now=now
        )
        # An absence of 5 lessons so far: the early warning's 10 % step.
        session.add(
            Attendance(
                school_id=w.school.id,
                lesson_id=w.lesson_old.id,
                student_id=w.students[0].id,
                code=AttendanceCode.ABSENT,
            )
        )
        session.add(
            ControlWork(
                school_id=w.school.id,
                class_id=w.cls.id,
                subject_id=w.math.id,
                date=TODAY,
                kind=WorkKind.CONTROL,
            )
        )
        session.add_all(
            News(
                school_id=w.school.id,
                kind=kind,
                class_id=class_id,
                author_id=w.class_teacher.id,
                title="Собрание",
                body="Собрание",
                event_at=msk(18, 0, TODAY + dt.timedelta(days=1)),
            )
            for kind, class_id in [(NewsKind.CLASS_EVENT, w.cls.id), (NewsKind.SCHOOL_NEWS, None)]
        )
        await session.commit()
        worlds.append(w)
    return worlds


@pytest.mark.parametrize("schools", [1, 3])
async def test_statements_per_job_do_not_grow_with_schools(
    session: AsyncSession,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    schools: int,
) -> None:
    worlds = await schools_with_activity(session, schools)
    ids = {w.school.id for w in worlds}
    statements = {}
    queued = {}
    for spec in jobs.JOBS:
        before = await _outbox_count(session_factory)
        with counting(engine) as seen:
            ran = await jobs.run_due(session_factory, DUE[spec.name], "t", (spec,))
        assert {school for _, school, _ in ran} == ids, spec.name
        statements[spec.name] = len(seen)
        queued[spec.name] = await _outbox_count(session_factory) - before
    assert statements == STATEMENTS
    # every job queued something, for every school alike
    assert all(n > 0 and n % schools == 0 for n in queued.values()), queued


async def _outbox_count(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as s:
        return len((await s.scalars(select(OutboxMessage.id))).all())


async def test_each_school_gets_its_own_alerts(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    worlds = await schools_with_activity(session, 3)
    for spec in jobs.JOBS:
        await jobs.run_due(session_factory, DUE[spec.name], "t", (spec,))
    async with session_factory() as s, s.begin():
        # one fan-out row per school and digest, expanded here as the worker would
        fanouts = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == jobs.FANOUT))
        ).all()
        assert sorted((f.school_id, f.payload["kind"]) for f in fanouts) == sorted(
            (w.school.id, kind)
            for w in worlds
            for kind in ("homework.tomorrow", "summary.weekly", "event.reminder")
        )
        for f in fanouts:
            made, cursor = await jobs.expand(s, f.school_id, f.payload, 10_000)
            assert cursor is None and made and {m["school_id"] for m in made} == {f.school_id}
            await outbox.enqueue_many(s, made)
    async with session_factory() as s:
        rows = (
            await s.execute(
                select(OutboxMessage.school_id, Person.school_id, OutboxMessage.kind).join(
                    Person, Person.id == OutboxMessage.recipient_person_id
                )
            )
        ).all()
    assert rows and all(school == person_school for school, person_school, _ in rows)
    per_school = Counter((school, kind) for school, _, kind in rows)
    kinds = {
        "homework.tomorrow",
        "summary.weekly",
        "reminder.fill",
        "report.unfilled",
        "report.activity",
        "reminder.period_marks",
        "reminder.control_results",
        "warning.early",
        "event.reminder",
    }
    assert kinds <= {kind for _, _, kind in rows}
    # identical schools, identical alerts
    for kind in kinds:
        assert len({per_school[(w.school.id, kind)] for w in worlds}) == 1, kind


async def test_a_failing_school_does_not_stop_the_others(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    worlds = await schools_with_activity(session, 3)
    broken = worlds[1].school.id
    spec = next(s for s in jobs.JOBS if s.name == "fill_reminder")

    async def sometimes(
        s: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
    ) -> dict[int, int]:
        if any(school.id == broken for school in schools):
            raise RuntimeError("broken school")
        return await spec.fn(s, schools, day, now)

    failing = replace(spec, fn=sometimes)
    ran = await jobs.run_due(session_factory, DUE["fill_reminder"], "t", (failing,))
    assert {school for _, school, _ in ran} == {worlds[0].school.id, worlds[2].school.id}
    async with session_factory() as s:
        keys = set(await s.scalars(select(SchedulerRun.run_key)))
        recipients = set(
            await s.scalars(
                select(OutboxMessage.school_id).where(OutboxMessage.kind == "reminder.fill")
            )
        )
    assert keys == {f"school:{w.school.id}:{TODAY.isoformat()}" for w in (worlds[0], worlds[2])}
    assert recipients == {worlds[0].school.id, worlds[2].school.id}
    # the next tick runs it once it works again, and nothing twice
    later = DUE["fill_reminder"] + dt.timedelta(minutes=1)
    assert await jobs.run_due(session_factory, later, "t", (spec,)) == [
        ("fill_reminder", broken, TODAY)
    ]


async def test_a_repeated_tick_finds_the_runs_in_one_query(
    session: AsyncSession,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await schools_with_activity(session, 3)
    spec = next(s for s in jobs.JOBS if s.name == "weekly_summary")
    assert len(await jobs.run_due(session_factory, DUE[spec.name], "t", (spec,))) == 3
    # every tick of the 24-hour catch-up window: schools, calendars, the runs done — no
    # attempt per school
    with counting(engine) as seen:
        later = DUE[spec.name] + dt.timedelta(hours=5)
        assert await jobs.run_due(session_factory, later, "t", (spec,)) == []
    assert len(seen) == 3
