"""A tiny translator over TOML locale files (no extra dependency).

Locale files live in ``bot/locales/<lang>.toml``. Keys are flat and dotted: a TOML table
``[start]`` with ``welcome = "..."`` gives the key ``start.welcome``. Values are
``str.format`` templates. Russian is the default language and the fallback for a key missing
in another locale; an unknown key renders as the key itself (and is logged), so a missing
text never crashes a handler.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import string
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from services.texts import (
    format_date,
    format_date_range,
    gender_key,
    merge_files,
    plural_key,
)

DEFAULT_LANG = "ru"
SUPPORTED_LANGS: tuple[str, ...] = ("ru", "en")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
NOTIFICATION_LOCALES = Path(__file__).resolve().parent.parent / "notifications" / "locales"

log = logging.getLogger(__name__)


class Translator(Protocol):
    """A translator bound to one language: ``t("start.welcome", name=...)``; plural and
    gender forms with ``t.plural`` / ``t.gender``; dates with ``t.date``."""

    lang: str

    def __call__(self, key: str, /, **params: Any) -> str: ...

    def plural(self, key: str, n: int, /, **params: Any) -> str: ...

    def gender(self, key: str, gender: str | None, /, **params: Any) -> str: ...

    def date(self, value: dt.date | str | None, style: str = "short") -> str: ...

    def dates(self, start: dt.date | str, end: dt.date | str) -> str: ...


def locale_files(lang: str) -> list[Path]:
    """``bot/locales/<lang>.toml`` and one file per area, ``bot/locales/<area>/<lang>.toml``."""
    return [
        LOCALES_DIR / f"{lang}.toml",
        *sorted(LOCALES_DIR.glob(f"*/{lang}.toml")),
        # Alert texts live with the notifications; the bot shows their errors too.
        NOTIFICATION_LOCALES / f"{lang}.toml",
    ]


@cache
def catalog(lang: str) -> dict[str, str]:
    """All keys of one locale (flattened, every file merged); cached for the process.

    A key defined in two files is an error: areas own their keys.
    """
    return merge_files(locale_files(lang))


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` of a template (``{n:>3}`` gives ``n``)."""
    names: set[str] = set()
    for _literal, field, _spec, _conv in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".", 1)[0].split("[", 1)[0])
    return names


def _short(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


def normalize_lang(code: str | None) -> str:
    """``"en-US"`` → ``"en"``; anything unsupported or empty → Russian."""
    if code and _short(code) in SUPPORTED_LANGS:
        return _short(code)
    return DEFAULT_LANG


def pick_lang(account_language: str | None, messenger_language: str | None) -> str:
    """The account's own choice wins; else the messenger's interface language; else Russian."""
    for code in (account_language, messenger_language):
        if code and _short(code) in SUPPORTED_LANGS:
            return _short(code)
    return DEFAULT_LANG


def has_key(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(normalize_lang(lang)) or key in catalog(DEFAULT_LANG)


def t(lang: str | None, key: str, /, **params: Any) -> str:
    """Translate ``key`` to ``lang`` and fill its placeholders.

    Falls back to Russian for a key missing in ``lang``; returns the key for an unknown one.
    A placeholder missing from ``params`` leaves the template unfilled rather than failing.
    """
    lang = normalize_lang(lang)
    template = catalog(lang).get(key)
    if template is None:
        template = catalog(DEFAULT_LANG).get(key)
    if template is None and _is_plural(key) and (count := _count_of(params)) is not None:
        # A key with plural forms (``key.one``/``key.few``/``key.many``), e.g. an error code:
        # the form follows ``n``, or else the one number among the params.
        return t(lang, plural_key(lang, key, count), **params)
    if template is None:
        log.warning("missing locale key", extra={"key": key, "lang": lang})
        return key
    if not params and not placeholders(template):
        return template
    # One date format for users: a date passed as a value is written the user's way.
    params = {
        k: format_date(lang, v) if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v
        for k, v in params.items()
    }
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError) as exc:
        log.warning("bad locale params", extra={"key": key, "lang": lang, "error": repr(exc)})
        return template


def _is_plural(key: str) -> bool:
    return f"{key}.many" in catalog(DEFAULT_LANG)


def _count_of(params: dict[str, Any]) -> int | None:
    if isinstance(params.get("n"), int):
        return int(params["n"])
    numbers = [v for v in params.values() if isinstance(v, int) and not isinstance(v, bool)]
    return numbers[0] if len(numbers) == 1 else None


def tp(lang: str | None, key: str, n: int, /, **params: Any) -> str:
    """The plural form of ``key`` for the number ``n`` (``key.one``/``key.few``/``key.many``);
    ``n`` is passed to the template too."""
    return t(lang, plural_key(normalize_lang(lang), key, n), **{"n": n, **params})


def tg(lang: str | None, key: str, gender: str | None, /, **params: Any) -> str:
    """The form of ``key`` that agrees with a person (``key.m``/``key.f``; ``key.n`` when the
    gender is unknown: wording that needs none)."""
    return t(lang, gender_key(key, gender), **params)


class BoundTranslator:
    """A translator bound to one language, for handlers: ``t("help.title")``."""

    __slots__ = ("lang",)

    def __init__(self, lang: str | None) -> None:
        self.lang = normalize_lang(lang)

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(self.lang, key, **params)

    def plural(self, key: str, n: int, /, **params: Any) -> str:
        return tp(self.lang, key, n, **params)

    def gender(self, key: str, gender: str | None, /, **params: Any) -> str:
        return tg(self.lang, key, gender, **params)

    def date(self, value: dt.date | str | None, style: str = "short") -> str:
        return format_date(self.lang, value, style)

    def dates(self, start: dt.date | str, end: dt.date | str) -> str:
        return format_date_range(self.lang, start, end)


def translator(lang: str | None) -> Translator:
    """A translator bound to one language, for handlers: ``t("help.title")``."""
    return BoundTranslator(lang)


def escape(text: object) -> str:
    """Escape user-entered text (names, comments…) before it goes into an HTML message."""
    return html.escape(str(text), quote=False)
