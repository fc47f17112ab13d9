"""School-time rules of delivery: quiet hours and digest slots (pure functions)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_QUIET_FROM = dt.time(21, 0)
DEFAULT_QUIET_TO = dt.time(8, 0)
DEFAULT_DIGEST_TIME = dt.time(18, 0)


def in_quiet_hours(
    local: dt.datetime, quiet_from: dt.time | None, quiet_to: dt.time | None
) -> bool:
    """Whether ``local`` (school time) falls in [quiet_from, quiet_to), which may wrap midnight."""
    if quiet_from is None or quiet_to is None or quiet_from == quiet_to:
        return False
    t = local.time().replace(tzinfo=None)
    if quiet_from < quiet_to:
        return quiet_from <= t < quiet_to
    return t >= quiet_from or t < quiet_to


def _at(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=tz)


def quiet_end(now: dt.datetime, tz: ZoneInfo, quiet_to: dt.time) -> dt.datetime:
    """The next moment (UTC) at which quiet hours end, school time."""
    local = now.astimezone(tz)
    end = _at(local.date(), quiet_to, tz)
    if end <= local:
        end = _at(local.date() + dt.timedelta(days=1), quiet_to, tz)
    return end.astimezone(dt.UTC)


def next_digest_slot(
    now: dt.datetime, tz: ZoneInfo, mode: str, digest_time: dt.time | None
) -> dt.datetime:
    """When a digest that collects an alert of ``now`` goes out (UTC): the next full hour for
    ``hourly``, the next ``digest_time`` (default 18:00) for ``evening``."""
    local = now.astimezone(tz)
    if mode == "hourly":
        slot = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        return slot.astimezone(dt.UTC)
    at = digest_time or DEFAULT_DIGEST_TIME
    slot = _at(local.date(), at, tz)
    if slot <= local:
        slot = _at(local.date() + dt.timedelta(days=1), at, tz)
    return slot.astimezone(dt.UTC)
