"""The command line of a local server: ``python -m testkit.botapi`` / ``testkit.maxapi``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from testkit.common.server import LocalServer


def parser(prog: str, description: str | None, port: int) -> argparse.ArgumentParser:
    """A parser with ``--port`` (127.0.0.1; 0 = random)."""
    result = argparse.ArgumentParser(prog=prog, description=description)
    result.add_argument("--port", type=int, default=port, help="port on 127.0.0.1 (0 = random)")
    return result


def add_limit_switches(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-limits", action="store_true", help="disable every limit check")
    parser.add_argument("--no-rate-limits", action="store_true", help="disable 429 rate limits")


async def serve_forever(server: LocalServer[Any, Any], port: int, title: str, env: str) -> None:
    """Start ``server``, say where it listens (and the ``env`` variable to point a bot at
    it), and serve until cancelled."""
    await server.start(port=port)
    try:
        print(f"{title}: {server.base_url}", flush=True)
        print(f"  export {env}={server.base_url}", flush=True)
        print(f"  control API: {server.base_url}/_control  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()
    finally:
        await server.stop()


def run(main: Coroutine[Any, Any, None]) -> None:
    """Run ``main`` until it ends or Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main)
