"""Scheduled jobs over a generated region (bench.region): time, SQL statements and loop lag.

    python -m bench.jobs_bench --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k \\
        [--jobs weekly_summary,fill_reminder] [--before <git revision>] [--rounds 1] \\
        [--batch 10] [--separate]

Each job runs once over the whole region the way the scheduler's tick runs it
(``notifications.jobs.run_due`` with only that job), at the moment it is due around Monday
2026-11-30 (Moscow time; every generated school is in Moscow):

* ``homework_tomorrow``: Monday 18:00 (Tuesday's homework); every other parent opted in;
* ``weekly_summary``: Sunday 29 November 18:00 (the week 23–29 November);
* ``fill_reminder``: Monday 19:00, ``unfilled_report``: Monday 20:00 (the school's deadline);
* ``monthly_activity``: Tuesday 1 December 09:00 (November's activity); each school's deputy
  made an administrator (the report's recipient) and every third account seen in November;
* ``lessons_ahead``: the daily task keeping dated lessons two weeks ahead (01:00).

Nothing is left behind in the shared region: every run happens inside one transaction on one
connection (the jobs' own commits become savepoints) that is rolled back afterwards. The
preparation (schools set up before the slots, the homework opt-ins) happens in that
transaction too.

Measured per run: wall time, SQL statements (a ``before_cursor_execute`` listener), schools
run, outbox rows queued, and the event loop's lag — a probe coroutine sleeping 5 ms in a loop
beside the job reports how late it woke up (max and p99): a bot sharing the loop would answer
that much later.

``--separate`` also runs each job in a child process, the way ``python -m bot scheduler`` runs
the jobs apart from the bot, and probes this process's loop meanwhile.

``--before REV`` also runs the jobs of an older revision (``notifications/jobs.py`` taken from
git) interleaved with the current ones, round by round, and checks that both queue the same
rows (recipient, kind, dedup key, payload, urgency, not-before). The weekly summary and
tomorrow's homework now queue one fan-out row per school that the delivery worker expands: for
them (and for the event reminder, a fan-out row per school with an event tomorrow since it too
reaches every family of a school) the rows compared are those of the first ``--check-schools``
schools (10), the fan-out
rows expanded the way the worker does it (``jobs.expand`` a chunk of 250 families at a time),
inside the same rolled-back transaction; the time of that expansion is reported too
(``expand_s``: the database and Python work the worker does, without sending), with the loop
lag meanwhile (``expand_lag_max_ms``). Rows compared
without not-before, which is the expansion's moment on the new path. The last line is a JSON
summary.

``--deliver`` measures the delivery side instead, on a database of its own (it commits and
empties ``outbox`` and ``scheduler_runs``: never a shared region; generate one with
``python -m bench.region --students 2000 --fresh --url …/jobs_deliver``): for each of the two
jobs, the old path (a row per family queued by the job) and the fan-out path, interleaved, each
run once and then delivered by one in-process worker (16 sends at once, pacing off) to the local
Bot API server with its limits off, until nothing is left. Reported: the job's seconds, the
delivery's seconds and messages a second, the seconds the worker spent expanding, and whether
every chat received exactly the same texts on both paths.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from notifications import jobs
from services.db import make_engine

MSK = ZoneInfo("Europe/Moscow")
MONDAY = dt.date(2026, 11, 30)
ROOT = Path(__file__).resolve().parent.parent

# The moment each job is due (school-local, Moscow).
DUE: dict[str, dt.datetime] = {
    "homework_tomorrow": dt.datetime.combine(MONDAY, dt.time(18, 0), MSK),
    "weekly_summary": dt.datetime.combine(MONDAY - dt.timedelta(days=1), dt.time(18, 0), MSK),
    "fill_reminder": dt.datetime.combine(MONDAY, dt.time(19, 0), MSK),
    "unfilled_report": dt.datetime.combine(MONDAY, dt.time(20, 0), MSK),
    "monthly_activity": dt.datetime.combine(MONDAY + dt.timedelta(days=1), dt.time(9, 0), MSK),
    "lessons_ahead": dt.datetime.combine(MONDAY, dt.time(1, 0), MSK),
    "event_reminder": dt.datetime.combine(MONDAY, dt.time(18, 30), MSK),
}

# Dated class events, school news and agreed control works around MONDAY (the generated region
# has none): per class an event tomorrow (every fourth class), one this week (every third),
# one the week after and one past; per school a news item tomorrow (every other school), one
# this week and one without a date; per class two agreed control works this week. For the
# weekly summary's week ahead and the evening-before reminder to have real work.
EVENTS_SQL = """
INSERT INTO news (school_id, kind, class_id, author_id, title, body, event_at, created_at)
SELECT c.school_id, 'class_event', c.id, p.id, NULL, 'Событие класса ' || c.name, e.at,
       TIMESTAMPTZ '2026-11-20 09:00+03'
