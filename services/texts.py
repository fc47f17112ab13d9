"""User-text helpers for the services: the one translator's dates and languages (:mod:`i18n`)
and a person's grammatical gender for the texts that agree with them."""

from __future__ import annotations

from i18n import (
    DEFAULT_LANG,
    SUPPORTED_LANGS,
    format_date,
    format_date_range,
    normalize_lang,
)

__all__ = [
    "DEFAULT_LANG",
    "SUPPORTED_LANGS",
    "Gender",
    "format_date",
    "format_date_range",
    "gender_of",
    "normalize_lang",
]

Gender = str  # "m" | "f" | "n" (unknown: the texts' default form, wording that needs none)


def gender_of(middle_name: str | None, sex: str | None = None) -> Gender:
    """A person's grammatical gender: from ``sex`` when it is known ("m"/"f", "male"/"female"),
    else from a Russian patronymic (-вич/-ич → m, -вна/-чна/-шна/-кызы → f), else "n".
    Texts take it as ``$gender`` (``t.gender``) and choose their form themselves."""
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
