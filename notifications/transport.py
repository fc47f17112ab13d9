"""The messenger boundary: what the worker hands a messenger, and the errors a delivery can
end with.

An alert is a :class:`screens.screen.Screen` (notifications/render.py), the same neutral screen
the bot's answers are: one message of HTML text, buttons carrying typed actions
and at most one file by reference, whose caption the text is. Each messenger's adapter
implements :class:`Transport` (Telegram: ``handlers/common/transport.py``, built by the bot's
wiring and passed to the worker) with the same renderer of screens it shows answers with, and
translates its client's exceptions into the neutral errors below, so the retry policy lives in
one place (``notifications.worker``).
"""

from __future__ import annotations

from typing import Protocol

from screens.screen import Screen


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
    """A messenger front end. ``send`` delivers one alert (a one-message screen) and returns
    the messenger's id of the sent message; ``silent``: without a sound (digests held for the
    end of quiet hours)."""

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str: ...
