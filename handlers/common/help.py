"""/help: the commands this user's roles may use (the same list as the command menu)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from bot.commands import commands_for
from bot.i18n import Translator
from handlers.common.render import roles_text
from services.enums import Role
from services.identity import Actor


def help_text(actor: Actor | None, lang: str, t: Translator) -> str:
    roles = actor.roles if actor is not None else frozenset()
    lines = [
        t("help.header", roles=roles_text(lang, roles))
        if actor is not None
        else t("help.header_guest")
    ]
    lines += [
        t("help.line", command=cmd.command, description=cmd.description)
        for cmd in commands_for(roles, lang)
    ]
    if actor is None:
        lines += ["", t("help.footer_guest")]
    elif actor.has(Role.TEACHER, Role.CLASS_TEACHER):
        lines += ["", t("quick.help_hint")]
    return "\n".join(lines)


async def help_command(message: Message, actor: Actor | None, lang: str, t: Translator) -> None:
    await message.answer(help_text(actor, lang, t))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(help_command, Command("help"))
    return router
