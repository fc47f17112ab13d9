"""News that lasts and the calendar link end to end, in each messenger: a parent signed in by
the invite's link opens /news, re-reads a class event whole and acknowledges it; gets a
calendar link with /calendar and fetches it over HTTP from the bot process (the health
server's port, PUBLIC_BASE_URL); a new link kills the old one."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
import socket
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.calendar_feed import ics
from services.enums import NewsKind, Role
from services.models import News, NewsReceipt, RoleGrant, School, SchoolClass
from tests.e2e.conftest import E2E_NOW, Front, start_bot
from tests.e2e.test_absence_alert import PARENT, WAIT, add_parent
from tests.e2e.test_teacher_flows import build
from tests.e2e.transcript import Recorded, Transcript

pytestmark = pytest.mark.e2e

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/calendar/[A-Za-z0-9_-]{43}\.ics)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def class_event(factory: async_sessionmaker[AsyncSession]) -> int:
    """An excursion of 7А, sent yesterday, taking place tomorrow at 10:00 (Moscow)."""
    async with factory() as s:
        school = await s.scalar(select(School).where(School.code == "e2e"))
        assert school is not None
        cls = await s.scalar(select(SchoolClass).where(SchoolClass.name == "7А"))
        author = await s.scalar(
            select(RoleGrant.person_id).where(
                RoleGrant.school_id == school.id, RoleGrant.role == Role.TEACHER
            )
        )
        assert cls is not None and author is not None
        news = News(
            school_id=school.id,
            kind=NewsKind.CLASS_EVENT,
            class_id=cls.id,
            author_id=author,
            title="Экскурсия",
            body="Музей космонавтики; сбор у школы, взять обед",
            event_at=(E2E_NOW + dt.timedelta(days=1)).replace(hour=10, minute=0),
            created_at=E2E_NOW - dt.timedelta(days=1),
        )
        s.add(news)
        await s.commit()
        return news.id


async def test_a_parent_rereads_an_event_and_subscribes_to_the_calendar(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    news_id = await class_event(session_factory)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = front.env(db_url, HEALTH_PORT=str(port), PUBLIC_BASE_URL=base)
    transcript = Transcript(f"What the users see in {front.name.upper()}")
    parent = Recorded(front.user(PARENT, first_name="Мария"), "parent", transcript)
    bot = await start_bot(env, tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        # /news: the class event, with the child named; opened whole; "Ознакомлен".
        await parent.command("/news")
        listed = await parent.wait(lambda m: "Новости и события" in m.content, timeout=WAIT)
        assert "Класс 7А (Ученик): Экскурсия — Музей космонавтики" in listed.content
        await parent.press_label(listed, "1")
        whole = await parent.wait(lambda m: "Событие класса 7А" in m.content, timeout=WAIT)
        assert "Музей космонавтики; сбор у школы, взять обед" in whole.content
        assert "Когда: 3 декабря, 10:00" in whole.content
        await parent.press_label(whole, "Ознакомлен")
        await parent.wait(lambda m: "Вы отметили «Ознакомлен»" in m.content, timeout=WAIT)
        async with session_factory() as s:
            receipts = (await s.scalars(select(NewsReceipt.news_id))).all()
        assert receipts == [news_id]

        # /calendar: a link for the child, with the warning; fetched over HTTP.
        await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await parent.command("/calendar")
        offer = await parent.wait(lambda m: "Календарь в телефоне" in m.content, timeout=WAIT)
        await parent.press_label(offer, "Получить ссылку")
        given = await parent.wait(lambda m: LINK.search(m.content) is not None, timeout=WAIT)
        assert "Не пересылайте ссылку" in given.content
        match = LINK.search(given.content)
        assert match is not None
        url = match.group(1)
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as answer:
                assert answer.status == 200, bot.log()
                assert answer.headers["Content-Type"].startswith("text/calendar")
                body = await answer.text()
            events = ics.events_of(body)
            summaries = [ics.unescape_text(e["SUMMARY"]) for e in events]
            assert "Экскурсия" in summaries
            assert any(s.endswith("Математика") for s in summaries)

            # a new link: the old one answers 404 from now on
            await parent.press_label(given, "Новая ссылка")
            newer = await parent.wait(
                lambda m: (found := LINK.search(m.content)) is not None and found.group(1) != url,
                timeout=WAIT,
            )
            assert newer is not None
            async with http.get(url) as old:
                assert old.status == 404
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
