"""Telegram delivery of alerts: :class:`notifications.transport.Transport` over an aiogram ``Bot``.

The delivery worker (notifications/worker.py) hands it an alert as a neutral
:class:`screens.screen.Screen` of one message; its keyboard is built by the adapter's one
renderer of screens (:func:`handlers.common.screens.markup`), as for every answer of the bot.
A screen with a file (a broadcast's attachment, by reference) goes as that file with the text
as its caption and the buttons under it. Built by the bot's wiring (bot/app.py) and passed to
``notifications.runtime.start``.

It maps aiogram's exceptions to the neutral delivery errors:

- 429 ``TelegramRetryAfter`` → :class:`RetryAfter` with Telegram's ``retry_after``;
- 403 ``TelegramForbiddenError`` → :class:`Blocked`;
- 5xx, a refused connection → :class:`TransientError` (certainly not delivered);
- a timeout, a dropped connection or an unreadable answer → :class:`OutcomeUnknown`;
- 400 and the rest → :class:`PermanentError`.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile

from handlers.common.screens import markup
from notifications.transport import (
    Blocked,
    OutcomeUnknown,
    PermanentError,
    RetryAfter,
    TransientError,
)
from screens.screen import Screen

# Errors of a connection that never reached the server: the message certainly was not sent.
_NOT_SENT = ("ClientConnectorError", "ClientConnectorDNSError", "ClientProxyConnectionError")


def _foreign(ref: str | None) -> bool:
    return ref is not None and ref.startswith("max:")


class TelegramTransport:
    def __init__(self, bot: Bot, *, request_timeout: float | None = 15.0) -> None:
        self.bot = bot
        self.request_timeout = request_timeout

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        if len(screen.texts) != 1 or len(screen.attachments) > 1:
            raise PermanentError("an alert is one message (with at most one file)")
        text = screen.texts[0]
        common: dict[str, Any] = {
            "chat_id": int(chat_id),
            "parse_mode": "HTML",
            "reply_markup": markup(screen),
            "disable_notification": silent or None,
            "request_timeout": self.request_timeout,
        }
        try:
            if not screen.attachments or _foreign(screen.attachments[0].ref):
                # A file id of another messenger (MAX's ``max:…``) means nothing to Telegram:
                # the alert goes as its text alone, which says where the file is.
                sent = await self.bot.send_message(text=text, **common)
            else:
                item = screen.attachments[0]
                file: BufferedInputFile | str
                if item.ref is not None:
                    file = item.ref
                else:
                    file = BufferedInputFile(item.data, item.filename)
                if item.kind == "photo":
                    sent = await self.bot.send_photo(photo=file, caption=text, **common)
                else:
                    sent = await self.bot.send_document(document=file, caption=text, **common)
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after, exc.message) from exc
        except TelegramForbiddenError as exc:
            raise Blocked(exc.message) from exc
        except TelegramServerError as exc:
            raise TransientError(exc.message) from exc
        except TelegramNetworkError as exc:
            if exc.message.startswith(_NOT_SENT):
                raise TransientError(exc.message) from exc
            raise OutcomeUnknown(exc.message) from exc
        except ClientDecodeError as exc:
            raise OutcomeUnknown(str(exc)[:200]) from exc
        except TelegramAPIError as exc:
            raise PermanentError(exc.message) from exc
        return str(sent.message_id)
