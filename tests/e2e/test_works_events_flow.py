"""Control works and class events end to end, in each messenger: a parent signed in by the
invite's link reads today's agreed control work in the diary, tomorrow's parents' meeting in
the week, the period's control works under the diary's button; the evening job reminds her of
the meeting once."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs
from services.enums import NewsKind, Role, WorkKind
from services.models import (
    ControlWork,
    Lesson,
    News,
    OutboxMessage,
    RoleGrant,
    School,
    SchoolClass,
    utcnow,
)
from testkit.botapi.html import seen
from tests.e2e.conftest import E2E_NOW, Front, start_bot
from tests.e2e.test_absence_alert import PARENT, WAIT, add_parent
from tests.e2e.test_teacher_flows import TEACHER, build
from tests.e2e.transcript import Recorded, Transcript

pytestmark = pytest.mark.e2e

SPEC = next(s for s in jobs.JOBS if s.name == "event_reminder")


async def test_a_parent_sees_the_control_work_and_is_reminded_of_the_meeting(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    today = E2E_NOW.date()
    async with session_factory() as s, s.begin():
        school = await s.scalar(select(School).where(School.code == "e2e"))
        lesson = await s.get(Lesson, data.lesson)
        assert school is not None and lesson is not None
        s.add(
            ControlWork(
                school_id=school.id,
                class_id=lesson.class_id,
                subject_id=lesson.subject_id,
                date=today,
                kind=WorkKind.CONTROL,
                title="Дроби",
                agreed_at=E2E_NOW,
            )
        )
        s.add(
            News(
                school_id=school.id,
                kind=NewsKind.CLASS_EVENT,
                class_id=lesson.class_id,
                author_id=lesson.teacher_id,
                title="Родительское собрание",
                body="Родительское собрание в кабинете 21",
                event_at=E2E_NOW.replace(hour=18, minute=0) + dt.timedelta(days=1),
            )
        )
    transcript = Transcript(f"What the users see in {front.name.upper()}")
    parent = Recorded(front.user(PARENT, first_name="Мария"), "parent", transcript)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        if not front.is_max:
            await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await parent.command("/diary")
        diary = await parent.wait(lambda m: "📔" in m.content, timeout=WAIT)
        assert "📝 Контрольная работа: Дроби" in diary.content
        await parent.press_label(diary, "Неделя")
        week = await parent.wait(lambda m: "Дневник на неделю" in m.content, timeout=WAIT)
        assert "📅 Родительское собрание, 18:00" in week.content
        await parent.press_label(week, "Контрольные работы")
        works = await parent.wait(lambda m: "Впереди:" in m.content, timeout=WAIT)
        assert "Математика, контрольная работа «Дроби»" in works.content

        # The evening job (run here at the bot's clock, for the school's date).
        assert await jobs.run_job(session_factory, SPEC, school.id, today, "e2e", run_at=E2E_NOW)
        reminder = await parent.wait(lambda m: "Завтра" in m.content, timeout=WAIT)
        assert "Родительское собрание" in reminder.content and "18:00" in reminder.content
        # the same evening again: nothing more
        assert not await jobs.run_job(
            session_factory, SPEC, school.id, today, "e2e", run_at=E2E_NOW
        )
        async with session_factory() as s:
            rows = (
                await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event.reminder"))
            ).all()
        assert len(rows) == 1
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()


async def test_the_class_teacher_dates_a_meeting_and_the_parent_sees_it_on_its_day(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """The class teacher writes a class event with /broadcast and types its date ("03.12
    18:00", tomorrow); the parent gets it with "📅 3 декабря, 18:00" and finds it in the
    diary's week on that day."""
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    async with session_factory() as s, s.begin():
        lesson = await s.get(Lesson, data.lesson)
        assert lesson is not None
        cls = await s.get(SchoolClass, lesson.class_id)
        assert cls is not None
        cls.class_teacher_id = lesson.teacher_id  # Учителева leads 7А
        s.add(
            RoleGrant(
                school_id=lesson.school_id,
                person_id=lesson.teacher_id,
                role=Role.CLASS_TEACHER,
                granted_at=utcnow(),
            )
        )
    transcript = Transcript(f"What the users see in {front.name.upper()}")
    teacher = Recorded(front.user(TEACHER, first_name="Ирина"), "class teacher", transcript)
    parent = Recorded(front.user(PARENT, first_name="Мария"), "parent", transcript)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        await teacher.command("/broadcast")
        pick = await teacher.wait(lambda m: "Кому отправить?" in m.content, timeout=WAIT)
        await teacher.press_label(pick, "7А")
        await teacher.wait(lambda m: "Напишите текст" in m.content, timeout=WAIT)
        await teacher.send("Родительское собрание в кабинете 21")
        ask = await teacher.wait(lambda m: "Дата события?" in m.content, timeout=WAIT)
        assert any("Без даты" in b["text"] for b in ask.buttons)
        await teacher.send("вечером")
        await teacher.wait(lambda m: "Не понял дату" in m.content, timeout=WAIT)
        await teacher.send("03.12 18:00")
        preview = await teacher.wait(lambda m: "Так увидят" in m.content, timeout=WAIT)
        assert "📅 3 декабря, 18:00" in preview.content
        await teacher.press_label(preview, "Отправить")
        await teacher.wait(lambda m: "Рассылка" in m.content, timeout=WAIT)

        alert = await parent.wait(lambda m: "Родительское собрание" in m.content, timeout=WAIT)
        assert "📅 3 декабря, 18:00" in alert.content
        if not front.is_max:
            await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await parent.command("/diary")
        diary = await parent.wait(lambda m: "📔" in m.content, timeout=WAIT)
        await parent.press_label(diary, "Неделя")
        week = await parent.wait(lambda m: "Дневник на неделю" in m.content, timeout=WAIT)
        # On its day: right under Thursday 3 December's title.
        lines = seen(week.content).text.split("\n")
        at = lines.index("📅 Родительское собрание в кабинете 21, 18:00")
        assert lines[at - 1] == "📔 Четверг, 3 декабря"
        async with session_factory() as s:
            news = await s.scalar(select(News))
        assert news is not None and news.event_at == dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
