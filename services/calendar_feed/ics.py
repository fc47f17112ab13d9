"""iCalendar text (RFC 5545) written by hand: no dependency for a few dozen lines.

- content lines end in CRLF and are folded at 75 octets (a continuation line starts with one
  space; a UTF-8 character is never split) — §3.1;
- TEXT values escape backslash, semicolon, comma and newlines — §3.3.11;
- times are UTC (``…Z``), so that no VTIMEZONE is needed; all-day items are DATE values;
- every event has a UID stable across fetches (the item's kind and id) and a DTSTAMP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: ``\\`` ``;`` ``,`` escaped, newlines as ``\\n`` (CR dropped)."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, joined by CRLF + space."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # the leading space of a continuation line
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: dt.datetime | dt.date  # aware datetime, or a date for an all-day item
    end: dt.datetime | dt.date | None = None
    description: str = ""
    location: str = ""
    cancelled: bool = False

    def lines(self, stamp: dt.datetime) -> list[str]:
        out = ["BEGIN:VEVENT", f"UID:{self.uid}", f"DTSTAMP:{utc_stamp(stamp)}"]
        out += _when("DTSTART", self.start)
        if self.end is not None:
            out += _when("DTEND", self.end)
        out.append(f"SUMMARY:{escape_text(self.summary)}")
        if self.description:
            out.append(f"DESCRIPTION:{escape_text(self.description)}")
        if self.location:
            out.append(f"LOCATION:{escape_text(self.location)}")
        if self.cancelled:
            out.append("STATUS:CANCELLED")
        out.append("END:VEVENT")
        return out


def _when(name: str, value: dt.datetime | dt.date) -> list[str]:
    if isinstance(value, dt.datetime):
        return [f"{name}:{utc_stamp(value)}"]
    return [f"{name};VALUE=DATE:{date_value(value)}"]


def calendar(
    events: Iterable[Event],
    *,
    name: str,
    stamp: dt.datetime,
    timezone: str,
    refresh_hours: int = 1,
) -> str:
    """The whole VCALENDAR, CRLF-terminated lines, folded."""
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//schoolbot//family calendar//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{escape_text(timezone)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H",
        f"X-PUBLISHED-TTL:PT{refresh_hours}H",
    ]
    for event in events:
        lines += event.lines(stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text (for tests and tools): unfolded, CRLF split."""
    return text.replace(CRLF + " ", "").replace(CRLF + "\t", "").split(CRLF)[:-1]


def unescape_text(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def events_of(text: str) -> Sequence[dict[str, str]]:
    """The VEVENTs of an iCalendar text as {property (with parameters): value}."""
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return found
