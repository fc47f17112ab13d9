"""The bot's view of the one translator (:mod:`i18n`): the names handlers import.

Texts are Fluent messages in ``i18n/locales/<lang>/<area>.ftl``; callers pass the dotted keys
(``t("start.welcome", name=...)``), plural forms with ``t.plural`` (``$n``), forms that agree
with a person with ``t.gender`` (``$gender``), dates with ``t.date``. Russian is the default
language and the fallback; an unknown key renders as the key itself (and is logged).
"""

from __future__ import annotations

import html

from i18n import (
    DEFAULT_LANG,
    LOCALES_DIR,
    SUPPORTED_LANGS,
    BoundTranslator,
    Translator,
    catalog,
    has_key,
    normalize_lang,
    pick_lang,
    t,
    tg,
    tp,
    translator,
)

__all__ = [
    "DEFAULT_LANG",
    "LOCALES_DIR",
    "SUPPORTED_LANGS",
    "BoundTranslator",
    "Translator",
    "catalog",
    "escape",
    "has_key",
    "normalize_lang",
    "pick_lang",
    "t",
    "tg",
    "tp",
    "translator",
]


def escape(text: object) -> str:
    """Escape user-entered text (names, comments…) before it goes into an HTML message."""
    return html.escape(str(text), quote=False)
