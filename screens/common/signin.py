"""Sign-in by login and password, the choice of language and of the role one acts in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from i18n import Translator
from i18n import t as translate
from screens.common.actions import LangCb, RoleCb
from screens.common.render import roles_text, text_screen
from screens.common.start import guest_screen
from screens.conversation import Conversation, Invalid, Step, Values
from screens.screen import Button, Screen, rows_of
from services.enums import Role
from services.people.accounts import plausible_login


def language_screen(t: Translator, langs: Sequence[str]) -> Screen:
    """Each language named in itself, on one row."""
    buttons = [Button(translate(code, "lang.name"), LangCb(code=code)) for code in langs]
    return Screen((t("lang.choose"),), rows_of(buttons, len(buttons) or 1), replace=False)


def language_set_screen(t: Translator) -> Screen:
    """In place of the choice, in the language chosen (``t`` speaks it)."""
    return Screen((t("lang.set"),))


def role_screen(t: Translator, roles: Iterable[Role], active: Role) -> Screen:
    """One role a row, the active one ticked."""
    buttons = [
        Button(("✅ " if role == active else "") + t(f"role.{role.value}"), RoleCb(role=role))
        for role in roles
    ]
    text = t("rolesw.choose", role=roles_text(t.lang, [active]))
    return Screen((text,), rows_of(buttons, 1), replace=False)


def role_set_screen(t: Translator, active: Role) -> Screen:
    return Screen((t("rolesw.set", role=roles_text(t.lang, [active])),))


# --------------------------------------------------------------------------- the conversation


def ask_login_screen(t: Translator, values: Values) -> Screen:
    return text_screen(t, "login.ask_login")


def ask_password_screen(t: Translator, values: Values) -> Screen:
    return text_screen(t, "login.ask_password")


def guest_prompt(t: Translator, values: Values) -> Screen:
    return guest_screen(t)


def parse_login(text: str, values: Values) -> str | Invalid:
    """A plausible login; a question or a greeting ("Здравствуйте, как войти?") is answered with
    how to get one from the school, the ways in on the buttons."""
    login = text.strip()
    return login if plausible_login(login) else Invalid("guest.how_to_get")


def parse_password(text: str, values: Values) -> str:
    return text


def how_to_get_screen(t: Translator, invalid: Invalid) -> Screen:
    return guest_screen(t, invalid.key)


# After a guest's /start the next message is taken as a login only when it looks like one; after
# /login or the login button, the same. Then the password; the adapter deletes it from the chat.
SIGN_IN = Conversation(
    "LoginForm",
    (
        Step(
            "guest",
            guest_prompt,
            parse_login,
            next="password",
            key="login",
            refusal=how_to_get_screen,
        ),
        Step("login", ask_login_screen, parse_login, next="password", refusal=how_to_get_screen),
        Step("password", ask_password_screen, parse_password),
    ),
)
