"""The news screens as rendered: an event at a time, an all-day event, the pager's buttons."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from i18n import translator
from screens.family.news import NewsListCb, NewsOpenCb, item_screen, list_screen
from services.enums import NewsKind
from services.messages.news_reads import NewsItem, NewsLine, NewsPage

MSK = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=MSK).astimezone(dt.UTC)


def line(news_id: int, event_at: dt.datetime | None) -> NewsLine:
    return NewsLine(
        news_id, NewsKind.SCHOOL_NEWS, None, "День открытых дверей", at(16, 12), event_at,
        None, (), False, True,
    )  # fmt: skip


def test_an_all_day_event_shows_its_day_alone() -> None:
    t = translator("ru")
    timed = item_screen(t, NewsItem(line(1, at(20, 9)), "x", "", None, None), "Europe/Moscow")
    whole = item_screen(t, NewsItem(line(1, at(24, 0)), "x", "", None, None), "Europe/Moscow")
    assert "🗓 Когда: 20 ноября, 09:00" in timed.texts[0]
    assert whole.texts[0].endswith("🗓 Когда: 24 ноября\n✅ Вы отметили «Ознакомлен».")


def test_the_pager_buttons() -> None:
    t = translator("en")
    page = NewsPage((line(7, None), line(5, None)), 5, False)
    screen = list_screen(t, page, "Europe/Moscow", after=9)
    assert [b.action for b in screen.buttons] == [
        NewsOpenCb(i=7, a=9),
        NewsOpenCb(i=5, a=9),
        NewsListCb(a=0),
        NewsListCb(a=5),
    ]
    assert [b.text for b in screen.buttons] == ["1", "2", "◀ Newest", "Earlier ▶"]
    assert "1. 16 November · School: День открытых дверей" in screen.texts[0]
