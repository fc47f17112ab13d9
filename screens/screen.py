"""A neutral screen: what one answer of the bot shows, in no messenger's types.

A :class:`Screen` is one or more messages of text in a small markup subset (the HTML of
docs/user-text.md: ``<b> <i> <u> <s> <code> <pre> <a href>``; user text already escaped once
when the screen was built), rows of :class:`Button` under the last message, and how it is
shown: in place of the message whose button was pressed (``replace``) or as new messages.
Each messenger's adapter renders it with its own types and limits (Telegram: inline keyboard,
callback data, ``editMessageText``); the screens themselves are plain functions from a read
model to a :class:`Screen`, tested without any messenger.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from screens.actions import Action


@dataclass(frozen=True, slots=True)
class Button:
    """A button: pressing it sends ``action`` back to the bot, or opens ``url``."""

    text: str
    action: Action | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.action is None) == (self.url is None):
            raise ValueError("a button has either an action or a url")


Row = tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file shown after the screen's messages: a picture (``photo``) or a ``document``, given
    as its bytes (``data`` + ``filename``) or as a file the messenger already has (``ref``)."""

    kind: Literal["photo", "document"]
    data: bytes = b""
    filename: str = ""
    caption: str = ""  # in the markup subset, like the messages
    ref: str | None = None

    def __post_init__(self) -> None:
        if (self.ref is None) == (not self.data):
            raise ValueError("an attachment has either data or a ref")


@dataclass(frozen=True, slots=True)
class Screen:
    """Messages with buttons under the last one, then attachments (at least one of the two)."""

    texts: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    replace: bool = True  # shown in place of the pressed message; False: sent anew
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        if not self.texts and not self.attachments:
            raise ValueError("a screen has a message or an attachment")
        if self.rows and not self.texts:
            raise ValueError("buttons go under a message")

    @property
    def buttons(self) -> list[Button]:
        return [button for row in self.rows for button in row]


def rows_of(buttons: Sequence[Button], size: int, *sizes: int) -> tuple[Row, ...]:
    """Buttons laid out in rows of the given sizes, the last size repeated for the rest — the
    layout rule of aiogram's ``adjust`` (``rows_of(b, 3, 1)``: three, then one per row)."""
    rows: list[Row] = []
    widths = _widths((size, *sizes))
    i = 0
    while i < len(buttons):
        width = next(widths)
        rows.append(tuple(buttons[i : i + width]))
        i += width
    return tuple(rows)


def _widths(sizes: Sequence[int]) -> Iterator[int]:
    if any(size < 1 for size in sizes):
        raise ValueError(f"row sizes must be positive: {sizes}")
    yield from sizes
    while True:
        yield sizes[-1]
