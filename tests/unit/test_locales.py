"""The locale files of the one translator (i18n/locales/<lang>/<area>.ftl) are whole and agree."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fluent.syntax import ast

import i18n
from i18n import LOCALES_DIR, SUPPORTED_LANGS, catalog_of, parse_file, plural_categories

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(LOCALES_DIR.glob("*/*.ftl"))


def _selects(node: object) -> list[ast.SelectExpression]:
    return [n for n in i18n._walk(node) if isinstance(n, ast.SelectExpression)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_message_parses(path: Path) -> None:
    assert parse_file(path), path


def test_every_language_has_the_same_areas() -> None:
    areas = {
        lang: sorted(p.name for p in (LOCALES_DIR / lang).glob("*.ftl")) for lang in SUPPORTED_LANGS
    }
    assert areas["ru"] and all(files == areas["ru"] for files in areas.values())


def test_every_message_is_in_every_language_with_the_same_variables() -> None:
    ru = catalog_of("ru").texts
    for lang in SUPPORTED_LANGS:
        other = catalog_of(lang).texts
        assert sorted(set(ru) - set(other)) == [], lang
        assert sorted(set(other) - set(ru)) == [], lang
        mismatched = {
            key: (sorted(text.variables), sorted(other[key].variables))
            for key, text in ru.items()
            if text.variables != other[key].variables or text.area != other[key].area
        }
        assert mismatched == {}, lang


def test_plural_selectors_cover_the_languages_categories() -> None:
    """A selector over a number has a variant for every CLDR category of the language (Babel's:
    ru one/few/many, en one) and a default one for the rest ("other")."""
    checked = 0
    for lang in SUPPORTED_LANGS:
        for key, text in catalog_of(lang).texts.items():
            for select in _selects(text.node.value):
                keys = {v.key.name for v in select.variants if isinstance(v.key, ast.Identifier)}
                gender = (
                    isinstance(select.selector, ast.VariableReference)
                    and select.selector.id.name == "gender"
                )
                if not gender and keys & {"one", "few", "many", "other"}:
                    checked += 1
                    assert plural_categories(lang) <= keys, (lang, key, sorted(keys))
                    assert sum(v.default for v in select.variants) == 1
    assert checked >= 2 * 5


def test_gender_selectors_have_both_forms_and_a_neutral_default() -> None:
    for lang in SUPPORTED_LANGS:
        for key, text in catalog_of(lang).texts.items():
            for select in _selects(text.node.value):
                assert isinstance(select.selector, ast.VariableReference)
                if select.selector.id.name != "gender":
                    continue
                keys = {v.key.name for v in select.variants if isinstance(v.key, ast.Identifier)}
                default = [
                    v.key.name
                    for v in select.variants
                    if v.default and isinstance(v.key, ast.Identifier)
                ]
                assert keys == {"m", "f", "other"} and default == ["other"], (lang, key)


def test_no_toml_locale_file_remains() -> None:
    """The .ftl files are the one source of user text."""
    old = [
        str(p.relative_to(ROOT))
        for folder in ("bot", "handlers", "services", "notifications", "i18n")
        for p in (ROOT / folder).rglob("*.toml")
    ]
    assert old == []


def test_messages_carry_no_bidi_isolation_marks() -> None:
    text = i18n.t("ru", "start.welcome_back", name="Аня", roles="учитель")
    assert "\u2068" not in text and "\u2069" not in text
    assert text.startswith("Здравствуйте, <b>Аня</b>!")


def test_every_message_renders_with_sample_values(caplog: pytest.LogCaptureFixture) -> None:
    """No message trips a limit or an error of fluent.runtime (its "{???}")."""
    with caplog.at_level(logging.WARNING, logger="i18n"):
        for lang in SUPPORTED_LANGS:
            for key, text in catalog_of(lang).texts.items():
                params: dict[str, object] = {name: "x" for name in text.variables}
                params |= {name: 2 for name in text.selectors}
                if "gender" in text.selectors:
                    params["gender"] = "f"
                out = i18n.translate(lang, key, **params)
                assert out and "{???}" not in out, (lang, key)
    assert [r.getMessage() for r in caplog.records if r.name == "i18n"] == []


def test_a_value_of_any_length_is_filled_in() -> None:
    """fluent.runtime refuses a value over 2,500 characters; a broadcast's body has 4,000."""
    body = "Слово & <b>" * 500
    out = i18n.t("ru", "start.welcome_back", name=body, roles="\ue0000\ue001")
    assert (
        out == f"Здравствуйте, <b>{body}</b>!\nВаши роли: \ue0000\ue001.\n\nСписок команд — /help."
    )
