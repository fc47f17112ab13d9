"""The invite pickers and the credentials as an issuer sees them, without a messenger."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import translator
from screens.common.actions import InviteCb
from screens.common.invite import (
    PAGE,
    classes_screen,
    issued_screen,
    people_screen,
    person_screen,
    students_screen,
)
from screens.common.link import link_screen
from screens.screen import Screen
from services.enums import Role
from services.people.roster import PersonRow


@dataclass(frozen=True)
class Cls:
    id: int
    name: str


def person(i: int, *, signed_in: bool = False, blocked: bool = False) -> PersonRow:
    return PersonRow(i, f"Ученик <{i}>", (Role.STUDENT,), signed_in, blocked)


def test_classes_four_a_row_the_admin_told_a_name_can_be_typed() -> None:
    t = translator("en")
    classes = [Cls(i, f"{i}A") for i in range(1, 7)]
    screen = classes_screen(t, classes, admin=True)
    assert [len(row) for row in screen.rows] == [4, 2]
    assert screen.buttons[5].action == InviteCb(action="cls", id=6)
    assert screen.texts == (t("invite.admin_intro"),) and not screen.replace
    assert classes_screen(t, classes, admin=False).texts == (t("invite.pick_class"),)


def test_students_marked_by_sign_in_one_a_row_paged_by_sixteen() -> None:
    t = translator("ru")
    rows = [person(1, signed_in=True), person(2, blocked=True)]
    rows += [person(i) for i in range(3, PAGE + 6)]
    first = students_screen(t, rows, class_name="5<А>", class_id=7)
    assert [b.text for b in first.buttons[:3]] == [
        "✅ Ученик <1>",
        "⛔ Ученик <2>",
        "▫️ Ученик <3>",
    ]
    assert len(first.rows) == PAGE + 1
    assert [b.action for b in first.rows[-1]] == [InviteCb(action="page", id=7, page=1)]
    assert "5&lt;А&gt;" in first.texts[0] and first.replace
    second = students_screen(t, rows, class_id=7, page=1)
    assert len(second.rows) == len(rows) - PAGE + 1
    assert second.buttons[0].action == InviteCb(action="stu", id=PAGE + 1)
    assert [b.text for b in second.rows[-1]] == ["◀"]


def test_people_found_are_picked_as_persons() -> None:
    t = translator("en")
    screen = people_screen(t, "invite.found", [person(4)], replace=False)
    assert [b.action for b in screen.buttons] == [InviteCb(action="per", id=4)]
    assert not screen.replace


def test_a_signed_in_person_can_only_be_revoked() -> None:
    t = translator("en")
    fresh = person_screen(t, 9, signed_in=False)
    assert [b.action for b in fresh.buttons] == [
        InviteCb(action="issue", id=9),
        InviteCb(action="revoke", id=9),
    ]
    signed = person_screen(t, 9, signed_in=True)
    assert [b.action for b in signed.buttons] == [InviteCb(action="revoke", id=9)]
    assert signed.texts == (t("invite.person_signed_in"),)


def test_issued_credentials_are_escaped() -> None:
    t = translator("en")
    screen = issued_screen(t, "ivan<1>", "p&ss", [("telegram", "https://t.me/bot?start=x&y")], 7)
    (text,) = screen.texts
    assert "ivan&lt;1&gt;" in text and "p&amp;ss" in text and "start=x&amp;y" in text
    assert "Telegram:" not in text  # one messenger: the link alone
    assert screen.rows == () and screen.replace


def test_issued_credentials_name_each_messenger_when_there_are_two() -> None:
    t = translator("ru")
    links = [("telegram", "https://t.me/b?start=x&y"), ("max", "https://max.ru/m?start=x&y")]
    (text,) = issued_screen(t, "ivan", "pw", links, 7).texts
    assert "\nTelegram: https://t.me/b?start=x&amp;y" in text
    assert "\nMAX: https://max.ru/m?start=x&amp;y" in text


def test_link_screen_offers_each_other_messenger_as_a_button_and_text() -> None:
    t = translator("ru")
    screen = link_screen(t, [("max", "https://max.ru/m?start=a&b")], 30)
    (text,) = screen.texts
    assert "MAX: https://max.ru/m?start=a&amp;b" in text and "30" in text
    assert [(b.text, b.url) for b in screen.buttons] == [
        (t("link.open", messenger="MAX"), "https://max.ru/m?start=a&b")
    ]
    assert link_screen(t, [], 30) == Screen((t("link.none"),))
