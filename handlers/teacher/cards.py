"""The teacher's day and the lesson card for the Telegram adapter: the screens of
screens/teacher/{today,card}.py as text and inline keyboard, for handlers that still take them
apart (no handlers here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ParamSpec

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import markup
from screens.screen import Screen
from screens.teacher.card import back_rows, card_screen, card_text
from screens.teacher.today import current_lesson, day_screen, next_lesson, running_lesson
from services.people.identity import Actor
from services.timetable import lesson_sheet

P = ParamSpec("P")

__all__ = [
    "back_to_card",
    "card_markup",
    "card_text",
    "current_lesson",
    "day_view",
    "lesson_card",
    "next_lesson",
    "running_lesson",
]


def keyboard(screen: Screen) -> InlineKeyboardMarkup:
    """The inline keyboard of a screen that always has buttons."""
    kb = markup(screen)
    if kb is None:  # pragma: no cover - the day and the card always lead somewhere
        raise ValueError("the screen has no buttons")
    return kb


def as_view(build: Callable[P, Screen]) -> Callable[P, tuple[str, InlineKeyboardMarkup]]:
    """A screen function as the (text, keyboard) pair the older handlers took apart."""

    def view(*args: P.args, **kwargs: P.kwargs) -> tuple[str, InlineKeyboardMarkup]:
        screen = build(*args, **kwargs)
        return screen.texts[0], keyboard(screen)

    return view


# The teacher's day (screens.teacher.today.day_screen) as text and keyboard.
day_view = as_view(day_screen)


def card_markup(t: Translator, sheet: lesson_sheet.LessonSheet) -> InlineKeyboardMarkup:
    return keyboard(card_screen(t, sheet))


async def lesson_card(
    session: AsyncSession, actor: Actor, t: Translator, lesson_id: int, now: dt.datetime
) -> tuple[str, InlineKeyboardMarkup]:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now)
    return card_text(t, sheet), card_markup(t, sheet)


def back_to_card(t: Translator, lesson_id: int) -> InlineKeyboardMarkup:
    return keyboard(Screen(("",), back_rows(t, lesson_id)))
