"""Import messages in Russian and English (``locales/{ru,en}.toml`` beside this module)."""

from __future__ import annotations

import logging
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).resolve().parent / "locales"
LANGS = ("ru", "en")
log = logging.getLogger(__name__)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    with (LOCALES / f"{lang}.toml").open("rb") as fh:
        return _flatten(tomllib.load(fh))


def t(lang: str | None, key: str, **params: Any) -> str:
    lang = lang if lang in LANGS else "ru"
    template = catalog(lang).get(key) or catalog("ru").get(key)
    if template is None:
        log.warning("missing import message %s", key)
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
