"""Benchmark: N queued alerts through the delivery worker to the local Bot API server with
Telegram's rate limits on (30/s per bot, 1/s per chat, burst 3).

    python -m bench.outbox_bench [--count 10000] [--rate 25] [--kill-after 0.4] [--pg URL]

Two scenarios, each on a fresh PostgreSQL database: ``steady`` (one worker process to the end)
and ``kill`` (the worker process is SIGKILLed when ``--kill-after`` of the rows are sent, then a
new one is started). Reports the achieved rate against the configured limit, 429s, duplicates
(a chat that got its one alert more than once), lost alerts (a chat that got nothing) and the
rows flagged ``outcome_unknown``. Prints a JSON line per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bench.common import bind_telegram, insert_parents
from bench.pg import PG_ADMIN, pg_admin
from services.db import make_engine
from services.models import (
    Account,
    OutboxMessage,
    School,
    utcnow,
)
from services.tools.migrate import upgrade
from testkit.botapi import BotAPIServer, Limits


async def seed(url: str, count: int) -> list[int]:
    engine = make_engine(url)
    await upgrade(engine)
    now = utcnow()
    async with engine.begin() as conn:
        school_id = (
            await conn.execute(
                insert(School)
                .values(code="bench", name="Bench", timezone="Europe/Moscow")
                .returning(School.id)
            )
        ).scalar_one()
        people = await insert_parents(conn, school_id, ((f"P{i}", "B") for i in range(count)))
        accounts = (
            await conn.execute(
                insert(Account).returning(Account.id, Account.person_id),
                [{"school_id": school_id, "person_id": p, "login": f"b{p}"} for p in people],
            )
        ).all()
        await bind_telegram(conn, school_id, ((a, 100_000 + p) for a, p in accounts))
        await conn.execute(
            insert(OutboxMessage),
            [
                {
                    "school_id": school_id,
                    "recipient_person_id": p,
                    "kind": "mark.new",
                    "dedup_key": f"bench:{p}",
                    "payload": {
                        "subject": "Математика",
                        "value": 5,
                        "work_kind": "test",
                        "date": "2026-11-18",
                        "student": f"Ученик {p}",
                    },
                    "urgent": True,
                    "not_before": now,
                    "created_at": now,
                }
                for p in people
            ],
        )
    await engine.dispose()
    return [100_000 + p for p in people]


async def counts(url: str) -> dict[str, int]:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                )
            ).all()
            unknown = await conn.scalar(
                select(func.count()).where(OutboxMessage.outcome_unknown.is_(True))
            )
    finally:
        await engine.dispose()
    out = {str(getattr(s, "value", s)): int(n) for s, n in rows}
    out["outcome_unknown"] = int(unknown or 0)
    return out


def spawn(url: str, api: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "bench.worker_proc",
        "--db",
        url,
        "--api",
        api,
        "--rate",
        str(args.rate),
        "--lease",
        str(args.lease),
    ]
    return subprocess.Popen(cmd, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


async def scenario(name: str, args: argparse.Namespace) -> dict[str, Any]:
    db = f"schoolbot_bench_{uuid.uuid4().hex[:8]}"
    await pg_admin(f'CREATE DATABASE "{db}"')
    url = make_url(PG_ADMIN).set(database=db).render_as_string(hide_password=False)
    try:
        chats = await seed(url, args.count)
        async with BotAPIServer(limits=Limits()) as server:
            for chat in chats:
                server.user(chat).open_chat()
            assert server.base_url is not None
            started = time.monotonic()
            proc = spawn(url, server.base_url, args)
            killed_at: dict[str, Any] | None = None
            restarts = 0
            while True:
                await asyncio.sleep(0.5)
                sent = server.stats.sent_messages
                if name == "kill" and killed_at is None and sent >= args.count * args.kill_after:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    killed_at = {
                        "sent_messages": sent,
                        "seconds": round(time.monotonic() - started, 1),
                    }
                    proc = spawn(url, server.base_url, args)
                    restarts += 1
                c = await counts(url)
                if c.get("pending", 0) + c.get("sending", 0) == 0:
                    break
                if time.monotonic() - started > args.timeout:
                    break
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            elapsed = time.monotonic() - started
            ok = [
                r for r in server.requests if r.method.lower() == "sendmessage" and r.status == 200
            ]
            per_chat = [len(server.sent_to(chat)) for chat in chats]
            span = (ok[-1].time - ok[0].time) if len(ok) > 1 else 0.0
            final = await counts(url)
            return {
                "scenario": name,
                "alerts": args.count,
                "configured_rate": args.rate,
                "server_limit": 30,
                "messages_sent": len(ok),
                "achieved_rate": round((len(ok) - 1) / span, 2) if span else None,
                "ratio_to_configured": round((len(ok) - 1) / span / args.rate, 3) if span else None,
                "wall_seconds": round(elapsed, 1),
                "http_429": server.stats.rate_limited,
                "duplicates": sum(max(0, n - 1) for n in per_chat),
                "lost": sum(1 for n in per_chat if n == 0),
                "outcome_unknown_rows": final.get("outcome_unknown", 0),
                "rows": final,
                "killed_at": killed_at,
                "restarts": restarts,
            }
    finally:
        await pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--kill-after", type=float, default=0.4)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--scenarios", default="steady,kill")
    args = parser.parse_args()
    for name in args.scenarios.split(","):
        print(json.dumps(await scenario(name, args), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
