"""One Redis client per process, and what the process does while Redis is away.

Everything that uses Redis in a process shares one client (:func:`create_redis`) over a
bounded *blocking* connection pool: under load a command waits for a free connection instead
of failing with ``MaxConnectionsError``; a wait longer than the pool timeout ends in one clear
log line and the caller's in-process fallback, never in a lost update.

:class:`RedisGate` is the process's single view of whether Redis is reachable. Each user of
Redis (FSM storage, event isolation, sign-in throttling, pacing, the scheduler lock) runs its
Redis call through :meth:`RedisGate.call` with an in-process or database fallback. The first
connection failure switches the whole process to the fallbacks with one WARNING; while Redis
is away at most one call every ``probe_seconds`` tries it again (so nobody waits on a dead
connection per update), and the first success switches back with one more line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

# What "Redis is away" looks like: a refused or dropped connection, a read or connect timeout.
REDIS_DOWN_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)

DEFAULT_MAX_CONNECTIONS = 50
DEFAULT_POOL_TIMEOUT = 10.0
DEFAULT_SOCKET_TIMEOUT = 5.0
DEFAULT_PROBE_SECONDS = 5.0


def create_redis(
    url: str,
    *,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT,
    socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
) -> Redis:
    """The process's one Redis client: at most ``max_connections`` connections; a command
    waits up to ``pool_timeout`` seconds for a free one; connect and reads time out after
    ``socket_timeout`` seconds (a Redis that hangs counts as away)."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=pool_timeout,
        socket_connect_timeout=socket_timeout,
        socket_timeout=socket_timeout,
        health_check_interval=30,
    )
    # from_pool: closing the client closes its pool (and every connection) too.
    return Redis.from_pool(pool)


def is_pool_exhausted(exc: BaseException) -> bool:
    """The blocking pool had no free connection within its timeout (Redis itself is fine)."""
    return (
        isinstance(exc, RedisConnectionError)
        and isinstance(exc.__cause__, TimeoutError | asyncio.TimeoutError)
        and "No connection available" in str(exc)
    )


class RedisGate:
    """Whether this process uses Redis or its fallbacks right now (see the module doc)."""

    def __init__(
        self,
        *,
        probe_seconds: float = DEFAULT_PROBE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_connections: int | None = None,
        pool_timeout: float | None = None,
    ) -> None:
        self.probe_seconds = probe_seconds
        self.clock = clock
        self._up = True
        self._next_probe = 0.0
        self.max_connections = max_connections
        self.pool_timeout = pool_timeout
        self.outages = 0
        self.pool_timeouts = 0

    @property
    def up(self) -> bool:
        return self._up

    def available(self) -> bool:
        """True when a call should try Redis: always while it is up; while it is away, for
        one caller every ``probe_seconds``."""
        if self._up:
            return True
        now = self.clock()
        if now >= self._next_probe:
            self._next_probe = now + self.probe_seconds
            return True
        return False

    def failed(self, exc: BaseException, what: str = "") -> None:
        """A Redis call failed with one of :data:`REDIS_DOWN_ERRORS`."""
        if is_pool_exhausted(exc):
            # Redis answers, but every connection of the pool was busy for the whole timeout:
            # this call uses the fallback; the next ones try Redis again.
            self.pool_timeouts += 1
            log.warning(
                "redis pool exhausted: no free connection in time, this call uses the "
                "in-process fallback (raise REDIS_MAX_CONNECTIONS or REDIS_POOL_TIMEOUT)",
                extra={
                    "what": what,
                    "max_connections": self.max_connections,
                    "pool_timeout": self.pool_timeout,
                },
            )
            return
        self._next_probe = self.clock() + self.probe_seconds
        if self._up:
            self._up = False
            self.outages += 1
            log.warning(
                "redis unreachable: state, locks, throttling and pacing fall back to this "
                "process (memory, database) until it is back",
                extra={"what": what, "error": f"{type(exc).__name__}: {exc}"[:300]},
            )

    def succeeded(self) -> None:
        if not self._up:
            self._up = True
            log.warning("redis is back: shared state, locks, throttling and pacing use it again")

    async def call(
        self,
        primary: Callable[[], Awaitable[T]],
        fallback: Callable[[], Awaitable[T]],
        what: str = "",
    ) -> T:
        """``primary()`` (a Redis call) while Redis is usable, else ``fallback()``; a
        connection failure of ``primary`` switches to the fallback for this call too."""
        if self.available():
            try:
                result = await primary()
            except REDIS_DOWN_ERRORS as exc:
                self.failed(exc, what)
            else:
                self.succeeded()
                return result
        return await fallback()
