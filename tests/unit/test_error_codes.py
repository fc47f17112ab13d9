"""Every error code the journal can raise has a text in every language."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import SUPPORTED_LANGS, catalog

ROOT = Path(__file__).resolve().parents[2]
PATTERN = re.compile(
    r"\b(?:DomainError|ValidationFailed|NotFound|AccessDenied|Conflict)\(\s*\"([a-z_]+\.[a-z_.]+)\""
)


def raised_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for folder in ("services", "notifications", "handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            for code in PATTERN.findall(path.read_text(encoding="utf-8")):
                codes.setdefault(code, str(path.relative_to(ROOT)))
    return codes


def test_scanner_finds_codes() -> None:
    codes = raised_codes()
    assert "journal.lesson_locked" in codes and "signin.invite_invalid" in codes


def test_every_raised_code_is_translated() -> None:
    missing = {
        lang: sorted(
            f"{code} ({where})"
            for code, where in raised_codes().items()
            # A code with plural forms is one message with a selector.
            if code not in catalog(lang)
        )
        for lang in SUPPORTED_LANGS
    }
    assert missing == {lang: [] for lang in SUPPORTED_LANGS}
