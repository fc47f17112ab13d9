from __future__ import annotations

import logging
from pathlib import Path

import pytest

import i18n as translator_core
from bot import i18n
from bot.i18n import LOCALES_DIR, catalog, normalize_lang, pick_lang, t, translator
from handlers.common.commands import CATALOGUE, commands_for
from services.enums import Role


def test_locales_have_the_same_keys() -> None:
    ru, en = catalog("ru"), catalog("en")
    assert sorted(set(ru) - set(en)) == []
    assert sorted(set(en) - set(ru)) == []


def test_every_locale_folder_is_loaded_and_not_empty() -> None:
    langs = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
    assert langs == sorted(i18n.SUPPORTED_LANGS)
    for lang in langs:
        assert all(value.strip() for value in catalog(lang).values()), lang


def test_translate_and_format() -> None:
    assert t("en", "start.welcome_back", name="Ann", roles="teacher").startswith(
        "Hello, <b>Ann</b>!"
    )
    assert t("ru", "role.teacher") == "учитель"
    assert t("en", "role.teacher") == "teacher"


def test_default_and_unknown_language_is_russian() -> None:
    assert t(None, "role.parent") == "родитель"
    assert t("de", "role.parent") == "родитель"
    assert t("en-GB", "role.parent") == "parent"


def test_missing_key_in_english_falls_back_to_russian(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for lang, text in (("ru", "only-ru = Только по-русски { $x }\n"), ("en", "other = x\n")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "area.ftl").write_text(text, encoding="utf-8")
    monkeypatch.setattr(translator_core, "LOCALES_DIR", tmp_path)
    assert t("en", "only.ru", x=1) == "Только по-русски 1"


def test_unknown_key_returns_key_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="i18n"):
        assert t("en", "no.such.key") == "no.such.key"
    assert any(r.getMessage() == "missing locale key" for r in caplog.records)


def test_missing_param_does_not_crash() -> None:
    assert "{name}" in t("ru", "start.welcome_back", roles="x")


def test_language_choice() -> None:
    assert normalize_lang("EN_us") == "en"
    assert normalize_lang("") == "ru"
    assert pick_lang("en", "ru") == "en"
    assert pick_lang(None, "en") == "en"
    assert pick_lang("fr", "en") == "en"
    assert pick_lang(None, "uk") == "ru"
    assert pick_lang(None, None) == "ru"


def test_translator_is_bound() -> None:
    assert translator("en")("role.student") == "student"
    assert translator("xx")("role.student") == "ученик"


def test_escape() -> None:
    assert i18n.escape("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"


def test_dotted_keys_are_fluent_ids() -> None:
    assert translator_core.message_id("start.welcome_back") == "start-welcome_back"
    assert translator_core.message_key("start-welcome_back") == "start.welcome_back"


def test_a_broken_locale_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.ftl"
    path.write_text("a-b = 1\nbroken\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot parse"):
        translator_core.parse_file(path)
    path.write_text("a-b =\n    .attr = only an attribute\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no value"):
        translator_core.parse_file(path)
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "one.ftl").write_text("a-b = 1\n", encoding="utf-8")
    (tmp_path / "ru" / "two.ftl").write_text("a-b = 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        translator_core.load_catalog(tmp_path, "ru")


def test_every_command_and_role_has_a_text() -> None:
    for lang in i18n.SUPPORTED_LANGS:
        for spec in CATALOGUE:
            assert spec.description_key in catalog(lang)
            # Telegram: description 1-256 characters, command 1-32 lowercase.
            assert 1 <= len(t(lang, spec.description_key)) <= 256
            assert spec.name.islower() and len(spec.name) <= 32
        for role in Role:
            assert f"role.{role.value}" in catalog(lang)


def test_commands_for_roles() -> None:
    guest = [c.command for c in commands_for(None, "ru")]
    assert guest == ["login", "help", "start"]
    teacher = [c.command for c in commands_for({Role.TEACHER}, "en")]
    assert "today" in teacher and "diary" not in teacher
    assert commands_for({Role.PARENT}, "en")[0].description == t("en", "cmd.diary")
