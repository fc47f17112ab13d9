"""What a button or a typed argument may carry: ids, days, pages and codes, checked once.

Every action a button carries (:class:`screens.actions.Action`) has plain ``int``/``str`` fields
annotated with a bound (:class:`Range`, :class:`Ymd`, :class:`OneOf` …). Parsing what comes back
from a chat refuses a value outside its bound with :class:`RefusedButton`, so a mutated button
never reaches a handler: it is answered like a forged button (``error.forbidden``) and logged
once as a refused button, without a traceback. Building a button checks nothing: bounds apply to
what comes back from a chat, not to what the bot itself packs.

The same day window serves typed dates (:func:`day_in_window`), so that a date a user types
is either in the window or answered with a clear message, never an overflow further down.
Nothing here knows a messenger.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel

from services.errors import DomainError

# Every id column is INTEGER: 32 bits on PostgreSQL (SQLite's 64 bits are wider), so a larger
# id can name no row and would only overflow the database driver.
MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
# Days a journal may be about: wide enough for archives and planning, narrow enough that any
# step a screen takes from such a day (a week on, a month back) stays a valid date.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
# A free-form code in a button: short, plain ASCII, no separators.
_CODE = re.compile(r"^[A-Za-z0-9_.-]{0,32}$")


class RefusedButton(ValueError):
    """A button's data does not fit its class: mutated or forged, never what the bot sent."""


def day_in_window(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


MAX_QUERY = 64


def typed_query(text: str) -> str:
    """A surname or login typed to search for: printable characters, at most ``MAX_QUERY``.

    Control and format characters (NUL, bidi overrides) are refused with a clear answer rather
    than passed on (PostgreSQL cannot even compare a string with a NUL in it)."""
    text = " ".join(text.split())
    if len(text) > MAX_QUERY or any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise DomainError("error.bad_query", limit=MAX_QUERY)
    return text


def window_error() -> DomainError:
    """The answer to a typed date outside the window, naming the window."""
    return DomainError(
        "error.date_window", first=f"{FIRST_DAY:%d.%m.%Y}", last=f"{LAST_DAY:%d.%m.%Y}"
    )


def day_from_ymd(value: int) -> dt.date | None:
    """``yyyymmdd`` → the date, or None when it is no date of the window."""
    try:
        day = dt.date(value // 10000, value // 100 % 100, value % 100)
    except (ValueError, OverflowError):
        return None
    return day if day_in_window(day) else None


@dataclass(frozen=True)
class Bound:
    """A check of one field, kept in the field's ``Annotated`` metadata."""

    def check(self, value: Any) -> bool:  # pragma: no cover - every bound overrides it
        raise NotImplementedError


@dataclass(frozen=True)
class Range(Bound):
    low: int
    high: int
    zero: bool = False  # 0 also allowed ("none", "not chosen yet")

    def check(self, value: Any) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.zero and value == 0) or self.low <= value <= self.high


@dataclass(frozen=True)
class Ymd(Bound):
    """A day as ``yyyymmdd`` within the window (or 0 when ``zero``)."""

    zero: bool = False

    def check(self, value: Any) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.zero and value == 0) or day_from_ymd(value) is not None


@dataclass(frozen=True)
class Ym(Bound):
    """A month as ``yyyymm`` within the window (or 0)."""

    def check(self, value: Any) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return value == 0 or day_from_ymd(value * 100 + 1) is not None


@dataclass(frozen=True)
class OneOf(Bound):
    values: frozenset[str]

    def __init__(self, *values: str) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def check(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.values


Id = Annotated[int, Range(1, MAX_ID)]
OptId = Annotated[int, Range(1, MAX_ID, zero=True)]  # 0: none, not chosen yet
Page = Annotated[int, Range(0, MAX_PAGE)]
Flag = Annotated[int, Range(0, 1)]
Ordinal = Annotated[int, Range(FIRST_DAY.toordinal(), LAST_DAY.toordinal())]
OptOrdinal = Annotated[int, Range(FIRST_DAY.toordinal(), LAST_DAY.toordinal(), zero=True)]
Day = Annotated[int, Ymd()]
OptDay = Annotated[int, Ymd(zero=True)]
Month = Annotated[int, Ym()]

# What a field without its own bound must satisfy.
_DEFAULT_INT = Range(0, MAX_ID)


def check_fields(data: BaseModel) -> None:
    """Every field of a parsed button within its bound, else :class:`RefusedButton`."""
    for name, field in type(data).model_fields.items():
        if not check_field(getattr(data, name), field.metadata):
            raise RefusedButton(f"{type(data).__name__}.{name} out of bounds")


def check_field(value: Any, metadata: list[Any]) -> bool:
    bounds = [m for m in metadata if isinstance(m, Bound)]
    if bounds:
        return all(b.check(value) for b in bounds)
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return _DEFAULT_INT.check(value)
    if isinstance(value, str):
        return _CODE.match(value) is not None
    return True  # enums: pydantic has already checked them
