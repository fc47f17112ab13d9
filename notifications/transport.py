"""The messenger boundary: a neutral message and the errors a delivery can end with.

The worker knows only this module. A front end (``notifications.telegram`` for Telegram, a
future one for MAX) implements :class:`Transport` and translates its client's exceptions into
the neutral errors below, so the retry policy lives in one place (``notifications.worker``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Button:
    """An inline button; ``data`` is the callback payload (at most 64 bytes in Telegram)."""

    text: str
    data: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.data.encode()) <= 64:
            raise ValueError(f"callback data must be 1..64 bytes: {self.data!r}")


@dataclass(frozen=True)
class Attachment:
    """A file by reference (a messenger file id or URL): ``kind`` is "document" or "photo"."""

    kind: str
    ref: str


@dataclass(frozen=True)
class OutMessage:
    """What to send: HTML text (user-entered parts already escaped) and button rows."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    # Sent without a sound (Telegram's disable_notification), e.g. digests in the morning.
    silent: bool = False
    extra: dict[str, str] = field(default_factory=dict, compare=False)


class DeliveryError(Exception):
    """Base of the neutral delivery errors."""


class RetryAfter(DeliveryError):
    """The messenger asked to wait ``seconds`` before the next send (Telegram 429)."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {seconds}s")
        self.seconds = float(seconds)


class Blocked(DeliveryError):
    """The user blocked the bot or deleted the chat (Telegram 403)."""


class TransientError(DeliveryError):
    """Not delivered, worth retrying later: 5xx, a refused connection."""


class PermanentError(DeliveryError):
    """Will never be delivered as it is (400: bad markup, chat not found…): a dead letter."""


class OutcomeUnknown(DeliveryError):
    """The request left but its answer was lost (timeout, dropped connection): the message may
    have arrived. Retried (at least once delivery) and counted as ``outcome_unknown``."""


class Transport(Protocol):
    """A messenger front end. ``send`` returns the messenger's id of the sent message."""

    async def send(self, chat_id: str, message: OutMessage) -> str: ...