FROM classes c
JOIN LATERAL (SELECT id FROM persons WHERE school_id = c.school_id ORDER BY id LIMIT 1) p ON true
CROSS JOIN LATERAL (VALUES
    (CASE WHEN c.id % 4 = 0 THEN TIMESTAMPTZ '2026-12-01 18:00+03' END),
    (CASE WHEN c.id % 3 = 0 THEN TIMESTAMPTZ '2026-12-03 17:00+03' END),
    (TIMESTAMPTZ '2026-12-10 18:00+03'),
    (TIMESTAMPTZ '2026-11-20 18:00+03')
) e(at)
WHERE e.at IS NOT NULL;
INSERT INTO news (school_id, kind, class_id, author_id, title, body, event_at, created_at)
SELECT s.id, 'school_news', NULL, p.id, 'Новость', 'Новость школы', e.at,
       TIMESTAMPTZ '2026-11-20 10:00+03'
FROM schools s
JOIN LATERAL (SELECT id FROM persons WHERE school_id = s.id ORDER BY id LIMIT 1) p ON true
CROSS JOIN LATERAL (VALUES
    (CASE WHEN s.id % 2 = 0 THEN TIMESTAMPTZ '2026-12-01 10:00+03' END),
    (TIMESTAMPTZ '2026-12-04 12:00+03'),
    (NULL::timestamptz)
) e(at)
WHERE e.at IS NOT NULL OR s.id > 0;
INSERT INTO control_works (school_id, class_id, subject_id, date, kind, title, created_at,
    agreed_at)
SELECT ta.school_id, ta.class_id, ta.subject_id, DATE '2026-12-01' + (ta.subject_id % 4),
       'control', NULL, TIMESTAMPTZ '2026-11-20 10:00+03', TIMESTAMPTZ '2026-11-21 10:00+03'
FROM (SELECT DISTINCT ON (class_id, subject_id) school_id, class_id, subject_id,
             row_number() OVER (PARTITION BY class_id ORDER BY subject_id) AS n
      FROM teaching_assignments ORDER BY class_id, subject_id) ta
WHERE ta.n <= 2;
ANALYZE news;
ANALYZE control_works
"""
EVENT_JOBS = ("weekly_summary", "event_reminder")


@dataclass
class Counter:
    statements: int = 0
    # With ``--explain``: the first statement (and its parameters) of each text that reads one
    # of these tables, to EXPLAIN after the job.
    capture: tuple[str, ...] = ()
    captured: dict[str, Any] = field(default_factory=dict)

    def before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements += 1
        if (
            self.capture
            and statement.lstrip().upper().startswith("SELECT")
            and any(f" {table} " in f" {statement} ".replace("\n", " ") for table in self.capture)
        ):
            self.captured.setdefault(statement, parameters)


async def explain_captured(conn: AsyncConnection, counter: Counter) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each captured statement: its plan's node types (a sequential
    scan of a big table would show as ``Seq Scan on <table>``), time and buffers."""
    out = []
    for statement, parameters in counter.captured.items():
        rows = (
            await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        ).all()
        plan = [r[0] for r in rows]
        out.append(
            {
                "statement": " ".join(statement.split())[:160],
                "seq_scans": sorted(
                    {ln.split("Seq Scan on ")[1].split()[0] for ln in plan if "Seq Scan on " in ln}
                ),
                "plan": plan,
            }
        )
    counter.captured.clear()
    return out


