"""The translator's plural, gender and date helpers (one of each for every user text)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot.i18n import catalog, translator
from i18n import plural_category
from services.texts import format_date, format_date_range, gender_of


def test_russian_plural_forms() -> None:
    """CLDR's categories (through Babel) choose the variant of a ``$n`` selector."""
    forms = {n: plural_category("ru", n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)}
    assert forms == {
        0: "many",
        1: "one",
        2: "few",
        4: "few",
        5: "many",
        11: "many",
        12: "many",
        14: "many",
        21: "one",
        22: "few",
        25: "many",
        101: "one",
        111: "many",
    }
    assert [plural_category("en", n) for n in (0, 1, 2, 21)] == ["other", "one", "other", "other"]


def test_gender_from_the_patronymic_or_the_sex() -> None:
    assert gender_of("Петрович") == "m"
    assert gender_of("Ильинична") == "f"
    assert gender_of("Петровна") == "f"
    assert gender_of(None) == "n"
    assert gender_of("", sex="female") == "f"
    assert gender_of("Петровна", sex="м") == "m"


def test_one_date_formatter_per_language() -> None:
    day = dt.date(2026, 12, 1)
    assert format_date("ru", day) == "01.12.2026"
    assert format_date("ru", "2026-12-01") == "01.12.2026"
    assert format_date("ru", day, "day_month") == "1 декабря"
    assert format_date("en", day, "day_month") == "1 December"
    assert format_date_range("ru", day, day) == "01.12.2026"
    assert format_date_range("ru", day, dt.date(2026, 12, 3)) == "01.12.2026 — 03.12.2026"


def test_the_translator_writes_dates_and_plurals() -> None:
    ru = translator("ru")
    assert ru("journal.lesson_in_future", date=dt.date(2026, 12, 1)).startswith(
        "Урок 01.12.2026 ещё не прошёл"
    )
    assert ru.date(dt.date(2026, 12, 1), "day_month") == "1 декабря"
    assert ru.dates(dt.date(2026, 12, 1), dt.date(2026, 12, 1)) == "01.12.2026"


def test_the_translator_agrees_with_a_person() -> None:
    ru, en = translator("ru"), translator("en")
    params = {"student": "Аня", "subject": "Физика", "lesson_number": 2, "date": "01.12"}
    assert ru.gender("notify.absence.late", "f", **params).startswith("⏰ <b>Аня</b> опоздала")
    assert ru.gender("notify.absence.late", "m", **params).startswith("⏰ <b>Аня</b> опоздал ")
    assert ru.gender("notify.absence.late", None, **params).startswith("⏰ Опоздание на урок")
    assert en.gender("notify.absence.late", "f", **params).startswith("⏰ <b>Аня</b> was late")


def test_numbers_are_written_as_python_writes_them() -> None:
    """No grouping and no decimal comma from the locale: a number reads as it did in str.format."""
    ru = translator("ru")
    assert ru.plural("family.marks.need", 12345, mark=4.5) == "для «4.5» нужно ещё 12345 пятёрок"
    assert ru("error.too_long", field="x", limit=1000).endswith("не больше 1000 символов.")


def _russian_catalogues() -> dict[str, dict[str, str]]:
    return {"ru": catalog("ru")}


def _russian_texts_where(match: Callable[[str, str], bool]) -> dict[str, str]:
    """The Russian texts (``where:key`` to text) for which ``match(key, text)`` holds."""
    return {
        f"{where}:{key}": text
        for where, texts in _russian_catalogues().items()
        for key, text in texts.items()
        if match(key, text)
    }


def test_no_hand_written_gender_forms_in_russian_texts() -> None:
    """Slash forms ("ответил(а)", "был(а)"): a text about a person uses the gender forms of
    the translator (or wording that needs none)."""
    slash = re.compile(r"\w\((?:а|ла|ась|ен|на)\)")
    assert _russian_texts_where(lambda key, text: bool(slash.search(text))) == {}


def test_numbers_in_errors_take_the_plural_form() -> None:
    from bot.middlewares import render_error
    from services.errors import ValidationFailed

    assert render_error("ru", ValidationFailed("notice.too_far", days=21)) == (
        "Слишком далеко вперёд: не больше чем за 21 день."
    )
    assert render_error("ru", ValidationFailed("notice.too_far", days=3)).endswith("за 3 дня.")
    assert render_error("ru", ValidationFailed("error.date_range", days=31)).startswith(
        "Неверный период: не больше 31 дня,"
    )
    assert render_error("en", ValidationFailed("error.too_long", field="note", limit=1)) == (
        "The text is too long (note): at most 1 character."
    )


def test_one_word_for_a_mark_in_russian_texts() -> None:
    """The regulations say «отметка»: one word in every Russian text (locales, reports, alerts)."""
    assert _russian_texts_where(lambda key, text: bool(re.search(r"\b[Оо]цен(?:к|ок)", text))) == {}


def test_no_quarter_hard_coded_in_russian_texts() -> None:
    """A school may have quarters, trimesters or half-years: texts name the school's own period
    (its name from the model), say «учебный период» or name every kind; only the label of the
    quarter kind itself speaks of quarters alone."""

    def quarters_alone(key: str, text: str) -> bool:
        return (
            bool(re.search(r"[Чч]етверт|четв\.", text))
            and key not in ("family.period_short.quarter", "year.calendar.q")
            and not ("триместр" in text and "полугоди" in text)  # every kind named: fine
        )

    assert _russian_texts_where(quarters_alone) == {}


def test_no_clause_numbers_of_one_schools_regulation() -> None:
    """Clause numbers ("п. 3.2", "п. 2.5 Положения") mean nothing to a reader: the rule is
    named in words in code and docs, not numbered in what users read."""
    assert (
        _russian_texts_where(lambda key, text: bool(re.search(r"\bп\.\s*\d|§|Положени", text)))
        == {}
    )
