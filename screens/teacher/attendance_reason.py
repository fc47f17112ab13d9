"""The prompt for the reason of a late attendance correction: a roll call already taken and
changed after the lesson's day needs the teacher's reason (it goes to the change log)."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Button, Screen
from screens.teacher.actions import AttCb


def reason_prompt_screen(t: Translator, lesson_id: int, page: int = 0) -> Screen:
    """Asks for the reason in one message; "cancel" goes back to the roll call's draft."""
    back = Button(
        t("changes.attendance_reason_cancel"), AttCb(lesson_id=lesson_id, action="pg", page=page)
    )
    return Screen((t("changes.attendance_reason_prompt"),), ((back,),))
