"""What the class teacher's screens share: the choice of a class (a deputy or an admin oversees
several)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from i18n import Translator
from screens.actions import Action
from screens.screen import Button, Screen, rows_of
from services.people.class_teacher import ClassRef

CLASSES_PER_ROW = 4


def class_picker_screen(
    t: Translator,
    classes: Sequence[ClassRef],
    action: Callable[[int], Action],
    key: str = "ct.pick_class",
) -> Screen:
    """One button a class, each carrying ``action(class_id)``."""
    buttons = [Button(c.name, action(c.id)) for c in classes]
    return Screen((t(key),), rows_of(buttons, CLASSES_PER_ROW))


def no_class_screen(t: Translator) -> Screen:
    """For a person who oversees no class."""
    return Screen((t("ct.no_class"),))
