"""News to read again (services.messages.news_reads) on a generated region (bench.region):
latency, statements and the plan of the list's keyed statement.

    python -m bench.news_bench --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k \\
        [--events-per-class 40] [--news-per-school 80] [--rounds 20] [--actors 10]

Seeds news once (skipped when the region has some): per class ``--events-per-class`` class
events and per school ``--news-per-school`` school news, spread over the school year's first
four months by ``generate_series`` (a year's worth at a busy school). Then samples parents with
two children, students and teachers from schools spread over the region and calls, each in a
fresh session as one update would: the newest page, the third page (keyset after the second
page's last id) and one item whole. Prints p50 / p95 per call and statements, and EXPLAIN
(ANALYZE, BUFFERS) of the list's keyed statement for one parent. The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.db import make_engine, make_session_factory
from services.enums import GuardianKind, Role
from services.messages import news_reads
from services.models import Account, Guardianship, RoleGrant
from services.people.identity import Actor, actor_for_account

SEED = """
INSERT INTO news (school_id, kind, class_id, author_id, title, body, event_at, created_at)
SELECT c.school_id, 'class_event', c.id, p.id, NULL,
       'Событие класса ' || c.name || ' № ' || n,
       CASE WHEN n % 4 = 0 THEN ts + interval '3 days' END, ts
FROM classes c
JOIN LATERAL (SELECT id FROM persons WHERE school_id = c.school_id ORDER BY id LIMIT 1) p ON true
CROSS JOIN generate_series(1, :per_class) AS n
CROSS JOIN LATERAL (
    SELECT timestamptz '2026-09-01 06:00+00' + (n * interval '120 days' / :per_class)
           + (c.id % 97) * interval '7 minutes' AS ts
) t;
INSERT INTO news (school_id, kind, class_id, author_id, title, body, event_at, created_at)
SELECT s.id, 'school_news', NULL, p.id, 'Новость ' || n, 'Новость школы № ' || n,
       CASE WHEN n % 5 = 0 THEN ts + interval '2 days' END, ts
FROM schools s
JOIN LATERAL (SELECT id FROM persons WHERE school_id = s.id ORDER BY id LIMIT 1) p ON true
CROSS JOIN generate_series(1, :per_school) AS n
CROSS JOIN LATERAL (
    SELECT timestamptz '2026-09-01 07:00+00' + (n * interval '120 days' / :per_school) AS ts
) t;
ANALYZE news;
"""


async def seed(factory: Any, per_class: int, per_school: int) -> int:
    async with factory() as s:
        have = int(await s.scalar(text("SELECT count(*) FROM news")) or 0)
        if have:
            return have
        for statement in SEED.split(";"):
            if statement.strip():
                await s.execute(text(statement), {"per_class": per_class, "per_school": per_school})
        await s.commit()
        return int(await s.scalar(text("SELECT count(*) FROM news")) or 0)


async def actors(factory: Any, how_many: int) -> dict[str, list[Actor]]:
    async with factory() as s:
        two = (
            await s.scalars(
                select(Guardianship.guardian_id)
                .where(Guardianship.kind == GuardianKind.PARENT)
                .group_by(Guardianship.guardian_id)
                .order_by(Guardianship.guardian_id)
            )
        ).all()
        picked: dict[str, list[int]] = {
            "parent": list(two[:: max(1, len(two) // how_many)][:how_many])
        }
        for role in (Role.STUDENT, Role.TEACHER):
            ids = (
                await s.scalars(
                    select(RoleGrant.person_id).where(RoleGrant.role == role).order_by(RoleGrant.id)
                )
            ).all()
            picked[role.value] = list(ids[:: max(1, len(ids) // how_many)][:how_many])
        out: dict[str, list[Actor]] = {}
        for kind, people in picked.items():
            found = []
            for pid in people:
                account = await s.scalar(select(Account.id).where(Account.person_id == pid))
                if account is None:
                    continue
                actor = await actor_for_account(s, account)
                if actor is not None:
                    found.append(actor)
            out[kind] = found
        return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--events-per-class", type=int, default=40)
    parser.add_argument("--news-per-school", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--actors", type=int, default=10)
    args = parser.parse_args()
    engine = make_engine(args.url)
    factory = make_session_factory(engine)
    rows = await seed(factory, args.events_per_class, args.news_per_school)
    people = await actors(factory, args.actors)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        statements.append((statement, params))

    async def newest(s: AsyncSession, a: Actor) -> Any:
        return await news_reads.news_page(s, a)

    async def third(s: AsyncSession, a: Actor) -> Any:
        page = await news_reads.news_page(s, a)
        if page.next_after is None:
            return page
        page = await news_reads.news_page(s, a, after=page.next_after)
        if page.next_after is None:
            return page
        return await news_reads.news_page(s, a, after=page.next_after)

    async def item(s: AsyncSession, a: Actor) -> Any:
        page = await news_reads.news_page(s, a)
        if page.items:
            return await news_reads.read_news(s, a, page.items[-1].id)
        return None

    calls: dict[str, Callable[[AsyncSession, Actor], Awaitable[Any]]] = {
        "newest page": newest,
        "third page (3 lists)": third,
        "one item (list + item)": item,
    }
    times: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str], int] = {}
    pairs = [(c, k, a) for c in calls for k, group in people.items() for a in group]
    for _ in range(args.rounds):
        random.shuffle(pairs)
        for call, kind, actor in pairs:
            async with factory() as s:
                statements.clear()
                start = time.perf_counter()
                await calls[call](s, actor)
                times.setdefault((call, kind), []).append((time.perf_counter() - start) * 1000)
                counts[(call, kind)] = len(statements)
    summary = {}
    print(f"news rows: {rows:,}")
    print(f"{'call':28} {'reader':8} {'SQL':>4} {'p50 ms':>7} {'p95 ms':>7}")
    for (call, kind), values in sorted(times.items()):
        values.sort()
        p50 = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{call:28} {kind:8} {counts[(call, kind)]:>4} {p50:7.2f} {p95:7.2f}")
        summary[f"{call}/{kind}"] = {"sql": counts[(call, kind)], "p50": p50, "p95": p95}
    parent = people["parent"][0]
    async with factory() as s:
        statements.clear()
        await news_reads.news_page(s, parent)
        keyed = next(st for st in statements if "UNION ALL" in st[0])
        plan = await s.execute(text("SELECT 1"))  # the connection, warmed
        raw = await s.connection()
        result = await raw.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + keyed[0], keyed[1])
        print("\n".join(row[0] for row in result))
        del plan
    print(json.dumps({"rows": rows, "calls": summary}))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
