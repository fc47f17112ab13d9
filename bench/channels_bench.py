"""Benchmark: the delivery worker when people are bound in two messengers (Telegram and MAX).

    python -m bench.channels_bench [--parents 20000] [--batch 50] [--scenarios tg,mixed] [--keep]

Each scenario gets a fresh PostgreSQL database at head with ``--parents`` parents of one school,
each with one urgent ``mark.new`` alert due now, bound as the scenario says:

- ``tg``: every parent in Telegram only (the deployment before MAX);
- ``mixed``: 60 % Telegram only, 20 % MAX only, 15 % both with the default choice (the one used
  last: half of them used MAX last), 5 % both with "all" (each alert in both messengers).

The worker (:class:`notifications.worker.Worker`, in this process) delivers through instant
in-memory transports (no HTTP, no pacing: the figures are the worker's and the database's own
cost) with ``run_once`` until nothing is due. Measured: wall time, SQL statements, messages per
messenger, and the check that every alert went exactly once to each chosen messenger (no
duplicate, nothing lost). Run from an older checkout (which has one transport) only ``tg``
applies: the before/after of the common case. One JSON line per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import inspect
import json
import time
from collections import Counter
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url

from bench.common import insert_parents
from bench.pg import PG_ADMIN, pg_admin
from notifications.worker import Worker, WorkerConfig
from screens.screen import Screen
from services.db import make_engine, make_session_factory
from services.models import Account, MessengerBinding, OutboxMessage, School, utcnow
from services.tools.migrate import upgrade

MODERN = "transports" in inspect.signature(Worker.__init__).parameters


class Instant:
    """A transport that records what it sends and answers at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: Counter[str] = Counter()

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        self.sent[chat_id] += 1
        return f"{self.name}-{sum(self.sent.values())}"


class NoPacer:
    async def try_acquire(self, chat_id: str) -> float:
        return 0.0

    async def block(self, chat_id: str, seconds: float) -> None:
        return None


def plan(i: int, scenario: str) -> tuple[bool, bool, str | None, bool]:
    """(bound in Telegram, bound in MAX, channel preference, MAX used last) of parent ``i``."""
    if scenario == "tg":
        return True, False, None, False
    slot = i % 20
    if slot < 12:
        return True, False, None, False
    if slot < 16:
        return False, True, None, False
    if slot < 19:
        return True, True, None, slot % 2 == 0
    return True, True, "all", False


async def seed(url: str, parents: int, scenario: str) -> dict[int, set[str]]:
    """The database of a scenario; for each parent's chat number, the messengers it must get
    the alert in."""
    engine = make_engine(url)
    await upgrade(engine)
    now = utcnow()
    expected: dict[int, set[str]] = {}
    async with engine.begin() as conn:
        school_id = (
            await conn.execute(
                insert(School)
                .values(code="bench", name="Bench", timezone="Europe/Moscow")
                .returning(School.id)
            )
        ).scalar_one()
        people = await insert_parents(conn, school_id, ((f"P{i}", "B") for i in range(parents)))
        accounts = (
            await conn.execute(
                insert(Account).returning(Account.id, Account.person_id),
                [{"school_id": school_id, "person_id": p, "login": f"b{p}"} for p in people],
            )
        ).all()
        bindings: list[dict[str, Any]] = []
        prefs: list[dict[str, Any]] = []
        for i, (account_id, person_id) in enumerate(sorted(accounts, key=lambda a: a[1])):
            tg, mx, channel, max_last = plan(i, scenario)
            chat = 100_000 + person_id
            old, new = now - dt.timedelta(days=2), now - dt.timedelta(hours=1)
            for messenger, bound, seen in (
                ("telegram", tg, old if max_last else new),
                ("max", mx, new if max_last else old),
            ):
                if bound:
                    row = {
                        "school_id": school_id,
                        "account_id": account_id,
                        "messenger": messenger,
                        "external_user_id": str(chat),
                        "chat_id": str(chat),
                    }
                    if MODERN:
                        row["last_seen_at"] = seen
                    bindings.append(row)
            if channel is not None:
                prefs.append({"school_id": school_id, "person_id": person_id, "channel": channel})
            if channel == "all":
                expected[chat] = {"telegram", "max"}
            elif tg and mx:
                expected[chat] = {"max" if max_last else "telegram"}
            else:
                expected[chat] = {"telegram" if tg else "max"}
        await conn.execute(insert(MessengerBinding), bindings)
        if prefs:
            from services.models import NotificationPrefs

            await conn.execute(insert(NotificationPrefs), prefs)
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
    return expected


async def deliver(url: str, batch: int) -> tuple[float, int, dict[str, Instant], int]:
    engine = make_engine(url)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    transports = {"telegram": Instant("tg"), "max": Instant("max")}
    factory = make_session_factory(engine)
    config = WorkerConfig(batch_size=batch, concurrency=16)
    if MODERN:
        from services.enums import Messenger

        worker = Worker(
            factory,
            {Messenger.TELEGRAM: transports["telegram"], Messenger.MAX: transports["max"]},
            # One per messenger: a messenger without a pacer gets the default (25/s).
            pacer={Messenger.TELEGRAM: NoPacer(), Messenger.MAX: NoPacer()},
            config=config,
        )
    else:
        worker = Worker(factory, transports["telegram"], pacer=NoPacer(), config=config)
    started = time.perf_counter()
    while (await worker.run_once()).claimed:
        pass
    wall = time.perf_counter() - started
    async with engine.connect() as conn:
        left = await conn.scalar(
            select(func.count()).where(OutboxMessage.status.in_(("pending", "sending")))
        )
    await engine.dispose()
    return wall, statements, transports, int(left or 0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--scenarios", default="tg,mixed" if MODERN else "tg")
    parser.add_argument("--tag", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for scenario in args.scenarios.split(","):
        name = f"bench_channels_{scenario}{args.tag}"
        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        await pg_admin(f'CREATE DATABASE "{name}"')
        try:
            expected = await seed(url, args.parents, scenario)
            wall, statements, transports, left = await deliver(url, args.batch)
        finally:
            if not args.keep:
                await pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        got: dict[int, Counter[str]] = {}
        for messenger, transport in transports.items():
            for chat, n in transport.sent.items():
                got.setdefault(int(chat), Counter())[messenger] += n
        duplicates = sum(1 for c in got.values() for n in c.values() if n > 1)
        wrong = sum(1 for chat, want in expected.items() if set(got.get(chat, {})) != want)
        messages = sum(sum(t.sent.values()) for t in transports.values())
        print(
            json.dumps(
                {
                    "scenario": scenario,
                    "code": "transports" if MODERN else "one transport",
                    "parents": args.parents,
                    "messages": messages,
                    "by_messenger": {m: sum(t.sent.values()) for m, t in transports.items()},
                    "wall_seconds": round(wall, 2),
                    "messages_per_second": round(messages / wall, 1),
                    "statements": statements,
                    "statements_per_message": round(statements / max(messages, 1), 2),
                    "duplicates": duplicates,
                    "wrong_or_missing": wrong,
                    "left_pending": left,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
