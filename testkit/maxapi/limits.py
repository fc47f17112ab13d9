"""MAX Bot API limits enforced by the local server, and its request rate limiter."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from testkit.common.limits import Switches, TokenBucket, take


@dataclass
class Limits(Switches):
    """Limits of the MAX Bot API.

    From the schema: text ≤ 4000 characters (NewMessageBody.text maxLength, counted on the
    text as sent), button text 1–128, callback/clipboard payload ≤ 1024, link URL ≤ 2048,
    ≥ 1 row, BotCommand name 1–64 and description 1–128, ≤ 32 commands, deep-link payload
    ≤ 128 (longer is dropped), webhook secret 5–256 of ``[A-Za-z0-9_-]``, long-poll timeout
    ≤ 90 and limit ≤ 1000.  From dev.max.ru (the schema is silent): ≤ 30 rows, ≤ 7 buttons a
    row (≤ 3 when the row holds a link/open_app/request_* button), ≤ 210 buttons, and
    30 requests per second per bot.

    ``enforce=False`` turns every check off; numbers can be disabled with ``None`` and
    flags with ``False``.
    """

    enforce: bool = True
    max_text_length: int | None = 4000
    check_html: bool = True
    reject_unknown_tags: bool = False
    max_button_text: int | None = 128
    max_payload_length: int | None = 1024
    max_url_length: int | None = 2048
    max_rows: int | None = 30
    max_buttons_per_row: int | None = 7
    max_wide_buttons_per_row: int | None = 3
    max_buttons: int | None = 210
    max_commands: int | None = 32
    max_start_payload: int = 128
    webhook_require_https: bool = False
    rate_limits: bool = True
    requests_per_second: float | None = 30.0
    burst: int = 30
    retry_after_header: bool = False


class RateLimiter:
    """One token bucket per bot token over every Bot API request."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def reset(self) -> None:
        self._buckets.clear()

    def check(self, token: str) -> int | None:
        """Consume a token; return the seconds to wait (≥ 1) if refused."""
        limits = self.limits
        if not (limits.enforce and limits.rate_limits and limits.requests_per_second):
            return None
        bucket = self._buckets.get(token)
        if bucket is None:
            bucket = TokenBucket(limits.requests_per_second, limits.burst, self._clock)
            self._buckets[token] = bucket
        return take([bucket])
