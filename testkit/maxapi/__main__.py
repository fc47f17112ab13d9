"""Run the local MAX Bot API server: ``python -m testkit.maxapi --port 8082``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from testkit.maxapi.limits import Limits
from testkit.maxapi.server import MaxAPIServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m testkit.maxapi", description=__doc__)
    parser.add_argument("--port", type=int, default=8082, help="port on 127.0.0.1 (0 = random)")
    parser.add_argument("--token", default=None, help="the only accepted token (default: any)")
    parser.add_argument("--no-limits", action="store_true", help="disable every limit check")
    parser.add_argument("--no-rate-limits", action="store_true", help="disable 429 rate limits")
    parser.add_argument("--requests-per-second", type=float, default=30.0)
    parser.add_argument("--webhook-retry-initial", type=float, default=1.0)
    parser.add_argument("--webhook-max-age", type=float, default=8 * 3600.0)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    limits = Limits(
        enforce=not args.no_limits,
        rate_limits=not args.no_rate_limits,
        requests_per_second=args.requests_per_second,
    )
    server = MaxAPIServer(
        token=args.token,
        limits=limits,
        webhook_retry_initial=args.webhook_retry_initial,
        webhook_max_age=args.webhook_max_age,
    )
    await server.start(port=args.port)
    try:
        print(f"Local MAX Bot API server: {server.base_url}", flush=True)
        print(f"  export MAX_API_URL={server.base_url}", flush=True)
        print(f"  control API: {server.base_url}/_control  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