@dataclass
class LagProbe:
    """Wakes every ``interval`` seconds and records how late it woke."""

    interval: float = 0.005
    lags: list[float] = field(default_factory=list)
    _stop: bool = False

    async def run(self) -> None:
        while not self._stop:
            started = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(time.perf_counter() - started - self.interval)

    def stop(self) -> None:
        self._stop = True

    def summary(self) -> dict[str, float]:
        if not self.lags:
            return {"lag_max_ms": 0.0, "lag_p99_ms": 0.0}
        ordered = sorted(self.lags)
        return {
            "lag_max_ms": round(ordered[-1] * 1000, 1),
            "lag_p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1),
        }


def _module_at(rev: str, path: str, name: str, folder: Path) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    file = folder / f"{name}.py"
    file.write_text(source)
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_before(rev: str) -> ModuleType:
    """``notifications/jobs.py`` and the ``outbox.py`` it queues through, as they were at
    ``rev``, imported under other names."""
    folder = Path(tempfile.mkdtemp(prefix="jobs_bench_"))
    # The outbox's write side moved into services/ with the domain packages.
    try:
        old_outbox = _module_at(rev, "services/notifications/outbox.py", "outbox_before", folder)
    except subprocess.CalledProcessError:
        old_outbox = _module_at(rev, "notifications/outbox.py", "outbox_before", folder)
    module = _module_at(rev, "notifications/jobs.py", "jobs_before", folder)
    module.outbox = old_outbox  # type: ignore[attr-defined]
    return module


async def prepare(conn: AsyncConnection, job: str) -> None:
    # Generated schools are "created" when the region was generated, after the slots.
    await conn.execute(text("UPDATE schools SET created_at = '2026-09-01 00:00+00'"))
    if job == "monthly_activity":
        # Generated regions have no administrators and nobody seen: make the report non-empty.
        await conn.execute(
            text(
                "INSERT INTO role_grants (school_id, person_id, role, granted_at) "
                "SELECT school_id, person_id, 'admin', now() FROM role_grants "
                "WHERE role = 'deputy' ON CONFLICT DO NOTHING"
            )
        )
        await conn.execute(
            text(
                "UPDATE accounts SET last_seen_at = '2026-11-15 10:00+00' "
                "WHERE id % 3 = 0 AND last_seen_at IS NULL"
            )
        )
    if job in EVENT_JOBS:
        # The same news ids on every run (the rolled-back rows still took their ids): the
        # reminders' dedup keys and payloads hold them, and --before compares them.
        await conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('news', 'id'), "
            "COALESCE((SELECT max(id) FROM news), 0) + 1, false)"
        )
        for statement in EVENTS_SQL.split(";"):
            if statement.strip():
                await conn.exec_driver_sql(statement)
    if job == "homework_tomorrow":
        await conn.execute(
            text(
                "INSERT INTO notification_prefs (person_id, school_id, absences, marks, "
                "marks_mode, digest_time, homework_tomorrow, weekly_summary, news, reminders, "
                "updated_at) SELECT r.person_id, r.school_id, true, true, 'instant', '19:00', "
                "true, true, true, true, now() FROM role_grants r "
                "WHERE r.role = 'parent' AND r.person_id % 2 = 0 ON CONFLICT DO NOTHING"
            )
        )


FANOUT_JOBS = ("weekly_summary", "homework_tomorrow")
# Jobs whose fan-out rows the measurement expands (the delivery bench keeps to the two above).
EXPANDED_JOBS = (*FANOUT_JOBS, "event_reminder")


