"""Dates as people type them ("20.11", "20.11.2026", "2026-11-20", "20.11–22.11"): read into
dates of the journal's window, the year guessed from today when it is left out."""

from __future__ import annotations

import datetime as dt

from screens.bounds import day_in_window, window_error


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """ "20.11", "20.11.2026", "2026-11-20" → a date; without a year, the nearest such date.

    None when it is no date; a date outside the journal's window (``0001-01-01``,
    ``9999-12-31``) is refused with a message that names the window."""
    day = _parse_day(text, today)
    if day is not None and not day_in_window(day):
        raise window_error()
    return day


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    text = text.strip().rstrip(".")
    try:
        if "-" in text and len(text) == 10:
            return dt.date.fromisoformat(text)
        parts = [p for p in text.replace("/", ".").split(".") if p]
        if len(parts) == 3:
            year = int(parts[2])
            year = year + 2000 if year < 100 else year
            return dt.date(year, int(parts[1]), int(parts[0]))
        if len(parts) == 2:
            day, month = int(parts[0]), int(parts[1])
            candidates = []
            for year in (today.year - 1, today.year, today.year + 1):
                try:
                    candidates.append(dt.date(year, month, day))
                except (ValueError, OverflowError):
                    continue
            if not candidates:
                return None
            return min(candidates, key=lambda d: abs((d - today).days))
    except (ValueError, OverflowError):
        return None
    return None


def parse_range(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """ "20.11" or "20.11–22.11" (any dash) → (first, last)."""
    for dash in ("–", "—", " - ", "-"):
        if dash in text and not (dash == "-" and len(text.strip()) == 10):
            left, _, right = text.partition(dash)
            start, end = parse_day(left, today), parse_day(right, today)
            if start is None or end is None:
                return None
            return start, end
    day = parse_day(text, today)
    return (day, day) if day is not None else None
