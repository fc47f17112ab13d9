"""Local imitation of the Telegram Bot API for end-to-end tests and benchmarks.

See docs/local-bot-api.md.
"""

from testkit.botapi.faults import Fault, Faults
from testkit.botapi.html import HTMLParseError, parse_html
from testkit.botapi.limits import Limits, RateLimiter, TokenBucket
from testkit.botapi.models import ApiError, FileRecord, RequestRecord, SentMessage, Stats
from testkit.botapi.server import BotAPIServer, GroupChat, User

__all__ = [
    "ApiError",
    "BotAPIServer",
    "Fault",
    "Faults",
    "FileRecord",
    "GroupChat",
    "HTMLParseError",
    "Limits",
    "RateLimiter",
    "RequestRecord",
    "SentMessage",
    "Stats",
    "TokenBucket",
    "User",
    "parse_html",
]
