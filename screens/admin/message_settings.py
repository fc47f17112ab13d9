"""The school's settings of family messages (the admin's, in ⚙️ School settings): the
teachers' working hours for messages (typed "08:00–18:00") and whether students may write to
their teachers themselves."""

from __future__ import annotations

from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.admin.actions import OfficeCb
from screens.admin.common import home_row, text_screen
from screens.bounds import OneOf, Range
from screens.screen import Button, Screen
from services.family_messages.settings import MessageSettings


class MsgSetCb(Action, prefix="o_msgset"):
    """show | hours (ask for the hours) | students (``on`` 1: students may write, 0: not) |
    cancel (the hours' prompt)."""

    op: Annotated[str, OneOf("show", "hours", "students", "cancel")] = "show"
    on: Annotated[int, Range(0, 1)] = 0


def _hours(settings: MessageSettings) -> str:
    return f"{settings.start:%H:%M}–{settings.end:%H:%M}"


def message_settings_screen(
    t: Translator, settings: MessageSettings, note: str | None = None
) -> Screen:
    lines = [
        t("complaints.settings.title"),
        "",
        t("complaints.settings.hours", hours=_hours(settings)),
        t(
            "complaints.settings.students_on"
            if settings.students_write
            else "complaints.settings.students_off"
        ),
        "",
        t("complaints.settings.about"),
    ]
    if note:
        lines += ["", note]
    students = Button(
        t(
            "complaints.settings.students_forbid"
            if settings.students_write
            else "complaints.settings.students_allow"
        ),
        MsgSetCb(op="students", on=0 if settings.students_write else 1),
    )
    return text_screen(
        "\n".join(lines),
        [
            (Button(t("complaints.settings.change_hours"), MsgSetCb(op="hours")),),
            (students,),
            (Button(t("warn.steps.back"), OfficeCb(action="set")),),
            home_row(t),
        ],
    )


def hours_prompt_screen(
    t: Translator, settings: MessageSettings, note: str | None = None
) -> Screen:
    lines = [t("complaints.settings.ask_hours", hours=_hours(settings))]
    if note:
        lines = [note, "", *lines]
    cancel = (Button(t("complaints.btn.cancel"), MsgSetCb(op="cancel")),)
    return text_screen("\n".join(lines), [cancel], replace=False)
