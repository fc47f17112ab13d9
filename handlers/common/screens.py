"""The Telegram adapter of :mod:`screens`: a neutral Screen shown with aiogram's types.

- :func:`markup` — the screen's buttons as an inline keyboard (actions packed into callback
  data, Telegram's limits on a keyboard checked);
- :func:`on` — the filter that routes a pressed button back to its handler, with the action
  unpacked and bound-checked as ``callback_data`` (:func:`register_view`: a command and its
  buttons served by one handler);
- :func:`send_screen` / :func:`show_screen` — a screen sent as new messages, or shown in place of
  the message whose button was pressed (a screen of several messages continues in new ones);
  :func:`answer_screen` — either, for a handler of both a command and its buttons;
- :func:`paced` — one Bot API call that waits out a short per-chat 429 and retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from magic_filter import MagicFilter

from screens.actions import Action
from screens.screen import Attachment, Button, Screen

# Telegram's limits on an inline keyboard.
MAX_ROW_BUTTONS = 8
MAX_BUTTONS = 100

# A screen of several messages may meet the messenger's per-chat pace: wait a little and retry.
MAX_PACE_WAIT = 5


def button(b: Button) -> InlineKeyboardButton:
    if b.action is not None:
        return InlineKeyboardButton(text=b.text, callback_data=b.action.pack())
    return InlineKeyboardButton(text=b.text, url=b.url)


def markup(screen: Screen) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a screen (None when it has no buttons)."""
    rows = [row for row in screen.rows if row]
    if not rows:
        return None
    if any(len(row) > MAX_ROW_BUTTONS for row in rows):
        raise ValueError(f"a keyboard row holds at most {MAX_ROW_BUTTONS} buttons")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError(f"a keyboard holds at most {MAX_BUTTONS} buttons")
    return InlineKeyboardMarkup(inline_keyboard=[[button(b) for b in row] for row in rows])


def on(action: type[Action], rule: MagicFilter | None = None) -> CallbackQueryFilter:
    """Route presses of ``action``'s buttons (those whose fields also match ``rule``, e.g.
    ``F.step == "day"``): the handler gets the unpacked, bound-checked action as
    ``callback_data``; a button that does not fit is left to the fallback (refused there)."""
    # aiogram's filter only calls ``unpack`` of the class it is given, which an Action has with
    # the same contract (and RefusedButton is a ValueError): tests find routes by this filter.
    return CallbackQueryFilter(callback_data=cast(type[CallbackData], action), rule=rule)


def register_view(
    router: Router, handler: Callable[..., Awaitable[Any]], command: str, action: type[Action]
) -> None:
    """``handler`` answers ``/command`` and the presses of its screen's ``action`` buttons
    (showing with :func:`answer_screen`)."""
    router.message.register(handler, Command(command))
    router.callback_query.register(handler, on(action))


async def paced(method: TelegramMethod[Any], attempts: int = 3) -> Any:
    """Send a prepared Bot API method (``message.answer(...)`` without await)."""
    for attempt in range(attempts):
        try:
            return await method
        except TelegramRetryAfter as exc:
            if attempt == attempts - 1 or exc.retry_after > MAX_PACE_WAIT:
                raise
            await asyncio.sleep(exc.retry_after)
    return None  # pragma: no cover


async def send_pages(
    message: Message, texts: Sequence[str], reply_markup: InlineKeyboardMarkup | None
) -> None:
    """Send messages in order; the buttons go under the last one."""
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        await paced(message.answer(text, reply_markup=reply_markup if last else None))


async def show_pages(
    callback: CallbackQuery, texts: Sequence[str], reply_markup: InlineKeyboardMarkup | None
) -> None:
    """Show messages in the message whose button was pressed (edited in place); more than one
    continue in new messages, with the buttons under the last one."""
    message = callback.message
    if not isinstance(message, Message):  # too old to edit: send afresh
        if callback.from_user is not None and callback.bot is not None:
            bot, chat_id = callback.bot, callback.from_user.id
            for i, text in enumerate(texts):
                last = i == len(texts) - 1
                await paced(
                    SendMessage(
                        chat_id=chat_id, text=text, reply_markup=reply_markup if last else None
                    ).as_(bot)
                )
        return
    first, rest = texts[0], list(texts[1:])
    try:
        await message.edit_text(first, reply_markup=None if rest else reply_markup)
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    for i, text in enumerate(rest):
        last = i == len(rest) - 1
        await paced(message.answer(text, reply_markup=reply_markup if last else None))


def attachment_method(chat_id: int, item: Attachment) -> TelegramMethod[Any]:
    file: BufferedInputFile | str
    file = item.ref if item.ref is not None else BufferedInputFile(item.data, item.filename)
    caption = item.caption or None
    if item.kind == "photo":
        return SendPhoto(chat_id=chat_id, photo=file, caption=caption)
    return SendDocument(chat_id=chat_id, document=file, caption=caption)


async def send_attachments(bot: Bot, chat_id: int, screen: Screen) -> None:
    for item in screen.attachments:
        await paced(attachment_method(chat_id, item).as_(bot))


async def send_screen(message: Message, screen: Screen) -> None:
    """A screen as new messages in the chat of ``message``."""
    if screen.texts:
        await send_pages(message, screen.texts, markup(screen))
    if screen.attachments and message.bot is not None:
        await send_attachments(message.bot, message.chat.id, screen)


async def show_screen(callback: CallbackQuery, screen: Screen) -> None:
    """A screen in answer to a pressed button: in place of that message when the screen says so,
    else as new messages (attachments always come as new messages)."""
    if screen.texts:
        if screen.replace or not isinstance(callback.message, Message):
            await show_pages(callback, screen.texts, markup(screen))
        else:
            await send_pages(callback.message, screen.texts, markup(screen))
    if screen.attachments and callback.bot is not None:
        await send_attachments(callback.bot, callback.from_user.id, screen)


async def answer_screen(event: Message | CallbackQuery, screen: Screen) -> None:
    """A screen in answer to a command (:func:`send_screen`) or a pressed button
    (:func:`show_screen`)."""
    if isinstance(event, Message):
        await send_screen(event, screen)
    else:
        await show_screen(event, screen)
