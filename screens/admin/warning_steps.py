"""The school's early warning steps (the admin's, in ⚙️ School settings): the two shares of
the period's lessons missed at which families and the class teacher are told, and a choice
of common pairs."""

from __future__ import annotations

from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.admin.actions import OfficeCb
from screens.admin.common import home_row, text_screen
from screens.bounds import Range
from screens.screen import Button, Screen
from services.early_warning.settings import WarningSteps

# The pairs offered (per cent of the period's lessons so far).
PRESETS = ((3, 7), (5, 10), (10, 15), (10, 20))


class WarnStepsCb(Action, prefix="o_warn"):
    """The steps' screen (0, 0) or a pair chosen."""

    first: Annotated[int, Range(0, 100)] = 0
    second: Annotated[int, Range(0, 100)] = 0


def steps_screen(t: Translator, steps: WarningSteps, *, saved: bool = False) -> Screen:
    lines = [
        t("warn.steps.title"),
        "",
        t("warn.steps.now", first=steps.first, second=steps.second),
        t("warn.steps.about"),
    ]
    if saved:
        lines += ["", t("office.settings.saved")]
    buttons = [
        Button(
            ("✅ " if (a, b) == (steps.first, steps.second) else "") + f"{a} % / {b} %",
            WarnStepsCb(first=a, second=b),
        )
        for a, b in PRESETS
    ]
    back = Button(t("warn.steps.back"), OfficeCb(action="set"))
    return text_screen(
        "\n".join(lines), [tuple(buttons[:2]), tuple(buttons[2:]), (back,), home_row(t)]
    )
