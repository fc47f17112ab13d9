"""Configurable Bot API limits and token-bucket rate limiting."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_RATE_LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendmediagroup",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass
class Limits:
    """Telegram limits enforced by the local server.

    ``enforce=False`` turns every check off; each individual limit can be disabled with
    ``None`` (numbers) or ``False`` (flags).  Rate windows are configurable so tests can use
    short ones (e.g. ``private_per_second=5``).
    """

    enforce: bool = True
    # Counted as Telegram does: the visible text after entity parsing, in UTF-16 code units
    # (an emoji outside the BMP counts 2); over the limit is "Bad Request: message is too long".
    max_text_length: int | None = 4096
    max_caption_length: int | None = 1024
    reject_empty_text: bool = True
    check_html: bool = True
    max_callback_data_bytes: int | None = 64
    check_button_text: bool = True
    check_not_modified: bool = True
    callback_query_ttl: float | None = 15 * 60.0
    rate_limits: bool = True
    global_per_second: float | None = 30.0
    global_burst: int = 30
    private_per_second: float | None = 1.0
    private_burst: int = 3
    group_per_minute: float | None = 20.0
    group_burst: int = 20
    rate_limited_methods: frozenset[str] = field(
        default_factory=lambda: DEFAULT_RATE_LIMITED_METHODS
    )

    @classmethod
    def off(cls) -> Limits:
        return cls(enforce=False)

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


class RateLimiter:
    """Per-bot global bucket plus per-chat buckets (private vs. group chats)."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global: dict[int, TokenBucket] = {}
        self._chats: dict[tuple[int, int], TokenBucket] = {}

    def reset(self) -> None:
        self._global.clear()
        self._chats.clear()

    def check(self, bot_id: int, chat_id: int, is_private: bool) -> int | None:
        """Consume a token for a send; return ``retry_after`` seconds if refused."""
        limits = self.limits
        if not (limits.enforce and limits.rate_limits):
            return None
        buckets: list[TokenBucket] = []
        if limits.global_per_second:
            bucket = self._global.get(bot_id)
            if bucket is None:
                bucket = TokenBucket(limits.global_per_second, limits.global_burst, self._clock)
                self._global[bot_id] = bucket
            buckets.append(bucket)
        key = (bot_id, chat_id)
        chat_bucket = self._chats.get(key)
        if chat_bucket is None:
            if is_private and limits.private_per_second:
                chat_bucket = TokenBucket(
                    limits.private_per_second, limits.private_burst, self._clock
                )
            elif not is_private and limits.group_per_minute:
                chat_bucket = TokenBucket(
                    limits.group_per_minute / 60.0, limits.group_burst, self._clock
                )
            if chat_bucket is not None:
                self._chats[key] = chat_bucket
        if chat_bucket is not None:
            buckets.append(chat_bucket)
        wait = max((b.wait_time() for b in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for b in buckets:
            b.consume()
        return None
