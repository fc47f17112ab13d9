"""The token bucket both servers rate-limit with, and the limits' on/off switches."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Self


class Switches:
    """``off()`` and ``on(flag)`` for a limits dataclass with an ``enforce`` field.

    ``enforce=False`` turns every check off; a number limit is disabled with ``None`` and a
    flag with ``False``.
    """

    enforce: bool

    @classmethod
    def off(cls) -> Self:
        limits = cls()
        limits.enforce = False
        return limits

    def on(self, flag: object) -> bool:
        return self.enforce and flag is not None and flag is not False


class TokenBucket:
    """Classic token bucket: ``capacity`` tokens, refilled at ``rate`` tokens/second."""

    __slots__ = ("_clock", "capacity", "rate", "tokens", "updated")

    def __init__(
        self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.capacity = max(1.0, float(capacity))
        self.tokens = self.capacity
        self._clock = clock
        self.updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 if available now)."""
        self._refill()
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def consume(self) -> None:
        self._refill()
        self.tokens -= 1.0


def take(buckets: Sequence[TokenBucket]) -> int | None:
    """Consume a token from every bucket; if one is empty, consume none and return the
    whole seconds to wait (at least 1)."""
    wait = max((bucket.wait_time() for bucket in buckets), default=0.0)
    if wait > 0:
        return max(1, math.ceil(wait))
    for bucket in buckets:
        bucket.consume()
    return None
