"""User text in messages: the one rule for it, and Telegram's length limits.

The rule (docs/user-text.md):

* Everything people type or import — names, homework, lesson topics, mark comments, reasons of
  absences and notices, titles — is stored **as typed, plain text** and escaped **exactly
  once**, by the screen or alert renderer that puts it into an HTML message (:func:`escape`).
  Nothing is escaped on the way into the database, and nothing escaped comes out of it.
* The one exception is the body of a broadcast (a class event or school news): it keeps the
  sender's formatting, so it is stored as a **checked subset of Telegram HTML**
  (:func:`clean_html`: bold, italic, underline, strikethrough, spoiler, code, pre, blockquote
  and http(s)/tg links; every other tag is dropped, its text kept and escaped — a custom
  emoji keeps its ordinary emoji, which a bot can always send).
  Such a body is put into a message as it is — never escaped again — and is checked once more
  when it is rendered, so a row written some other way cannot inject markup either.

Length: Telegram counts the *visible* text after the HTML is parsed, in UTF-16 code units
(an emoji outside the BMP counts 2): at most :data:`TEXT_LIMIT` for a message and
:data:`CAPTION_LIMIT` for a caption. :func:`visible_length` measures that way;
:func:`split_html` cuts a long message into parts with balanced tags (at a paragraph, line or
word boundary when there is one late enough); :func:`shorten_html` keeps the first part with
an ellipsis; :func:`fit_lines` keeps the head and tail lines of a list and says how many lines
of the middle were left out.

Pure functions, no messenger import: the bot's screens, the alert renderer and the services
use the same code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

# Tags of the checked subset, with the names Telegram also accepts mapped to one spelling.
_CANONICAL = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "tg-spoiler": "tg-spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
}
_LINK_SCHEMES = ("http://", "https://", "tg://user?id=")
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,32}")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def escape(text: object) -> str:
    """Plain text (as typed or imported) for an HTML message: ``<``, ``>`` and ``&`` escaped."""
    return html.escape(str(text), quote=False)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- the checked subset


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def _inside_code(self) -> bool:
        return any(tag in ("code", "pre") for tag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        name = _CANONICAL.get(tag.lower())
        if tag.lower() == "span" and values.get("class") == "tg-spoiler":
            name = "tg-spoiler"
        if name is None:
            return
        attr = ""
        if self._inside_code():
            # Nothing is formatted inside code, except the language of a <pre><code> block.
            if not (name == "code" and self.stack == ["pre"]):
                return
            language = values.get("class", "")
            if _LANGUAGE.fullmatch(language):
                attr = f' class="{language}"'
        elif name == "a":
            href = values.get("href", "").strip()
            if "a" in self.stack or not href.lower().startswith(_LINK_SCHEMES):
                return
            attr = f' href="{html.escape(href, quote=True)}"'
        elif name == "blockquote":
            if "blockquote" in self.stack:
                return
            if "expandable" in values:
                attr = " expandable"
        elif name in self.stack:
            return  # <b><b>…</b></b> is one entity
        self.stack.append(name)
        self.out.append(f"<{name}{attr}>")

    def handle_endtag(self, tag: str) -> None:
        name = _CANONICAL.get(tag.lower(), "tg-spoiler" if tag.lower() == "span" else None)
        if name is None or name not in self.stack:
            return
        # Close everything opened after it (misnested markup cannot produce overlapping tags).
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == name:
                break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data))

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def clean_html(text: str) -> str:
    """Formatted user text (e.g. aiogram's ``message.html_text``) as the checked subset of
    Telegram HTML: allowed tags with their allowed attributes only, balanced, text escaped.
    Idempotent: a cleaned text comes back unchanged."""
    cleaner = _Cleaner()
    cleaner.feed(text)
    return cleaner.result()


# --------------------------------------------------------------------------- visible text


@dataclass(frozen=True, slots=True)
class _Atom:
    """One piece of an HTML message: a tag, or one visible character with its source form."""

    src: str
    char: str = ""  # the visible character ("" for a tag)
    tag: str = ""  # the tag name of a start tag, "/" + name of an end tag
    width: int = 0  # UTF-16 units of ``char``


def _char(src: str, char: str) -> _Atom:
    return _Atom(src, char=char, width=2 if ord(char) > 0xFFFF else 1)


def _decode(entity: re.Match[str]) -> str | None:
    body = entity.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code)
    return _NAMED.get(body.lower())


def _atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if match is not None:
                name = match.group(2).lower()
                atoms.append(_Atom(match.group(0), tag=("/" + name) if match.group(1) else name))
                i = match.end()
                continue
        if ch == "&":
            match = _ENTITY.match(text, i)
            decoded = _decode(match) if match is not None else None
            if match is not None and decoded is not None:
                atoms.append(_char(match.group(0), decoded))
                i = match.end()
                continue
        atoms.append(_char(ch, ch))
        i += 1
    return atoms


def _entity_char(match: re.Match[str]) -> str:
    decoded = _decode(match)
    return match.group(0) if decoded is None else decoded


def visible_text(text: str) -> str:
    """What the recipient reads: tags removed, entities decoded."""
    if "<" not in text and "&" not in text:
        return text
    return _ENTITY.sub(_entity_char, _TAG.sub("", text))


def visible_length(text: str) -> int:
    """The length Telegram checks: visible text in UTF-16 code units."""
    return utf16_length(visible_text(text))


# --------------------------------------------------------------------------- splitting


def _open_tags(atoms: Sequence[_Atom]) -> list[_Atom]:
    stack: list[_Atom] = []
    for atom in atoms:
        if not atom.tag:
            continue
        if atom.tag.startswith("/"):
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].tag == atom.tag[1:]:
                    del stack[k]
                    break
        else:
            stack.append(atom)
    return stack


def _closing(stack: Sequence[_Atom]) -> str:
    return "".join(f"</{a.tag}>" for a in reversed(stack))


def _break_at(atoms: Sequence[_Atom], start: int, end: int, limit: int) -> tuple[int, int]:
    """Where to cut ``atoms[start:end]`` (``end``: the first atom over the limit): after a
    paragraph, a line or a word in the second half of the part, else right at ``end``.
    Returns (end of this part, start of the next)."""
    for separators in ("\n\n", "\n", " "):
        width = 0
        best = -1
        for k in range(start, end):
            atom = atoms[k]
            width += atom.width
            if width < limit // 2:
                continue
            if separators == "\n\n":
                if atom.char == "\n" and k > start and atoms[k - 1].char == "\n":
                    best = k - 1
            elif atom.char == separators:
                best = k
        if best != -1:
            return best, best + 1
    return end, end


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``text`` as parts of at most ``limit`` visible UTF-16 units each, tags closed at the end
    of a part and opened again at the start of the next; never cut inside a tag or an entity."""
    if limit < 2:
        raise ValueError("limit too small")
    if visible_length(text) <= limit:
        return [text]
    atoms = _atoms(text)
    parts: list[str] = []
    carried: list[_Atom] = []  # tags open where the previous part was cut
    start = 0
    n = len(atoms)
    while start < n:
        width = 0
        end = start
        while end < n and width + atoms[end].width <= limit:
            width += atoms[end].width
            end += 1
        if end >= n:
            cut, resume = n, n
        else:
            cut, resume = _break_at(atoms, start, end, limit)
        body = atoms[start:cut]
        stack = _open_tags([*carried, *body])
        part = "".join(a.src for a in carried) + "".join(a.src for a in body) + _closing(stack)
        if visible_text(part).strip():
            parts.append(part)
        carried = stack
        # The next part starts after the break; a separator at its very start is dropped.
        start = resume
        while start < n and atoms[start].char in ("\n", " "):
            start += 1
    return parts or [text]


def shorten_html(text: str, limit: int = TEXT_LIMIT, ellipsis: str = "…") -> str:
    """``text`` cut to ``limit`` visible units (tags balanced), with ``ellipsis`` when cut."""
    if visible_length(text) <= limit:
        return text
    room = limit - utf16_length(ellipsis) - 1
    return split_html(text, max(room, 2))[0] + "\n" + escape(ellipsis)


def fit_lines(
    head: Sequence[str],
    body: Sequence[str],
    tail: Sequence[str],
    more: Callable[[int], str],
    limit: int = TEXT_LIMIT,
    sep: str = "\n",
) -> str:
    """One message of ``head`` + as many ``body`` lines as fit + ``tail``; when lines are left
    out, ``more(count)`` (an HTML line) says how many. Each line must be balanced HTML."""
    full = sep.join([*head, *body, *tail])
    if visible_length(full) <= limit:
        return full
    fixed = visible_length(sep.join([*head, *tail]))
    kept: list[str] = []
    used = fixed
    for k, line in enumerate(body):
        note = visible_length(more(len(body) - k)) + 2 * len(sep)
        cost = visible_length(line) + len(sep)
        if used + cost + note > limit:
            break
        kept.append(line)
        used += cost
    dropped = len(body) - len(kept)
    text = sep.join([*head, *kept, more(dropped), *tail])
    return shorten_html(text, limit)
