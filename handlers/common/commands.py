"""The command menu: one catalogue of commands and the roles that may use them.

``commands_for(roles, lang)`` serves both the menu (setMyCommands: the default scope at start-up
for guests, a chat scope per signed-in user) and ``/help``. A command handled by no router yet
is answered by the fallback with "coming soon", so the catalogue may run ahead of the handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from i18n import DEFAULT_LANG, SUPPORTED_LANGS, t
from services.enums import LESSON_TEACHERS, STAFF_ROLES, Role

log = logging.getLogger(__name__)

STAFF = STAFF_ROLES
FAMILY = frozenset({Role.PARENT, Role.TRUSTED, Role.STUDENT})
EVERYONE_SIGNED_IN = frozenset(Role)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    # None: also for guests (not signed in); else any one of these roles.
    roles: frozenset[Role] | None
    # Only for guests: sign-in commands are of no use once signed in.
    guests_only: bool = False

    @property
    def description_key(self) -> str:
        return f"cmd.{self.name}"

    def allowed(self, roles: Iterable[Role] | None) -> bool:
        signed_in = bool(frozenset(roles or ()))
        if self.guests_only:
            return not signed_in
        if self.roles is None:
            return True
        return signed_in and any(r in self.roles for r in roles or ())


# In menu order. Descriptions are the locale keys cmd.<name>.
CATALOGUE: tuple[CommandSpec, ...] = (
    # teachers and class teachers (issue: the teacher's journal)
    CommandSpec("today", frozenset({*LESSON_TEACHERS})),
    CommandSpec(
        "termmarks",
        frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR}),
    ),
    CommandSpec(
        "yearmarks",
        frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.EXTRA_TEACHER, Role.EDUCATOR}),
    ),
    CommandSpec("absences", frozenset({Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY})),
    CommandSpec("reasons", frozenset({Role.CLASS_TEACHER})),
    CommandSpec("atrisk", frozenset({Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY})),
    CommandSpec("classjournal", frozenset({Role.CLASS_TEACHER, Role.OBSERVER})),
    CommandSpec("subgroups", frozenset({Role.CLASS_TEACHER, Role.ADMIN})),
    CommandSpec(
        "broadcast", frozenset({Role.CLASS_TEACHER, Role.ADMIN, Role.DIRECTOR, Role.DEPUTY})
    ),
    # families (issue: the family's diary)
    CommandSpec("diary", FAMILY),
    CommandSpec("works", FAMILY),
    CommandSpec("homework", FAMILY),
    CommandSpec("marks", FAMILY),
    CommandSpec("attendance", FAMILY),
    CommandSpec("notice", frozenset({Role.PARENT})),
    CommandSpec("trusted", frozenset({Role.PARENT})),
    CommandSpec("child", frozenset({Role.PARENT, Role.TRUSTED})),
    CommandSpec(
        "messages", frozenset({Role.PARENT, Role.STUDENT, *LESSON_TEACHERS, Role.CLASS_TEACHER})
    ),
    CommandSpec("timetable", EVERYONE_SIGNED_IN),
    CommandSpec("news", EVERYONE_SIGNED_IN),
    CommandSpec("calendar", frozenset({Role.PARENT, Role.STUDENT})),
    # school office
    CommandSpec("invite", frozenset({Role.CLASS_TEACHER, Role.ADMIN})),
    CommandSpec(
        "reports",
        frozenset(
            {
                Role.ADMIN,
                Role.DIRECTOR,
                Role.DEPUTY,
                Role.CLASS_TEACHER,
                Role.TEACHER,
                Role.OBSERVER,
            }
        ),
    ),
    CommandSpec("admin", frozenset({Role.ADMIN, Role.DEPUTY})),
    CommandSpec("periods", frozenset({Role.ADMIN, Role.DEPUTY})),
    CommandSpec("complaints", frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY})),
    # everyone
    CommandSpec("settings", EVERYONE_SIGNED_IN),
    CommandSpec("link", EVERYONE_SIGNED_IN),
    CommandSpec("role", EVERYONE_SIGNED_IN),
    CommandSpec("language", EVERYONE_SIGNED_IN),
    CommandSpec("login", None, guests_only=True),
    CommandSpec("logout", EVERYONE_SIGNED_IN),
    CommandSpec("help", None),
    CommandSpec("start", None),
)

KNOWN_COMMANDS = frozenset(spec.name for spec in CATALOGUE)


def command_specs_for(roles: Iterable[Role] | None) -> list[CommandSpec]:
    role_set = frozenset(roles or ())
    return [spec for spec in CATALOGUE if spec.allowed(role_set)]


def commands_for(roles: Iterable[Role] | None, lang: str = DEFAULT_LANG) -> list[BotCommand]:
    """The commands a user with these roles may use (guests: ``roles`` empty or None)."""
    return [
        BotCommand(command=spec.name, description=t(lang, spec.description_key))
        for spec in command_specs_for(roles)
    ]


async def set_default_commands(bot: Bot) -> None:
    """Guest menu for everyone: Russian as the default, English for English clients."""
    scope = BotCommandScopeDefault()
    await bot.set_my_commands(commands_for(None, DEFAULT_LANG), scope=scope)
    for lang in SUPPORTED_LANGS:
        if lang != DEFAULT_LANG:
            await bot.set_my_commands(commands_for(None, lang), scope=scope, language_code=lang)


async def set_chat_commands(
    bot: Bot, chat_id: int | str, roles: Iterable[Role] | None, lang: str
) -> bool:
    """The menu of one private chat by the user's roles. Failure is logged, never raised."""
    try:
        await bot.set_my_commands(
            commands_for(roles, lang), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as exc:
        log.warning("could not set chat commands", extra={"error": type(exc).__name__})
        return False
    return True
