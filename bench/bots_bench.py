"""Benchmark: a region's morning of alerts delivered through several Telegram bots.

    python -m bench.bots_bench [--alerts 1200] [--bots 1,2,4,8] [--schools 16] [--rate 25]
        [--concurrency 16] [--region-schools 1000] [--alerts-per-school 100]

One Telegram bot sends about 30 messages a second; a deployment may run several (BOT_TOKEN and
BOT_TOKENS), each with its own budget, a school's people bound to its school's bot. For each
number of bots B: a fresh PostgreSQL database at head with ``--schools`` schools bound round
robin to the B bots (school 0, 0+B, … on the default bot: no ``school_bots`` row, bindings with
``bot_id`` NULL; the others on bot k: a ``school_bots`` row and bindings with its id) and
``--alerts`` parents, one urgent ``mark.new`` alert each, due now, the schools interleaved (the
roll calls of a morning come from every school at once). The real
:class:`notifications.worker.Worker` in this process delivers them through one
:class:`handlers.common.transport.TelegramTransport` per bot, talking HTTP to the local Bot API
server (``testkit.botapi``, in this process) with Telegram's limits **on**: 30 sends a second
per bot with a burst of 30, one a second per private chat (429 ``retry_after`` over a limit);
each bot paced by its own pacer at ``--rate`` (the production default, 25/s; the pacers of
``notifications.runtime.pacers_for``, this process's own: no Redis), ``--concurrency`` sends in
flight (the production default, 16).

Measured for each B: the time to drain (first claim to the last row sent), the sends per bot
and each bot's rate (its sends over its own first-to-last span), 429s, and that every alert went
once, through its school's bot (none through another bot, none lost or doubled). Then the
extrapolation: a region of ``--region-schools`` schools with ``--alerts-per-school`` alerts in
the morning's first hour of lessons (the assumption is printed with the figures) needs
``ceil(alerts / (per-bot rate × 60 × minutes))`` bots to deliver them within 5, 10, 20 and 30
minutes, and ``ceil(alerts / (one process's aggregate × 60 × minutes))`` worker processes
(``python -m bot worker``) to keep those bots busy: the best aggregate rate of any run is what
one process carried (here the local server shares its CPU: a lower bound). The server's clock
is real time, so the alerts are few (the rates, not the totals, are the result): about 90 s of
sending at the defaults. One JSON line per B, then one line of extrapolation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
import uuid
from collections import Counter, defaultdict
from types import SimpleNamespace
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bench.common import insert_parents
from bench.pg import PG_ADMIN, pg_admin
from handlers.common.transport import TelegramTransport
from notifications import runtime
from notifications.transport import Transport
from notifications.worker import BotKey, Worker, WorkerConfig, bot_key
from services.db import make_engine
from services.enums import Messenger, OutboxStatus
from services.models import (
    Account,
    MessengerBinding,
    OutboxMessage,
    School,
    SchoolBot,
    utcnow,
)
from services.tools.migrate import upgrade
from testkit.botapi import BotAPIServer, Limits

TG = Messenger.TELEGRAM
FIRST_BOT = 900_001
CHAT_BASE = 5_000_000


def bot_ids(count: int) -> list[int]:
    return [FIRST_BOT + k for k in range(count)]


def token_of(bot_id: int) -> str:
    return f"{bot_id}:bench-token-abcdefghijklmnopqrstuvwxyz012"


async def seed(url: str, alerts: int, schools: int, bots: list[int]) -> dict[int, int]:
    """The region's morning; for each parent's chat, the bot its alert must go through."""
    engine = make_engine(url)
    await upgrade(engine)
    now = utcnow()
    expected: dict[int, int] = {}
    async with engine.begin() as conn:
        school_ids = []
        for s in range(schools):
            school_ids.append(
                (
                    await conn.execute(
                        insert(School)
                        .values(code=f"s{s}", name=f"School {s}", timezone="Europe/Moscow")
                        .returning(School.id)
                    )
                ).scalar_one()
            )
        # School s on bot s % B; bot 0 is the default one (no row, bindings NULL).
        school_bot = {sid: bots[s % len(bots)] for s, sid in enumerate(school_ids)}
        rows = [
            {"school_id": sid, "messenger": TG, "bot_id": str(bot), "updated_at": now}
            for sid, bot in school_bot.items()
            if bot != bots[0]
        ]
        if rows:
            await conn.execute(insert(SchoolBot), rows)
        people: list[tuple[int, int]] = []  # (school id, person id), schools interleaved
        for s, sid in enumerate(school_ids):
            count = len(range(s, alerts, schools))
            ids = await insert_parents(conn, sid, ((f"P{s}-{i}", "B") for i in range(count)))
            people += [(sid, p) for p in ids]
        accounts = (
            await conn.execute(
                insert(Account).returning(Account.id, Account.person_id, Account.school_id),
                [{"school_id": sid, "person_id": p, "login": f"b{p}"} for sid, p in people],
            )
        ).all()
        bindings = []
        for account_id, person_id, sid in accounts:
            chat = CHAT_BASE + person_id
            bot = school_bot[sid]
            expected[chat] = bot
            bindings.append(
                {
                    "school_id": sid,
                    "account_id": account_id,
                    "messenger": TG,
                    "external_user_id": str(chat),
                    "chat_id": str(chat),
                    "bot_id": None if bot == bots[0] else str(bot),
                    "created_at": now,
                }
            )
        await conn.execute(insert(MessengerBinding), bindings)
        # Interleaved: the i-th alert of every school before the (i+1)-th of any.
        by_school: dict[int, list[int]] = defaultdict(list)
        for sid, p in people:
            by_school[sid].append(p)
        order = [
            (sid, ps[i])
            for i in range(max(len(v) for v in by_school.values()))
            for sid, ps in by_school.items()
            if i < len(ps)
        ]
        await conn.execute(
            insert(OutboxMessage),
            [
                {
                    "school_id": sid,
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
                for sid, p in order
            ],
        )
    await engine.dispose()
    return expected


async def due(url: str) -> int:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                select(func.count()).where(
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                )
            )
    finally:
        await engine.dispose()
    return int(found or 0)


def local_bot(server: BotAPIServer, bot_id: int) -> Bot:
    assert server.base_url is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    session.timeout = 10.0
    return Bot(token_of(bot_id), session=session)


async def run_one(count: int, args: argparse.Namespace) -> dict[str, Any]:
    db = f"schoolbot_bench_{uuid.uuid4().hex[:8]}"
    await pg_admin(f'CREATE DATABASE "{db}"')
    url = make_url(PG_ADMIN).set(database=db).render_as_string(hide_password=False)
    bots = bot_ids(count)
    schools = max(args.schools, count)
    clients: list[Bot] = []
    engine = None
    try:
        expected = await seed(url, args.alerts, schools, bots)
        async with BotAPIServer(limits=Limits()) as server:
            for chat in expected:
                server.user(chat).open_chat()
            transports: dict[BotKey, Transport] = {}
            for k, bot_id in enumerate(bots):
                client = local_bot(server, bot_id)
                clients.append(client)
                transports[bot_key(TG, None if k == 0 else str(bot_id))] = TelegramTransport(
                    client, request_timeout=10
                )
            pacers = runtime.pacers_for(
                SimpleNamespace(notify_rate_per_second=args.rate), transports
            )
            from services.db import make_session_factory

            engine = make_engine(url)
            worker = Worker(
                make_session_factory(engine),
                transports,
                pacer=pacers,
                config=WorkerConfig(concurrency=args.concurrency),
                worker_id=f"bench-{count}",
            )
            stop = asyncio.Event()
            started = time.monotonic()
            task = asyncio.create_task(worker.run_forever(stop))
            while True:
                await asyncio.sleep(0.25)
                if await due(url) == 0 or time.monotonic() - started > args.timeout:
                    break
            drained = time.monotonic() - started
            stop.set()
            await task
            ok = [
                r for r in server.requests if r.method.lower() == "sendmessage" and r.status == 200
            ]
            refused = [r for r in server.requests if r.status == 429]
            per_bot: dict[int, list[float]] = defaultdict(list)
            for r in ok:
                per_bot[int(r.bot_id or 0)].append(r.time)
            rates = {
                str(b): round((len(ts) - 1) / (max(ts) - min(ts)), 2)
                for b, ts in per_bot.items()
                if len(ts) > 1 and max(ts) > min(ts)
            }
            got: Counter[int] = Counter()
            wrong_bot = 0
            for r in ok:
                chat = int(r.params["chat_id"])
                got[chat] += 1
                if int(r.bot_id or 0) != expected.get(chat):
                    wrong_bot += 1
            span = (max(r.time for r in ok) - min(r.time for r in ok)) if len(ok) > 1 else 0.0
            return {
                "bots": count,
                "schools": schools,
                "alerts": args.alerts,
                "pacer_rate_per_bot": args.rate,
                "server_limit_per_bot": 30,
                "concurrency": args.concurrency,
                "drain_seconds": round(drained, 1),
                "send_span_seconds": round(span, 1),
                "aggregate_rate": round((len(ok) - 1) / span, 1) if span else None,
                "sends_per_bot": {str(b): len(ts) for b, ts in sorted(per_bot.items())},
                "rate_per_bot": rates,
                "mean_rate_per_bot": round(sum(rates.values()) / len(rates), 2) if rates else None,
                "http_429": len(refused),
                "http_429_per_bot": dict(Counter(str(r.bot_id) for r in refused)),
                "wrong_bot": wrong_bot,
                "duplicates": sum(max(0, n - 1) for n in got.values()),
                "lost": sum(1 for chat in expected if got[chat] == 0),
                "worker": {
                    "sent": worker.stats.sent,
                    "deferred": worker.stats.deferred,
                    "rate_limited": worker.stats.rate_limited,
                    "dead": worker.stats.dead,
                },
            }
    finally:
        for client in clients:
            inner = getattr(client.session, "_session", None)
            if inner is not None:
                await inner.close()
        if engine is not None:
            await engine.dispose()
        await pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def extrapolate(results: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """Bots needed at the rate one bot sustains (the best mean per-bot rate of a run: where the
    bot's budget, not the worker, was the limit) and worker processes needed at the aggregate
    one process carried (the best of any run)."""
    rates = [r["mean_rate_per_bot"] for r in results if r["mean_rate_per_bot"]]
    per_bot = max(rates) if rates else args.rate
    ceiling = max((r["aggregate_rate"] or 0.0) for r in results) or per_bot
    alerts = args.region_schools * args.alerts_per_school
    minutes = (5, 10, 20, 30)
    return {
        "extrapolation": {
            "region_schools": args.region_schools,
            "alerts_per_school": args.alerts_per_school,
            "morning_alerts": alerts,
            "per_bot_rate": per_bot,
            "one_process_ceiling": ceiling,
            "bots_needed_within_minutes": {
                str(m): math.ceil(alerts / (per_bot * 60 * m)) for m in minutes
            },
            "worker_processes_needed_within_minutes": {
                str(m): math.ceil(alerts / (ceiling * 60 * m)) for m in minutes
            },
            "one_bot_minutes": round(alerts / per_bot / 60, 1),
        }
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=1200)
    parser.add_argument("--bots", default="1,2,4,8")
    parser.add_argument("--schools", type=int, default=16)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--region-schools", type=int, default=1000)
    parser.add_argument("--alerts-per-school", type=int, default=100)
    args = parser.parse_args()
    results = []
    for count in (int(b) for b in args.bots.split(",")):
        result = await run_one(count, args)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print(json.dumps(extrapolate(results, args), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
