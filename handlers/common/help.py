"""/help: per role, what each command does (the same list as the command menu), what the
buttons of the alerts mean, and whom to ask at school (screens/common/help.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.common.commands import command_specs_for
from handlers.common.gate import private
from handlers.common.screens import send_screen
from i18n import Translator
from screens.common.help import help_screen
from services.people.identity import Actor


async def help_command(message: Message, actor: Actor | None, t: Translator) -> None:
    roles = actor.roles if actor is not None else None
    await send_screen(message, help_screen(t, roles, command_specs_for(roles)))


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(help_command, Command("help"))
    return router
