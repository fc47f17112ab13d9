"""/news: the news and class events a person was sent, to read again (services.messages.
news_reads).

The list shows a page, newest first: a numbered line per item (its day, school or the class
with the reader's child, a preview; 📎 with a file, 🆕 before "Ознакомлен"), a button per
number, "Ранее ▶" to older ones and "◀ К новым" back. An item is shown whole with its file (the
photo or document by its messenger reference, as the alert sent it) and "Ознакомлен" while the
reader has not acknowledged it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id, OptId
from screens.family.render import date_short
from screens.screen import Attachment, Button, Row, Screen, rows_of
from services.calendar import is_all_day
from services.enums import NewsKind
from services.messages.news_reads import NewsItem, NewsLine, NewsPage
from services.richtext import clean_html, escape


class NewsListCb(Action, prefix="nwl"):
    a: OptId = 0  # the page after this item's id; 0: the newest


class NewsOpenCb(Action, prefix="nwo"):
    i: Id  # the item (checked again by the service)
    a: OptId = 0  # the list page it was opened from


class NewsAckCb(Action, prefix="nwk"):
    i: Id
    a: OptId = 0


def _local(at: dt.datetime, tz: str) -> dt.datetime:
    return at.astimezone(ZoneInfo(tz))


def _line(t: Translator, n: int, line: NewsLine, tz: str) -> str:
    day = date_short(t, _local(line.created_at, tz).date())
    text = escape(line.title or line.preview)
    if line.title and line.preview:
        text = f"<b>{escape(line.title)}</b> — {escape(line.preview)}"
    if line.kind == NewsKind.CLASS_EVENT:
        out = t(
            "news.line_class",
            n=n,
            date=day,
            class_name=escape(line.class_name or ""),
            children=escape(", ".join(line.children)),
            text=text,
        )
    else:
        out = t("news.line_school", n=n, date=day, text=text)
    if line.has_file:
        out += " " + t("news.line_file")
    if not line.acknowledged:
        out = t("news.line_new") + " " + out
    return out


def list_screen(t: Translator, page: NewsPage, tz: str, *, after: int = 0) -> Screen:
    """A page of the list; ``after``: the cursor this page was opened with (0: the newest)."""
    if not page.items:
        rows: tuple[Row, ...] = ()
        if not page.first:
            rows = ((Button(t("news.btn.newest"), NewsListCb(a=0)),),)
        return Screen(("\n".join([t("news.title"), t("news.empty")]),), rows)
    lines = [t("news.title"), ""]
    lines += [_line(t, n, line, tz) for n, line in enumerate(page.items, 1)]
    lines += ["", t("news.hint")]
    numbers = [
        Button(str(n), NewsOpenCb(i=line.id, a=after)) for n, line in enumerate(page.items, 1)
    ]
    nav: list[Button] = []
    if not page.first:
        nav.append(Button(t("news.btn.newest"), NewsListCb(a=0)))
    if page.next_after is not None:
        nav.append(Button(t("news.btn.older"), NewsListCb(a=page.next_after)))
    rows = rows_of(numbers, len(numbers))
    if nav:
        rows = (*rows, tuple(nav))
    return Screen(("\n".join(lines),), rows)


def item_screen(
    t: Translator, item: NewsItem, tz: str, *, after: int = 0, with_file: bool = True
) -> Screen:
    """One item whole: heading, title, body, author, the event's date; "Ознакомлен" until
    given; the file after it (``with_file``: not again when only the receipt changed)."""
    line = item.line
    day = date_short(t, _local(line.created_at, tz).date())
    if line.kind == NewsKind.CLASS_EVENT:
        head = t(
            "news.item_class",
            class_name=escape(line.class_name or ""),
            children=escape(", ".join(line.children)),
            date=day,
        )
    else:
        head = t("news.item_school", date=day)
    parts = [head]
    if line.title:
        parts.append(f"<b>{escape(line.title)}</b>")
    parts.append(clean_html(item.body))  # the checked HTML subset, as the alert shows it
    if item.author:
        parts.append(t("news.item_from", author=escape(item.author)))
    if line.event_at is not None:
        when = _local(line.event_at, tz)
        if is_all_day(when):  # an all-day event: its day alone
            parts.append(t("news.item_event_day", date=date_short(t, when.date())))
        else:
            day = date_short(t, when.date())
            parts.append(t("news.item_event_at", date=day, time=when.strftime("%H:%M")))
    if line.acknowledged:
        parts.append(t("news.item_acknowledged"))
    buttons: list[Button] = []
    if not line.acknowledged:
        buttons.append(Button(t("news.btn.ack"), NewsAckCb(i=line.id, a=after)))
    buttons.append(Button(t("news.btn.list"), NewsListCb(a=after)))
    attachments: tuple[Attachment, ...] = ()
    if with_file and item.attachment_ref:
        if item.attachment_kind == "photo":
            attachments = (Attachment("photo", ref=item.attachment_ref),)
        else:
            attachments = (Attachment("document", ref=item.attachment_ref),)
    return Screen(("\n".join(parts),), rows_of(buttons, 1), attachments=attachments)
