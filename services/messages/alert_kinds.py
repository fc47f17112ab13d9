"""The messages domain's notification kinds: a class event and school news, each with its
"acknowledged" button (services.notifications.kinds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from i18n import format_date
from services.calendar import is_all_day
from services.models import NotificationPrefs
from services.notifications.kinds import (
    AlertMessage,
    Kind,
    Payload,
    Value,
    escape,
    t,
    turned_off,
)
from services.richtext import clean_html


class NewsText(Payload):
    """The broadcast as the worker read it (the row holds only its id)."""

    title: Value = None
    body: Value = None
    class_name: Value = Field("", alias="class")
    author: Value = None
    attachment_kind: str | None = None
    attachment_ref: str | None = None
    event_at: str | None = None  # the event's school-local "YYYY-MM-DDTHH:MM:SS", if dated


def event_line(lang: str, local: dt.datetime) -> str:
    """ "📅 25 декабря, 18:00"; an all-day event (kept at local midnight): "📅 25 декабря"."""
    day = format_date(lang, local.date(), "day_month")
    if is_all_day(local):
        return t(lang, "events.when_day", day=day)
    return t(lang, "events.when", day=day, time=f"{local:%H:%M}")


def _event_of(news: NewsText) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(news.event_at) if news.event_at else None
    except ValueError:
        return None


class NewsPayload(Payload):
    news_id: int | None = None
    news: NewsText | None = None  # None: the news was deleted


def _news_text(school: bool, *, author: bool = True) -> Any:
    """The broadcast as it was written; without ``author`` (the minimal personal data mode)
    without the sender's name."""

    def text(p: NewsPayload, lang: str) -> str:
        news = p.news or NewsText()
        head = (
            t(lang, "notify.news.school")
            if school
            else t(lang, "notify.news.class_event", class_name=news.class_name)
        )
        lines = [head]
        if news.title:
            lines.append(f"<b>{escape(news.title)}</b>")
        when = _event_of(news)
        if when is not None:
            lines.append(event_line(lang, when))
        # The body is the sender's formatted text, stored as the checked HTML subset: checked
        # again here (a row written some other way cannot inject markup) and not escaped again.
        lines.append(clean_html(str(news.body or "")))
        if author and news.author:
            lines.append(t(lang, "notify.news.from", author=news.author))
        return "\n".join(lines)

    return text


def _news_message(p: NewsPayload, lang: str, text: str) -> AlertMessage:
    """The text with the broadcast's file, if it has one."""
    news = p.news or NewsText()
    if news.attachment_ref:
        return AlertMessage(text, news.attachment_kind or "document", news.attachment_ref)
    return AlertMessage(text)


def _deleted(p: NewsPayload, prefs: NotificationPrefs | None) -> str | None:
    return "news deleted" if p.news is None else None


def _news_kind(name: str, school: bool) -> Kind[NewsPayload]:
    return Kind(
        name,
        NewsPayload,
        _news_text(school),
        message_of=_news_message,
        brief=_news_text(school, author=False),
        gates=(turned_off("news"), _deleted),
        alone=True,
    )


NEWS_CLASS = _news_kind("news.class", school=False)
NEWS_SCHOOL = _news_kind("news.school", school=True)

KINDS: tuple[Kind[Any], ...] = (NEWS_CLASS, NEWS_SCHOOL)
