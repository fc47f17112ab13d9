"""The one translator for every user text: the bot, alerts, reports and imports.

Texts are Project Fluent messages (https://projectfluent.org) in
``i18n/locales/<lang>/<area>.ftl``, one file per area and language, loaded once per process
into one :class:`fluent.runtime.FluentBundle` per language. Plural forms and the forms that
agree with a person's gender are selectors inside a message, written by the translator::

    family-marks-need = { $n ->
        [one] для «{ $mark }» нужна ещё { $n } пятёрка
        [few] для «{ $mark }» нужны ещё { $n } пятёрки
       *[many] для «{ $mark }» нужно ещё { $n } пятёрок
    }

The plural categories of each language are CLDR's (through Babel). Callers keep the dotted
keys they always used: ``start.welcome`` is the message ``start-welcome``. Russian is the
default language and the fallback for a message missing in another one; an unknown message
renders as its key (and is logged), so a missing text never crashes a caller.

This package knows nothing about a messenger: it returns plain strings (Telegram HTML lives in
the texts themselves; escaping of user values is the caller's business, see docs/user-text.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Protocol

import babel
from fluent.runtime import FluentBundle
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser, ast
from fluent.syntax.serializer import serialize_pattern

DEFAULT_LANG = "ru"
SUPPORTED_LANGS: tuple[str, ...] = ("ru", "en")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- languages


def _short(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


@lru_cache(maxsize=256)
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


def plural_category(lang: str | None, n: float) -> str:
    """The CLDR plural category of ``n`` in ``lang`` ("one", "few", "many", "other"…)."""
    return str(babel.Locale.parse(normalize_lang(lang)).plural_form(n))


def plural_categories(lang: str | None) -> frozenset[str]:
    """The CLDR plural categories of a language besides "other" (ru: one, few, many)."""
    return frozenset(babel.Locale.parse(normalize_lang(lang)).plural_form.tags)


# --------------------------------------------------------------------------- messages


def message_id(key: str) -> str:
    """The Fluent id of a dotted key: ``start.welcome`` → ``start-welcome`` (Fluent ids allow
    no dots; no key has a dash, so the mapping goes both ways)."""
    return key.replace(".", "-")


def message_key(identifier: str) -> str:
    """The dotted key of a Fluent id: ``start-welcome`` → ``start.welcome``."""
    return identifier.replace("-", ".")


@dataclass(frozen=True)
class Text:
    """One message of a language: its key, area (file), syntax tree, and the variables it uses —
    those shown in the text and those that only choose a variant (plural, gender)."""

    key: str
    area: str
    variables: frozenset[str]
    selectors: frozenset[str]
    node: ast.Message

    @property
    def source(self) -> str:
        """The Fluent source of the text (``{ $name }`` placeables, selectors)."""
        assert self.node.value is not None
        return serialize_pattern(self.node.value)


@dataclass(frozen=True)
class Catalog:
    """The texts of one language: a bundle to format them and what each one needs (and the
    texts without variables, once formatted)."""

    lang: str
    bundle: FluentBundle
    texts: Mapping[str, Text]
    fixed: dict[str, str]


def _walk(node: object) -> Iterator[ast.BaseNode]:
    if isinstance(node, ast.BaseNode):
        yield node
        for value in vars(node).values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _variables(message: ast.Message) -> tuple[frozenset[str], frozenset[str]]:
    selectors: set[str] = set()
    shown: set[str] = set()
    for node in _walk(message.value):
        if isinstance(node, ast.SelectExpression) and isinstance(
            node.selector, ast.VariableReference
        ):
            selectors.add(node.selector.id.name)
        elif isinstance(node, ast.Placeable) and isinstance(node.expression, ast.VariableReference):
            shown.add(node.expression.id.name)
    return frozenset(shown), frozenset(selectors)


def parse_file(path: Path) -> list[ast.Message]:
    """The messages of one ``.ftl`` file; a syntax error or a message without a value is an
    error (a broken file must fail the tests, not drop texts silently)."""
    resource = FluentParser(with_spans=False).parse(path.read_text(encoding="utf-8"))
    messages: list[ast.Message] = []
    for entry in resource.body:
        if isinstance(entry, ast.Junk):
            notes = "; ".join(str(a.message) for a in entry.annotations)
            raise ValueError(f"{path}: cannot parse {str(entry.content).strip()[:80]!r}: {notes}")
        if isinstance(entry, ast.Term):
            raise ValueError(f"{path}: terms are not used ({entry.id.name})")
        if isinstance(entry, ast.Message):
            if entry.value is None:
                raise ValueError(f"{path}: message {entry.id.name!r} has no value")
            messages.append(entry)
    return messages


@cache
def load_catalog(folder: Path, lang: str) -> Catalog:
    """Every ``<folder>/<lang>/*.ftl`` in one bundle; cached for the process. A message
    defined in two files is an error: areas own their messages."""
    bundle = FluentBundle([lang], use_isolating=False)
    texts: dict[str, Text] = {}
    for path in sorted((folder / lang).glob("*.ftl")):
        messages = parse_file(path)
        for message in messages:
            key = message_key(message.id.name)
            if key in texts:
                raise ValueError(f"message {message.id.name!r} is defined twice ({path})")
            shown, selectors = _variables(message)
            assert message.value is not None
            texts[key] = Text(
                key=key,
                area=path.stem,
                variables=shown,
                selectors=selectors,
                node=message,
            )
        bundle.add_resource(ast.Resource(body=list(messages)))
    return Catalog(lang=lang, bundle=bundle, texts=texts, fixed={})


def catalog_of(lang: str) -> Catalog:
    return load_catalog(LOCALES_DIR, normalize_lang(lang))


def catalog(lang: str) -> dict[str, str]:
    """Every key of a language with the Fluent source of its text (for checks and tests)."""
    return {key: text.source for key, text in catalog_of(lang).texts.items()}


def has_key(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog_of(lang).texts or key in catalog_of(DEFAULT_LANG).texts


def _arg(name: str, value: Any, text: Text, lang: str) -> Any:
    # Numbers are shown the way Python writes them (no grouping, no locale's decimal comma);
    # only a selector gets a Fluent number, so that its CLDR plural category can be chosen.
    # (Babel writes an integer without grouping the way Python does.)
    if name in text.selectors and isinstance(value, int) and not isinstance(value, bool):
        return fluent_number(value, useGrouping=False)
    # One date format for users: a date passed as a value is written the user's way.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_date(lang, value)
    return format(value, "")


def translate(lang: str | None, key: str, /, **params: Any) -> str | None:
    """The text of ``key`` in ``lang`` (else in Russian) with ``params`` filled in; ``None``
    for an unknown key. A variable missing from ``params`` is left as ``{name}`` (and
    logged) rather than failing."""
    lang = normalize_lang(lang)
    book = catalog_of(lang)
    text = book.texts.get(key)
    if text is None:
        book = catalog_of(DEFAULT_LANG)
        text = book.texts.get(key)
    if text is None:
        return None
    if not text.variables and not text.selectors:
        fixed = book.fixed.get(key)
        if fixed is None:
            fixed = book.fixed[key] = _format(book, key, {})
        return fixed
    args = {name: _arg(name, value, text, lang) for name, value in params.items()}
    missing = (text.variables | text.selectors) - args.keys()
    if missing:
        log.warning(
            "bad locale params", extra={"key": key, "lang": lang, "missing": sorted(missing)}
        )
        args.update({name: "{" + name + "}" for name in missing})
    # fluent.runtime refuses a value over 2,500 characters ("{???}" instead of the text: a
    # guard against expansion attacks) and a broadcast's body is up to 4,000: values go into
    # the message as short tokens and the text replaces them afterwards, in one pass.
    held: list[str] = []
    for name, value in args.items():
        if isinstance(value, str) and name not in text.selectors:
            held.append(value)
            args[name] = f"\ue000{len(held) - 1}\ue001"
    result = _format(book, key, args)
    return _HELD.sub(lambda m: held[int(m.group(1))], result) if held else result


_HELD = re.compile("\ue000(\\d+)\ue001")


def _format(book: Catalog, key: str, args: dict[str, Any]) -> str:
    pattern = book.bundle.get_message(message_id(key)).value
    assert pattern is not None  # parse_file refuses a message without a value
    result, errors = book.bundle.format_pattern(pattern, args)
    if errors:
        log.warning(
            "bad locale params", extra={"key": key, "lang": book.lang, "error": repr(errors)}
        )
    return str(result)


def t(lang: str | None, key: str, /, **params: Any) -> str:
    """Translate ``key`` to ``lang`` and fill its variables; the key itself (logged) for an
    unknown one."""
    text = translate(lang, key, **params)
    if text is None:
        log.warning("missing locale key", extra={"key": key, "lang": normalize_lang(lang)})
        return key
    return text


def tp(lang: str | None, key: str, n: int, /, **params: Any) -> str:
    """A text that depends on a number: ``n`` is passed as ``$n`` (its selector chooses the
    CLDR plural form)."""
    return t(lang, key, **{"n": n, **params})


def tg(lang: str | None, key: str, gender: str | None, /, **params: Any) -> str:
    """A text that agrees with a person: ``gender`` ("m", "f"; anything else is unknown) is
    passed as ``$gender`` (its selector chooses the form; the default one needs no gender)."""
    return t(lang, key, **{"gender": gender or "", **params})


# --------------------------------------------------------------------------- dates


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
    return _format_day(normalize_lang(lang), day, style)


@lru_cache(maxsize=4096)
def _format_day(lang: str, day: dt.date, style: str) -> str:
    return t(
        lang,
        f"date.{style}",
        day=str(day.day),
        month=str(day.month),
        year=str(day.year),
        dd=f"{day.day:02d}",
        mm=f"{day.month:02d}",
        month_name=t(lang, f"date.month.{day.month}"),
    )


def format_date_range(lang: str | None, start: dt.date | str, end: dt.date | str) -> str:
    """ "01.12.2026" for one day, "01.12.2026 — 03.12.2026" for several."""
    first, last = format_date(lang, start), format_date(lang, end)
    if first == last:
        return first
    return t(lang, "date.range", start=first, end=last)


# --------------------------------------------------------------------------- bound translator


class Translator(Protocol):
    """A translator bound to one language: ``t("start.welcome", name=...)``; plural and
    gender forms with ``t.plural`` / ``t.gender``; dates with ``t.date``."""

    lang: str

    def __call__(self, key: str, /, **params: Any) -> str: ...

    def plural(self, key: str, n: int, /, **params: Any) -> str: ...

    def gender(self, key: str, gender: str | None, /, **params: Any) -> str: ...

    def date(self, value: dt.date | str | None, style: str = "short") -> str: ...

    def dates(self, start: dt.date | str, end: dt.date | str) -> str: ...


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
