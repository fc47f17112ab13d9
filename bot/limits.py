"""The last guard of Telegram's length limits, on every request the bot makes.

Screens that can grow split or shorten their texts themselves (services/richtext.py,
docs/user-text.md). Should a text still exceed what Telegram takes — 4096 UTF-16 units of
visible text after the HTML is parsed, 1024 for a caption — this request middleware shortens
it (tags kept balanced, an ellipsis at the end) and logs a warning naming the method, instead
of letting Telegram refuse the message and the user get nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.enums import ParseMode
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageText,
    Response,
    SendAnimation,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideo,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from services.richtext import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    shorten_html,
    utf16_length,
    visible_length,
)

log = logging.getLogger(__name__)

_TEXT = (SendMessage, EditMessageText)
_CAPTION = (
    SendPhoto,
    SendDocument,
    SendVideo,
    SendAnimation,
    SendAudio,
    SendVoice,
    EditMessageCaption,
    CopyMessage,
)


def _shorten_plain(text: str, limit: int) -> str:
    cut = text[: limit - 1]
    while utf16_length(cut) > limit - 1:
        cut = cut[:-1]
    return cut + "…"


def fit(text: str, parse_mode: object, limit: int) -> str | None:
    """``text`` shortened to ``limit`` as Telegram counts it, or None if it fits already."""
    if str(parse_mode).lower() == ParseMode.HTML.lower():
        return None if visible_length(text) <= limit else shorten_html(text, limit)
    if parse_mode is None or parse_mode == "":
        return None if utf16_length(text) <= limit else _shorten_plain(text, limit)
    return None  # Markdown: not used by the bot; left to Telegram


class FitToLimitsMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        field, limit = None, 0
        if isinstance(method, _TEXT):
            field, limit = "text", TEXT_LIMIT
        elif isinstance(method, _CAPTION):
            field, limit = "caption", CAPTION_LIMIT
        text: Any = getattr(method, field, None) if field else None
        if field and isinstance(text, str):
            mode: Any = getattr(method, "parse_mode", None)
            if isinstance(mode, Default):
                mode = bot.default[mode.name]
            shortened = fit(text, mode, limit)
            if shortened is not None:
                log.warning(
                    "message over Telegram's limit shortened",
                    extra={"method": type(method).__name__, "length": len(text)},
                )
                method = method.model_copy(update={field: shortened})
        return await make_request(bot, method)


def install(bot: Bot) -> None:
    bot.session.middleware(FitToLimitsMiddleware())
