"""The admin's user tools: the search and what it found, a person's card (roles, signed in,
blocked) with what to do with it, a one-time sign-in issued, a block or unblock asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from i18n import Translator
from screens.admin.actions import AuditCb, OfficeCb, UserCb
from screens.admin.common import home_row, one_per_row, text_screen, when
from screens.admin.movement import MoveCb
from screens.common.invite import links_text
from screens.common.render import person_label
from screens.screen import Button, Screen
from services.enums import Role
from services.people.accounts import IssuedCredentials
from services.people.roster import PersonRow
from services.people.user_cards import UserCard
from services.richtext import escape


def roles_text(t: Translator, roles: Iterable[Role]) -> str:
    """Translated role names in the catalogue order of Role ("учитель, родитель")."""
    held = set(roles)
    names = [t(f"role.{role.value}") for role in Role if role in held]
    return ", ".join(names) if names else t("role.none")


def ask_screen(t: Translator) -> Screen:
    return text_screen(t("office.users.ask"), (home_row(t),))


def found_screen(t: Translator, rows: Sequence[PersonRow]) -> Screen:
    """The people found, each a button to their card (nobody found: say so, ask again)."""
    if not rows:
        return text_screen(t("office.users.nothing"), replace=False)
    buttons = [Button(person_label(row), UserCb(action="card", id=row.id)) for row in rows]
    text = t("office.users.found", count=len(rows))
    return text_screen(text, (*one_per_row(buttons), home_row(t)), replace=False)


def card_text(t: Translator, card: UserCard) -> str:
    if card.blocked:
        status = t("office.users.status.blocked")
    elif card.signed_in:
        status = t("office.users.status.signed_in")
    else:
        status = t("office.users.status.not_signed_in")
    lines = [
        f"<b>{escape(card.name)}</b>",
        t("office.users.roles", roles=escape(roles_text(t, card.roles))),
        t("office.users.login", login=escape(card.login or "—")),
    ]
    if card.classes:
        lines.append(t("office.users.classes", classes=escape(", ".join(card.classes))))
    lines.append(t("office.users.status.line", status=status))
    if card.credentials_pending:
        lines.append(t("office.users.pending"))
    lines.append(t("office.users.last_seen", at=when(card.last_seen_at)))
    return "\n".join(lines)


def card_screen(t: Translator, card: UserCard, note: str = "") -> Screen:
    """The card, after ``note`` (what was just done) when there is one."""
    pid = card.person_id
    buttons = [
        Button(t("office.users.issue"), UserCb(action="issue", id=pid)),
        Button(t("office.users.revoke"), UserCb(action="revoke", id=pid)),
    ]
    if card.blocked:
        buttons.append(Button(t("office.users.unblock"), UserCb(action="unblock", id=pid)))
    else:
        buttons.append(Button(t("office.users.block"), UserCb(action="block", id=pid)))
    if card.is_student:
        buttons.append(Button(t("office.users.audit"), AuditCb(what="stu", id=pid)))
        buttons.append(Button(t("movement.button"), MoveCb(a="menu", p=pid)))
    buttons.append(Button(t("office.users.again"), OfficeCb(action="find")))
    text = card_text(t, card)
    return text_screen(f"{note}\n\n{text}" if note else text, (*one_per_row(buttons), home_row(t)))


def issued_screen(
    t: Translator,
    person_id: int,
    creds: IssuedCredentials,
    links: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> Screen:
    """A one-time sign-in: the login, the password and the invite links (one per messenger the
    bot runs in), and for how many days they work."""
    text = t(
        "office.users.issued",
        login=escape(creds.login),
        password=escape(creds.password),
        link=links_text(t, links),
        days=max(1, (creds.expires_at - now).days + 1),
    )
    back = Button(t("office.users.to_card"), UserCb(action="card", id=person_id))
    return text_screen(text, ((back,),))


def ask_reason_screen(t: Translator, card: UserCard, *, block: bool) -> Screen:
    key = "office.users.ask_block" if block else "office.users.ask_unblock"
    cancel = Button(t("office.cancel"), UserCb(action="card", id=card.person_id))
    return text_screen(t(key, name=escape(card.name)), ((cancel,),))


def reason_refused_screen(t: Translator, *, limit: int = 0) -> Screen:
    """The reason typed is empty, or longer than ``limit``."""
    text = t("office.users.reason_long", limit=limit) if limit else t("office.users.reason_empty")
    return text_screen(text, replace=False)
