"""A delivery worker as its own process (for the benchmark's SIGKILL scenario).

    python -m bench.worker_proc --db URL --api http://127.0.0.1:PORT [--rate 25] [--lease 10]

Runs until SIGTERM/SIGINT (then finishes the messages in flight) or until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from handlers.common.transport import TelegramTransport
from notifications.pacing import MemoryPacer, Pacer, PacingConfig, RedisPacer
from notifications.worker import Worker, WorkerConfig
from services.db import make_engine, make_session_factory

TOKEN = "123456:BENCH-token_for_local_api"


async def main(args: argparse.Namespace) -> None:
    engine = make_engine(args.db)
    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api))
    bot = Bot(TOKEN, session=session)
    config = PacingConfig(global_per_second=args.rate)
    redis = None
    pacer: Pacer
    if args.redis:
        from redis.asyncio import Redis

        redis = Redis.from_url(args.redis)
        pacer = RedisPacer(redis, config, prefix=args.redis_prefix)
    else:
        pacer = MemoryPacer(config)
    worker = Worker(
        make_session_factory(engine),
        TelegramTransport(bot, request_timeout=10),
        pacer=pacer,
        config=WorkerConfig(concurrency=args.concurrency, lease_seconds=args.lease),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await worker.run_forever(stop)
    finally:
        await session.close()
        await engine.dispose()
        if redis is not None:
            await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--redis", default=None)
    parser.add_argument("--redis-prefix", default="bench:pace")
    asyncio.run(main(parser.parse_args()))
