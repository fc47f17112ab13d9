"""A rendering helper of the Telegram adapter: a message that may grow past Telegram's limit.
Role names and roster names are the screens' (screens/common/render.py), named here too for
the handlers that use them.

A text that can grow (a preview) goes out through :func:`answer_long`, split into parts that
each fit.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message

from screens.common.render import name_html, roles_text
from services.richtext import TEXT_LIMIT, split_html

__all__ = ["answer_long", "name_html", "roles_text"]


async def answer_long(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer with ``text`` split into messages that each fit Telegram's limit; the keyboard
    goes with the last one, which is returned."""
    parts = split_html(text, TEXT_LIMIT)
    for part in parts[:-1]:
        await message.answer(part)
    return await message.answer(parts[-1], reply_markup=reply_markup)
