"""The early warning's evening job on a generated region (bench/region.py), per school.

    python -m bench.early_warning_bench --url postgresql+asyncpg://.../region_ew --day 2026-11-30

Runs the job for every school one at a time (its own transaction, as a batch of one), twice:
the first evening (nothing remembered yet: every projection is stored) and the next one
(the state read and only changes written). Prints the seconds per school, the statements, the
alerts and EXPLAIN ANALYZE of the two grouped statements for one school."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import time
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.early_warning import figures, job
from services.models import EarlyWarning, OutboxMessage, School


async def evening(
    factory: Any, schools: list[int], day: dt.date, seen: list[str]
) -> dict[str, Any]:
    now = dt.datetime.combine(day, dt.time(16, 30), tzinfo=dt.UTC)
    times: list[float] = []
    statements: list[int] = []
    queued = 0
    for sid in schools:
        before = len(seen)
        start = time.perf_counter()
        async with factory() as session, session.begin():
            school = await session.get(School, sid)
            counts = await job.run(session, [school], day, now)
        times.append(time.perf_counter() - start)
        statements.append(len(seen) - before)
        queued += sum(counts.values())
    return {
        "day": day.isoformat(),
        "schools": len(schools),
        "seconds_per_school": {
            "median": round(statistics.median(times), 3),
            "max": round(max(times), 3),
            "total": round(sum(times), 2),
        },
        "statements_per_school": max(statements),
        "alerts": queued,
    }


async def explain(factory: Any, school_id: int, day: dt.date) -> dict[str, str]:
    out = {}
    async with factory() as session:
        periods = await figures.current_periods(session, [school_id], day)
        connection = await session.connection()
        for name, statement in (
            ("absences", figures.absences_statement(periods, day)),
            ("marks", figures.mark_sums_statement(periods, day)),
        ):
            sql = str(
                statement.compile(
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
            )
            plan = await connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            out[name] = "\n".join(r[0] for r in plan.all())
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--day", default="2026-11-30")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.day)
    engine = create_async_engine(args.url)
    seen: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as session:
        schools = list(await session.scalars(select(School.id).order_by(School.id)))
    results = [await evening(factory, schools, day, seen)]
    results.append(await evening(factory, schools, day + dt.timedelta(days=1), seen))
    async with factory() as session:
        results.append(
            {
                "early_warnings_rows": await session.scalar(select(func.count(EarlyWarning.id))),
                "outbox_rows": await session.scalar(select(func.count(OutboxMessage.id))),
            }
        )
    print(json.dumps(results, indent=1))
    if args.explain:
        for name, plan in (await explain(factory, schools[0], day)).items():
            print(f"--- {name}\n{plan}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
