"""The school's settings in the office (the admin's): the minimal personal data mode of the
school's alerts, its state and the button that switches it."""

from __future__ import annotations

from i18n import Translator
from screens.admin.actions import SettingsCb
from screens.admin.common import home_row, text_screen
from screens.admin.message_settings import MsgSetCb
from screens.admin.warning_steps import WarnStepsCb
from screens.admin.weights import WeightsCb
from screens.screen import Button, Screen
from services.school.settings import AlertSettings


def settings_screen(t: Translator, settings: AlertSettings, *, saved: bool = False) -> Screen:
    """The mode's state in words, what it does, and one button to switch it."""
    on = settings.minimal_alerts
    lines = [
        t("office.settings.title"),
        "",
        t("office.settings.minimal_on" if on else "office.settings.minimal_off"),
        t("office.settings.minimal_about"),
    ]
    if saved:
        lines += ["", t("office.settings.saved")]
    switch = Button(
        t("office.settings.turn_off" if on else "office.settings.turn_on"),
        SettingsCb(minimal="off" if on else "on"),
    )
    weights = Button(t("details.weights.btn"), WeightsCb())
    steps = Button(t("warn.steps.btn"), WarnStepsCb())
    messages = Button(t("complaints.settings.btn"), MsgSetCb())
    return text_screen(
        "\n".join(lines), [(switch,), (weights,), (steps,), (messages,), home_row(t)]
    )
