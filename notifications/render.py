"""Payload → neutral screen: one alert (or several merged) in the recipient's language.

Each kind renders itself (:mod:`services.notifications.kinds`; the registry:
:mod:`notifications.registry`): its payload is read with the kind's model, its text
comes from the one translator (:mod:`i18n`, the ``notifications`` area:
``i18n/locales/<lang>/notifications.ftl``; Russian is the fallback). User text follows the one
rule of :mod:`services.richtext` (docs/user-text.md): every value taken from a payload — names,
subjects, reasons, homework, comments, news titles — is plain text and HTML-escaped exactly
once, when it is put into a template, so a user-entered ``<b>`` can neither break the markup
nor inject any. The body of a broadcast is the one exception: it is stored as the checked HTML
subset (the sender's bold, links…) and goes in as it is, checked again, never escaped twice.

The result is a :class:`screens.screen.Screen` of one message, sent anew: its buttons are the
screens' actions (screens/common/alerts.py), so one renderer per messenger shows both the bot's
answers and its alerts. A file of a broadcast is the screen's one attachment (by reference),
the text its caption.

Every message fits Telegram's limits as Telegram counts them (visible text after parsing, in
UTF-16 code units): merged alerts are split by :func:`chunk_items`, and :func:`fit` shortens
whatever is still too long.

A school's minimal personal data mode (``School.minimal_alerts``, read by the worker with the
recipient) renders each kind's ``brief`` paragraph instead of its text and each digest's counts
(``minimal=``): the child's first name, the event, the subject, "open the diary"; the buttons
and a broadcast's file stay (docs/notifications.md, "Minimal personal data").

The worker enriches payloads before rendering: ``student`` (a display name) for alerts about a
child, ``attendance_id`` for absence alerts, ``news`` for broadcasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import i18n
from notifications.registry import UnknownKind, kind_of
from screens.common.alerts import alert_rows
from screens.screen import Attachment, Screen
from services.notifications.kinds import AlertMessage, Digest, Safe, escape, t
from services.richtext import CAPTION_LIMIT, TEXT_LIMIT, shorten_html, visible_length

__all__ = [
    "MAX_CAPTION",
    "MAX_TEXT",
    "Item",
    "Safe",
    "UnknownKind",
    "chunk_items",
    "escape",
    "fit",
    "has_buttons",
    "render",
    "render_merged",
    "render_text",
    "t",
]

DEFAULT_LANG = i18n.DEFAULT_LANG
# Telegram's limits: 4096 UTF-16 units of visible text, 1024 of a caption (after HTML parsing).
MAX_TEXT = TEXT_LIMIT
MAX_CAPTION = CAPTION_LIMIT


# --------------------------------------------------------------------------- one alert


def render_text(kind: str, payload: Any, lang: str, *, minimal: bool = False) -> str:
    """The text of one alert (no buttons). :class:`UnknownKind` for a kind no module defines,
    ``pydantic.ValidationError`` for a payload its kind cannot read. ``minimal``: the school's
    minimal personal data mode (``School.minimal_alerts``)."""
    k = kind_of(kind)
    return k.paragraph(k.read(payload), lang, minimal=minimal)


def has_buttons(kind: str) -> bool:
    """Alerts with their own buttons are never merged with others."""
    return kind_of(kind).alone


def _screen(message: AlertMessage, rows: Any = ()) -> Screen:
    attachments: tuple[Attachment, ...] = ()
    if message.attachment_ref:
        kind: Literal["photo", "document"] = (
            "photo" if message.attachment_kind == "photo" else "document"
        )
        attachments = (Attachment(kind, ref=message.attachment_ref),)
    return Screen((message.text,), tuple(rows), replace=False, attachments=attachments)


def render(kind: str, payload: Any, lang: str, *, minimal: bool = False) -> Screen:
    """One alert: its message, its buttons, its file. The buttons stay in the minimal mode:
    what they open is shown only to a signed-in person allowed to see it."""
    k = kind_of(kind)
    p = k.read(payload)
    message = k.message(p, lang, minimal=minimal)
    return _screen(message, alert_rows(kind, p, i18n.BoundTranslator(lang)))


# --------------------------------------------------------------------------- merged alerts


@dataclass(frozen=True)
class Item:
    kind: str
    payload: Mapping[str, Any] | Any  # the stored payload, or the kind's model of it


def render_merged(
    items: Sequence[Item], lang: str, *, quiet: bool = False, minimal: bool = False
) -> Screen:
    """Several alerts of one recipient as one message: those of a digest (marks) grouped under
    it, everything else one paragraph each. Sent without a sound when ``quiet`` (the worker).
    ``minimal``: the school's minimal personal data mode (a digest becomes counts)."""
    if len(items) == 1 and not quiet:
        return render(items[0].kind, items[0].payload, lang, minimal=minimal)
    others: list[str] = []
    digests: dict[str, tuple[Digest[Any], list[tuple[str, Any]]]] = {}
    for it in items:
        k = kind_of(it.kind)
        p = k.read(it.payload)
        if k.digest is None:
            others.append(k.paragraph(p, lang, minimal=minimal))
        else:
            digests.setdefault(k.digest.name, (k.digest, []))[1].append((it.kind, p))
    parts: list[str] = []
    if others or quiet:
        parts.append(t(lang, "notify.merged.title" if quiet else "notify.merged.title_plain"))
    parts.extend(others)
    for digest, entries in digests.values():
        parts.append("\n".join(digest.lines(entries, lang, minimal=minimal)))
    return Screen(("\n\n".join(parts),), replace=False)


def chunk_items(
    items: Sequence[Item], lang: str, limit: int = MAX_TEXT, *, minimal: bool = False
) -> list[list[Item]]:
    """Split items so that each merged message stays under Telegram's length limit."""
    chunks: list[list[Item]] = []
    current: list[Item] = []
    for it in items:
        candidate = [*current, it]
        if (
            current
            and visible_length(text_of(render_merged(candidate, lang, quiet=True, minimal=minimal)))
            > limit
        ):
            chunks.append(current)
            current = [it]
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def text_of(screen: Screen) -> str:
    """The one message of an alert."""
    return screen.texts[0]


def fit(screen: Screen) -> Screen:
    """Shorten a message that is still too long (a huge news text, a long report): cut at a
    paragraph, line or word boundary with the tags kept balanced, and an ellipsis. With a file
    the text is its caption."""
    limit = MAX_CAPTION if screen.attachments else MAX_TEXT
    text = text_of(screen)
    if visible_length(text) <= limit:
        return screen
    return Screen(
        (shorten_html(text, limit),),
        screen.rows,
        replace=screen.replace,
        attachments=screen.attachments,
    )
