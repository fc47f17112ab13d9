"""The school year in the office: the admin opens the next year (the region's calendar or a
typed one), closes and archives the last one — each first a dry run that changes nothing —
and a running year is refused in words; nobody else may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import OfficeCb, YearCb
from services.enums import HolidayKind, PeriodKind
from services.models import AuditEntry, Holiday, SchoolClass, SchoolYear, StudyPeriod
from tests.factories import SchoolWorld
from tests.office.conftest import Chat, open_tool

DAY_AFTER = dt.datetime(2027, 6, 1, 7, 0, tzinfo=dt.UTC)


async def _years(session: AsyncSession) -> list[tuple[str, bool, bool]]:
    rows = await session.execute(
        select(SchoolYear.name, SchoolYear.is_closed, SchoolYear.archived_at.is_not(None)).order_by(
            SchoolYear.starts_on
        )
    )
    return [(n, bool(c), bool(a)) for n, c, a in rows]


async def _audited(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("year.%")).order_by(AuditEntry.id)
    )
    return list(rows)


async def test_only_the_admin_has_the_year_in_the_menu(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await admin.send("/admin")
    assert OfficeCb(action="year").pack() in {data for _, data in admin.buttons()}
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    assert OfficeCb(action="year").pack() not in {data for _, data in deputy.buttons()}


async def test_a_running_year_is_refused_in_words(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    text = await open_tool(admin, "year")
    assert "2026/2027: 01.09.2026 – 31.05.2027 — идёт" in text
    await admin.press(YearCb(a="close", id=world.year.id))
    await admin.press(YearCb(a="do_close", id=world.year.id))
    refusal = t("ru", "year.running", year="2026/2027", ends="31.05.2027", after="01.06.2027")
    assert admin.alerts() == [refusal, refusal]
    assert await _years(session) == [("2026/2027", False, False)]
    assert await _audited(session) == []


async def test_the_admin_opens_the_next_year_with_quarters(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await open_tool(admin, "year", "Открыть 2027/2028")
    assert "Открытие учебного года 2027/2028" in admin.text
    await admin.press_text("Четверти")
    plan = admin.text
    assert "Открытие учебного года 2027/2028</b> (01.09.2027 – 31.05.2028)" in plan
    assert "Из года 2026/2027:" in plan and "переводятся в следующий класс: " in plan
    assert "• 1 четверть: 01.09.2027 – 25.10.2027" in plan
    assert "• Зимние каникулы: 29.12.2027 – 08.01.2028" in plan
    assert t("ru", "year.plan.nothing.yet") in plan
    assert await _years(session) == [("2026/2027", False, False)]  # the dry run kept nothing
    assert await _audited(session) == []

    await admin.press(admin.button("Открыть год"))
    assert "✅ Учебный год 2027/2028 открыт" in admin.text
    assert await _years(session) == [("2026/2027", False, False), ("2027/2028", False, False)]
    assert await _audited(session) == ["year.open"]
    new = await session.scalar(select(SchoolYear).where(SchoolYear.name == "2027/2028"))
    assert new is not None
    kinds = list(
        await session.scalars(select(StudyPeriod.kind).where(StudyPeriod.year_id == new.id))
    )
    assert kinds == [PeriodKind.QUARTER] * 4
    assert await session.scalar(
        select(func.count()).select_from(SchoolClass).where(SchoolClass.year_id == new.id)
    )
    # The next draft is the year after; a second press of the confirmation opens nothing.
    assert "Открыть 2028/2029" in admin.buttons()[0][0]
    await admin.press(YearCb(a="do_open", cal="q", y=2027))
    assert admin.alerts() == [t("ru", "admin.year_exists", year="2027/2028")]
    assert len(await _years(session)) == 2


async def test_the_admin_types_the_calendar(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await open_tool(admin, "year")
    await admin.press(YearCb(a="open"))
    await admin.press(YearCb(a="cal", cal="typed"))
    assert "по одному в строке" in admin.text
    await admin.send("1 триместр 01.09.2027\n")
    assert t("ru", "year.calendar_line", line=1) in admin.text
    await admin.send(
        "1 триместр 01.09.2027 - 30.11.2027\n"
        "2 триместр 01.12.2027 - 29.02.2028\n"
        "3 триместр 01.03.2028 - 26.05.2028\n"
        "Зимние каникулы 30.12.2027 - 08.01.2028\n"
        "Праздничный день 04.11.2027 - 04.11.2027"
    )
    assert "Учебные периоды (3):" in admin.text
    assert "• Праздничный день: 04.11.2027 – 04.11.2027" in admin.text
    await admin.press(admin.button("Открыть год"))
    assert "✅ Учебный год 2027/2028 открыт" in admin.text
    new = await session.scalar(select(SchoolYear).where(SchoolYear.name == "2027/2028"))
    assert new is not None
    periods = await session.execute(
        select(StudyPeriod.kind, StudyPeriod.ends_on)
        .where(StudyPeriod.year_id == new.id)
        .order_by(StudyPeriod.number)
    )
    assert [tuple(r) for r in periods][1] == (PeriodKind.TRIMESTER, dt.date(2028, 2, 29))
    days_off = await session.scalars(
        select(Holiday.name).where(Holiday.year_id == new.id, Holiday.kind == HolidayKind.DAY_OFF)
    )
    assert list(days_off) == ["Праздничный день"]


async def test_the_admin_sends_the_calendar_template_back(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await open_tool(admin, "year", "Открыть 2027/2028", "Ввести свой календарь")
    [(name, data)] = admin.documents()
    assert name == "calendar-2027-2028.csv"
    template = data.decode("utf-8-sig")
    assert template.splitlines()[:2] == [
        "Название;Начало;Конец",
        "1 четверть;01.09.2027;25.10.2027",
    ]
    await admin.upload("f1", "calendar.xlsx", b"PK")
    assert t("ru", "year.calendar.bad_file") in admin.text
    edited = template.replace(
        "4 четверть;01.04.2028;26.05.2028", "4 четверть;01.04.2028;29.05.2028"
    )
    await admin.upload("f2", "calendar.csv", edited.encode("utf-8"))
    assert "• 4 четверть: 01.04.2028 – 29.05.2028" in admin.text
    await admin.press(admin.button("Открыть год"))
    new = await session.scalar(select(SchoolYear).where(SchoolYear.name == "2027/2028"))
    assert new is not None
    last = await session.scalar(
        select(func.max(StudyPeriod.ends_on)).where(StudyPeriod.year_id == new.id)
    )
    assert last == dt.date(2028, 5, 29)
    assert (
        await session.scalar(
            select(func.count()).select_from(Holiday).where(Holiday.year_id == new.id)
        )
        == 3
    )


async def test_close_and_archive_after_the_year(
    chat: Any, world: SchoolWorld, session: AsyncSession, clock: list[dt.datetime]
) -> None:
    clock[0] = DAY_AFTER
    admin: Chat = chat("admin")
    text = await open_tool(admin, "year", "Закрыть 2026/2027")
    assert "окончен, не закрыт" not in text  # the dry run replaced the list
    plan = admin.text
    assert "Закрытие учебного года 2026/2027" in plan
    assert "Будут закрыты учебные периоды: 2." in plan
    assert await _years(session) == [("2026/2027", False, False)]
    await admin.press(admin.button("Закрыть год"))
    assert "✅ Учебный год 2026/2027 закрыт." in admin.text
    await admin.press_text("В архив 2026/2027")
    plan = admin.text
    assert "Журналы хранятся 5 лет — до 31.05.2032" in plan
    assert "сводные ведомости — 25 лет, до 31.05.2052" in plan
    await admin.press(admin.button("Отправить в архив"))
    assert "✅ Учебный год 2026/2027 отправлен в архив." in admin.text
    assert "журналы хранятся до 31.05.2032, сводные ведомости — до 31.05.2052" in admin.text
    assert await _years(session) == [("2026/2027", True, True)]
    assert await _audited(session) == ["year.close", "year.archive"]


async def test_english(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin", "en")
    text = await open_tool(admin, "year")
    assert "2026/2027: 01.09.2026 – 31.05.2027 — running" in text
    await admin.press(YearCb(a="close", id=world.year.id))
    assert admin.alerts() == [
        "The school year 2026/2027 is still running (its last day is 31.05.2027): "
        "it can be closed or archived from 01.06.2027."
    ]


@pytest.mark.parametrize("who", ["deputy", "director", "teacher", "class_teacher", "parent"])
async def test_nobody_else_may(
    chat: Any, world: SchoolWorld, session: AsyncSession, who: str, clock: list[dt.datetime]
) -> None:
    clock[0] = DAY_AFTER
    user: Chat = chat(who)
    await user.press(OfficeCb(action="year"))
    await user.press(YearCb(a="do_close", id=world.year.id))
    await user.press(YearCb(a="do_open", cal="q"))
    assert user.alerts() == [t("ru", "error.forbidden")] * 3
    assert await _years(session) == [("2026/2027", False, False)]
