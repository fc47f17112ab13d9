"""The command menu of a chat follows the person's roles and the role they act in."""

from __future__ import annotations

from collections.abc import Iterable

from services.enums import STAFF_ROLES, Role


def menu_roles(active: Role, roles: Iterable[Role]) -> set[Role]:
    """Staff roles go together (a class teacher is a teacher too); so do family roles."""
    if active in STAFF_ROLES:
        return {r for r in roles if r in STAFF_ROLES}
    return {r for r in roles if r not in STAFF_ROLES}
