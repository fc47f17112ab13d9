"""The teacher's day and the lesson card for the Telegram adapter: the screens of
screens/teacher/{today,card}.py as text and inline keyboard, for handlers that still take them
apart (no handlers here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.screens import markup
from screens.screen import Screen
from screens.teacher.card import back_rows, card_screen, card_text
from screens.teacher.today import current_lesson, day_screen, next_lesson, running_lesson
from services.people.identity import Actor
from services.timetable import lesson_sheet
from services.timetable.teacher_day import TeacherLesson

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


def day_view(
    t: Translator,
    lessons: Sequence[TeacherLesson],
    *,
    teacher_id: int,
    teacher_name: str | None,
    day: dt.date,
    today: dt.date,
    now: dt.time,
    around: tuple[dt.date, dt.date] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The teacher's day (screens.teacher.today.day_screen) as text and keyboard."""
    screen = day_screen(
        t,
        lessons,
        teacher_id=teacher_id,
        teacher_name=teacher_name,
        day=day,
        today=today,
        now=now,
        around=around,
    )
    return screen.texts[0], keyboard(screen)


def card_markup(t: Translator, sheet: lesson_sheet.LessonSheet) -> InlineKeyboardMarkup:
    return keyboard(card_screen(t, sheet))


async def lesson_card(
    session: AsyncSession, actor: Actor, t: Translator, lesson_id: int, now: dt.datetime
) -> tuple[str, InlineKeyboardMarkup]:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now)
    return card_text(t, sheet), card_markup(t, sheet)


def back_to_card(t: Translator, lesson_id: int) -> InlineKeyboardMarkup:
    return keyboard(Screen(("",), back_rows(t, lesson_id)))
