"""Teacher ↔ family messages (services.family_messages) on a generated region (bench.region):
latency, statements per call and the plans of the statements on the message tables.

    python -m bench.messages_bench \\
        --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k_msg \\
        [--past-years 4] [--rounds 20] [--actors 10] [--today 2026-11-30]

Seeds threads once (skipped when the region has some), by set-based INSERT … SELECT: the
region's year and ``--past-years`` closed school years before it (retention keeps five years),
each with a copy of the region's classes. In every year a third of the students' families have
1–3 threads with distinct teachers of the class (which third changes by year; the threads
laid out in the order they were opened, not school by school), 6–14 messages
each (teacher and parent by turns, a few hours apart, ids in time order across the region), the
threads' last message time, and each author's read mark at their own last message (so the other
side's last message is unread); then VACUUM (ANALYZE) of the message tables. The rows are
consistent by construction: the seeding transaction skips the row-by-row reference checks
(``session_replication_role = replica``, as bench.region drops its foreign keys while
filling). A teacher of many classes gathers over a hundred threads in the five years (the
busiest and the median teacher's count are printed).

Then samples parents with a thread this year and teachers spread over the list by thread count
(the busiest always in), and calls, each in a fresh session as one update would, with the clock
at ``--today`` 10:00 UTC:

* ``thread_list``: services.family_messages.reads.thread_list (a teacher's, a parent's)
* ``thread_page``: threads.load_thread + reads.thread_page (the newest page of the actor's
  newest thread of this year)
* ``child_teachers``: reads.child_teachers (a parent, their child)
* ``write``: threads.write_in_thread (a parent in their thread, a teacher's reply), in a
  transaction rolled back afterwards

Prints p50 / p95 per call, the ratio of each p50 to the fastest call's and p95 / p50, the SQL
statements per call (a ``before_cursor_execute`` listener; the savepoint statements of the
rolled-back writes not counted), and EXPLAIN (ANALYZE, BUFFERS) of every SELECT of the calls
that reads a message table, for the busiest teacher and one parent; a sequential scan of
family_threads or family_messages is flagged, and so is a scan of them whose filter drops over
1,000 rows. The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.pg import pg_admin
from services.db import make_engine, make_session_factory
from services.family_messages import reads, threads
from services.models import Account, FamilyThread
from services.people.identity import Actor, actor_for_account

SEED = """
SET LOCAL session_replication_role = replica;
INSERT INTO school_years (school_id, name, starts_on, ends_on, is_closed)
SELECT s.id, (2026 - k) || '/' || (2027 - k), make_date(2026 - k, 9, 1),
       make_date(2027 - k, 5, 31), true
FROM schools s CROSS JOIN generate_series(1, :past) k;
INSERT INTO classes (school_id, year_id, grade, letter, name, class_teacher_id, external_id)
SELECT c.school_id, y.id, c.grade, c.letter, c.name, c.class_teacher_id, c.external_id
FROM classes c
JOIN school_years cur ON cur.id = c.year_id AND NOT cur.is_closed
JOIN school_years y ON y.school_id = c.school_id AND y.is_closed;
INSERT INTO family_threads (school_id, year_id, class_id, student_id, teacher_id, side,
                            created_at)
SELECT e.school_id, y.id, yc.id, e.student_id, t.teacher_id, 'family',
       y.starts_on + ((e.student_id * 7 + t.rn * 13) % 85) * interval '1 day'
           + interval '5 hours'
FROM enrolments e
JOIN classes c ON c.id = e.class_id
JOIN school_years y ON y.school_id = e.school_id
JOIN classes yc ON yc.year_id = y.id AND yc.name = c.name
CROSS JOIN LATERAL (
    SELECT d.teacher_id, row_number() OVER (ORDER BY (d.teacher_id * 31 + e.student_id) % 97,
                                                     d.teacher_id) AS rn
    FROM (SELECT DISTINCT teacher_id FROM teaching_assignments WHERE class_id = c.id) d
) t
WHERE e.left_on IS NULL
  AND (e.student_id + extract(year FROM y.starts_on)::int) % 3 = 0
  AND t.rn <= 1 + (e.student_id / 3) % 3
ORDER BY 7, e.student_id, t.teacher_id;
INSERT INTO family_messages (school_id, thread_id, author_id, from_teacher, text, messenger,
                             created_at, deliver_at)
SELECT t.school_id, t.id,
       CASE WHEN n % 2 = 0 THEN t.teacher_id ELSE coalesce(g.guardian_id, t.student_id) END,
       n % 2 = 0, 'Сообщение № ' || n || ' о ребёнке, переписка ' || t.id, 'telegram',
       t.created_at + n * interval '3 hours', t.created_at + n * interval '3 hours'
