"""Included last: whatever no other router took in a private chat gets a short hint."""

from __future__ import annotations

import logging
import re

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.commands import KNOWN_COMMANDS
from handlers.common.gate import private
from handlers.common.screens import send_screen
from i18n import Translator
from screens import actions
from screens.bounds import RefusedButton
from screens.common.render import text_screen

log = logging.getLogger("handlers.buttons")


async def unknown_command(message: Message, command: CommandObject, t: Translator) -> None:
    known = command.command.lower() in KNOWN_COMMANDS
    key = "fallback.not_ready" if known else "fallback.unknown_command"
    await send_screen(message, text_screen(t, key))


async def unknown_message(message: Message, t: Translator) -> None:
    await send_screen(message, text_screen(t, "fallback.unknown_text"))


async def stale_button(
    query: CallbackQuery, callback_answer: CallbackAnswer, t: Translator
) -> None:
    """A button no handler took. One of a known screen whose data does not fit its class (an id
    beyond range, an unknown code: mutated or forged) is refused like a forged button and logged
    as such; any other is an old message after an update: say so in the answer."""
    data = query.data or ""
    known = actions.known(data)
    if known is not None:
        try:
            known.unpack(data)
        except RefusedButton as exc:
            log.warning(
                "refused button",
                extra={
                    "prefix": known.__prefix__,
                    "reason": str(exc),
                    "user_id": query.from_user.id,
                },
            )
            callback_answer.text = t("error.forbidden")
            callback_answer.show_alert = True
            return
    callback_answer.text = t("fallback.stale_button")


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(unknown_command, Command(re.compile(r".+")))
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router
