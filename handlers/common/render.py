"""Small rendering helpers shared by the handlers: role names, names from the roster, and
messages that may grow past Telegram's limits.

User text follows one rule (services/richtext.py, docs/user-text.md): stored as typed, escaped
exactly once here, where a message is rendered. A text that can grow (previews, lists, pages)
goes out through :func:`answer_long` (split into parts that each fit) or :func:`fit_text`
(shortened with an ellipsis, for a message edited in place).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup, Message

from bot.i18n import escape, t
from services.enums import Role
from services.richtext import TEXT_LIMIT, shorten_html, split_html


def roles_text(lang: str, roles: Iterable[Role]) -> str:
    """Translated role names in the catalogue order of Role ("учитель, родитель")."""
    ordered = [role for role in Role if role in set(roles)]
    if not ordered:
        return t(lang, "role.none")
    return ", ".join(t(lang, f"role.{role.value}") for role in ordered)


def name_html(name: str) -> str:
    """A person's name from the roster, escaped for an HTML message."""
    return escape(name)


def fit_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """One message within Telegram's limit (visible UTF-16 units): shortened if need be."""
    return shorten_html(text, limit)


async def answer_long(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer with ``text`` split into messages that each fit Telegram's limit; the keyboard
    goes with the last one, which is returned."""
    parts = split_html(text, TEXT_LIMIT)
    for part in parts[:-1]:
        await message.answer(part)
    return await message.answer(parts[-1], reply_markup=reply_markup)
