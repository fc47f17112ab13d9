"""MAX ``format: "html"`` parser: plain text plus ``markup`` elements.

The tags the schema lists are parsed into MarkupElements (``from``/``length`` counted in
UTF-16 code units, as the Java backend counts string indices); any other well-formed tag is
stripped with its content kept, as the schema says ("All others will be stripped"), and
reported in ``ParsedHTML.stripped``.  Malformed markup is refused, at least as strictly as
Telegram's parser refuses it: an unclosed or mismatched tag, a bare ``<`` that does not
start a tag, and a bare ``&`` that does not start a known character reference.  A bot that
forgets to escape user text (``<Петров & сын>``) gets a 400 here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from testkit.common.text import char_reference, utf16_length

MARKUP_TYPES = {
    "b": "strong",
    "strong": "strong",
    "i": "emphasized",
    "em": "emphasized",
    "s": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "a": "link",
    "code": "monospaced",
    "pre": "monospaced",
    "mark": "highlighted",
    "blockquote": "quote",
    "h1": "heading",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:.-]*")
MAX_LINK_URL = 2048


class HTMLParseError(ValueError):
    """Malformed HTML; ``str(error)`` says what and where (character offset)."""


@dataclass
class ParsedHTML:
    text: str
    markup: list[dict[str, Any]]
    stripped: list[str] = field(default_factory=list)


@dataclass
class _Open:
    name: str
    offset: int  # character offset of '<' in the source
    start: int  # UTF-16 offset in the output
    attrs: dict[str, str]


def _unescape(raw: str, where: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded = char_reference(raw, i, _NAMED_ENTITIES)
            if decoded is None:
                raise HTMLParseError(f"bare '&' in an attribute at offset {where + i}")
            out.append(decoded[0])
            i = decoded[1]
            continue
        out.append(raw[i])
        i += 1
    return "".join(out)


def _attrs(text: str, pos: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            raise HTMLParseError(f'unclosed start tag "{tag}" at offset {begin}')
        if text[pos] == ">":
            return attrs, pos + 1
        if text.startswith("/>", pos):
            return attrs, pos + 2
        match = _ATTR_NAME_RE.match(text, pos)
        if match is None:
            raise HTMLParseError(f'bad attribute in tag "{tag}" at offset {pos}')
        name = match.group(0).lower()
        pos = match.end()
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n or text[pos] != "=":
            attrs[name] = ""
            continue
        pos += 1
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            raise HTMLParseError(f'unclosed start tag "{tag}" at offset {begin}')
        if text[pos] in "\"'":
            end = text.find(text[pos], pos + 1)
            if end < 0:
                raise HTMLParseError(f'unclosed attribute value in tag "{tag}" at offset {pos}')
            attrs[name] = _unescape(text[pos + 1 : end], pos + 1)
            pos = end + 1
        else:
            start = pos
            while pos < n and not text[pos].isspace() and text[pos] not in ">\"'<=`":
                pos += 1
            attrs[name] = _unescape(text[start:pos], start)


def parse_html(text: str, *, reject_unknown_tags: bool = False) -> ParsedHTML:
    """Parse ``text`` as MAX does for ``format: "html"``; raise :class:`HTMLParseError`."""
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    markup: list[dict[str, Any]] = []
    stripped: list[str] = []
    i = 0
    n = len(text)

    def emit(chunk: str) -> None:
        nonlocal pos16
        out.append(chunk)
        pos16 += utf16_length(chunk)

    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = char_reference(text, i, _NAMED_ENTITIES)
            if decoded is None:
                raise HTMLParseError(f"bare '&' at offset {i}: escape it as &amp;")
            emit(decoded[0])
            i = decoded[1]
            continue
        if ch != "<":
            j = i + 1
            while j < n and text[j] not in "<&":
                j += 1
            emit(text[i:j])
            i = j
            continue
        closing = text.startswith("</", i)
        match = _TAG_NAME_RE.match(text, i + (2 if closing else 1))
        if match is None:
            raise HTMLParseError(f"bare '<' at offset {i}: escape it as &lt;")
        name = match.group(0).lower()
        known = name in MARKUP_TYPES
        if not known and reject_unknown_tags:
            raise HTMLParseError(f'unsupported tag "{name}" at offset {i}')
        if closing:
            end = match.end()
            while end < n and text[end].isspace():
                end += 1
            if end >= n or text[end] != ">":
                raise HTMLParseError(f'unclosed end tag "{name}" at offset {i}')
            if not stack or stack[-1].name != name:
                expected = f'"</{stack[-1].name}>"' if stack else "no end tag"
                raise HTMLParseError(
                    f'unexpected end tag "</{name}>" at offset {i}, expected {expected}'
                )
            top = stack.pop()
            if known:
                _close(top, pos16, markup, stack)
            i = end + 1
            continue
        attrs, after = _attrs(text, match.end(), name, i)
        self_closing = text[after - 2 : after] == "/>"
        if not known:
            stripped.append(name)
            if not self_closing:
                stack.append(_Open(name, i, pos16, attrs))
            i = after
            continue
        if self_closing:
            raise HTMLParseError(f'tag "{name}" cannot be self-closing at offset {i}')
        if name == "a":
            href = attrs.get("href", "")
            if not href:
                raise HTMLParseError(f'tag "a" without href at offset {i}')
            if len(href) > MAX_LINK_URL:
                raise HTMLParseError(f"link URL longer than {MAX_LINK_URL} at offset {i}")
        stack.append(_Open(name, i, pos16, attrs))
        i = after

    if stack:
        top = stack[-1]
        raise HTMLParseError(f'no end tag for "<{top.name}>" opened at offset {top.offset}')
    markup.sort(key=lambda m: (m["from"], -m["length"]))
    return ParsedHTML("".join(out), markup, stripped)


def _close(tag: _Open, end16: int, markup: list[dict[str, Any]], stack: list[_Open]) -> None:
    length = end16 - tag.start
    if length <= 0:
        return
    kind = MARKUP_TYPES[tag.name]
    if tag.name == "code" and any(o.name == "pre" for o in stack):
        return  # <pre><code>…</code></pre> is one monospaced block
    element: dict[str, Any] = {"type": kind, "from": tag.start, "length": length}
    if kind == "link":
        element["url"] = tag.attrs["href"]
    markup.append(element)


def markup_text(text: str, element: dict[str, Any]) -> str:
    """The part of ``text`` a markup element covers."""
    units = text.encode("utf-16-le")
    start = element["from"] * 2
    return units[start : start + element["length"] * 2].decode("utf-16-le")
