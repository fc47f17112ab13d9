"""What the benchmarks share: the bot process under test (``python -m bot run`` from a
checkout, its environment, its start and stop) and its Redis keys cleaned up after it, a
connection of its own to a database, rows seeded at once (ids, Telegram sign-ins), and the
latency figures they report."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.db import make_engine
from services.enums import Messenger, Role
from services.models import MessengerBinding, Person, RoleGrant
from testkit.botapi import BotAPIServer

# The bot's own settings: none of this process's leaks into the bot under test.
BOT_SETTINGS = ("REDIS_", "NOTIFY_", "BOT_", "DATABASE_", "TELEGRAM_")


def without_bot_settings() -> dict[str, str]:
    """This process's environment without the bot's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(BOT_SETTINGS)}


def bench_bot() -> tuple[int, str]:
    """A bot id of its own for a run (its FSM keys in Redis carry it) and its token."""
    bot_id = 700_000 + int(uuid.uuid4().int % 100_000)
    return bot_id, f"{bot_id}:bench-token-abcdefghijklmnopqrstuvwxyz012"


def bot_env(**settings: str) -> dict[str, str]:
    """The environment of the bot under test: ``settings``, JSON logs at INFO, no scheduler."""
    return without_bot_settings() | {
        **settings,
        "NOTIFY_SCHEDULER": "false",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }


async def start_bot(root: Path, env: dict[str, str], log_path: Path) -> asyncio.subprocess.Process:
    """``python -m bot run`` from the checkout ``root``, its output written to ``log_path``."""
    with log_path.open("wb") as log_file:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
        )


async def wait_polling(
    server: BotAPIServer, proc: asyncio.subprocess.Process, log: Path, wait_s: float
) -> None:
    """Until the bot has called getUpdates: it is up and polling."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if any(r.method.lower() == "getupdates" for r in server.requests):
            return
        if proc.returncode is not None:
            raise RuntimeError(f"bot exited with {proc.returncode}; its log: {log}")
        await asyncio.sleep(0.1)
    raise RuntimeError("bot did not start polling")


async def stop_bot(proc: asyncio.subprocess.Process, wait_s: float) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within ``wait_s``."""
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), wait_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def kill_bot(proc: asyncio.subprocess.Process | None) -> None:
    """After a failed run: the bot, if it still runs, is killed."""
    if proc is not None and proc.returncode is None:
        proc.kill()
        await proc.wait()


async def cleanup_redis(url: str, bot_id: int) -> None:
    """The bot's FSM keys and the pacing keys are deleted after a run."""
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(url)
    try:
        for pattern in (f"schoolbot:fsm:{bot_id}:*", "schoolbot:pace:*"):
            keys = [k async for k in client.scan_iter(pattern)]
            if keys:
                await client.delete(*keys)
    except RedisConnectionError:  # the run was with Redis away (``--redis`` to a closed port)
        pass
    finally:
        await client.aclose()


@asynccontextmanager
async def connection(url: str, *, pool: bool = True) -> AsyncIterator[AsyncConnection]:
    """A connection on an engine of its own, disposed of afterwards."""
    engine = make_engine(url, pool=pool)
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile (``q`` from 0 to 1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ms(seconds: float | None) -> int | None:
    """Seconds as whole milliseconds; None (nothing answered) stays None."""
    return None if seconds is None else round(seconds * 1000)


async def inserted_ids(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` of ``model`` at once; their ids."""
    return list((await conn.execute(insert(model).returning(model.id), rows)).scalars().all())


async def insert_parents(
    conn: AsyncConnection, school_id: int, names: Iterable[tuple[str, str]]
) -> list[int]:
    """People with the parent's role, a ``(last name, first name)`` each; their ids."""
    people = await inserted_ids(
        conn,
        Person,
        [{"school_id": school_id, "last_name": last, "first_name": first} for last, first in names],
    )
    await conn.execute(
        insert(RoleGrant),
        [{"school_id": school_id, "person_id": p, "role": Role.PARENT} for p in people],
    )
    return people


async def bind_telegram(
    conn: AsyncConnection, school_id: int, chats: Iterable[tuple[int, int]]
) -> None:
    """Sign accounts in from private Telegram chats: ``(account id, chat id)`` pairs (the chat
    id is the user id)."""
    await conn.execute(
        insert(MessengerBinding),
        [
            {
                "school_id": school_id,
                "account_id": account_id,
                "messenger": Messenger.TELEGRAM,
                "external_user_id": str(chat),
                "chat_id": str(chat),
            }
            for account_id, chat in chats
        ],
    )


async def spread_schools(session: AsyncSession, count: int) -> list[int]:
    """``count`` school ids spread evenly over the region's, in id order (none for no schools)."""
    schools = (await session.scalars(text("SELECT id FROM schools ORDER BY id"))).all()
    return [schools[i * len(schools) // count] for i in range(count)] if schools else []
