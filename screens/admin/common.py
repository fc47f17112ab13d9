"""Parts the office's screens share: the way back to the menu, the page size of its pickers,
moments as the office reads them, and long lists cut into messages of the size a messenger takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.admin.actions import OfficeCb
from screens.screen import Button, Row, Screen, rows_of
from services.richtext import TEXT_LIMIT, shorten_html, visible_length

MAX_TEXT = TEXT_LIMIT
PAGE = 24


def when(moment: dt.datetime | None) -> str:
    return moment.strftime("%d.%m.%Y %H:%M") if moment is not None else "—"


def home_row(t: Translator) -> Row:
    """The last row of most office screens: back to the /admin menu."""
    return (Button(t("office.menu.home"), OfficeCb(action="home")),)


def one_per_row(buttons: Sequence[Button]) -> tuple[Row, ...]:
    return rows_of(buttons, 1)


def text_screen(text: str, rows: Sequence[Row] = (), *, replace: bool = True) -> Screen:
    """One message (shortened if it is longer than a message may be) with its buttons."""
    return Screen((shorten_html(text),), tuple(row for row in rows if row), replace=replace)


def long_screen(lines: Sequence[str], rows: Sequence[Row] = ()) -> Screen:
    """A long list in as many messages as it takes; the buttons go under the last one."""
    return Screen(tuple(chunks(lines)), tuple(row for row in rows if row))


def chunks(lines: Sequence[str], limit: int = MAX_TEXT, sep: str = "\n") -> list[str]:
    """Join lines into messages of at most ``limit`` characters as Telegram counts them (visible
    text after the HTML is parsed, UTF-16 units); a longer line is cut, its tags kept balanced."""
    out: list[str] = []
    current = ""
    size = 0
    gap = visible_length(sep)
    for line in lines:
        line = shorten_html(line, limit)
        width = visible_length(line)
        if current and size + gap + width > limit:
            out.append(current)
            current, size = line, width
        elif current:
            current, size = f"{current}{sep}{line}", size + gap + width
        else:
            current, size = line, width
    if current or not out:
        out.append(current)
    return out
