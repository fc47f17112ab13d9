"""/start, sign-in, the language and the role as a person sees them, without a messenger."""

from __future__ import annotations

from i18n import translator
from screens.common.actions import GuestCb, LangCb, RoleCb
from screens.common.menu import menu_roles
from screens.common.render import roles_text
from screens.common.signin import language_screen, role_screen, role_set_screen
from screens.common.start import guest_screen, signed_in_screen, welcome_back_screen
from services.enums import Role


def test_a_guest_gets_the_ways_in_one_a_row_as_new_messages() -> None:
    t = translator("en")
    screen = guest_screen(t)
    assert screen.texts == (t("start.guest"),) and not screen.replace
    assert [[b.text for b in row] for row in screen.rows] == [
        [t("guest.btn_link")],
        [t("guest.btn_login")],
        [t("guest.btn_how")],
    ]
    assert [b.action for b in screen.buttons] == [
        GuestCb(action="link"),
        GuestCb(action="login"),
        GuestCb(action="how"),
    ]
    assert guest_screen(t, "guest.how_to_get").texts == (t("guest.how_to_get"),)


def test_greetings_escape_the_name_and_list_roles_in_catalogue_order() -> None:
    t = translator("ru")
    screen = welcome_back_screen(t, "Ann <&> Gray", [Role.PARENT, Role.TEACHER])
    assert "Ann &lt;&amp;&gt; Gray" in screen.texts[0]
    assert roles_text("ru", [Role.PARENT, Role.TEACHER]) in screen.texts[0]
    assert roles_text("ru", []) == t("role.none")


def test_roles_in_the_catalogue_order() -> None:
    en = translator("en")
    text = roles_text("en", [Role.PARENT, Role.TEACHER])
    assert text == f"{en('role.teacher')}, {en('role.parent')}"


def test_a_sign_in_that_replaced_other_accounts_says_so_in_a_second_message() -> None:
    t = translator("en")
    alone = signed_in_screen(t, "Ann", [Role.PARENT], [])
    replaced = signed_in_screen(t, "Ann", [Role.PARENT], ["Bob <x>", "Eve"])
    assert len(alone.texts) == 1 and len(replaced.texts) == 2
    assert replaced.texts[0] == alone.texts[0]
    assert "Bob &lt;x&gt;, Eve" in replaced.texts[1]


def test_languages_on_one_row_each_named_in_itself() -> None:
    screen = language_screen(translator("ru"), ["ru", "en"])
    assert [[b.text for b in row] for row in screen.rows] == [
        [translator("ru")("lang.name"), translator("en")("lang.name")]
    ]
    assert [b.action for b in screen.buttons] == [LangCb(code="ru"), LangCb(code="en")]


def test_roles_one_a_row_the_active_one_ticked() -> None:
    t = translator("en")
    screen = role_screen(t, [Role.TEACHER, Role.PARENT], Role.PARENT)
    assert [[b.text for b in row] for row in screen.rows] == [
        [t("role.teacher")],
        ["✅ " + t("role.parent")],
    ]
    assert screen.buttons[0].action == RoleCb(role=Role.TEACHER)
    assert t("role.parent") in screen.texts[0]
    assert role_set_screen(t, Role.TEACHER).replace


def test_the_menu_shows_staff_or_family_commands_by_the_active_role() -> None:
    roles = (Role.TEACHER, Role.CLASS_TEACHER, Role.PARENT)
    assert menu_roles(Role.TEACHER, roles) == {Role.TEACHER, Role.CLASS_TEACHER}
    assert menu_roles(Role.PARENT, roles) == {Role.PARENT}
