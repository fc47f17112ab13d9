"""Small rendering helpers shared by the common handlers (no user text here: only locale keys)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import escape, t
from services.enums import Role


def roles_text(lang: str, roles: Iterable[Role]) -> str:
    """Translated role names in the catalogue order of Role ("учитель, родитель")."""
    ordered = [role for role in Role if role in set(roles)]
    if not ordered:
        return t(lang, "role.none")
    return ", ".join(t(lang, f"role.{role.value}") for role in ordered)


def name_html(name: str) -> str:
    """A person's name from the roster, escaped for an HTML message."""
    return escape(name)
