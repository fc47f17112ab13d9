"""A deputy or admin opens a locked lesson for its teacher: the reason prompt (preset reasons as
buttons, or typed), then the lesson card with what was done."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Button, Screen, rows_of
from screens.teacher.actions import LessonCb, UnlockCb
from screens.teacher.card import card_screen
from screens.teacher.common import lesson_title
from services.timetable.lesson_sheet import LessonSheet

# The preset reasons, numbered from 1 in their buttons (UnlockCb.reason).
REASONS = ("teacher.unlock.reason_outage", "teacher.unlock.reason_fix")


def reason_text(t: Translator, reason: int) -> str | None:
    """The preset reason of a button (None for a number that is no preset)."""
    return t(REASONS[reason - 1]) if 1 <= reason <= len(REASONS) else None


def reason_screen(t: Translator, sheet: LessonSheet, hours: int) -> Screen:
    """Why the lesson is opened for ``hours``: a preset reason, or typed; cancel: the card."""
    lid = sheet.lesson_id
    buttons = [
        Button(t(key), UnlockCb(lesson_id=lid, reason=n)) for n, key in enumerate(REASONS, start=1)
    ]
    buttons.append(Button(t("teacher.btn.cancel"), LessonCb(lesson_id=lid, action="open")))
    text = lesson_title(t, sheet) + "\n" + t("teacher.unlock.ask", hours=hours)
    return Screen((text,), rows_of(buttons, 1))


def unlocked_screen(t: Translator, sheet: LessonSheet, hours: int) -> Screen:
    """The card of the lesson just opened for ``hours``."""
    return card_screen(t, sheet, note=t("teacher.unlock.done", hours=hours))
