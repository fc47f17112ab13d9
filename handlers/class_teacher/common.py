"""What the class teacher's commands share: the class they open — the one a class teacher
leads, or the one a deputy or an admin picks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.types import Message

from handlers.common.screens import send_screen
from handlers.common.turn import Turn
from screens.actions import Action
from screens.class_teacher.common import class_picker_screen, no_class_screen
from services.people import class_teacher


async def open_class(
    message: Message,
    turn: Turn,
    pick: Callable[[int], Action],
    open_one: Callable[[int], Awaitable[None]],
) -> None:
    """``open_one(class_id)`` for the only class ``turn.me`` oversees; with several, the picker
    whose buttons carry ``pick(class_id)``; with none, says so."""
    classes = await class_teacher.overseen_classes(turn.session, turn.me)
    if not classes:
        await send_screen(message, no_class_screen(turn.t))
    elif len(classes) == 1:
        await open_one(classes[0].id)
    else:
        await send_screen(message, class_picker_screen(turn.t, classes, pick))
