"""/periods through the Dispatcher: the teachers' council date, reopening a period and
unlocking final marks, each with its typed input and a cancel button."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.periods import PeriodCb
from services.marks import period_close
from services.models import AuditEntry, FinalMarkUnlock, SchoolYear, StudyPeriod
from tests.factories import NOW, SchoolWorld


async def _council(session: AsyncSession, world: SchoolWorld) -> dt.date | None:
    year = await session.get(SchoolYear, world.q1.year_id, populate_existing=True)
    assert year is not None
    return year.council_on


async def test_the_deputy_sets_the_council_date(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy = chat("deputy")
    await deputy.send("/periods")
    assert t("ru", "periods.council_unset") in deputy.text
    await deputy.press_text(t("ru", "periods.council_button"))
    assert "ДД.ММ" in deputy.text
    assert t("ru", "periods.cancel") in str(deputy.markup)
    # No date: a clear message, the prompt stays open.
    await deputy.send("завтра")
    assert t("ru", "periods.council_bad") in deputy.text
    assert await _council(session, world) is None
    # Outside the school year (2026-09-01 … 2027-05-31, and a month after): refused.
    await deputy.send("15.08.2027")
    assert t("ru", "yearmarks.council_outside_year", year=world.year.name) in deputy.text
    assert await _council(session, world) is None
    # Without the year: the school year's end is meant, not last May.
    await deputy.send("28.05")
    assert await _council(session, world) == dt.date(2027, 5, 28)
    assert t("ru", "periods.council_set", date="28.05.2027") in deputy.text
    assert t("ru", "yearmarks.council", date="28.05.2027") in deputy.text
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "year.council_date"))
    assert entry is not None and entry.after == {"council_on": "2027-05-28"}
    # The prompt is closed: another date typed changes nothing.
    await deputy.send("29.05.2027")
    assert await _council(session, world) == dt.date(2027, 5, 28)


async def test_the_deputy_clears_the_council_date(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    await period_close.set_council_date(
        session, world.actors["deputy"], world.year.id, dt.date(2027, 5, 28), now=NOW
    )
    await session.commit()
    # A teacher's forged button clears nothing.
    teacher = chat("teacher")
    await teacher.press(PeriodCb(action="council_off"))
    assert teacher.alerts() == [t("ru", "error.forbidden")]
    assert await _council(session, world) == dt.date(2027, 5, 28)
    deputy = chat("deputy")
    await deputy.send("/periods")
    await deputy.press_text(t("ru", "periods.council_button"))
    # The prompt shows the date set and offers to clear it.
    assert t("ru", "yearmarks.council", date="28.05.2027") in deputy.text
    assert [text for text, _ in deputy.buttons()] == [
        t("ru", "periods.council_clear"),
        t("ru", "periods.cancel"),
    ]
    await deputy.press_text(t("ru", "periods.council_clear"))
    assert await _council(session, world) is None
    assert t("ru", "periods.council_cleared", date="28.05.2027") in deputy.text
    assert t("ru", "periods.council_unset") in deputy.text
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "year.council_date")
            .order_by(AuditEntry.id)
        )
    ).all()
    assert [e.after for e in entries] == [{"council_on": "2027-05-28"}, {"council_on": None}]
    assert entries[-1].before == {"council_on": "2027-05-28"}
    # The prompt is closed: a date typed now changes nothing.
    await deputy.send("29.05.2027")
    assert await _council(session, world) is None
    # No date: the prompt offers no clearing; a stale button changes and records nothing.
    await deputy.send("/periods")
    await deputy.press_text(t("ru", "periods.council_button"))
    assert t("ru", "periods.council_clear") not in [text for text, _ in deputy.buttons()]
    await deputy.press(PeriodCb(action="council_off"))
    assert t("ru", "periods.council_unset") in deputy.text
    assert t("ru", "periods.council_cleared", date="28.05.2027") not in deputy.text
    count = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "year.council_date")
    )
    assert count == 2


async def test_the_council_date_in_english(chat: Any, world: SchoolWorld) -> None:
    deputy = chat("deputy", "en")
    await deputy.send("/periods")
    await deputy.press_text(t("en", "periods.council_button"))
    await deputy.send("31.02")
    assert t("en", "periods.council_bad") in deputy.text


async def test_the_council_prompt_cancelled(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy = chat("deputy")
    await deputy.send("/periods")
    await deputy.press_text(t("ru", "periods.council_button"))
    await deputy.press_text(t("ru", "periods.cancel"))
    assert t("ru", "periods.council_button") in str(deputy.markup)
    await deputy.send("28.05.2027")
    assert await _council(session, world) is None


async def test_the_deputy_reopens_a_period_with_a_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    await period_close.close_period(session, world.actors["deputy"], world.q1.id, now=NOW)
    await session.commit()
    deputy = chat("deputy")
    await deputy.send("/periods")
    await deputy.press_text(t("ru", "periods.reopen", name="1 четверть"))
    assert "причину" in deputy.text
    await deputy.send("Закрыт по ошибке")
    assert t("ru", "periods.reopened", name="1 четверть") in deputy.text
    q1 = await session.get(StudyPeriod, world.q1.id, populate_existing=True)
    assert q1 is not None and not q1.is_closed
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "period.reopen"))
    assert entry is not None and entry.reason == "Закрыт по ошибке"
    assert entry.entity_id == str(world.q1.id)


async def test_the_deputy_unlocks_final_marks_with_a_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy = chat("deputy")
    await deputy.send("/periods")
    await deputy.press_text(t("ru", "periods.unlock_button"))
    await deputy.press_text(world.cls.name)
    await deputy.press_text("Математика")
    await deputy.press_text(t("ru", "periods.unlock_days", days=7))
    assert "7 дней" in deputy.text and "Математика" in deputy.text
    await deputy.send("Исправление после апелляции")
    row = await session.scalar(select(FinalMarkUnlock))
    assert row is not None
    assert (row.class_id, row.subject_id, row.period_id) == (world.cls.id, world.math.id, None)
    assert row.reason == "Исправление после апелляции"
    assert row.unlocked_until.replace(tzinfo=dt.UTC) == NOW + dt.timedelta(days=7)
    assert "разблокированы до 25.11.2026" in deputy.text
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.action == "final_marks.unlock")
    )
    assert entry is not None and entry.reason == "Исправление после апелляции"


async def test_an_empty_reason_keeps_nothing(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy = chat("deputy")
    await deputy.press(
        PeriodCb(action="ul_go", class_id=world.cls.id, subject_id=world.math.id, days=2).pack()
    )
    await deputy.send("   ")
    assert await session.scalar(select(FinalMarkUnlock.id)) is None


async def test_a_teacher_with_forged_buttons_gets_nothing(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    await period_close.close_period(session, world.actors["deputy"], world.q1.id, now=NOW)
    await session.commit()
    teacher = chat("teacher")
    for cb in (
        PeriodCb(action="council"),
        PeriodCb(action="reopen", period_id=world.q1.id),
        PeriodCb(action="unlock"),
        PeriodCb(action="ul_go", class_id=world.cls.id, subject_id=world.math.id, days=14),
    ):
        await teacher.press(cb.pack())
        await teacher.send("28.05.2027 по ошибке")
    assert not any("причину" in str(r.text) or "ДД.ММ" in str(r.text) for r in teacher.shown())
    q1 = await session.get(StudyPeriod, world.q1.id, populate_existing=True)
    assert q1 is not None and q1.is_closed
    assert await _council(session, world) is None
    assert await session.scalar(select(FinalMarkUnlock.id)) is None