async def outbox_digest(conn: AsyncConnection, schools: int | None = None) -> tuple[int, str]:
    """A hash of the queued rows; with ``schools``, of the families' rows of the first
    ``schools`` schools only, without not-before (fan-out rows are left out)."""
    if schools is None:
        q = (
            "SELECT school_id, recipient_person_id, kind, dedup_key, payload::text, urgent, "
            "not_before FROM outbox ORDER BY dedup_key"
        )
    else:
        q = (
            "SELECT school_id, recipient_person_id, kind, dedup_key, payload::text, urgent "
            "FROM outbox WHERE kind <> 'fanout' AND school_id IN "
            f"(SELECT id FROM schools ORDER BY id LIMIT {int(schools)}) ORDER BY dedup_key"
        )
    rows = (await conn.execute(text(q))).all()
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
    return len(rows), h.hexdigest()[:16]


def run_call(
    module: Any,
    job: str,
    factory: async_sessionmaker[AsyncSession],
    batch: int | None,
    later: dt.timedelta = dt.timedelta(0),
) -> Callable[[], Awaitable[Any]]:
    now = (DUE[job] + later).astimezone(dt.UTC)
    if job == "lessons_ahead":

        async def lessons() -> Any:
            from services.timetable.lessons import keep_ahead

            async with factory() as session:
                done = await keep_ahead(session, DUE[job].date())
            return [("lessons_ahead", g.school_id, DUE[job].date()) for g in done]

        return lessons
    spec = next(s for s in module.JOBS if s.name == job)
    if batch is not None and hasattr(spec, "batch"):
        spec = replace(spec, batch=batch)

    async def scheduled() -> Any:
        return await module.run_due(factory, now, "bench", (spec,))

    return scheduled


async def idle_lag(seconds: float) -> dict[str, float]:
    """The probe alone: how late it wakes on this machine with no job running."""
    probe = LagProbe()
    probing = asyncio.create_task(probe.run())
    await asyncio.sleep(seconds)
    probe.stop()
    await probing
    return probe.summary()


async def expand_fanouts(
    factory: async_sessionmaker[AsyncSession],
    schools: int,
    chunk: int = 250,
    module: Any = jobs,
    counter: Counter | None = None,
) -> dict[str, Any]:
    """Expand the fan-out rows of the first ``schools`` schools the way the worker does, step
    by step (no sending), with ``module``'s ``expand``: seconds, steps, rows, statements."""
    from services.notifications import outbox

    steps = made = 0
    first = counter.statements if counter is not None else 0
    probe = LagProbe()
    probing = asyncio.create_task(probe.run())
    started = time.perf_counter()
    async with factory() as session:
        fanouts = (
            await session.execute(
                text(
                    "SELECT id, school_id, payload FROM outbox WHERE kind = 'fanout' AND school_id "
                    f"IN (SELECT id FROM schools ORDER BY id LIMIT {int(schools)}) ORDER BY id"
                )
            )
        ).all()
        await session.commit()
        for _, school_id, payload in fanouts:
            payload = dict(payload)
            while True:
                async with session.begin():
                    rows, cursor = await module.expand(session, school_id, payload, chunk)
                    await outbox.enqueue_many(session, rows)
                steps += 1
                made += len(rows)
                payload["after"] = cursor
                if cursor is None:
                    break
    seconds = time.perf_counter() - started
    probe.stop()
    await probing
    lag = probe.summary()
    statements = counter.statements - first if counter is not None else 0
    return {
        "expand_lag_max_ms": lag["lag_max_ms"],
        "expand_lag_p99_ms": lag["lag_p99_ms"],
        "expand_statements_per_step": round(statements / steps, 1) if steps else None,
        "expand_s": round(seconds, 2),
        "expand_schools": len(fanouts),
        "expand_steps": steps,
        "expanded": made,
        "expand_ms_per_step": round(seconds * 1000 / steps, 1) if steps else None,
    }


