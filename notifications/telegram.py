"""Telegram delivery: :class:`notifications.transport.Transport` over an aiogram ``Bot``.

The only module of ``notifications`` that imports aiogram. It maps aiogram's exceptions to the
neutral delivery errors:

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
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from notifications.transport import (
    Blocked,
    OutcomeUnknown,
    OutMessage,
    PermanentError,
    RetryAfter,
    TransientError,
)

# Errors of a connection that never reached the server: the message certainly was not sent.
_NOT_SENT = ("ClientConnectorError", "ClientConnectorDNSError", "ClientProxyConnectionError")


def _markup(message: OutMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in message.buttons
        ]
    )


class TelegramTransport:
    def __init__(self, bot: Bot, *, request_timeout: float | None = 15.0) -> None:
        self.bot = bot
        self.request_timeout = request_timeout

    async def send(self, chat_id: str, message: OutMessage) -> str:
        common: dict[str, Any] = {
            "chat_id": int(chat_id),
            "parse_mode": "HTML",
            "reply_markup": _markup(message),
            "disable_notification": message.silent or None,
            "request_timeout": self.request_timeout,
        }
        try:
            if message.attachment is None:
                sent = await self.bot.send_message(text=message.text, **common)
            elif message.attachment.kind == "photo":
                sent = await self.bot.send_photo(
                    photo=message.attachment.ref, caption=message.text, **common
                )
            else:
                sent = await self.bot.send_document(
                    document=message.attachment.ref, caption=message.text, **common
                )
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
