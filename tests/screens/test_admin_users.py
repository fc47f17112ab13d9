"""The office menu and the admin's user screens as a person sees them, from read models alone."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.admin.actions import AuditCb, OfficeCb, UserCb
from screens.admin.menu import menu_screen
from screens.admin.movement import MoveCb
from screens.admin.users import (
    ask_reason_screen,
    card_screen,
    found_screen,
    issued_screen,
    reason_refused_screen,
    roles_text,
)
from screens.screen import Screen
from services.enums import Role
from services.people.accounts import IssuedCredentials
from services.people.identity import Actor
from services.people.roster import PersonRow
from services.people.user_cards import UserCard

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
HOME = OfficeCb(action="home")


def actor(*roles: Role) -> Actor:
    return Actor(1, 1, 1, frozenset(roles), "ru", "Тест", "Europe/Moscow")


def card(**changes: object) -> UserCard:
    fields: dict[str, object] = {
        "person_id": 7,
        "name": "Иванов <Пётр> & сын",
        "roles": (Role.STUDENT,),
        "login": "ivanov",
        "signed_in": True,
        "blocked": False,
        "credentials_pending": False,
        "last_seen_at": dt.datetime(2026, 11, 29, 18, 5, tzinfo=dt.UTC),
        "classes": ("7А",),
    }
    fields.update(changes)
    return UserCard(**fields)  # type: ignore[arg-type]


def actions(screen: Screen) -> list[object]:
    return [b.action for b in screen.buttons]


def test_the_admin_menu_has_every_tool_two_a_row_the_deputy_not_the_admins_own() -> None:
    t = translator("ru")
    admin = menu_screen(t, actor(Role.ADMIN), replace=False)
    assert admin.texts == (t("office.menu.title"),) and not admin.replace
    assert [len(row) for row in admin.rows] == [2, 2, 2, 2, 2, 2]
    items = ("imp", "find", "aus", "aul", "sub", "cw", "unf", "chk", "cmp", "dead", "set", "year")
    assert actions(admin) == [OfficeCb(action=item) for item in items]
    assert admin.rows[0][0].text == t("office.menu.imp")
    deputy = actions(menu_screen(t, actor(Role.DEPUTY)))
    assert OfficeCb(action="find") not in deputy and OfficeCb(action="dead") not in deputy
    assert OfficeCb(action="set") not in deputy and OfficeCb(action="year") not in deputy
    assert deputy[0] == OfficeCb(action="imp")  # the deputy loads the timetable
    assert OfficeCb(action="cmp") in deputy  # complaints about family messages


def test_found_people_are_buttons_to_their_cards_with_their_state() -> None:
    t = translator("ru")
    rows = [
        PersonRow(5, "Петрова <Анна>", (Role.PARENT,), signed_in=True, blocked=False),
        PersonRow(6, "Сидоров", (Role.TEACHER,), signed_in=False, blocked=True),
        PersonRow(8, "Кузнецов", (Role.TEACHER,), signed_in=False, blocked=False),
    ]
    screen = found_screen(t, rows)
    assert screen.texts == (t("office.users.found", count=3),) and not screen.replace
    assert [b.text for b in screen.buttons] == [
        "✅ Петрова <Анна>",
        "⛔ Сидоров",
        "▫️ Кузнецов",
        t("office.menu.home"),
    ]
    assert actions(screen) == [
        UserCb(action="card", id=5),
        UserCb(action="card", id=6),
        UserCb(action="card", id=8),
        HOME,
    ]
    nobody = found_screen(t, [])
    assert nobody.texts == (t("office.users.nothing"),) and nobody.rows == ()


def test_a_students_card_escapes_the_name_and_offers_the_audit_log() -> None:
    t = translator("ru")
    screen = card_screen(t, card(), t("office.users.revoked"))
    (text,) = screen.texts
    assert text.startswith(t("office.users.revoked") + "\n\n<b>Иванов &lt;Пётр&gt; &amp; сын</b>")
    assert "ученик" in text and "<code>ivanov</code>" in text and "7А" in text
    assert "29.11.2026 18:05" in text and t("office.users.status.signed_in") in text
    assert actions(screen) == [
        UserCb(action="issue", id=7),
        UserCb(action="revoke", id=7),
        UserCb(action="block", id=7),
        AuditCb(what="stu", id=7),
        MoveCb(a="menu", p=7),
        OfficeCb(action="find"),
        HOME,
    ]
    assert all(len(row) == 1 for row in screen.rows)


def test_a_blocked_teachers_card_unblocks_and_has_no_audit_log() -> None:
    t = translator("en")
    blocked = card(roles=(Role.TEACHER, Role.CLASS_TEACHER), blocked=True, last_seen_at=None)
    screen = card_screen(t, blocked)
    assert t("office.users.status.blocked") in screen.texts[0] and "—" in screen.texts[0]
    assert UserCb(action="unblock", id=7) in actions(screen)
    assert UserCb(action="block", id=7) not in actions(screen)
    assert not any(isinstance(a, AuditCb) for a in actions(screen))


def test_roles_in_the_catalogues_order_or_none() -> None:
    t = translator("ru")
    assert roles_text(t, [Role.PARENT, Role.TEACHER]) == "учитель, родитель"
    assert roles_text(t, []) == t("role.none")


def test_issued_sign_in_counts_days_and_escapes_the_link() -> None:
    t = translator("ru")
    creds = IssuedCredentials("a&b", "p<w>", "tok", NOW + dt.timedelta(days=2, hours=1))
    screen = issued_screen(t, 7, creds, [("telegram", "https://t.me/bot?start=tok&x=1")], NOW)
    expected = t(
        "office.users.issued",
        login="a&amp;b",
        password="p&lt;w&gt;",
        link="https://t.me/bot?start=tok&amp;x=1",
        days=3,
    )
    assert screen.texts == (expected,)
    assert actions(screen) == [UserCb(action="card", id=7)]
    past = IssuedCredentials("a", "p", "tok", NOW - dt.timedelta(days=5))
    assert issued_screen(t, 7, past, [("telegram", "l")], NOW).texts[0] == t(
        "office.users.issued", login="a", password="p", link="l", days=1
    )


def test_block_asks_for_a_reason_and_refuses_an_empty_or_long_one() -> None:
    t = translator("ru")
    ask = ask_reason_screen(t, card(), block=True)
    assert ask.texts == (t("office.users.ask_block", name="Иванов &lt;Пётр&gt; &amp; сын"),)
    assert actions(ask) == [UserCb(action="card", id=7)]
    assert ask.buttons[0].text == t("office.cancel")
    assert ask_reason_screen(t, card(), block=False).texts[0].startswith("Почему разблокируем")
    assert reason_refused_screen(t).texts == (t("office.users.reason_empty"),)
    assert reason_refused_screen(t, limit=500).texts == (t("office.users.reason_long", limit=500),)
