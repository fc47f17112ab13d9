"""The Telegram adapter's callback data: aiogram's ``CallbackData`` with the bounds of
:mod:`screens.bounds` checked on every press (the names of that module are re-exported here for
the adapter's older modules; new screens use :class:`screens.actions.Action`)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from aiogram.filters.callback_data import CallbackData

from screens import actions
from screens.bounds import (
    FIRST_DAY,
    LAST_DAY,
    MAX_ID,
    MAX_PAGE,
    MAX_QUERY,
    Bound,
    Day,
    Flag,
    Id,
    Month,
    OneOf,
    OptDay,
    OptId,
    OptOrdinal,
    Ordinal,
    Page,
    Range,
    RefusedButton,
    Ym,
    Ymd,
    check_fields,
    day_from_ymd,
    day_in_window,
    typed_query,
    window_error,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_ID",
    "MAX_PAGE",
    "MAX_QUERY",
    "Bound",
    "Day",
    "Flag",
    "Id",
    "Month",
    "OneOf",
    "OptDay",
    "OptId",
    "OptOrdinal",
    "Ordinal",
    "Page",
    "Range",
    "RefusedButton",
    "SafeCallbackData",
    "Ym",
    "Ymd",
    "day_from_ymd",
    "day_in_window",
    "typed_query",
    "window_error",
]


class SafeCallbackData(CallbackData, prefix="~safe"):
    """The base of every callback data class: each field is range-checked when it is parsed.

    ``registry`` maps each prefix to its class, so the fallback can tell a mutated button of a
    known screen (refused like a forgery) from a stale one of an unknown screen.
    """

    registry: ClassVar[dict[str, type[Any]]] = actions.REGISTRY

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        actions.register_prefix(cls.__prefix__, cls)

    @classmethod
    def unpack(cls, value: str) -> Self:
        try:
            data = super().unpack(value)
        except RefusedButton:
            raise
        except (TypeError, ValueError, OverflowError) as exc:
            raise RefusedButton(f"{cls.__name__}: unreadable") from exc
        check_fields(data)
        return data

    @classmethod
    def known(cls, data: str) -> type[Any] | None:
        """The class whose prefix starts ``data`` (None for a button of no known screen): an
        action of a screen or an older callback data class."""
        return actions.known(data)
