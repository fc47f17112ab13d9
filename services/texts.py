"""Text catalogues from TOML locale files: one loader for the bot's texts, import messages and
report labels. Russian is the default language and the fallback.

Keys are flat and dotted (a table ``[start]`` with ``welcome = "..."`` gives ``start.welcome``);
values are ``str.format`` templates.
"""

from __future__ import annotations

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
