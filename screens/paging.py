"""Lists shown a page at a time, and the ◀ ▶ buttons that lead to the neighbouring page (or day,
or week): one rule for every audience's screens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from screens.actions import Action
from screens.screen import Button, Row, rows_of

T = TypeVar("T")

PREV = "◀"
NEXT = "▶"


def page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int]:
    """The items of ``page`` clamped to the pages there are (one at least, for no items), the
    page shown and how many pages there are."""
    pages = max(1, (len(items) + size - 1) // size)
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def arrows(before: Action | None, after: Action | None, *middle: Button) -> Row:
    """◀ to ``before`` and ▶ to ``after`` (each only where there is one), around ``middle``."""
    row = list(middle)
    if before is not None:
        row.insert(0, Button(PREV, before))
    if after is not None:
        row.append(Button(NEXT, after))
    return tuple(row)


def paged(
    items: Sequence[tuple[str, Action]],
    page: int,
    nav: Callable[[int], Action],
    *,
    size: int,
    columns: int = 1,
) -> tuple[Row, ...]:
    """Buttons of one page of ``items`` in ``columns``, then ◀ ▶ to the neighbours there are."""
    chunk = items[page * size : (page + 1) * size]
    rows = rows_of([Button(text, action) for text, action in chunk], columns)
    more = (page + 1) * size < len(items)
    row = arrows(nav(page - 1) if page > 0 else None, nav(page + 1) if more else None)
    return (*rows, row) if row else rows
