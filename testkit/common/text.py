"""Text helpers both servers' markup parsers use: UTF-16 lengths and character references."""

from __future__ import annotations

import re
from collections.abc import Mapping

_REFERENCE_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as both messengers count offsets and limits (an emoji
    outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def char_reference(text: str, pos: int, named: Mapping[str, str]) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos]`` (``&#NN;``, ``&#xHH;`` or one of
    ``named``, case-insensitive): the character and the position after the ``;``, or None
    if there is none there or it names no valid character."""
    match = _REFERENCE_RE.match(text, pos)
    if match is None:
        return None
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()
    value = named.get(body.lower())
    return (value, match.end()) if value is not None else None
