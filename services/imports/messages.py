"""Import messages in Russian and English (``locales/{ru,en}.toml`` beside this module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.texts import catalog_of

LOCALES = Path(__file__).resolve().parent / "locales"
LANGS = ("ru", "en")


def catalog(lang: str) -> dict[str, str]:
    return catalog_of(LOCALES).catalog(lang)


def t(lang: str | None, key: str, **params: Any) -> str:
    return catalog_of(LOCALES).t(lang, key, **params)
