"""Local imitation of the MAX Bot API for end-to-end tests (see testkit/maxapi/README.md)."""

from testkit.maxapi.faults import Fault, Faults
from testkit.maxapi.html import HTMLParseError, ParsedHTML, parse_html
from testkit.maxapi.limits import Limits, RateLimiter
from testkit.maxapi.models import ApiError, FileRecord, RequestRecord, SentMessage, Stats
from testkit.maxapi.server import DIALOG_OFFSET, MaxAPIServer, MaxUser

__all__ = [
    "DIALOG_OFFSET",
    "ApiError",
    "Fault",
    "Faults",
    "FileRecord",
    "HTMLParseError",
    "Limits",
    "MaxAPIServer",
    "MaxUser",
    "ParsedHTML",
    "RateLimiter",
    "RequestRecord",
    "SentMessage",
    "Stats",
    "parse_html",
]
