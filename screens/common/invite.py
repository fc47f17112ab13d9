"""/invite: the pickers of a class, a student and a person, what can be done for a person, and
the credentials issued. Names are the roster's; a button's id is checked again by the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from i18n import Translator
from screens.common.actions import InviteCb
from screens.common.render import person_label
from screens.paging import paged
from screens.screen import Button, Row, Screen, rows_of
from services.people.roster import PersonRow
from services.richtext import escape

PAGE = 16  # people per page of a picker


class ClassRef(Protocol):
    """A class to pick (a roster's SchoolClass will do)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def people_rows(
    rows: Sequence[PersonRow], action: str, *, page: int = 0, class_id: int = 0
) -> tuple[Row, ...]:
    """A page of people, one a row (their sign-in status first), then ◀ ▶ between pages."""
    people = [(person_label(row), InviteCb(action=action, id=row.id)) for row in rows]

    def nav(n: int) -> InviteCb:
        return InviteCb(action="page", id=class_id, page=n)

    return paged(people, page, nav, size=PAGE)


def students_screen(
    t: Translator,
    rows: Sequence[PersonRow],
    *,
    class_name: str = "",
    class_id: int = 0,
    page: int = 0,
    replace: bool = True,
) -> Screen:
    """The students of a class to pick from."""
    text = t("invite.pick_student", cls=escape(class_name))
    return Screen((text,), people_rows(rows, "stu", page=page, class_id=class_id), replace)


def classes_screen(t: Translator, classes: Sequence[ClassRef], *, admin: bool) -> Screen:
    """The classes, four a row (the admin's intro also says a name can be typed)."""
    buttons = [Button(cls.name, InviteCb(action="cls", id=cls.id)) for cls in classes]
    text = t("invite.admin_intro") if admin else t("invite.pick_class")
    return Screen((text,), rows_of(buttons, 4), replace=False)


def people_screen(t: Translator, key: str, rows: Sequence[PersonRow], *, replace: bool) -> Screen:
    """People to pick (a student's family, or those found by a typed name)."""
    return Screen((t(key),), people_rows(rows, "per"), replace)


def person_screen(t: Translator, person_id: int, *, signed_in: bool) -> Screen:
    """What can be done for a person: new credentials (only while not signed in: shown to the
    issuer, they would hand a signed-in account over), and ending the sign-in."""
    buttons = []
    if not signed_in:
        buttons.append(Button(t("invite.issue"), InviteCb(action="issue", id=person_id)))
    buttons.append(Button(t("invite.revoke"), InviteCb(action="revoke", id=person_id)))
    text = t("invite.person_signed_in") if signed_in else t("invite.person_actions")
    return Screen((text,), rows_of(buttons, 1))


def links_text(t: Translator, links: Sequence[tuple[str, str]]) -> str:
    """The invite links, escaped: the one link as it is, or one line per messenger
    ("MAX: https://max.ru/…") when the bot runs in several."""
    if len(links) == 1:
        return escape(links[0][1])
    return "".join(f"\n{t('messenger.name_' + m)}: {escape(url)}" for m, url in links)


def issued_screen(
    t: Translator, login: str, password: str, links: Sequence[tuple[str, str]], days: int
) -> Screen:
    """The one-time password and invite links (one per messenger the bot runs in), in place
    of the person's actions."""
    text = t(
        "invite.issued",
        login=escape(login),
        password=escape(password),
        link=links_text(t, links),
        days=days,
    )
    return Screen((text,))
