"""Run the local MAX Bot API server: ``python -m testkit.maxapi --port 8082``."""

from __future__ import annotations

import argparse

from testkit.common import runner
from testkit.maxapi.limits import Limits
from testkit.maxapi.server import MaxAPIServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = runner.parser("python -m testkit.maxapi", __doc__, 8082)
    parser.add_argument("--token", default=None, help="the only accepted token (default: any)")
    runner.add_limit_switches(parser)
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
    await runner.serve_forever(server, args.port, "Local MAX Bot API server", "MAX_API_URL")


def main(argv: list[str] | None = None) -> None:
    runner.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
