"""Included last: whatever no other router took in a private chat gets a short hint."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import KNOWN_COMMANDS
from bot.i18n import Translator


async def unknown_command(message: Message, command: CommandObject, t: Translator) -> None:
    if command.command.lower() in KNOWN_COMMANDS:
        await message.answer(t("fallback.not_ready"))
    else:
        await message.answer(t("fallback.unknown_command"))


async def unknown_message(message: Message, t: Translator) -> None:
    await message.answer(t("fallback.unknown_text"))


async def stale_button(_: CallbackQuery, callback_answer: CallbackAnswer, t: Translator) -> None:
    """A button no handler knows (an old message after an update): say so in the answer."""
    callback_answer.text = t("fallback.stale_button")


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(unknown_command, Command(re.compile(r".+")))
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router
