"""An all-day event (a date without a time in /broadcast, kept at the school's local midnight)
is shown by its day alone by every reader, in Russian and in English: the diary's day and week,
the weekly summary's week ahead, the evening-before reminder, the news item and the broadcast's
alert. Never "00:00". (The calendar feed's all-day item: tests/calendar_feed/test_links_feed.py.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import translator
from notifications import jobs, render
from screens.family.diary import diary_screen
from screens.family.news import item_screen
from services.calendar import is_all_day
from services.enums import NewsKind
from services.messages.event_reminders import EVENT_REMINDER
from services.messages.news_reads import NewsItem, NewsLine
from services.models import News, OutboxMessage
from services.timetable import diary
from tests.factories import MSK, NOW, TODAY, SchoolWorld, at

from .test_works import EVENT_DAY, SUNDAY, TUESDAY, works_world

LANGS = ("ru", "en")


async def world_with_whole_days(session: AsyncSession) -> SchoolWorld:
    """The works world and two all-day items: school news «День открытых дверей» tomorrow
    (EVENT_DAY) and 7А's «Поход» on Tuesday 24.11, both at the school's midnight."""
    w = await works_world(session)
    session.add_all(
        [
            News(
                school_id=w.school.id,
                kind=NewsKind.SCHOOL_NEWS,
                author_id=w.director.id,
                title="День открытых дверей",
                body="День открытых дверей",
                event_at=at(EVENT_DAY, 0),
            ),
            News(
                school_id=w.school.id,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.cls.id,
                author_id=w.class_teacher.id,
                title="Поход",
                body="Поход",
                event_at=at(TUESDAY, 0),
            ),
        ]
    )
    await session.commit()
    return w


def test_the_rule_is_the_local_midnight() -> None:
    assert is_all_day(dt.datetime(2026, 11, 19, 0, 0, tzinfo=MSK))
    assert not is_all_day(dt.datetime(2026, 11, 19, 0, 1, tzinfo=MSK))
    # the instant as stored (UTC) is not the school's midnight: readers convert first
    assert not is_all_day(at(EVENT_DAY, 0))


DIARY_DAY = {
    "ru": "Четверг, 19 ноября</b>\n📅 День открытых дверей, весь день\n"
    "📅 Родительское собрание, 18:00",
    "en": "Thursday, 19 November</b>\n📅 День открытых дверей, all day\n"
    "📅 Родительское собрание, 18:00",
}


@pytest.mark.parametrize("lang", LANGS)
async def test_the_diary_day_and_week(session: AsyncSession, lang: str) -> None:
    w = await world_with_whole_days(session)
    parent = w.actors["parent"]
    t = translator(lang)
    s0 = w.students[0].id
    week = await diary.diary_page(session, parent, s0, TODAY, EVENT_DAY, NOW)
    text = "\n".join(diary_screen(t, week, week=True).texts)
    assert DIARY_DAY[lang] in text
    day = await diary.diary_page(session, parent, s0, EVENT_DAY, EVENT_DAY, NOW)
    text = "\n".join(diary_screen(t, day, week=False).texts)
    assert DIARY_DAY[lang].split("</b>\n", 1)[1] in text
    assert "00:00" not in text


AHEAD = {
    "ru": "На следующей неделе:\n"
    "• вт 24.11 — Математика, контрольная работа «Дроби»\n"
    "• вт 24.11 — 📅 Поход\n"
    "• вт 24.11, 15:30 — 📅 Концерт",
    "en": "Next week:\n"
    "• Tue 24.11 — Математика, test “Дроби”\n"
    "• Tue 24.11 — 📅 Поход\n"
    "• Tue 24.11, 15:30 — 📅 Концерт",
}


@pytest.mark.parametrize("lang", LANGS)
async def test_the_weekly_summarys_week_ahead(session: AsyncSession, lang: str) -> None:
    w = await world_with_whole_days(session)
    await jobs.weekly_summary(session, [w.school], SUNDAY, at(SUNDAY, 18))
    await session.commit()
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "summary.weekly",
            OutboxMessage.recipient_person_id == w.parent.id,
        )
    )
    assert row is not None
    (child,) = row.payload["children"]
    assert {"date": "2026-11-24", "all_day": True, "title": "Поход"} in child["ahead"]
    text = render.render_text("summary.weekly", row.payload, lang)
    assert text.endswith(AHEAD[lang])


REMINDER = {
    "ru": "📅 <b>Завтра, чт 19.11:</b> День открытых дверей",
    "en": "📅 <b>Tomorrow, Thu 19.11:</b> День открытых дверей",
}


@pytest.mark.parametrize("lang", LANGS)
async def test_the_evening_before_reminder(session: AsyncSession, lang: str) -> None:
    w = await world_with_whole_days(session)
    # the scheduled job's fan-out row, expanded as the worker does
    assert await jobs.event_reminder_fanout(session, [w.school], TODAY, at(TODAY, 18, 30)) == {
        w.school.id: 1
    }
    made, cursor = await jobs.expand(
        session, w.school.id, {"kind": EVENT_REMINDER.name, "day": TODAY.isoformat()}, 1000
    )
    assert cursor is None
    whole = [m for m in made if m["payload"]["title"] == "День открытых дверей"]
    assert whole and all(m["recipient_person_id"] != w.director.id for m in whole)
    payload = whole[0]["payload"]
    assert payload.get("all_day") is True and "time" not in payload
    assert render.render_text(EVENT_REMINDER.name, payload, lang) == REMINDER[lang]
    # 7А's meeting at 18:00 the same evening keeps its time
    meeting = next(m for m in made if m["payload"]["title"] == "Родительское собрание")
    assert "18:00" in render.render_text(EVENT_REMINDER.name, meeting["payload"], lang)


NEWS_ITEM = {"ru": "🗓 Когда: 19 ноября", "en": "🗓 When: 19 November"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_news_item(lang: str) -> None:
    line = NewsLine(
        1, NewsKind.SCHOOL_NEWS, None, "День открытых дверей", NOW, at(EVENT_DAY, 0),
        None, (), False, False,
    )  # fmt: skip
    screen = item_screen(translator(lang), NewsItem(line, "x", "", None, None), "Europe/Moscow")
    assert NEWS_ITEM[lang] in screen.texts[0].split("\n")
    assert "00:00" not in screen.texts[0]


ALERT = {"ru": ["📣 Новости школы", "📅 19 ноября"], "en": ["📣 School news", "📅 19 November"]}


@pytest.mark.parametrize("lang", LANGS)
def test_the_broadcasts_alert(lang: str) -> None:
    payload = {
        "news_id": 1,
        "news": {"body": "День открытых дверей", "event_at": "2026-11-19T00:00:00"},
    }
    text = render.render_text("news.school", payload, lang)
    lines = [line.replace("<b>", "").replace("</b>", "") for line in text.split("\n")]
    assert lines[:2] == ALERT[lang]
    assert "00:00" not in text
