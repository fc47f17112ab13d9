"""/help: per role, what each command does (the same list as the command menu), what the
buttons of the alerts mean, and whom to ask at school."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from i18n import Translator
from screens.common.render import roles_text
from screens.screen import Screen
from services.enums import STAFF_ROLES, Role

INDENT = "    "
# Telegram's limit is 4096 characters of visible text; the markup counts here too.
MESSAGE_LIMIT = 4000


class Command(Protocol):
    """A command of the menu: its name and the locale key of its short description."""

    @property
    def name(self) -> str: ...

    @property
    def description_key(self) -> str: ...


def help_blocks(
    t: Translator, roles: Iterable[Role] | None, commands: Sequence[Command]
) -> list[str]:
    """The help as blocks (commands, buttons, whom to ask), each a few lines; ``roles`` None
    for a guest, ``commands`` those of the person's menu."""
    held = frozenset(roles) if roles is not None else None
    lines = [
        t("help.header", roles=roles_text(t.lang, held))
        if held is not None
        else t("help.header_guest")
    ]
    for spec in commands:
        lines.append(t("help.line", command=spec.name, description=t(spec.description_key)))
        lines.append(INDENT + t(f"help.cmd.{spec.name}"))
    blocks = ["\n".join(lines)]
    if held is None:
        blocks.append(t("help.footer_guest") + "\n" + t("help.ask.guest"))
        return blocks
    if held & {Role.TEACHER, Role.CLASS_TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR}:
        blocks.append(t("quick.help_hint"))
    buttons = [t("help.buttons.title")]
    if held & {Role.PARENT, Role.TRUSTED}:
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
    if held - STAFF_ROLES:
        ask.append(t("help.ask.family"))
    if held & STAFF_ROLES:
        ask.append(t("help.ask.staff"))
    blocks.append("\n".join(ask))
    return blocks


def help_pages(blocks: Sequence[str]) -> list[str]:
    """The blocks in as few messages as fit the limit (split between blocks, or between lines
    of a long block)."""
    pages: list[str] = []
    for block in blocks:
        for line in block.split("\n"):
            if pages and len(pages[-1]) + 1 + len(line) <= MESSAGE_LIMIT:
                pages[-1] += "\n" + line
            else:
                pages.append(line)
        if pages and len(pages[-1]) + 2 <= MESSAGE_LIMIT:
            pages[-1] += "\n"
    return [page.strip("\n") for page in pages]


def help_screen(t: Translator, roles: Iterable[Role] | None, commands: Sequence[Command]) -> Screen:
    return Screen(tuple(help_pages(help_blocks(t, roles, commands))), replace=False)
