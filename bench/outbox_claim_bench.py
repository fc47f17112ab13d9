"""Benchmark: the delivery worker's claim of 16 rows with 1k, 100k and 1M alerts pending, before
and after the claim's partial index and query shape (migration 0007), interleaved in one run.

    python -m bench.outbox_claim_bench [--sizes 1000,100000,1000000] [--reps 30]
                                       [--delete-reps 2] [--keep]

For each size two PostgreSQL databases (``bench_outbox_before_<n>`` at revision
0006_audit_append_only with the claim as it was, ``bench_outbox_after_<n>`` at head with
:meth:`notifications.worker.Worker.claim`) get the same rows, filled set-based: one school,
``n / 2`` recipients, ``n`` pending ``mark.new`` alerts due within the last hour, then VACUUM
ANALYZE. Each repetition runs the claim once per size and variant, alternately, each in its own
transaction rolled back afterwards (the rows stay pending, so every run claims the same rows).
Also timed: deleting 100 rows at the largest size (the ``merged_into_id`` reference check), and
the EXPLAIN ANALYZE of the claim's row selection, and one retention batch (5,000 rows) with
half the rows finished two years ago. Prints one JSON line per measurement and a
summary; the databases are dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import time
from typing import Any

from sqlalchemy import Select, and_, insert, or_, select, text
from sqlalchemy.engine import make_url

from bench.pg import PG_ADMIN, pg_admin
from notifications.retention import DEFAULT_BATCH, delete_batch
from notifications.worker import T, Worker
from screens.screen import Screen
from services.db import make_engine, make_session_factory
from services.enums import OutboxStatus
from services.models import School
from services.tools.migrate import upgrade

BEFORE_REVISION = "0006_audit_append_only"
LIMIT = 16


class NoTransport:
    async def send(
        self, chat_id: str, screen: Screen, *, silent: bool = False
    ) -> str:  # pragma: no cover
        raise AssertionError("the benchmark never sends")


class BeforeWorker(Worker):
    """The claim as it was before migration 0007: one OR across the statuses (the lease and the
    recipients' other rows are taken as :meth:`Worker.claim` takes them)."""

    @staticmethod
    def _due(now: dt.datetime, limit: int, lock: bool) -> Select[tuple[int]]:
        due = or_(
            and_(T.c.status == OutboxStatus.PENDING, T.c.not_before <= now),
            and_(T.c.status == OutboxStatus.SENDING, T.c.locked_until < now),
        )
        pick = select(T.c.id).where(due).order_by(T.c.not_before, T.c.id).limit(limit)
        return pick.with_for_update(skip_locked=True) if lock else pick


EXPLAIN = {
    "before": """
        SELECT id FROM outbox
        WHERE (status = 'pending' AND not_before <= :now)
           OR (status = 'sending' AND locked_until < :now)
        ORDER BY not_before, id LIMIT 16 FOR UPDATE SKIP LOCKED""",
    "after": """
        SELECT id FROM outbox
        WHERE status IN ('pending', 'sending') AND not_before <= :now
          AND (status = 'pending' OR locked_until < :now)
        ORDER BY not_before, id LIMIT 16 FOR UPDATE SKIP LOCKED""",
}


def db_url(name: str) -> str:
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


async def fill(url: str, revision: str, n: int, now: dt.datetime) -> None:
    engine = make_engine(url, pool=False)
    try:
        await upgrade(engine, revision)
        recipients = max(1, n // 2)
        async with engine.begin() as conn:
            school = (
                await conn.execute(
                    insert(School).values(code="bench", name="Bench").returning(School.id)
                )
            ).scalar_one()
            await conn.execute(
                text(
                    "INSERT INTO persons (school_id, last_name, first_name, created_at) "
                    "SELECT :s, 'P' || g, 'B', :now FROM generate_series(1, :r) AS g"
                ),
                {"s": school, "r": recipients, "now": now},
            )
            first = (await conn.execute(text("SELECT min(id) FROM persons"))).scalar_one()
            await conn.execute(
                text(
                    "INSERT INTO outbox (school_id, recipient_person_id, kind, dedup_key, payload,"
                    " urgent, status, created_at, not_before, attempts, outcome_unknown) "
                    "SELECT :s, :first + g % :r, 'mark.new', 'bench:' || g, '{}', false,"
                    " 'pending', CAST(:now AS timestamptz) - interval '2 hours',"
                    " CAST(:now AS timestamptz) - make_interval(secs => g % 3600), 0, false "
                    "FROM generate_series(1, :n) AS g"
                ),
                {"s": school, "first": first, "r": recipients, "n": n, "now": now},
            )
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE outbox"))
            await conn.execute(text("VACUUM ANALYZE persons"))
    finally:
        await engine.dispose()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--delete-reps", type=int, default=2)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    variants = {"before": (BeforeWorker, BEFORE_REVISION), "after": (Worker, "head")}
    names = {(v, n): f"bench_outbox_{v}_{n}" for n in sizes for v in variants}
    for name in names.values():
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await pg_admin(f'CREATE DATABASE "{name}"')
    engines = {}
    try:
        for (variant, n), name in names.items():
            started = time.perf_counter()
            await fill(db_url(name), variants[variant][1], n, now)
            print(f"# filled {name} in {time.perf_counter() - started:.1f} s", flush=True)
        workers: dict[tuple[str, int], Worker] = {}
        for key, name in names.items():
            engine = make_engine(db_url(name))
            engines[key] = engine
            cls = variants[key[0]][0]
            workers[key] = cls(
                make_session_factory(engine), NoTransport(), clock=lambda: now, worker_id="bench"
            )
        times: dict[tuple[str, int], list[float]] = {k: [] for k in names}
        claimed: dict[tuple[str, int], int] = {}
        for rep in range(args.reps + 1):  # the first round warms up the pools and caches
            for n in sizes:
                for variant in variants:
                    worker = workers[(variant, n)]
                    async with worker.session_factory() as session:
                        started = time.perf_counter()
                        rows = await worker.claim(session, LIMIT)
                        elapsed = time.perf_counter() - started
                        await session.rollback()
                    if rep:
                        times[(variant, n)].append(elapsed * 1000)
                    claimed[(variant, n)] = len(rows)
        summary: dict[str, Any] = {}
        for (variant, n), values in times.items():
            values.sort()
            line = {
                "measure": "claim",
                "variant": variant,
                "pending": n,
                "claimed_rows": claimed[(variant, n)],
                "p50_ms": round(statistics.median(values), 2),
                "p95_ms": round(values[int(0.95 * (len(values) - 1))], 2),
                "reps": len(values),
            }
            summary[f"{variant}:{n}"] = line["p50_ms"]
            print(json.dumps(line), flush=True)
        for variant in variants:
            low, high = summary[f"{variant}:{sizes[0]}"], summary[f"{variant}:{sizes[-1]}"]
            print(
                json.dumps(
                    {
                        "measure": "claim_ratio",
                        "variant": variant,
                        "from": sizes[0],
                        "to": sizes[-1],
                        "p50_ratio": round(high / low, 2),
                    }
                ),
                flush=True,
            )
        for n in sizes:
            print(
                json.dumps(
                    {
                        "measure": "after_over_before",
                        "pending": n,
                        "p50_ratio": round(summary[f"after:{n}"] / summary[f"before:{n}"], 3),
                    }
                ),
                flush=True,
            )
        big = sizes[-1]
        for variant in variants:
            async with engines[(variant, big)].connect() as conn:
                plan = (
                    await conn.execute(
                        text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + EXPLAIN[variant]),
                        {"now": now},
                    )
                ).all()
                await conn.rollback()
            print(f"# EXPLAIN {variant} at {big} pending:")
            for (row,) in plan:
                print(f"#   {row}")
        # Retention: one batch of 5,000 finished rows (half the table made finished and two
        # years old), three batches per size, rolled back.
        for n in sizes:
            engine = engines[("after", n)]
            async with make_session_factory(engine)() as session:
                await session.execute(
                    text(
                        "UPDATE outbox SET status = 'sent', created_at = created_at - "
                        "interval '2 years' WHERE id % 2 = 0"
                    )
                )
                school = (await session.execute(text("SELECT min(id) FROM schools"))).scalar_one()
                batches = []
                for _ in range(3):
                    started = time.perf_counter()
                    deleted = await delete_batch(
                        session, school, now - dt.timedelta(days=365), DEFAULT_BATCH
                    )
                    batches.append([deleted, round((time.perf_counter() - started) * 1000, 1)])
                await session.rollback()
            line = {
                "measure": "retention_batches",
                "rows_in_table": n,
                "finished_old_rows": n // 2,
                "rows_and_ms": batches,
            }
            print(json.dumps(line), flush=True)
        deletes: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(args.delete_reps):
            for variant in variants:
                async with engines[(variant, big)].connect() as conn:
                    started = time.perf_counter()
                    await conn.execute(
                        text(
                            "DELETE FROM outbox WHERE id IN "
                            "(SELECT id FROM outbox ORDER BY id LIMIT 100)"
                        )
                    )
                    deletes[variant].append((time.perf_counter() - started) * 1000)
                    await conn.rollback()
        for variant, values in deletes.items():
            if values:
                print(
                    json.dumps(
                        {
                            "measure": "delete_100",
                            "variant": variant,
                            "rows_in_table": big,
                            "median_ms": round(statistics.median(values), 1),
                            "reps": len(values),
                        }
                    ),
                    flush=True,
                )
    finally:
        for engine in engines.values():
            await engine.dispose()
        if not args.keep:
            for name in names.values():
                await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    asyncio.run(main())
