"""Benchmark: N signed-in parents send /diary at the same moment to the unchanged bot process
(PostgreSQL + Redis) through the local Bot API server; every update must be answered.

    python -m bench.concurrency_bench [--users 500] [--rounds 3] [--pool 50] [--pg URL]
                                      [--redis redis://127.0.0.1:6379/13] [--root DIR]

Setup: a fresh PostgreSQL database with the factory school (tests/factories.py) and ``--users``
more parents, each a guardian of one of its 7А students, with an account and a live Telegram
binding (chat id = user id). The local Bot API server (``testkit.botapi``) runs in this
process with Telegram's rate limits off (the figures are about the bot, not about 429s:
``--telegram-limits`` turns them on). The bot is ``python -m bot run`` in its own process
(``--root`` runs it from another checkout, e.g. a ``git worktree`` of an older commit, for a
before/after comparison), with REDIS_URL, REDIS_MAX_CONNECTIONS=``--pool`` and the scheduler
off (NOTIFY_SCHEDULER=false; the delivery worker runs but has nothing queued).

Each round injects one ``/diary`` from every user at once (all updates are queued before the
bot's next getUpdates) and waits until each chat got a new bot message or ``--timeout`` passed.
Latency = first reply in the chat − injection; throughput = answered / (last reply − injection).
The bot's log is scanned for ERROR lines and Redis pool errors. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench import common
from bench.pg import PG_ADMIN, pg_admin
from services.db import make_engine, make_session_factory
from services.enums import GuardianKind
from services.models import Account, Guardianship
from services.tools.migrate import upgrade
from testkit.botapi import BotAPIServer, Limits

ROOT = Path(__file__).resolve().parents[1]
FIRST_CHAT = 5_000_000


async def seed(url: str, users: int) -> list[int]:
    """The factory school plus ``users`` parents of its 7А students, each signed in."""
    from tests.factories import build_school

    engine = make_engine(url)
    await upgrade(engine)
    async with make_session_factory(engine)() as session:
        world = await build_school(session, "bench")
        await session.commit()
        school_id = world.school.id
        children = [s.id for s in world.students]
    async with engine.begin() as conn:
        names = ((f"Родитель{i}", "Анна") for i in range(users))
        people = await common.insert_parents(conn, school_id, names)
        await conn.execute(
            insert(Guardianship),
            [
                {
                    "school_id": school_id,
                    "guardian_id": p,
                    "student_id": children[i % len(children)],
                    "kind": GuardianKind.PARENT,
                }
                for i, p in enumerate(people)
            ],
        )
        accounts = await common.inserted_ids(
            conn,
            Account,
            [
                {"school_id": school_id, "person_id": p, "login": f"bench.parent{i}"}
                for i, p in enumerate(people)
            ],
        )
        await common.bind_telegram(
            conn, school_id, ((a, FIRST_CHAT + i) for i, a in enumerate(accounts))
        )
    await engine.dispose()
    return [FIRST_CHAT + i for i in range(users)]


async def _round(server: BotAPIServer, chats: list[int], wait_s: float) -> dict[str, Any]:
    """All users send /diary at once; returns latencies of the answered ones."""
    marks = {c: server.changes_cursor(c) for c in chats}
    loop = asyncio.get_running_loop()
    started = loop.time()
    for chat in chats:
        await server.user(chat).command("/diary")
    pending = set(chats)
    latencies: dict[int, float] = {}
    deadline = started + wait_s
    while pending and loop.time() < deadline:
        now = loop.time()
        for chat in list(pending):
            if server.changes_cursor(chat) > marks[chat]:
                latencies[chat] = now - started
                pending.discard(chat)
        await asyncio.sleep(0.005)
    return {"latencies": latencies, "unanswered": sorted(pending), "started": started}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    name = f"schoolbot_bench_{uuid.uuid4().hex[:10]}"
    await pg_admin(f'CREATE DATABASE "{name}"', args.pg)
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    bot_id, token = common.bench_bot()
    workdir = Path(tempfile.mkdtemp(prefix="concurrency-bench-"))
    log_path = workdir / "bot.log"
    proc: asyncio.subprocess.Process | None = None
    try:
        t0 = time.monotonic()
        chats = await seed(url, args.users)
        seed_s = time.monotonic() - t0
        limits = Limits() if args.telegram_limits else Limits.off()
        async with BotAPIServer(limits=limits) as server:
            assert server.base_url is not None
            for chat in chats:
                server.user(chat, first_name="Анна", last_name=f"Родитель{chat - FIRST_CHAT}")
            env = common.bot_env(
                BOT_TOKEN=token,
                DATABASE_URL=url,
                REDIS_URL=args.redis,
                REDIS_MAX_CONNECTIONS=str(args.pool),
                TELEGRAM_API_URL=server.base_url,
            )
            proc = await common.start_bot(args.root, env, log_path)
            await common.wait_polling(server, proc, log_path, 120)
            rounds = []
            for _ in range(args.rounds):
                rounds.append(await _round(server, chats, args.timeout))
                await asyncio.sleep(0.5)
            await common.stop_bot(proc, 30)
    finally:
        await common.kill_bot(proc)
        await common.cleanup_redis(args.redis, bot_id)
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', args.pg)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    latencies = [v for r in rounds for v in r["latencies"].values()]
    updates = args.users * args.rounds
    spans = [max(r["latencies"].values(), default=0.0) for r in rounds]
    error_lines = [
        line for line in log.splitlines() if '"level": "ERROR"' in line or " ERROR " in line
    ]
    return {
        "users": args.users,
        "rounds": args.rounds,
        "updates": updates,
        "answered": len(latencies),
        "answered_ratio": round(len(latencies) / updates, 4),
        "unanswered": sum(len(r["unanswered"]) for r in rounds),
        "p50_ms": common.ms(common.percentile(latencies, 0.5)),
        "p95_ms": common.ms(common.percentile(latencies, 0.95)),
        "max_ms": common.ms(max(latencies, default=None)),
        "throughput_per_s": round(len(latencies) / sum(spans), 1) if sum(spans) else None,
        "per_round_answered": [len(r["latencies"]) for r in rounds],
        "pool": args.pool,
        "root": str(args.root),
        "error_lines": len(error_lines),
        "max_connections_errors": len(re.findall(r"MaxConnectionsError|Too many connections", log)),
        "pool_timeouts": log.count("redis pool exhausted"),
        "redis_unreachable": log.count("redis unreachable"),
        "seed_seconds": round(seed_s, 1),
        "telegram_limits": bool(args.telegram_limits),
        "first_errors": error_lines[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=50, help="REDIS_MAX_CONNECTIONS of the bot")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per round")
    parser.add_argument("--pg", default=PG_ADMIN)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the bot runs from")
    parser.add_argument("--telegram-limits", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
