"""Screens of a generated region (bench.region): latency and SQL statements per call.

    python -m bench.screens_bench --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k \\
        [--rounds 30] [--actors 10] [--today 2026-11-30] [--explain]

Samples real actors of the region (parents, teachers, class teachers, deputies, from schools
spread over the region) and calls the read models the bot's handlers call, each in a fresh
session as one update would:

* ``diary_day`` / ``diary_week``: services.timetable.diary.diary_page (a parent, their child)
* ``marks_page``: services.marks.mark_reads.marks_page (a parent, the current period)
* ``teacher_day``: services.timetable.teacher_day.teacher_lessons (/today of a teacher)
* ``lesson_sheet``: services.timetable.lesson_sheet.lesson_sheet (the teacher's last lesson before
  today)
* ``term_sheet``: services.marks.final_marks.term_sheet (the teacher's class and subject, this term)
* ``class_journal``: services.marks.class_journal.class_journal (a class teacher's own class, and a
  deputy's view of a class)
* ``unfilled``: services.timetable.journal_control.unfilled_lessons (the deputy's list of the last
  week's lessons lacking attendance, topic or homework, as the office's "unfilled" button shows it)
* the office's lists, for a deputy: ``office_classes``, ``class_students``,
  ``class_lessons_on`` (a class's day with teachers and substitutes), ``substitute_candidates``
  (for the teacher's lesson) and ``journal_checks`` (services.school.office_reads,
  services.timetable.substitutions and services.timetable.journal_control)

Every round runs every (screen, actor) pair once in a shuffled order, so the screens are
interleaved and share the machine's noise. SQL statements are counted with a
``before_cursor_execute`` listener. Prints a table of p50 / p95 / max and statements per call,
ratios to the fastest screen, and with ``--explain [N]`` EXPLAIN (ANALYZE, BUFFERS) of the slowest
statement of the N screens with the highest p95 (default 1). The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench import common
from services.db import make_engine, make_session_factory
from services.marks import class_journal, final_marks, mark_reads
from services.people.identity import Actor, actor_for_account
from services.school import office_reads
from services.timetable import diary, journal_control, lesson_sheet, substitutions, teacher_day

DEFAULT_TODAY = dt.date(2026, 11, 30)

Call = Callable[[AsyncSession], Awaitable[Any]]


@dataclass
class Probe:
    """Counts statements and keeps the slowest one seen while ``label`` is set."""

    label: str | None = None
    statements: int = 0
    started: float = 0.0
    slowest: dict[str, tuple[float, str, Any]] = field(default_factory=dict)

    def before(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements += 1
        self.started = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.label is None:
            return
        took = time.perf_counter() - self.started
        best = self.slowest.get(self.label)
        if best is None or took > best[0]:
            self.slowest[self.label] = (took, statement, params)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


async def sample_actors(
    session: AsyncSession, count: int, today: dt.date, seed: int
) -> dict[str, list[tuple[Actor, dict[str, int]]]]:
    """Accounts of each kind, from schools spread evenly over the region."""
    picked = await common.spread_schools(session, count)
    rnd = random.Random(seed)
    out: dict[str, list[tuple[Actor, dict[str, int]]]] = defaultdict(list)
    period = text(
        "SELECT id FROM study_periods WHERE school_id = :s AND :d BETWEEN starts_on AND ends_on"
    )
    for school_id in picked:
        period_id = await session.scalar(period, {"s": school_id, "d": today})
        parent = (
            await session.execute(
                text(
                    "SELECT a.id, g.student_id FROM accounts a "
                    "JOIN guardianships g ON g.guardian_id = a.person_id "
                    "WHERE a.school_id = :s ORDER BY a.id OFFSET :o LIMIT 1"
                ),
                {"s": school_id, "o": rnd.randrange(1000)},
            )
        ).one()
        # A teacher who has lessons today and taught before today.
        teacher = (
            await session.execute(
                text(
                    "SELECT a.id, l.id AS lesson_id, l.class_id, l.subject_id FROM lessons l "
                    "JOIN accounts a ON a.person_id = l.teacher_id "
                    "JOIN classes c ON c.id = l.class_id AND c.grade > 1 "
                    "WHERE l.school_id = :s AND l.date = ("
                    "  SELECT max(date) FROM lessons WHERE school_id = :s AND date < :d) "
                    "AND EXISTS (SELECT 1 FROM lessons t WHERE t.teacher_id = l.teacher_id "
                    "  AND t.date = :d) "
                    "ORDER BY l.id OFFSET :o LIMIT 1"
                ),
                {"s": school_id, "d": today, "o": rnd.randrange(20)},
            )
        ).one()
        klass = (
            await session.execute(
                text(
                    "SELECT a.id, c.id AS class_id, ta.subject_id FROM classes c "
                    "JOIN accounts a ON a.person_id = c.class_teacher_id "
                    "JOIN teaching_assignments ta ON ta.class_id = c.id "
                    "WHERE c.school_id = :s AND c.grade > 1 AND ta.teacher_id = c.class_teacher_id "
                    "ORDER BY c.id OFFSET :o LIMIT 1"
                ),
                {"s": school_id, "o": rnd.randrange(5)},
            )
        ).first()
        deputy = await session.scalar(
            text(
                "SELECT a.id FROM accounts a JOIN role_grants r ON r.person_id = a.person_id "
                "WHERE a.school_id = :s AND r.role = 'deputy' LIMIT 1"
            ),
            {"s": school_id},
        )
        rows: list[tuple[str, int, dict[str, int]]] = [
            ("parent", parent.id, {"student_id": parent.student_id, "period_id": period_id}),
            (
                "teacher",
                teacher.id,
                {
                    "lesson_id": teacher.lesson_id,
                    "class_id": teacher.class_id,
                    "subject_id": teacher.subject_id,
                    "period_id": period_id,
                },
            ),
            (
                "deputy",
                deputy,
                {
                    "class_id": teacher.class_id,
                    "subject_id": teacher.subject_id,
                    "period_id": period_id,
                    "lesson_id": teacher.lesson_id,
                },
            ),
        ]
        if klass is not None:
            rows.append(
                (
                    "class_teacher",
                    klass.id,
                    {
                        "class_id": klass.class_id,
                        "subject_id": klass.subject_id,
                        "period_id": period_id,
                    },
                )
            )
        for kind, account_id, extra in rows:
            actor = await actor_for_account(session, account_id)
            assert actor is not None
            out[kind].append((actor, extra))
    return out


def screen_calls(
    actors: dict[str, list[tuple[Actor, dict[str, int]]]], today: dt.date
) -> list[tuple[str, Call]]:
    now = dt.datetime.combine(today, dt.time(10, 0), ZoneInfo("Europe/Moscow"))
    monday = today - dt.timedelta(days=today.weekday())
    friday = monday + dt.timedelta(days=4)
    calls: list[tuple[str, Call]] = []

    def add(name: str, fn: Call) -> None:
        calls.append((name, fn))

    for actor, x in actors["parent"]:
        sid = x["student_id"]
        day = partial(diary.diary_page, actor=actor, student_id=sid, now=now)
        add("diary_day", partial(day, date_from=today, date_to=today))
        add("diary_week", partial(day, date_from=monday, date_to=friday))
        add("marks_page", partial(mark_reads.marks_page, actor=actor, student_id=sid, now=now))
    for actor, x in actors["teacher"]:
        cls, subject, period = x["class_id"], x["subject_id"], x["period_id"]
        add("teacher_day", partial(teacher_day.teacher_lessons, actor=actor, day=today))
        add(
            "lesson_sheet",
            partial(lesson_sheet.lesson_sheet, actor=actor, lesson_id=x["lesson_id"], now=now),
        )
        add(
            "term_sheet",
            partial(
                final_marks.term_sheet,
                actor=actor,
                class_id=cls,
                subject_id=subject,
                period_id=period,
            ),
        )
    for kind in ("class_teacher", "deputy"):
        for actor, x in actors[kind]:
            cls, subject, period = x["class_id"], x["subject_id"], x["period_id"]
            journal = partial(
                class_journal.class_journal,
                actor=actor,
                class_id=cls,
                subject_id=subject,
                period_id=period,
            )
            add(f"class_journal ({kind.replace('_', ' ')})", journal)
    # The office (a deputy): the unfilled lessons of the last week (handlers/admin/tools.py
    # shows DAYS_BACK = 7 days up to today) and the pickers' lists.
    week_ago = today - dt.timedelta(days=7)
    for actor, x in actors["deputy"]:
        cls = x["class_id"]
        add(
            "unfilled (deputy)",
            partial(
                journal_control.unfilled_lessons,
                actor=actor,
                date_from=week_ago,
                date_to=today,
                today=today,
            ),
        )
        add("office_classes", partial(office_reads.office_classes, actor=actor))
        add("class_students", partial(office_reads.class_students, actor=actor, class_id=cls))
        add(
            "class_lessons_on",
            partial(substitutions.class_lessons_on, actor=actor, class_id=cls, day=today),
        )
        add(
            "substitute_candidates",
            partial(substitutions.substitute_candidates, actor=actor, lesson_id=x["lesson_id"]),
        )
        add("journal_checks", partial(journal_control.recent_journal_checks, actor=actor))
    return calls


async def explain(session: AsyncSession, statement: str, params: Any) -> list[str]:
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    rows = await driver.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *(params or ()))
    return [r[0] for r in rows]


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--actors", type=int, default=10, help="actors of each kind")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--explain",
        type=int,
        nargs="?",
        const=1,
        default=0,
        help="EXPLAIN the slowest statement of this many screens, worst p95 first",
    )
    args = parser.parse_args(argv)

    engine = make_engine(args.url)
    probe = Probe()
    event.listen(engine.sync_engine, "before_cursor_execute", probe.before)
    event.listen(engine.sync_engine, "after_cursor_execute", probe.after)
    factory = make_session_factory(engine)
    try:
        async with factory() as session:
            students = await session.scalar(
                select(text("count(*)"))
                .select_from(text("role_grants"))
                .where(text("role = 'student'"))
            )
            actors = await sample_actors(session, args.actors, args.today, args.seed)
        calls = screen_calls(actors, args.today)
        # Warm-up: one pass, not measured (compiled-statement caches, connections).
        for _, fn in calls:
            async with factory() as session:
                await fn(session)
        times: dict[str, list[float]] = defaultdict(list)
        stmts: dict[str, list[int]] = defaultdict(list)
        rnd = random.Random(args.seed)
        for _ in range(args.rounds):
            order = calls[:]
            rnd.shuffle(order)
            for name, fn in order:
                async with factory() as session:
                    probe.label = name
                    before = probe.statements
                    started = time.perf_counter()
                    await fn(session)
                    times[name].append((time.perf_counter() - started) * 1000)
                    stmts[name].append(probe.statements - before)
                    probe.label = None
        rows: dict[str, dict[str, Any]] = {
            name: {
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(percentile(v, 0.95), 1),
                "max_ms": round(max(v), 1),
                "statements": f"{min(stmts[name])}-{max(stmts[name])}"
                if min(stmts[name]) != max(stmts[name])
                else str(stmts[name][0]),
                "calls": len(v),
            }
            for name, v in times.items()
        }
        fastest = min(r["p50_ms"] for r in rows.values())
        print(f"{'screen':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL':>6} {'×p50':>6}")
        for name, r in sorted(rows.items(), key=lambda kv: kv[1]["p95_ms"]):
            r["x_fastest_p50"] = round(r["p50_ms"] / fastest, 1)
            print(
                f"{name:32} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} "
                f"{r['statements']:>6} {r['x_fastest_p50']:6.1f}"
            )
        summary: dict[str, Any] = {"students": students, "today": str(args.today), "screens": rows}
        explained = []
        for worst in sorted(rows, key=lambda n: -rows[n]["p95_ms"])[: args.explain]:
            took, statement, params = probe.slowest[worst]
            async with factory() as session:
                plan = await explain(session, statement, params)
            print(f"\nslowest statement of {worst} ({took * 1000:.1f} ms):\n{statement}\n")
            print("\n".join(plan))
            explained.append(
                {
                    "screen": worst,
                    "statement_ms": round(took * 1000, 1),
                    "seq_scans": [line.strip() for line in plan if "Seq Scan" in line],
                    "execution": plan[-1],
                }
            )
        summary["explain"] = explained
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
