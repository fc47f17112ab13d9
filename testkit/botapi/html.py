"""Telegram-style HTML parse_mode parser.

Converts HTML-formatted text into plain text plus Telegram message entities and
reports malformed markup with the same wording the Bot API uses
("Unsupported start tag ...", "Can't find end tag corresponding to start tag ...").
Offsets in error messages are UTF-8 byte offsets, entity offsets are UTF-16 code units,
as in Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from testkit.common.text import char_reference, utf16_length

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9_-]*")
_ATTR_NAME_RE = re.compile(r"[a-zA-Z0-9_-]+")


class HTMLParseError(ValueError):
    """Raised for malformed HTML; ``str(error)`` is the Telegram description suffix."""


@dataclass
class _Open:
    name: str
    byte_offset: int
    utf16_offset: int
    attrs: dict[str, str] = field(default_factory=dict)


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def _parse_attrs(text: str, pos: int, tag: str, tag_byte: int) -> tuple[dict[str, str], int]:
    """Parse attributes until '>' (pos points after the tag name)."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            raise HTMLParseError(f"Unclosed start tag at byte offset {tag_byte}")
        if text[pos] == ">":
            return attrs, pos + 1
        if text[pos] == "/" and pos + 1 < n and text[pos + 1] == ">":
            return attrs, pos + 2
        match = _ATTR_NAME_RE.match(text, pos)
        if match is None:
            raise HTMLParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, pos)}'
            )
        name = match.group(0).lower()
        pos = match.end()
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n or text[pos] != "=":
            # attribute without value (e.g. <blockquote expandable>)
            attrs[name] = ""
            continue
        pos += 1
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            raise HTMLParseError(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        quote = text[pos]
        if quote in "\"'":
            end = text.find(quote, pos + 1)
            if end < 0:
                raise HTMLParseError(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
            raw = text[pos + 1 : end]
            pos = end + 1
        else:
            start = pos
            while pos < n and not text[pos].isspace() and text[pos] != ">":
                pos += 1
            raw = text[start:pos]
        attrs[name] = _unescape(raw)


def _unescape(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded = char_reference(raw, i, _NAMED_ENTITIES)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
        out.append(raw[i])
        i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` or raise :class:`HTMLParseError`."""
    out: list[str] = []
    utf16_pos = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)

    def emit(chunk: str) -> None:
        nonlocal utf16_pos
        out.append(chunk)
        utf16_pos += utf16_length(chunk)

    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = char_reference(text, i, _NAMED_ENTITIES)
            if decoded is not None:
                emit(decoded[0])
                i = decoded[1]
                continue
            emit("&")
            i += 1
            continue
        if ch != "<":
            j = i + 1
            while j < n and text[j] not in "<&":
                j += 1
            emit(text[i:j])
            i = j
            continue
        begin_byte = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            match = _TAG_NAME_RE.match(text, i + 2)
            assert match is not None
            name = match.group(0).lower()
            pos = match.end()
            while pos < n and text[pos].isspace():
                pos += 1
            if pos >= n or text[pos] != ">":
                raise HTMLParseError(f"Can't find end of tag at byte offset {begin_byte}")
            if not stack:
                raise HTMLParseError(f"Unexpected end tag at byte offset {begin_byte}")
            top = stack[-1]
            if top.name != name:
                raise HTMLParseError(
                    f'Unmatched end tag at byte offset {begin_byte}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close(top, utf16_pos, entities, stack)
            i = pos + 1
            continue
        match = _TAG_NAME_RE.match(text, i + 1)
        assert match is not None
        name = match.group(0).lower()
        if name not in SUPPORTED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {begin_byte}')
        attrs, i = _parse_attrs(text, match.end(), name, begin_byte)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HTMLParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin_byte}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise HTMLParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin_byte}'
            )
        stack.append(_Open(name, begin_byte, utf16_pos, attrs))

    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(tag: _Open, end_utf16: int, entities: list[dict[str, Any]], stack: list[_Open]) -> None:
    length = end_utf16 - tag.utf16_offset
    if length <= 0:
        return
    entity: dict[str, Any] = {"offset": tag.utf16_offset, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            entity.update(
                type="text_mention",
                user={"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            )
        else:
            entity.update(type="text_link", url=href)
    elif tag.name == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language[len("language-") :]
            return
        entity["type"] = "code"
    else:
        entity["type"] = _SIMPLE_TYPES[tag.name]
        if tag.name == "pre" and tag.attrs.get("language"):
            entity["language"] = tag.attrs["language"]
    entities.append(entity)


# --------------------------------------------------------------------------- what a user sees


def entity_text(plain: str, entity: dict[str, Any]) -> str:
    """The part of ``plain`` an entity covers (offsets and lengths are UTF-16 code units)."""
    units = plain.encode("utf-16-le")
    start = entity["offset"] * 2
    return units[start : start + entity["length"] * 2].decode("utf-16-le")


@dataclass(frozen=True)
class Seen:
    """A message as its recipient sees it: the visible text and the formatted pieces."""

    text: str
    entities: list[dict[str, Any]]

    def formatted(self, kind: str) -> list[str]:
        """The visible pieces carrying an entity of ``kind`` ("bold", "italic", "text_link"…)."""
        return [entity_text(self.text, e) for e in self.entities if e["type"] == kind]

    @property
    def length(self) -> int:
        return utf16_length(self.text)


def seen(html_text: str) -> Seen:
    """Parse a message sent with ``parse_mode=HTML`` as Telegram would (raises on bad markup)."""
    plain, entities = parse_html(html_text)
    return Seen(plain, entities)
