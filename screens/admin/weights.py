"""The school's weights of marks per kind of work (the admin's, from the settings): every kind
with its weight as a button, a kind's weights 1–10 to choose from, and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.admin.actions import OfficeCb
from screens.admin.common import home_row, text_screen
from screens.bounds import OneOf, Range
from screens.screen import Button, Screen, rows_of
from services.enums import WorkKind

WEIGHTS = tuple(range(1, 11))


class WeightsCb(Action, prefix="o_wt"):
    """The list (no kind), a kind's choice (weight 0) or a weight chosen."""

    kind: Annotated[str, OneOf("", *WorkKind)] = ""
    weight: Annotated[int, Range(0, 10)] = 0


def _kind(t: Translator, kind: WorkKind) -> str:
    return t(f"teacher.kind.{kind.value}")


def weights_screen(t: Translator, weights: Mapping[WorkKind, int], note: str = "") -> Screen:
    """Every kind of work with its weight, a button each (two a row); back to the settings."""
    lines = [note, ""] if note else []
    lines.append(t("details.weights.title"))
    buttons = [
        Button(
            t("details.weights.line", kind=_kind(t, kind), weight=weights[kind]),
            WeightsCb(kind=kind.value),
        )
        for kind in WorkKind
    ]
    back = Button(t("teacher.btn.back"), OfficeCb(action="set"))
    return text_screen("\n".join(lines), [*rows_of(buttons, 2), (back,), home_row(t)])


def pick_screen(t: Translator, kind: WorkKind, weight: int) -> Screen:
    """The weights 1–10 for ``kind``, five a row (its own marked with •); back to the list."""
    buttons = [
        Button(("• " if w == weight else "") + str(w), WeightsCb(kind=kind.value, weight=w))
        for w in WEIGHTS
    ]
    back = Button(t("teacher.btn.back"), WeightsCb())
    text = t("details.weights.pick", kind=_kind(t, kind), weight=weight)
    return text_screen(text, [*rows_of(buttons, 5), (back,)])


def saved_note(t: Translator, kind: WorkKind, weight: int) -> str:
    return t("details.weights.saved", kind=_kind(t, kind), weight=weight)
