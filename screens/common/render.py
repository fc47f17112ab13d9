"""Texts shared by the common screens: role names, names from the roster and people as the
pickers show them.

User text follows one rule (services/richtext.py, docs/user-text.md): stored as typed, escaped
exactly once, where a screen is built.
"""

from __future__ import annotations

from collections.abc import Iterable

from i18n import Translator, t
from screens.screen import Screen
from services.enums import Role
from services.people.roster import PersonRow
from services.richtext import escape


def roles_text(lang: str, roles: Iterable[Role]) -> str:
    """Translated role names in the catalogue order of Role ("учитель, родитель")."""
    wanted = set(roles)
    ordered = [role for role in Role if role in wanted]
    if not ordered:
        return t(lang, "role.none")
    return ", ".join(t(lang, f"role.{role.value}") for role in ordered)


def name_html(name: str) -> str:
    """A person's name from the roster, escaped for an HTML message."""
    return escape(name)


def text_screen(t: Translator, key: str, /, *, replace: bool = False, **params: object) -> Screen:
    """One message of ``key``'s text: sent anew, or in place of the pressed message."""
    return Screen((t(key, **params),), replace=replace)


def person_label(row: PersonRow) -> str:
    """A person on a picker's button: the sign-in status (blocked, signed in, not yet), the name."""
    status = "⛔" if row.blocked else ("✅" if row.signed_in else "▫️")
    return f"{status} {row.name}"
