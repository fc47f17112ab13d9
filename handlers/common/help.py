"""/help: per role, what each command does (the same list as the command menu), what the
buttons of the alerts mean, and whom to ask at school."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from bot.commands import FAMILY, STAFF, command_specs_for
from bot.i18n import Translator
from handlers.common.render import roles_text
from services.enums import Role
from services.people.identity import Actor

INDENT = "    "
# Telegram's limit is 4096 characters of visible text; the markup counts here too.
MESSAGE_LIMIT = 4000


def help_blocks(actor: Actor | None, lang: str, t: Translator) -> list[str]:
    """The help as blocks (commands, buttons, whom to ask), each a few lines."""
    roles = actor.roles if actor is not None else frozenset()
    commands = [
        t("help.header", roles=roles_text(lang, roles))
        if actor is not None
        else t("help.header_guest")
    ]
    for spec in command_specs_for(roles):
        commands.append(t("help.line", command=spec.name, description=t(spec.description_key)))
        commands.append(INDENT + t(f"help.cmd.{spec.name}"))
    blocks = ["\n".join(commands)]
    if actor is None:
        blocks.append(t("help.footer_guest") + "\n" + t("help.ask.guest"))
        return blocks
    if actor.has(Role.TEACHER, Role.CLASS_TEACHER):
        blocks.append(t("quick.help_hint"))
    buttons = [t("help.buttons.title")]
    if actor.has(Role.PARENT, Role.TRUSTED):
        buttons.append(
            t(
                "help.buttons.absence",
                ill=t("notify.absence.button_ill"),
                excused=t("notify.absence.button_excused"),
                unknown=t("notify.absence.button_unknown"),
            )
        )
    buttons.append(t("help.buttons.ack", ack=t("notify.news.ack")))
    buttons.append(t("help.buttons.notice"))
    blocks.append("\n".join(buttons))
    ask = [t("help.ask.title")]
    if actor.has(*FAMILY):
        ask.append(t("help.ask.family"))
    if actor.has(*STAFF):
        ask.append(t("help.ask.staff"))
    blocks.append("\n".join(ask))
    return blocks


def help_pages(actor: Actor | None, lang: str, t: Translator) -> list[str]:
    """The help in as few messages as fit Telegram's limit (split between blocks, or between
    lines of a long block)."""
    pages: list[str] = []
    for block in help_blocks(actor, lang, t):
        for line in block.split("\n"):
            if pages and len(pages[-1]) + 1 + len(line) <= MESSAGE_LIMIT:
                pages[-1] += "\n" + line
            else:
                pages.append(line)
        if pages and len(pages[-1]) + 2 <= MESSAGE_LIMIT:
            pages[-1] += "\n"
    return [page.strip("\n") for page in pages]


def help_text(actor: Actor | None, lang: str, t: Translator) -> str:
    return "\n\n".join(help_blocks(actor, lang, t))


async def help_command(message: Message, actor: Actor | None, lang: str, t: Translator) -> None:
    for page in help_pages(actor, lang, t):
        await message.answer(page)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(help_command, Command("help"))
    return router
