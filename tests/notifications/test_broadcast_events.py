"""A broadcast with the event's date: kept as a UTC instant from school time, refused in the
past or after the school year, audited, shown in the alert as "📅 25 декабря, 18:00" and in
the family's diary on its day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.worker import Worker
from services.errors import ValidationFailed
from services.messages import broadcasts
from services.models import AuditEntry, News, School
from services.timetable.diary import dated_events
from testkit.botapi import BotAPIServer
from testkit.botapi.html import seen

from .conftest import FakeClock, World


async def test_a_dated_class_event_reaches_parents_with_its_date_and_the_diary(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    news = await broadcasts.create_broadcast(
        session,
        w.actors["class_teacher"],
        class_id=w.cls.id,
        text="Родительское собрание",
        event_at=dt.datetime.fromisoformat("2026-12-25T18:00"),  # school time (Moscow)
        now=clock(),
    )
    assert news.event_at == dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC)
    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "news.create"))
    assert audit is not None and audit.after is not None
    assert audit.after["event_at"] == "2026-12-25T15:00:00+00:00"
    await worker.run_once()
    [msg] = server.sent_to(world.chats["parent"])
    lines = seen(msg.content).text.split("\n")
    assert lines[:3] == ["📣 Класс 7А", "📅 25 декабря, 18:00", "Родительское собрание"]
    school = await session.get(School, w.school.id)
    assert school is not None
    days = await dated_events(
        session, school, w.students[0].id, dt.date(2026, 12, 21), dt.date(2026, 12, 27)
    )
    assert list(days) == [dt.date(2026, 12, 25)]
    [event] = days[dt.date(2026, 12, 25)]
    assert (event.at.hour, event.at.minute) == (18, 0)


async def test_school_news_for_a_whole_day_shows_the_day_alone(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    news = await broadcasts.create_broadcast(
        session,
        w.actors["admin"],
        class_id=None,
        text="День открытых дверей",
        event_at=dt.date(2026, 12, 1),
        now=clock(),
    )
    # The school's local midnight of that day.
    assert news.event_at == dt.datetime(2026, 11, 30, 21, 0, tzinfo=dt.UTC)
    await worker.run_once()
    [msg] = server.sent_to(world.chats["parent"])
    lines = seen(msg.content).text.split("\n")
    assert "📅 1 декабря" in lines and not any(line.startswith("📅 1 декабря,") for line in lines)
    undated = await broadcasts.create_broadcast(
        session, w.actors["admin"], class_id=None, text="Без даты", now=clock()
    )
    assert undated.event_at is None


@pytest.mark.parametrize(
    ("event_at", "code"),
    [
        (dt.datetime.fromisoformat("2026-11-18T09:59"), "events.error_past"),  # a minute before now
        (dt.date(2026, 11, 17), "events.error_past"),  # yesterday, all day
        (dt.date(2027, 6, 1), "events.error_after_year"),  # the year ends on 31 May
        (dt.datetime.fromisoformat("2027-05-31T23:30"), None),  # the year's last evening
        (dt.date(2026, 11, 18), None),  # today, all day
    ],
)
async def test_a_date_in_the_past_or_after_the_year_is_refused_and_nothing_is_written(
    session: AsyncSession,
    world: World,
    clock: FakeClock,
    event_at: dt.datetime | dt.date,
    code: str | None,
) -> None:
    w = world.w
    before = await session.scalar(select(func.count()).select_from(News))

    async def create() -> News:
        return await broadcasts.create_broadcast(
            session,
            w.actors["class_teacher"],
            class_id=w.cls.id,
            text="Экскурсия",
            event_at=event_at,
            now=clock(),
        )

    if code is None:
        assert (await create()).event_at is not None
        return
    with pytest.raises(ValidationFailed) as refused:
        await create()
    assert refused.value.code == code
    if code == "events.error_after_year":
        assert refused.value.params == {"end": "31.05.2027"}
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(News)) == before
