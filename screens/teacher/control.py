"""A control work put on a lesson from its card: proposed (or set, when the deputy proposes it),
with the warnings of the day's load, and a button back to the card."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Screen
from screens.teacher.card import back_rows
from services.richtext import escape
from services.timetable.control_works import ControlWorkResult


def control_work_screen(t: Translator, lesson_id: int, result: ControlWorkResult) -> Screen:
    cw = result.control_work
    key = "teacher.cw.set" if cw.agreed_at is not None else "teacher.cw.proposed"
    lines = [t(key, date=f"{cw.date:%d.%m.%Y}")]
    for warning, params in result.warnings:
        safe = {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}
        lines.append("⚠️ " + t(warning, **safe))
    return Screen(("\n".join(lines),), back_rows(t, lesson_id))
