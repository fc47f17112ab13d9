"""A neutral screen as a MAX message: ``NewMessageBody`` with the text in MAX's HTML and the
buttons as an ``inline_keyboard`` attachment.

The screens' markup (docs/user-text.md: ``<b> <i> <u> <s> <code> <pre> <a href>``) is a subset
of what MAX's HTML format accepts, so the text goes as it is. A button with an action is a
``callback`` button whose payload is the action packed as for Telegram (at most 64 bytes, far
under MAX's 1024 characters, and checked the same way when it comes back); a button with a url
is a ``link`` button.
"""

from __future__ import annotations

from typing import Any

from maxbot.client import BUTTON_TEXT_LIMIT, PAYLOAD_LIMIT
from screens.screen import Button, Screen

# MAX's keyboard limits (the official clients: 30 rows, 7 buttons a row, 210 buttons).
MAX_ROWS = 30
MAX_ROW_BUTTONS = 7
MAX_BUTTONS = 210


def button(b: Button) -> dict[str, Any]:
    text = b.text[:BUTTON_TEXT_LIMIT]
    if b.url is not None:
        return {"type": "link", "text": text, "url": b.url}
    assert b.action is not None
    payload = b.action.pack()
    if len(payload) > PAYLOAD_LIMIT:
        raise ValueError(f"a button's payload exceeds {PAYLOAD_LIMIT} characters")
    return {"type": "callback", "text": text, "payload": payload}


def keyboard(screen: Screen) -> dict[str, Any] | None:
    """The ``inline_keyboard`` attachment of a screen (None when it has no buttons)."""
    rows = [row for row in screen.rows if row]
    if not rows:
        return None
    if len(rows) > MAX_ROWS or any(len(row) > MAX_ROW_BUTTONS for row in rows):
        raise ValueError("the keyboard exceeds MAX's rows or buttons per row")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError(f"a keyboard holds at most {MAX_BUTTONS} buttons")
    return {
        "type": "inline_keyboard",
        "payload": {"buttons": [[button(b) for b in row] for row in rows]},
    }


def body(
    text: str,
    screen: Screen | None = None,
    *,
    attachments: list[dict[str, Any]] | None = None,
    notify: bool = True,
) -> dict[str, Any]:
    """A ``NewMessageBody``: ``text`` in MAX's HTML, the screen's keyboard, other
    attachments (an uploaded file) before it."""
    out: dict[str, Any] = {"text": text, "format": "html"}
    items = list(attachments or [])
    kb = keyboard(screen) if screen is not None else None
    if kb is not None:
        items.append(kb)
    if items:
        out["attachments"] = items
    if not notify:
        out["notify"] = False
    return out
