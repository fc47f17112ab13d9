"""Benchmark: who is acting, per update, on a generated region (``bench/region.py``).

    python -m bench.identity_bench --url postgresql+asyncpg://…/region_30k [--users 500]

For ``--users`` bound messenger users picked evenly over the region: the identity read of an
update (:func:`services.people.identity.resolve_actor`, one statement: the binding per
messenger, account, person, school, roles, the chat's choice and the binding's last use) and
the last-use write (:func:`services.people.identity.mark_seen`: due once per user, then skipped
for :data:`SEEN_EVERY`). Prints the statements and p50/p95 of each, and the plan of the
identity statement. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from sqlalchemy import event, select, text

from bench.common import percentile
from services.db import make_engine, make_session_factory
from services.enums import Messenger
from services.models import MessengerBinding, utcnow
from services.people.identity import _BY_USER, mark_seen, resolve_actor


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args()
    engine = make_engine(args.url)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    factory = make_session_factory(engine)
    async with factory() as s:
        users = list(
            (
                await s.scalars(
                    select(MessengerBinding.external_user_id)
                    .where(MessengerBinding.ended_at.is_(None))
                    .order_by(MessengerBinding.id)
                )
            ).all()
        )
        await s.execute(text("UPDATE messenger_bindings SET last_seen_at = NULL"))
        await s.commit()
    picked = users[:: max(1, len(users) // args.users)][: args.users]
    timings: dict[str, list[float]] = {"identity": [], "first_write": [], "skipped_write": []}
    counts: dict[str, int] = {k: 0 for k in timings}
    for rnd, key in ((0, "first_write"), (1, "skipped_write")):
        for user in picked:
            async with factory() as s:
                before = statements
                started = time.perf_counter()
                actor = await resolve_actor(s, Messenger.TELEGRAM, user)
                if rnd == 0:
                    timings["identity"].append(time.perf_counter() - started)
                    counts["identity"] += statements - before
                assert actor is not None
                before = statements
                started = time.perf_counter()
                await mark_seen(s, utcnow())
                timings[key].append(time.perf_counter() - started)
                counts[key] += statements - before
    async with engine.connect() as conn:
        sql = _BY_USER.params(messenger="telegram", external_user_id=picked[0]).compile(
            engine.sync_engine, compile_kwargs={"literal_binds": True}
        )
        plan = (await conn.execute(text(f"EXPLAIN ANALYZE {sql}"))).all()
        total = await conn.scalar(text("SELECT count(*) FROM messenger_bindings"))
    await engine.dispose()
    out = {
        "bindings": total,
        "users": len(picked),
        **{
            k: {
                "statements_per_call": round(counts[k] / len(picked), 2),
                "p50_ms": round((percentile(v, 0.5) or 0) * 1000, 2),
                "p95_ms": round((percentile(v, 0.95) or 0) * 1000, 2),
            }
            for k, v in timings.items()
        },
        "plan": [r[0] for r in plan],
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
