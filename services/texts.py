"""Text catalogues from TOML locale files: one loader for the bot's texts, import messages and
report labels. Russian is the default language and the fallback.

Keys are flat and dotted (a table ``[start]`` with ``welcome = "..."`` gives ``start.welcome``);
values are ``str.format`` templates.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_LANG = "ru"
SUPPORTED_LANGS: tuple[str, ...] = ("ru", "en")

log = logging.getLogger(__name__)


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{key}."))
        elif isinstance(value, str):
            out[key] = value
        else:
            raise ValueError(f"locale key {key!r} must be a string, got {type(value).__name__}")
    return out


def load_locale_file(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return flatten(tomllib.load(fh))


def merge_files(paths: Iterable[Path]) -> dict[str, str]:
    """Several files of one language; a key defined twice is an error (areas own their keys)."""
    merged: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            continue
        for key, value in load_locale_file(path).items():
            if key in merged:
                raise ValueError(f"locale key {key!r} is defined twice ({path})")
            merged[key] = value
    return merged


def normalize_lang(code: str | None) -> str:
    short = (code or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return short if short in SUPPORTED_LANGS else DEFAULT_LANG


def render(template: str, params: Mapping[str, Any], *, key: str, lang: str) -> str:
    if not params:
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


class Catalog:
    """The texts of one folder ``<dir>/<lang>.toml``, with the Russian fallback."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, dict[str, str]] = {}

    def catalog(self, lang: str) -> dict[str, str]:
        lang = normalize_lang(lang)
        if lang not in self._cache:
            self._cache[lang] = merge_files([self.folder / f"{lang}.toml"])
        return self._cache[lang]

    def t(self, lang: str | None, key: str, /, **params: Any) -> str:
        lang = normalize_lang(lang)
        template = self.catalog(lang).get(key) or self.catalog(DEFAULT_LANG).get(key)
        if template is None:
            log.warning("missing locale key", extra={"key": key, "lang": lang})
            return key
        return render(template, params, key=key, lang=lang)


@cache
def catalog_of(folder: Path) -> Catalog:
    return Catalog(folder)


# --------------------------------------------------------------------------- plural, gender, dates

PluralForm = str  # "one" | "few" | "many"
PLURAL_FORMS: tuple[str, ...] = ("one", "few", "many")
SHARED_LOCALES = Path(__file__).resolve().parent / "locales"


def plural_form(lang: str | None, n: int) -> PluralForm:
    """The plural form of ``n`` in ``lang``: Russian has one (1, 21…), few (2–4, 22–24…) and
    many (0, 5–20, 25…); English has one (1) and many (the rest)."""
    n = abs(int(n))
    if normalize_lang(lang) == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            return "few"
        return "many"
    return "one" if n == 1 else "many"


def plural_key(lang: str | None, key: str, n: int) -> str:
    """``key.one`` / ``key.few`` / ``key.many``: the locale key of the form of ``n``."""
    return f"{key}.{plural_form(lang, n)}"


Gender = str  # "m" | "f" | "n" (unknown: wording that needs no gender)
GENDERS: tuple[str, ...] = ("m", "f", "n")


def gender_of(middle_name: str | None, sex: str | None = None) -> Gender:
    """A person's grammatical gender: from ``sex`` when it is known ("m"/"f", "male"/"female"),
    else from a Russian patronymic (-вич/-ич → m, -вна/-чна/-шна/-кызы → f), else "n"."""
    if sex:
        s = sex.strip().lower()[:1]
        if s in ("m", "м"):
            return "m"
        if s in ("f", "ж"):
            return "f"
    name = (middle_name or "").strip().lower()
    if name.endswith(("вич", "ич", "оглы", "улы")):
        return "m"
    if name.endswith(("вна", "чна", "шна", "кызы", "гызы")):
        return "f"
    return "n"


def gender_key(key: str, gender: Gender | None) -> str:
    """``key.m`` / ``key.f`` / ``key.n``: the locale key of a form that agrees with a person."""
    return f"{key}.{gender if gender in GENDERS else 'n'}"


def format_date(lang: str | None, value: dt.date | str | None, style: str = "short") -> str:
    """A date as users read it, one format per language: ``short`` "01.12.2026",
    ``day_month`` "1 декабря", ``long`` "1 декабря 2026 г.". An ISO string is accepted;
    anything unparsable is returned as it is."""
    if value is None or value == "":
        return ""
    day: dt.date
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    shared = catalog_of(SHARED_LOCALES)
    month_name = shared.t(lang, f"date.month.{day.month}")
    return shared.t(
        lang,
        f"date.{style}",
        day=day.day,
        month=day.month,
        year=day.year,
        month_name=month_name,
    )


def format_date_range(lang: str | None, start: dt.date | str, end: dt.date | str) -> str:
    """ "01.12.2026" for one day, "01.12.2026 — 03.12.2026" for several."""
    first, last = format_date(lang, start), format_date(lang, end)
    if first == last:
        return first
    return catalog_of(SHARED_LOCALES).t(lang, "date.range", start=first, end=last)
