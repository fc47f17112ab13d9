"""Import messages in Russian and English: the ``imports`` area of the one translator
(``i18n/locales/<lang>/imports.ftl``)."""

from __future__ import annotations

from typing import Any

import i18n

LANGS = i18n.SUPPORTED_LANGS


def t(lang: str | None, key: str, **params: Any) -> str:
    return i18n.t(lang, key, **params)
