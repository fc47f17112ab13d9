"""/admin: the office's menu for the admin and the deputy (each sees their own tools)."""

from __future__ import annotations

from i18n import Translator
from screens.admin.actions import OfficeCb
from screens.admin.imports import import_kinds
from screens.screen import Button, Screen, rows_of
from services.enums import Role
from services.people.identity import Actor

# The deputy's tools; the admin has the import of every kind, user search and dead letters too.
TOOLS = ("aus", "aul", "sub", "cw", "unf", "chk")


def menu_items(actor: Actor) -> list[str]:
    """The menu's entries (``OfficeCb`` actions) this actor may use, in the menu's order."""
    items = ["imp"] if import_kinds(actor) else []
    if actor.has(Role.ADMIN):
        items.append("find")
    items += TOOLS
    items.append("cmp")  # complaints about family messages (handlers/admin/complaints.py)
    if actor.has(Role.ADMIN):
        items += ["dead", "set", "year"]
    return items


def menu_screen(t: Translator, actor: Actor, *, replace: bool = True) -> Screen:
    buttons = [
        Button(t(f"office.menu.{item}"), OfficeCb(action=item)) for item in menu_items(actor)
    ]
    return Screen((t("office.menu.title"),), rows_of(buttons, 2), replace=replace)
