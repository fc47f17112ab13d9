"""Actions of the screens every user meets (same prefixes and wire format as before they moved
here: buttons already sent keep working).

Every id in an invite button is checked again by the services' access policy.
"""

from __future__ import annotations

from typing import Annotated

from screens.actions import Action
from screens.bounds import OneOf, OptId, Page
from services.enums import Role


class GuestCb(Action, prefix="guest"):
    """A guest's way in: the invite link explained, login and password, where to get them."""

    action: Annotated[str, OneOf("link", "login", "how")]


class LangCb(Action, prefix="lang"):
    code: str


class RoleCb(Action, prefix="role"):
    role: Role


class InviteCb(Action, prefix="inv"):
    action: Annotated[str, OneOf("cls", "stu", "per", "issue", "revoke", "page")]
    id: OptId = 0
    page: Page = 0
