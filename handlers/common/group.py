"""Group and channel chats: the bot shows nothing personal there.

This router is included first. It takes every message from a non-private chat, so no router
after it (diary, marks, sign-in…) can ever answer with personal data in a group: commands
addressed to the bot get one neutral text, everything else is ignored silently.
"""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from handlers.common.screens import send_screen
from i18n import Translator
from screens.common.render import text_screen


async def group_command(message: Message, t: Translator) -> None:
    await send_screen(message, text_screen(t, "group.neutral"))


async def group_other(_: Message) -> None:
    """Ordinary group chatter: not for the bot."""


async def group_callback() -> None:
    """No personal buttons live in groups; the callback is answered empty by the middleware."""


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type != ChatType.PRIVATE)
    router.edited_message.filter(F.chat.type != ChatType.PRIVATE)
    router.callback_query.filter(F.message.chat.type != ChatType.PRIVATE)
    router.message.register(group_command, Command(re.compile(r".+")))
    router.message.register(group_other)
    router.edited_message.register(group_other)
    router.callback_query.register(group_callback)
    return router