async def measure(
    engine: Any,
    counter: Counter,
    module: Any,
    job: str,
    digest: bool,
    batch: int | None = None,
    check_schools: int = 10,
) -> dict[str, Any]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            await prepare(conn, job)
            factory = async_sessionmaker(
                bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            call = run_call(module, job, factory, batch)
            probe = LagProbe()
            probing = asyncio.create_task(probe.run())
            await asyncio.sleep(0.02)
            before = counter.statements
            started = time.perf_counter()
            ran = await call()
            wall = time.perf_counter() - started
            statements = counter.statements - before
            probe.stop()
            await probing
            schools = len({school for _, school, _ in ran})
            # The next tick (the runs are done): what every minute of a catch-up window costs.
            again = run_call(module, job, factory, batch, dt.timedelta(minutes=1))
            before = counter.statements
            started = time.perf_counter()
            assert not await again() or job == "lessons_ahead"
            tick = {
                "next_tick_ms": round((time.perf_counter() - started) * 1000, 1),
                "next_tick_statements": counter.statements - before,
            }
            queued = await conn.scalar(text("SELECT count(*) FROM outbox"))
            out: dict[str, Any] = {
                "seconds": round(wall, 2),
                "statements": statements,
                "schools": schools,
                "queued": queued,
                "statements_per_school": round(statements / schools, 1) if schools else None,
                "ms_per_school": round(wall * 1000 / schools, 1) if schools else None,
                **probe.summary(),
                **tick,
            }
            if digest and job in EXPANDED_JOBS:
                if hasattr(module, "expand"):
                    out.update(
                        await expand_fanouts(factory, check_schools, module=module, counter=counter)
                    )
                out["digest"] = (await outbox_digest(conn, check_schools))[1]
            elif digest:
                out["digest"] = (await outbox_digest(conn))[1]
            if counter.capture and module is jobs:
                out["explain"] = await explain_captured(conn, counter)
            return out
        finally:
            await outer.rollback()


async def measure_separate(url: str, job: str, batch: int | None) -> dict[str, Any]:
    """The job in a child process (as ``python -m bot scheduler`` runs it) while this process's
    loop only runs the probe: the lag a bot beside a scheduler process would see."""
    command = [sys.executable, "-m", "bench.jobs_bench", "--url", url, "--jobs", job, "--child"]
    if batch is not None:
        command += ["--batch", str(batch)]
    probe = LagProbe()
    probing = asyncio.create_task(probe.run())
    child = await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    probe.stop()
    await probing
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    result["lag_in_job_process_max_ms"] = result.pop("lag_max_ms")
    result["lag_in_job_process_p99_ms"] = result.pop("lag_p99_ms")
    return {**result, **probe.summary()}


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--jobs", default=",".join(DUE), help="comma-separated job names")
    parser.add_argument("--before", default=None, help="also run the jobs of this git revision")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--batch", type=int, default=None, help="schools per transaction (default: the job's)"
    )
    parser.add_argument(
        "--separate",
        action="store_true",
        help="also run each job in a child process and probe this process's loop meanwhile",
    )
    parser.add_argument(
        "--check-schools",
        type=int,
        default=10,
        help="schools whose fan-out rows are expanded and compared with --before",
    )
    parser.add_argument(
        "--deliver",
        action="store_true",
        help="measure the delivery of the weekly summary and the homework (a private database)",
    )
    parser.add_argument(
        "--explain",
        default="",
        help="comma-separated tables: EXPLAIN (ANALYZE, BUFFERS) each distinct SELECT of the "
        "current jobs (and the expansion) that reads one, e.g. news,control_works",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.deliver:
        await deliver_main(args.url, args.rounds)
        return
    names = [n for n in args.jobs.split(",") if n]
    for name in names:
        if name not in DUE:
            parser.error(f"unknown job {name}")
    variants: list[tuple[str, Any]] = [("now", jobs)]
    if args.before:
        variants.insert(0, ("before", load_before(args.before)))
    engine = make_engine(args.url)
    counter = Counter(capture=tuple(t for t in args.explain.split(",") if t))
    event.listen(engine.sync_engine, "before_cursor_execute", counter.before)
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    if args.child:
        try:
            print(json.dumps(await measure(engine, counter, jobs, names[0], False, args.batch)))
        finally:
            await engine.dispose()
        return
    if args.separate:
        variants.append(("process", None))
    try:
        async with engine.connect() as conn:
            students = await conn.scalar(
                text("SELECT count(*) FROM role_grants WHERE role = 'student'")
            )
            schools = await conn.scalar(text("SELECT count(*) FROM schools"))
        print(f"region: {students} students, {schools} schools", flush=True)
        idle = await idle_lag(5.0)
        print(f"idle loop lag (no job running): {json.dumps(idle)}", flush=True)
        for round_no in range(args.rounds):
            for name in names:
                order = variants if round_no % 2 == 0 else variants[::-1]
                for label, module in order:
                    if name == "lessons_ahead" and label == "before":
                        continue  # not in notifications/jobs.py: the same code both times
                    if label == "before" and not any(s.name == name for s in module.JOBS):
                        continue  # a job the older revision did not have
                    if label == "process":
                        r = await measure_separate(args.url, name, args.batch)
                    else:
                        r = await measure(
                            engine,
                            counter,
                            module,
                            name,
                            args.before is not None,
                            args.batch,
                            args.check_schools,
                        )
                    results.setdefault(name, {}).setdefault(label, []).append(r)
                    print(f"{name:18} {label:6} {json.dumps(r)}", flush=True)
        summary: dict[str, Any] = {
            "students": students,
            "schools": schools,
            "batch": args.batch,
            "idle": idle,
            "jobs": {},
        }
        for name, by_label in results.items():
            entry: dict[str, Any] = {}
            for label, runs in by_label.items():
                entry[label] = {
                    "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
                    "statements": runs[0]["statements"],
                    "schools": runs[0]["schools"],
                    "queued": runs[0]["queued"],
                    "lag_max_ms": max(r["lag_max_ms"] for r in runs),
                    "lag_p99_ms": max(r["lag_p99_ms"] for r in runs),
                    "next_tick_statements": runs[0]["next_tick_statements"],
                }
            if "before" in by_label:
                same = {r.get("digest") for r in by_label["before"] + by_label["now"]}
                entry["same_rows"] = len(same) == 1
                entry["speedup"] = round(
                    entry["before"]["seconds"] / max(entry["now"]["seconds"], 1e-6), 1
                )
            summary["jobs"][name] = entry
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- delivery


async def deliver_once(
    url: str, job: str, fanout: bool, server: Any, bot: Any
) -> tuple[dict[str, Any], dict[int, list[str]]]:
    """One job on one path, committed, then delivered to the end by an in-process worker."""
    from handlers.common.transport import TelegramTransport
    from notifications.pacing import MemoryPacer, PacingConfig
    from notifications.worker import Worker, WorkerConfig
    from services.db import make_session_factory

    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM outbox"))
            await conn.execute(text("DELETE FROM scheduler_runs"))
            await prepare(conn, job)
        spec = next(s for s in jobs.JOBS if s.name == job)
        if not fanout:
            direct = {
                "weekly_summary": jobs.weekly_summary,
                "homework_tomorrow": jobs.homework_tomorrow,
            }
            spec = replace(spec, fn=direct[job])
        now = DUE[job].astimezone(dt.UTC)
        started = time.perf_counter()
        await jobs.run_due(factory, now, "bench", (spec,))
        job_s = time.perf_counter() - started
        clock_start = time.perf_counter()

        def clock() -> dt.datetime:  # the job's moment, moving as the delivery goes on
            return now + dt.timedelta(seconds=time.perf_counter() - clock_start)

        unlimited = PacingConfig(
            global_per_second=1e6, global_burst=100_000, private_per_second=1e6, private_burst=1000
        )
        worker = Worker(
            factory,
            TelegramTransport(bot, request_timeout=30),
            pacer=MemoryPacer(unlimited),
            clock=clock,
            config=WorkerConfig(concurrency=16),
            worker_id="bench",
        )
        expanding = 0.0
        expand_all = worker._expand_all

        async def timed(*a: Any, **k: Any) -> None:
            nonlocal expanding
            t0 = time.perf_counter()
            try:
                await expand_all(*a, **k)
            finally:
                expanding += time.perf_counter() - t0

        worker._expand_all = timed  # type: ignore[method-assign]
        stop = asyncio.Event()
        started = time.perf_counter()
        running = asyncio.create_task(worker.run_forever(stop))
        while True:
            await asyncio.sleep(0.2)
            async with engine.connect() as conn:
                left = await conn.scalar(
                    text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
                )
            if not left:
                break
        stop.set()
        await running
        deliver_s = time.perf_counter() - started
        async with engine.connect() as conn:
            chats = [
                int(c)
                for (c,) in (
                    await conn.execute(text("SELECT chat_id FROM messenger_bindings"))
                ).all()
            ]
            statuses: dict[Any, Any] = dict(
                (
                    await conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
                ).all()
            )
    finally:
        await engine.dispose()
    got = {c: [m.raw_text or m.text for m in server.sent_to(c)] for c in chats}
    got = {c: v for c, v in got.items() if v}
    server_clear(server)
    stats = worker.stats
    return (
        {
            "job_s": round(job_s, 2),
            "deliver_s": round(deliver_s, 2),
            "messages": stats.messages,
            "messages_per_s": round(stats.messages / deliver_s, 1),
            "expanded": stats.expanded,
            "expand_s": round(expanding, 2),
            "expand_share": round(expanding / deliver_s, 3),
            "statuses": {str(k): v for k, v in statuses.items()},
            "outcome_unknown": stats.outcome_unknown,
        },
        got,
    )


def server_clear(server: Any) -> None:
    """Forget the messages sent so far (the chats stay open)."""
    for chat in server.bot.chats.values():
        chat.bot_messages.clear()


async def deliver_main(url: str, rounds: int) -> None:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from testkit.botapi import BotAPIServer, Limits

    engine = make_engine(url)
    async with engine.connect() as conn:
        chats = [
            int(c)
            for (c,) in (await conn.execute(text("SELECT chat_id FROM messenger_bindings"))).all()
        ]
        schools = await conn.scalar(text("SELECT count(*) FROM schools"))
    await engine.dispose()
    summary: dict[str, Any] = {"schools": schools, "chats": len(chats), "jobs": {}}
    async with BotAPIServer(limits=Limits.off()) as server:
        for chat in chats:
            server.user(chat).open_chat()
        assert server.base_url is not None
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot("123456:BENCH-token_for_local_api", session=session)
        try:
            for round_no in range(rounds):
                for job in FANOUT_JOBS:
                    order = [False, True] if round_no % 2 == 0 else [True, False]
                    texts: dict[bool, dict[int, list[str]]] = {}
                    for fanout in order:
                        r, texts[fanout] = await deliver_once(url, job, fanout, server, bot)
                        label = "fanout" if fanout else "per_family"
                        print(f"{job:18} {label:10} {json.dumps(r)}", flush=True)
                        entry = summary["jobs"].setdefault(job, {})
                        entry.setdefault(label, []).append(r)
                    same = texts[False] == texts[True]
                    summary["jobs"][job].setdefault("same_texts", []).append(same)
                    print(f"{job:18} same texts in every chat: {same}", flush=True)
        finally:
            await bot.session.close()
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
