"""The office's student movement (seed 002 §5.1.9): a student's class today and what may be
done (departure, transfer to another class, arrival), the class picked, the date and the order
asked for, the result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.admin.actions import UserCb
from screens.admin.common import home_row, text_screen
from screens.bounds import Id, OneOf, OptId
from screens.screen import Button, Screen, rows_of
from services.people.enrolment import MovementCard
from services.richtext import escape
from services.school.office_reads import Choice


class MoveCb(Action, prefix="o_mv"):
    a: Annotated[str, OneOf("menu", "leave", "to", "arrive", "cls")]
    p: Id  # the student
    c: OptId = 0  # the class (transfer, arrival)


def card_text(t: Translator, card: MovementCard) -> str:
    if card.class_name is None:
        where = t("movement.not_enrolled")
    else:
        where = t("movement.in_class", cls=escape(card.class_name))
    return f"<b>{escape(card.name)}</b>\n{where}"


def menu_screen(t: Translator, card: MovementCard, note: str = "") -> Screen:
    pid = card.student_id
    buttons = []
    if card.class_id is not None:
        buttons.append((Button(t("movement.leave"), MoveCb(a="leave", p=pid)),))
        buttons.append((Button(t("movement.transfer"), MoveCb(a="to", p=pid)),))
    else:
        buttons.append((Button(t("movement.arrive"), MoveCb(a="arrive", p=pid)),))
    buttons.append((Button(t("movement.to_card"), UserCb(action="card", id=pid)),))
    text = card_text(t, card)
    return text_screen(f"{note}\n\n{text}" if note else text, (*buttons, home_row(t)))


def classes_screen(
    t: Translator, card: MovementCard, classes: Sequence[Choice], *, arrival: bool
) -> Screen:
    """The class the student goes to (not the one they are in)."""
    pid = card.student_id
    choices = [
        Button(c.title, MoveCb(a="cls" if not arrival else "arrive", p=pid, c=c.id))
        for c in classes
        if c.id != card.class_id
    ]
    back = Button(t("office.cancel"), MoveCb(a="menu", p=pid))
    key = "movement.pick_arrival" if arrival else "movement.pick_class"
    return text_screen(t(key, name=escape(card.name)), (*rows_of(choices, 4), (back,)))


def ask_details_screen(
    t: Translator, card: MovementCard, what: str, to_class: str | None = None
) -> Screen:
    """The date and the order, typed: ``20.11.2026; № 45-у; переезд``."""
    head = t(f"movement.ask.{what}", name=escape(card.name), cls=escape(to_class or ""))
    cancel = Button(t("office.cancel"), MoveCb(a="menu", p=card.student_id))
    return text_screen(f"{head}\n{t('movement.ask_details')}", ((cancel,),))


def details_refused_screen(t: Translator) -> Screen:
    return text_screen(t("movement.bad_details"), replace=False)
