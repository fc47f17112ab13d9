"""The rules of family messages as pure functions: when a message reaches a teacher (working
hours on working days), how many a sender may write, what a message may hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.calendar import SchoolCalendar
from services.errors import ValidationFailed
from services.richtext import utf16_length

# A message's text: long enough for a letter, short enough for one messenger message with the
# alert's heading (4096); under a file it is the caption (1024).
MAX_TEXT = 2000
MAX_CAPTION = 800
ATTACHMENT_KINDS = ("photo", "document")
# A file's id: Telegram's are short, MAX's ("max:" and a token) up to about 2 kB.
MAX_FILE_REF = 2100

# Against floods, per sender and thread: a few a minute, a few dozen a day.
PER_MINUTE = 5
PER_DAY = 30

# How far ahead a working morning is looked for (the summer holidays).
HORIZON_DAYS = 120


@dataclass(frozen=True)
class Hours:
    """The teachers' working hours, school time, on the school's working days."""

    start: dt.time
    end: dt.time


def delivery_time(
    now: dt.datetime, tz: ZoneInfo, calendar: SchoolCalendar, hours: Hours
) -> dt.datetime:
    """When a family's message written at ``now`` reaches the teacher: at once within the
    working hours of a working day, else at the start of the next working day's hours (today's
    when it is a working day and the hours have not begun). UTC."""
    local = now.astimezone(tz)
    day = local.date()
    if calendar.is_working_day(day):
        if hours.start <= local.time() < hours.end:
            return now
        if local.time() < hours.start:
            return dt.datetime.combine(day, hours.start, tzinfo=tz).astimezone(dt.UTC)
    for _ in range(HORIZON_DAYS):
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            return dt.datetime.combine(day, hours.start, tzinfo=tz).astimezone(dt.UTC)
    return now


def clean_text(text: str | None, *, with_attachment: bool) -> str:
    """The message's text as kept: trimmed, control characters refused, within the limit (the
    caption's under a file); empty only under a file."""
    value = (text or "").strip()
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValidationFailed("threads.bad_text")
    if not value and not with_attachment:
        raise ValidationFailed("threads.empty")
    limit = MAX_CAPTION if with_attachment else MAX_TEXT
    if utf16_length(value) > limit:
        raise ValidationFailed("threads.too_long", limit=limit)
    return value


def check_flood(last_minute: int, last_day: int) -> None:
    """Refused with a clear message past :data:`PER_MINUTE` or :data:`PER_DAY` messages of one
    sender in one thread (counted before this one)."""
    if last_minute >= PER_MINUTE:
        raise ValidationFailed("threads.flood_minute", limit=PER_MINUTE)
    if last_day >= PER_DAY:
        raise ValidationFailed("threads.flood_day", limit=PER_DAY)


def check_attachment(kind: str | None, ref: str | None, name: str | None) -> None:
    if kind is None and ref is None:
        return
    if kind not in ATTACHMENT_KINDS or not ref or len(ref) > MAX_FILE_REF or len(name or "") > 255:
        raise ValidationFailed("threads.bad_file")
