"""The processes by role at a larger size: the setup of tests/e2e/test_deployment.py (``migrate``
twice at once, two ``web`` replicas behind a round-robin balancer on Telegram's webhook, two
``worker`` processes, a private redis-server, one PostgreSQL database, two Telegram bots) with
more users and alerts, and the figures printed:

    .venv/bin/python -m bench.deploy_bench [--updates 2000] [--alerts 10000] [--unlimited]

- updates/s through the balancer: ``--updates`` /help commands from ``--updates / 2`` signed-in
  users (two each, within Telegram's burst to one chat), every one answered exactly once;
- alerts/s per bot: one mark alert to each of ``--alerts`` parents, half of them signed in
  through the second bot, delivered exactly once by the two workers together, each bot judged by
  the local Bot API server at 30 messages a second (burst 8);
- duplicates and lost, of both.

``--unlimited`` switches the server's rate limits off for the updates (the processes' own
capacity, not Telegram's 30 replies a second per bot). Needs PostgreSQL (TEST_POSTGRES_URL, as
the tests) and redis-server on the PATH; the database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from services.db import make_engine, make_session_factory
from services.models import start_clock_at
from testkit.botapi import BotAPIServer
from tests.conftest import pg_create_database, pg_drop_database
from tests.e2e.conftest import E2E_NOW, bot_env, run_cli
from tests.e2e.deployment import PrivateRedis, add_parents, sign_in_demo
from tests.e2e.test_deployment import (
    UPDATES_PER_USER,
    alerts_once,
    deploy,
    migrate_twice,
    through_two_bots,
    updates_answered_once,
)


async def bench(updates: int, alerts: int, unlimited: bool, logs: Path) -> dict[str, Any]:
    url = await asyncio.to_thread(pg_create_database, "schoolbot_deploy_bench")
    engine = make_engine(url, pool=False)
    figures: dict[str, Any] = {"updates_asked": updates, "alerts_asked": alerts}
    try:
        await migrate_twice(url)
        code, _out, err = await run_cli(bot_env("http://127.0.0.1:9", url), "demo", "--json")
        assert code == 0, err
        factory = make_session_factory(engine)
        signed = await sign_in_demo(factory)
        wanted = max(alerts - len(signed.parents), updates // UPDATES_PER_USER - len(signed.chats))
        if wanted > 0:
            await add_parents(factory, signed, wanted, first_chat=600_000)
        users = sorted(signed.chats.values())[: updates // UPDATES_PER_USER]
        redis = PrivateRedis(logs / "redis")
        await redis.start()
        try:
            async with BotAPIServer() as botapi:
                if unlimited:
                    botapi.limits.rate_limits = False
                deployment = await deploy(url, botapi, redis, logs)
                try:
                    figures |= await updates_answered_once(botapi, deployment, users, wait_s=600.0)
                    botapi.limits.rate_limits = True
                    signed.parents = signed.parents[:alerts]
                    tokens = await through_two_bots(botapi, factory, signed)
                    figures |= await alerts_once(
                        botapi, factory, signed, tokens, wait_s=alerts / 20 + 120
                    )
                finally:
                    await deployment.stop()
                figures["webhook_failures"] = botapi.stats.webhook_failures
        finally:
            await redis.stop()
    finally:
        await engine.dispose()
        await asyncio.to_thread(pg_drop_database, url)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--alerts", type=int, default=10000)
    parser.add_argument("--unlimited", action="store_true", help="no rate limits for updates")
    parser.add_argument("--logs", type=Path, default=None, help="keep the processes' logs here")
    args = parser.parse_args(argv)
    start_clock_at(E2E_NOW)  # the test process's clock, as the processes' (CLOCK_START)
    with tempfile.TemporaryDirectory(prefix="deploy-bench-") as tmp:
        logs = args.logs or Path(tmp)
        figures = asyncio.run(bench(args.updates, args.alerts, args.unlimited, logs))
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
