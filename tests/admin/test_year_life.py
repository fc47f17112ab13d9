"""The school year's life cycle as the office sees it: dry runs that change nothing and say
what the action will do, a running year refused, typed calendars, the region's trimesters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.registry import KINDS
from services.enums import HolidayKind, PeriodKind
from services.errors import AccessDenied, ValidationFailed
from services.models import (
    AuditEntry,
    Enrolment,
    Holiday,
    OutboxMessage,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
)
from services.school import school_year
from services.school.school_year import parse_calendar
from tests.factories import NOW, SchoolWorld

LAST_DAY = dt.datetime(2027, 5, 31, 18, 0, tzinfo=dt.UTC)  # 21:00 in Moscow, still 31 May
DAY_AFTER = dt.datetime(2027, 6, 1, 6, 0, tzinfo=dt.UTC)


async def _counts(session: AsyncSession) -> tuple[int, ...]:
    out = []
    for model in (SchoolYear, SchoolClass, Enrolment, StudyPeriod, Holiday, AuditEntry):
        out.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
    return tuple(out)


async def test_a_running_year_is_neither_closed_nor_archived(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin = world.actors["admin"]
    for now in (NOW, LAST_DAY):
        for call in (school_year.close_year, school_year.plan_close_year):
            with pytest.raises(ValidationFailed) as refused:
                await call(session, admin, "2026/2027", now=now)
            assert refused.value.code == "year.running"
            assert refused.value.params == {
                "year": "2026/2027",
                "ends": "31.05.2027",
                "after": "01.06.2027",
            }
    # A year closed before this rule (closed, still running) is not archived either.
    world.year.is_closed = True
    await session.commit()
    with pytest.raises(ValidationFailed) as refused:
        await school_year.archive_year(session, admin, world.year.id, now=NOW)
    assert refused.value.code == "year.running"
    year = await session.get(SchoolYear, world.year.id)
    assert year is not None and year.archived_at is None
    assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_closing_tells_the_years_staff(session: AsyncSession, world: SchoolWorld) -> None:
    await school_year.close_year(session, world.actors["admin"], world.year.id, now=DAY_AFTER)
    rows = (
        await session.execute(
            select(OutboxMessage.recipient_person_id, OutboxMessage.payload).where(
                OutboxMessage.kind == "year.closed"
            )
        )
    ).all()
    recipients = {r for r, _ in rows}
    assert {world.teacher.id, world.colleague.id, world.class_teacher.id} <= recipients
    assert world.parent.id not in recipients and world.admin.id not in recipients
    assert len(rows) == len(recipients)  # one each
    payload = rows[0][1]
    assert payload["year"] == "2026/2027"
    kind = KINDS["year.closed"]
    assert "Учебный год 2026/2027 закрыт" in kind.text(kind.payload.model_validate(payload), "ru")


async def test_dry_runs_of_close_and_archive_change_nothing(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin = world.actors["admin"]
    before = await _counts(session)
    plan = await school_year.plan_close_year(session, admin, "2026/2027", now=DAY_AFTER)
    assert (plan.action, plan.year, plan.year_id) == ("close", "2026/2027", world.year.id)
    assert plan.periods_to_close == 2
    names = await session.scalars(
        select(SchoolClass.name).where(SchoolClass.year_id == world.year.id)
    )
    assert sorted(plan.classes) == sorted(names) and "7А" in plan.classes
    enrolled = await session.scalar(select(func.count(func.distinct(Enrolment.student_id))))
    assert plan.students == enrolled and plan.students >= len(world.students)
    assert await _counts(session) == before
    assert not (await session.get(SchoolYear, world.year.id)).is_closed  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed):  # not closed yet
        await school_year.plan_archive_year(session, admin, world.year.id, now=DAY_AFTER)
    await school_year.close_year(session, admin, world.year.id, now=DAY_AFTER)
    plan = await school_year.plan_archive_year(session, admin, world.year.id, now=DAY_AFTER)
    assert plan.action == "archive" and plan.students == enrolled
    year = await session.get(SchoolYear, world.year.id)
    assert year is not None and year.archived_at is None
    with pytest.raises(AccessDenied):
        await school_year.plan_archive_year(
            session, world.actors["deputy"], world.year.id, now=DAY_AFTER
        )


async def test_the_dry_run_of_opening_is_what_opening_does(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin = world.actors["admin"]
    periods = school_year.default_calendar(PeriodKind.TRIMESTER, 2027)
    args: dict[str, Any] = {
        "name": "2027/2028",
        "starts_on": dt.date(2027, 9, 1),
        "ends_on": dt.date(2028, 5, 31),
        "periods": periods,
        "promote_from": world.year.id,
        "repeating": [world.students[3].id],
    }
    before = await _counts(session)
    plan = await school_year.plan_open_year(session, admin, now=NOW, **args)
    assert await _counts(session) == before  # nothing kept, not even the audit entry
    assert plan.action == "open" and plan.from_year == "2026/2027"
    assert [p.name for p in plan.periods] == ["1 триместр", "2 триместр", "3 триместр"]
    assert plan.periods[1].ends_on == dt.date(2028, 2, 29)  # a leap year
    assert len(plan.holidays) == 3  # the quarters' holidays by default
    opened = await school_year.open_year(session, admin, now=NOW, **args)
    assert plan.classes == tuple(
        sorted(opened.classes, key=lambda c: school_year.parse_class_name(c) or (0, c))
    )
    assert (plan.promoted, plan.repeating, plan.graduated, plan.left) == (
        opened.promoted,
        opened.repeating,
        opened.graduated,
        opened.left,
    )
    assert plan.promoted > 0 and plan.repeating == 1
    kinds = set(
        await session.scalars(select(StudyPeriod.kind).where(StudyPeriod.year_id == opened.year.id))
    )
    assert kinds == {PeriodKind.TRIMESTER}
    # Refusals are the same in the dry run: the year exists now.
    with pytest.raises(Exception) as again:
        await school_year.plan_open_year(session, admin, now=NOW, **args)
    assert getattr(again.value, "code", "") == "admin.year_exists"


async def test_years_overview_and_the_next_years_draft(
    session: AsyncSession, world: SchoolWorld
) -> None:
    rows, draft = await school_year.years_overview(session, world.actors["admin"], now=NOW)
    assert [(r.name, r.is_closed, r.over) for r in rows] == [("2026/2027", False, False)]
    assert (draft.name, draft.first_year, draft.promote_from) == ("2027/2028", 2027, world.year.id)
    rows, _ = await school_year.years_overview(session, world.actors["admin"], now=DAY_AFTER)
    assert rows[0].over
    with pytest.raises(AccessDenied):
        await school_year.years_overview(session, world.actors["deputy"], now=NOW)


def test_a_typed_calendar() -> None:
    periods, holidays = parse_calendar(
        "Название;Начало;Конец\n"
        "2 полугодие; 12.01.2028; 2028-05-26\n"
        "1 полугодие 01.09.2027 - 29.12.2027\n"
        "\n"
        "Осенние каникулы: 26.10.2027 – 03.11.2027\n"
        "Праздничный день 04.11.2027 04.11.2027\n"
    )
    assert [(p.kind, p.number, p.name, p.starts_on, p.ends_on) for p in periods] == [
        (PeriodKind.HALF, 1, "1 полугодие", dt.date(2027, 9, 1), dt.date(2027, 12, 29)),
        (PeriodKind.HALF, 2, "2 полугодие", dt.date(2028, 1, 12), dt.date(2028, 5, 26)),
    ]
    assert [(h.kind, h.name) for h in holidays] == [
        (HolidayKind.HOLIDAY, "Осенние каникулы"),
        (HolidayKind.DAY_OFF, "Праздничный день"),
    ]
    assert school_year.calendar_bounds(periods, 2027) == (dt.date(2027, 9, 1), dt.date(2028, 5, 31))


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("1 четверть 01.09.2027\n", "year.calendar_line", {"line": 1}),
        ("1 четверть 01.09.2027 - 25.10.2027\nчто-то 5", "year.calendar_line", {"line": 2}),
        ("1 четверть 31.02.2027 - 25.10.2027", "year.calendar_line", {"line": 1}),
        ("1 четверть 25.10.2027 - 01.09.2027", "year.calendar_order", {"line": 1}),
        ("Каникулы 26.10.2027 - 03.11.2027", "year.calendar_empty", {}),
        (
            "1 четверть 01.09.2027 - 25.10.2027\n2 четверть 25.10.2027 - 28.12.2027",
            "year.calendar_overlap",
            {"first": "1 четверть", "second": "2 четверть"},
        ),
        ("x 01.09.2027 - 02.09.2027\n" * 61, "year.calendar_too_long", {"limit": 60}),
    ],
)
def test_a_typed_calendar_refused_in_words(text: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_calendar(text)
    assert (refused.value.code, refused.value.params) == (code, params)
