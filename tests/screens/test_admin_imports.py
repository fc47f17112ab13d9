"""The import screens as the office sees them: the kinds in the order of loading, the file
asked for, a file refused, and the dry run's or the import's outcome."""

from __future__ import annotations

from i18n import translator
from screens.admin.actions import ImportCb, OfficeCb
from screens.admin.imports import (
    MAX_ERRORS_SHOWN,
    MENU_ORDER,
    checking_screen,
    import_kinds,
    kinds_screen,
    refused_file_screen,
    result_screen,
    send_file_screen,
    template_screen,
)
from services.enums import Role
from services.imports import KINDS, ImportResult
from services.imports.core import ImportIssue
from services.people.identity import Actor

APPLY = ImportCb(action="apply")
CANCEL = ImportCb(action="cancel")


def actor(*roles: Role) -> Actor:
    return Actor(1, 1, 1, frozenset(roles), "ru", "Тест", "Europe/Moscow")


def test_kinds_in_the_order_of_loading_two_a_row_then_home() -> None:
    t = translator("ru")
    screen = kinds_screen(t, actor(Role.ADMIN))
    kinds = [b.action.kind for b in screen.buttons[:-1]]  # type: ignore[union-attr]
    assert kinds[: len(MENU_ORDER)] == list(MENU_ORDER) and set(kinds) == set(KINDS)
    assert screen.buttons[0].text == KINDS["staff"].title_ru
    assert [len(row) for row in screen.rows[:-1]] == [2] * (len(kinds) // 2) + [1] * (
        len(kinds) % 2
    )
    assert screen.rows[-1][0].action == OfficeCb(action="home")
    assert screen.texts == (t("office.import.pick"),)
    cancelled = kinds_screen(translator("en"), actor(Role.ADMIN), cancelled=True)
    assert cancelled.texts == (translator("en")("office.import.cancelled"),)
    assert cancelled.buttons[0].text == KINDS["staff"].title_en


def test_the_deputy_loads_only_the_kinds_open_to_the_deputy() -> None:
    deputy = import_kinds(actor(Role.DEPUTY))
    assert "timetable" in deputy and "staff" not in deputy
    assert import_kinds(actor(Role.TEACHER)) == []


def test_the_file_asked_for_with_its_template_and_a_refused_file() -> None:
    t = translator("ru")
    ask = send_file_screen(t, "staff")
    assert ask.texts == (t("office.import.send_file", title=KINDS["staff"].title_ru),)
    assert [b.action for b in ask.buttons] == [ImportCb(action="tpl", kind="staff"), CANCEL]
    bad = refused_file_screen(t, "staff")
    assert bad.texts == (t("office.import.bad_type"),) and not bad.replace
    assert bad.rows == ask.rows
    big = refused_file_screen(t, "staff", too_big_mb=5)
    assert big.texts == (t("office.import.too_big", mb=5),)
    assert checking_screen(t, "a<b>.csv").texts == (
        t("office.import.checking", name="a&lt;b&gt;.csv"),
    )


def test_the_template_is_a_document_named_by_its_kind() -> None:
    screen = template_screen("staff", b"PK\x03\x04")
    (document,) = screen.attachments
    assert screen.texts == () and screen.rows == ()
    assert document.kind == "document" and document.filename == "staff.xlsx"
    assert document.data == b"PK\x03\x04"


def test_a_clean_dry_run_asks_to_apply_and_the_import_offers_another() -> None:
    t = translator("ru")
    dry = ImportResult("staff", "f.csv", rows=2, created=2, dry_run=True)
    screen = result_screen(t, dry)
    assert "2" in screen.texts[0] and KINDS["staff"].title_ru in screen.texts[0]
    assert [b.action for b in screen.buttons] == [APPLY, CANCEL]
    assert [len(row) for row in screen.rows] == [1, 1]
    done = result_screen(t, ImportResult("staff", "f.csv", rows=2, created=2, applied=True))
    title = KINDS["staff"].title_ru
    assert done.texts == (
        t("office.import.done", title=title, rows=2, created=2, updated=0, unchanged=0),
    )
    assert [b.action for b in done.buttons] == [OfficeCb(action="imp"), OfficeCb(action="home")]


def test_a_rejected_file_lists_at_most_30_errors_escaped_and_stays_on_the_file() -> None:
    t = translator("ru")
    errors = [ImportIssue(n + 2, "Фамилия <ФИО>", "import.error.missing_column") for n in range(45)]
    result = ImportResult("staff", "f.csv", rows=45, errors=errors, dry_run=True)
    screen = result_screen(t, result)
    text = "\n".join(screen.texts)
    assert text.count("• ") == MAX_ERRORS_SHOWN
    assert "нет обязательного столбца" in text and "&lt;ФИО&gt;" in text and "<ФИО>" not in text
    assert t("office.import.more_errors", count=15) in text
    assert text.endswith(t("office.import.fix_and_resend"))
    assert [b.action for b in screen.buttons] == [CANCEL]
