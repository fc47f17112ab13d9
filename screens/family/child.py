"""Whose data the family's screens show: a parent (or trusted person) of several children picks
one; the choice is kept for the chat."""

from __future__ import annotations

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id
from screens.family.render import header
from screens.screen import Button, Screen, rows_of
from services.people.context import ChatContext


class ChildAction(Action, prefix="fk"):
    s: Id  # the student chosen


def child_text(t: Translator, ctx: ChatContext, key: str) -> str:
    assert ctx.student is not None
    return "\n".join([t(key), header(t, ctx.student)])


def child_screen(t: Translator, ctx: ChatContext, key: str) -> Screen:
    """The chosen child under ``key``'s line; one button per child (the chosen one ticked) when
    there is more than one."""
    buttons = []
    if len(ctx.students) > 1:
        for ref in ctx.students:
            label = f"{ref.name}, {ref.class_name}" if ref.class_name else ref.name
            if ctx.student is not None and ref.id == ctx.student.id:
                label = "✅ " + label
            buttons.append(Button(label, ChildAction(s=ref.id)))
    return Screen((child_text(t, ctx, key),), rows_of(buttons, 1))
