"""MAX-flavoured Markdown (``format: "markdown"``): plain text plus ``markup`` elements.

The syntax the schema lists: ``*em*``/``_em_``, ``**strong**``/``__strong__``,
``~~strike~~``, ``++underline++``, ```code``` and ````` ```code``` `````, ``^^highlight^^``,
``[text](url)`` (``max://user/ID`` is a user mention), ``> quote`` and ``# Header`` lines.
A backslash escapes the next character.  Markdown is lenient, as CommonMark is: a marker
without its closing twin stays literal text, so nothing here answers 400.
Offsets are UTF-16 code units, as for HTML.
"""

from __future__ import annotations

import re
from typing import Any

from testkit.maxapi.html import ParsedHTML, utf16_length

_PAIRS = (
    ("```", "monospaced"),
    ("**", "strong"),
    ("__", "strong"),
    ("~~", "strikethrough"),
    ("++", "underline"),
    ("^^", "highlighted"),
    ("`", "monospaced"),
    ("*", "emphasized"),
    ("_", "emphasized"),
)
_LINK_RE = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_MENTION_RE = re.compile(r"max://user/(\d+)")
_ESCAPABLE = set("\\*_~+^`[]()#>")


def _inline(text: str, base: int, markup: list[dict[str, Any]]) -> str:
    """Parse one line's inline markup; ``base`` is the line's UTF-16 offset."""
    out: list[str] = []
    pos16 = base
    i = 0
    n = len(text)

    def emit(chunk: str) -> None:
        nonlocal pos16
        out.append(chunk)
        pos16 += utf16_length(chunk)

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _ESCAPABLE:
            emit(text[i + 1])
            i += 2
            continue
        if ch == "[":
            match = _LINK_RE.match(text, i)
            if match is not None:
                start = pos16
                inner = _inline(match.group(1), start, markup)
                emit(inner)
                url = match.group(2)
                mention = _MENTION_RE.fullmatch(url)
                element: dict[str, Any] = {"from": start, "length": pos16 - start}
                if mention:
                    element.update(type="user_mention", user_id=int(mention.group(1)))
                else:
                    element.update(type="link", url=url)
                markup.append(element)
                i = match.end()
                continue
        for marker, kind in _PAIRS:
            if not text.startswith(marker, i):
                continue
            end = text.find(marker, i + len(marker))
            if end <= i + len(marker):
                continue
            body = text[i + len(marker) : end]
            if kind != "monospaced" and (body[0].isspace() or body[-1].isspace()):
                continue  # not flanking: "5 * 3 * 4" has no emphasis
            after = end + len(marker)
            if marker[0] == "_" and (
                (i > 0 and text[i - 1].isalnum()) or (after < n and text[after].isalnum())
            ):
                continue  # intraword underscores (snake_case) are literal
            start = pos16
            if kind == "monospaced":
                emit(body)
            else:
                emit(_inline(body, start, markup))
            markup.append({"type": kind, "from": start, "length": pos16 - start})
            i = end + len(marker)
            break
        else:
            emit(ch)
            i += 1
    return "".join(out)


def parse_markdown(text: str) -> ParsedHTML:
    """Return the visible text and its markup (never raises)."""
    markup: list[dict[str, Any]] = []
    lines_out: list[str] = []
    pos16 = 0
    for line in text.split("\n"):
        kind = None
        if line.startswith("> "):
            kind, line = "quote", line[2:]
        elif line.startswith("# "):
            kind, line = "heading", line[2:]
        visible = _inline(line, pos16, markup)
        if kind is not None and visible:
            markup.append({"type": kind, "from": pos16, "length": utf16_length(visible)})
        lines_out.append(visible)
        pos16 += utf16_length(visible) + 1
    markup.sort(key=lambda m: (m["from"], -m["length"]))
    return ParsedHTML("\n".join(lines_out), markup)
