"""Run the local Bot API server: ``python -m testkit.botapi --port 8081``."""

from __future__ import annotations

import argparse

from testkit.botapi.limits import Limits
from testkit.botapi.server import BotAPIServer
from testkit.common import runner


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = runner.parser("python -m testkit.botapi", __doc__, 8081)
    runner.add_limit_switches(parser)
    parser.add_argument("--private-per-second", type=float, default=1.0)
    parser.add_argument("--private-burst", type=int, default=3)
    parser.add_argument("--global-per-second", type=float, default=30.0)
    parser.add_argument("--group-per-minute", type=float, default=20.0)
    parser.add_argument(
        "--webhook-per-chat-order",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one webhook update of a chat in flight at a time, as Telegram does (the default)",
    )
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
    server = BotAPIServer(limits=limits, webhook_per_chat_order=args.webhook_per_chat_order)
    await runner.serve_forever(server, args.port, "Local Bot API server", "TELEGRAM_API_URL")


def main(argv: list[str] | None = None) -> None:
    runner.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
