"""The office adapter's own parts: who may use which router, and a screen shown in
a status message the bot sent itself (the import's), not in a pressed one."""

from __future__ import annotations

from aiogram.types import Message

from handlers.common.screens import markup, send_pages
from screens.admin.common import chunks as chunks  # the office's long lists, cut to messages
from screens.screen import Screen
from services.enums import Role

OFFICE = (Role.ADMIN, Role.DEPUTY)
# The observer reads the school's reports (never the office's tools that change anything).
REPORTERS = (
    Role.ADMIN,
    Role.DIRECTOR,
    Role.DEPUTY,
    Role.CLASS_TEACHER,
    Role.TEACHER,
    Role.OBSERVER,
)


async def answer_status(message: Message, screen: Screen) -> Message:
    """A one-message screen sent as a status message that is edited later (:func:`edit_screen`)."""
    return await message.answer(screen.texts[0], reply_markup=markup(screen))


async def edit_screen(status: Message, screen: Screen) -> None:
    """A screen in place of a status message; more messages than one continue as new ones,
    the buttons under the last."""
    first, rest = screen.texts[0], screen.texts[1:]
    keyboard = markup(screen)
    await status.edit_text(first, reply_markup=None if rest else keyboard)
    if rest:
        await send_pages(status, rest, keyboard)
