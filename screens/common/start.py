"""/start and what follows a sign-in: the guest's ways in, the greetings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from i18n import Translator
from screens.common.actions import GuestCb
from screens.common.render import name_html, roles_text, text_screen
from screens.screen import Button, Screen, rows_of
from services.enums import Role


def guest_screen(t: Translator, key: str = "start.guest") -> Screen:
    """``key``'s text with the ways in as buttons, one a row: the invite link explained, login
    and password, where to get credentials."""
    buttons = [
        Button(t("guest.btn_link"), GuestCb(action="link")),
        Button(t("guest.btn_login"), GuestCb(action="login")),
        Button(t("guest.btn_how"), GuestCb(action="how")),
    ]
    return Screen((t(key),), rows_of(buttons, 1), replace=False)


def welcome_back_screen(t: Translator, name: str, roles: Iterable[Role]) -> Screen:
    return text_screen(
        t, "start.welcome_back", name=name_html(name), roles=roles_text(t.lang, roles)
    )


def already_signed_in_screen(t: Translator, name: str) -> Screen:
    return text_screen(t, "signin.already_signed_in", name=name_html(name))


def signed_in_screen(
    t: Translator, name: str, roles: Iterable[Role], replaced: Sequence[str]
) -> Screen:
    """The greeting after a sign-in; when this chat was signed in to other accounts before,
    a second message says they are ended (one chat, one account)."""
    texts = [t("start.signed_in", name=name_html(name), roles=roles_text(t.lang, roles))]
    if replaced:
        texts.append(
            t(
                "login.replaced",
                names=", ".join(name_html(n) for n in replaced),
                name=name_html(name),
            )
        )
    return Screen(tuple(texts), replace=False)
