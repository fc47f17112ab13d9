"""Run the local Bot API server: ``python -m testkit.botapi --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from testkit.botapi.limits import Limits
from testkit.botapi.server import BotAPIServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m testkit.botapi", description=__doc__)
    parser.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (0 = random)")
    parser.add_argument("--no-limits", action="store_true", help="disable every limit check")
    parser.add_argument("--no-rate-limits", action="store_true", help="disable 429 rate limits")
    parser.add_argument("--private-per-second", type=float, default=1.0)
    parser.add_argument("--private-burst", type=int, default=3)
    parser.add_argument("--global-per-second", type=float, default=30.0)
    parser.add_argument("--group-per-minute", type=float, default=20.0)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    limits = Limits(
        enforce=not args.no_limits,
        rate_limits=not args.no_rate_limits,
        private_per_second=args.private_per_second,
        private_burst=args.private_burst,
        global_per_second=args.global_per_second,
        group_per_minute=args.group_per_minute,
    )
    server = BotAPIServer(limits=limits)
    await server.start(port=args.port)
    try:
        print(f"Local Bot API server: {server.base_url}", flush=True)
        print(f"  export TELEGRAM_API_URL={server.base_url}", flush=True)
        print(f"  control API: {server.base_url}/_control  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
