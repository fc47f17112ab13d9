"""Configurable Bot API limits and token-bucket rate limiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from testkit.common.limits import Switches, TokenBucket, take

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
class Limits(Switches):
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
        return take(buckets)