FROM family_threads t
LEFT JOIN LATERAL (
    SELECT guardian_id FROM guardianships
    WHERE student_id = t.student_id AND kind = 'parent' ORDER BY guardian_id LIMIT 1
) g ON true
CROSS JOIN generate_series(1, 6 + t.id % 9) n
ORDER BY t.created_at + n * interval '3 hours', t.id;
UPDATE family_threads SET last_message_at = created_at + (6 + id % 9) * interval '3 hours';
INSERT INTO family_thread_reads (thread_id, person_id, school_id, last_read_id, read_at)
SELECT thread_id, author_id, min(school_id), max(id), max(created_at)
FROM family_messages GROUP BY thread_id, author_id;
ANALYZE school_years;
ANALYZE classes
"""

MESSAGE_TABLES = ("family_threads", "family_messages", "family_thread_reads")
SAVEPOINTS = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)", re.I)


async def seed(factory: Any, url: str, past: int) -> dict[str, int]:
    async with factory() as s:
        if not await s.scalar(text("SELECT count(*) FROM family_threads")):
            for statement in SEED.split(";"):
                if statement.strip():
                    started = time.perf_counter()
                    result = await s.execute(text(statement), {"past": past})
                    head = " ".join(statement.split()[:3])
                    took = time.perf_counter() - started
                    print(f"seed: {head:40} {result.rowcount or 0:>10,} rows {took:6.1f} s")
            await s.commit()
            # The UPDATE of last_message_at left a dead version of every thread: vacuumed,
            # as autovacuum would have, before anything is measured.
            await pg_admin("VACUUM (ANALYZE) " + ", ".join(MESSAGE_TABLES), url)
        counts = {
            t: int(await s.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in MESSAGE_TABLES
        }
        busiest = (
            await s.execute(
                text(
                    "SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM "
                    "(SELECT count(*) AS n FROM family_threads GROUP BY teacher_id) t"
                )
            )
        ).one()
        counts["threads of the busiest teacher"] = int(busiest[0] or 0)
        counts["threads of the median teacher"] = int(busiest[1] or 0)
        return counts


async def _actor(s: AsyncSession, person_id: int) -> Actor | None:
    account = await s.scalar(select(Account.id).where(Account.person_id == person_id))
    return None if account is None else await actor_for_account(s, account)


async def actors(factory: Any, how_many: int, today: dt.date) -> dict[str, list[Actor]]:
    """Teachers spread over the list by threads (the busiest first) and parents with a thread
    of this year."""
    async with factory() as s:
        teachers = list(
            await s.scalars(
                text(
                    "SELECT teacher_id FROM family_threads GROUP BY teacher_id "
                    "ORDER BY count(*) DESC, teacher_id"
                )
            )
        )
        parents = list(
            await s.scalars(
                text(
                    "SELECT DISTINCT g.guardian_id FROM family_threads t "
                    "JOIN school_years y ON y.id = t.year_id AND y.starts_on <= :today "
                    "AND y.ends_on >= :today "
                    "JOIN guardianships g ON g.student_id = t.student_id AND g.kind = 'parent' "
                    "ORDER BY g.guardian_id"
                ),
                {"today": today},
            )
        )
        out: dict[str, list[Actor]] = {}
        for kind, ids in (("teacher", teachers), ("parent", parents)):
            found = []
            for pid in ids[:: max(1, len(ids) // how_many)][:how_many]:
                actor = await _actor(s, pid)
                if actor is not None:
                    found.append(actor)
            out[kind] = found
        return out


async def current_thread(s: AsyncSession, actor: Actor, today: dt.date) -> FamilyThread:
    """The actor's newest thread of this year (as its teacher, or a parent of its child)."""
    thread = await s.scalar(
        select(FamilyThread)
        .from_statement(
            text(
                "SELECT t.* FROM family_threads t "
                "JOIN school_years y ON y.id = t.year_id AND y.starts_on <= :today "
                "AND y.ends_on >= :today "
                "WHERE t.teacher_id = :p OR t.student_id IN (SELECT student_id FROM "
                "guardianships WHERE guardian_id = :p AND kind = 'parent') "
                "ORDER BY t.last_message_at DESC, t.id DESC LIMIT 1"
            )
        )
        .params(p=actor.person_id, today=today)
    )
    assert thread is not None
    return thread


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--past-years", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--actors", type=int, default=10)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    args = parser.parse_args()
    now = dt.datetime.combine(args.today, dt.time(10, 0), dt.UTC)
    engine: AsyncEngine = make_engine(args.url)
    factory = make_session_factory(engine)
    rows = await seed(factory, args.url, args.past_years)
    people = await actors(factory, args.actors, args.today)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if not SAVEPOINTS.match(statement):
            statements.append((statement, params))

    # Each actor's thread of this year, found before the clock runs.
    own: dict[int, tuple[int, int]] = {}
    async with factory() as s:
        for group in people.values():
            for a in group:
                t = await current_thread(s, a, args.today)
                own[a.person_id] = (t.id, t.student_id)

    async def thread_list(s: AsyncSession, a: Actor) -> Any:
        return await reads.thread_list(s, a, now=now)

    async def thread_page(s: AsyncSession, a: Actor) -> Any:
        thread, role = await threads.load_thread(s, a, own[a.person_id][0])
        return await reads.thread_page(s, a, thread, role, now=now)

    async def child_teachers(s: AsyncSession, a: Actor) -> Any:
        return await reads.child_teachers(s, a, own[a.person_id][1], now=now)

    async def write(s: AsyncSession, a: Actor) -> Any:
        return await threads.write_in_thread(
            s, a, own[a.person_id][0], "Добрый день! Спасибо, поговорим на собрании.", now=now
        )

    calls: dict[str, tuple[Callable[[AsyncSession, Actor], Awaitable[Any]], tuple[str, ...]]] = {
        "thread_list": (thread_list, ("teacher", "parent")),
        "thread_page": (thread_page, ("teacher", "parent")),
        "child_teachers": (child_teachers, ("parent",)),
        "write (rolled back)": (write, ("teacher", "parent")),
    }

    async def run(call: str, actor: Actor) -> list[tuple[str, Any]]:
        """One call in a fresh session; a write in a transaction rolled back afterwards."""
        statements.clear()
        if not call.startswith("write"):
            async with factory() as s:
                await calls[call][0](s, actor)
            return list(statements)
        async with engine.connect() as conn:
            outer = await conn.begin()
            s = AsyncSession(
                bind=conn,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
                autoflush=False,
            )
            try:
                await calls[call][0](s, actor)
                return list(statements)
            finally:
                await s.close()
                await outer.rollback()

    times: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str], int] = {}
    pairs = [(c, k, a) for c, (_, kinds) in calls.items() for k in kinds for a in people[k]]
    for _ in range(args.rounds):
        random.shuffle(pairs)
        for call, kind, actor in pairs:
            start = time.perf_counter()
            done = await run(call, actor)
            times.setdefault((call, kind), []).append((time.perf_counter() - start) * 1000)
            counts[(call, kind)] = max(counts.get((call, kind), 0), len(done))

    for name, value in rows.items():
        print(f"{name:32} {value:>10,}")
    fastest = min(statistics.median(v) for v in times.values())
    print(
        f"\n{'call':22} {'actor':8} {'SQL':>4} {'p50 ms':>7} {'p95 ms':>7} {'p50/min':>8} "
        f"{'p95/p50':>8}"
    )
    summary: dict[str, Any] = {}
    for (call, kind), values in sorted(times.items()):
        values.sort()
        p50 = statistics.median(values)
        p95 = values[max(0, round(0.95 * (len(values) - 1)))]
        print(
            f"{call:22} {kind:8} {counts[(call, kind)]:>4} {p50:7.2f} {p95:7.2f} "
            f"{p50 / fastest:8.1f} {p95 / p50:8.1f}"
        )
        summary[f"{call}/{kind}"] = {"sql": counts[(call, kind)], "p50": p50, "p95": p95}

    # The plans: each SELECT on a message table, for the busiest teacher and the first parent.
    seq_scans: list[str] = []
    for kind in ("teacher", "parent"):
        actor = people[kind][0]
        for call, (_, kinds) in calls.items():
            if kind not in kinds:
                continue
            captured = await run(call, actor)
            for statement, params in captured:
                if not statement.lstrip().upper().startswith("SELECT") or not any(
                    t in statement for t in MESSAGE_TABLES
                ):
                    continue
                async with engine.connect() as conn:
                    result = await conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                    )
                    plan = [row[0] for row in result]
                    await conn.rollback()
                print(f"\n-- {call} / {kind}: {' '.join(statement.split())[:160]}")
                print("\n".join(plan))
                node = ""
                for line in plan:
                    if "(cost=" in line:
                        node = line.strip()
                    if any(f"Seq Scan on {t}" in line for t in MESSAGE_TABLES[:2]):
                        seq_scans.append(f"{call}/{kind}: {node}")
                    removed = re.search(r"Rows Removed by Filter: (\d+)", line)
                    if removed and int(removed[1]) > 1000 and " on family_" in node:
                        seq_scans.append(f"{call}/{kind}: {node[:80]} … {removed[0]}")
    print("\nscans of family_threads / family_messages:", seq_scans or "none")
    print(json.dumps({"rows": rows, "calls": summary, "seq_scans": seq_scans}))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
