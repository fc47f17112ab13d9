"""Attendance at a region's size (issue 11): the lesson sheet, a tap, a save and the "save"
button (the save and the lesson card shown after it) run a fixed number of SQL statements, at
most eight, the same for a class of 4 as for one of 34 and for 3 absentees as for 30 (no
statement per student). Counted with a ``before_cursor_execute`` listener; nothing here is
timed."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.teacher import attendance
from screens.teacher.actions import AttCb, LessonCb
from services.attendance import roll_call
from services.enums import AttendanceCode, GuardianKind, Role, WorkKind
from services.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    Guardianship,
    Mark,
    OutboxMessage,
)
from services.timetable import lesson_edits, lesson_sheet
from tests.factories import NOW, TODAY, SchoolWorld, absence_notice, build_school, person

MAX_STATEMENTS = 8


@asynccontextmanager
async def counting(engine: AsyncEngine) -> AsyncIterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def grow_class(session: AsyncSession, world: SchoolWorld, extra: int) -> list[int]:
    """``extra`` more students in 7А, each with a parent, a mark at today's maths and an
    absence their family announced for today."""
    ids = []
    for i in range(extra):
        p = await person(session, world.school, f"Новиков{i:02d}", "Ученик", Role.STUDENT)
        parent = await person(session, world.school, f"Новикова{i:02d}", "Мама", Role.PARENT)
        ids.append(p.id)
        session.add_all(
            [
                Enrolment(
                    school_id=world.school.id,
                    student_id=p.id,
                    class_id=world.cls.id,
                    arrived_on=dt.date(2026, 9, 1),
                ),
                Guardianship(
                    school_id=world.school.id,
                    guardian_id=parent.id,
                    student_id=p.id,
                    kind=GuardianKind.PARENT,
                ),
                Mark(
                    school_id=world.school.id,
                    lesson_id=world.lesson_today.id,
                    student_id=p.id,
                    value=5,
                    weight=1,
                    work_kind=WorkKind.ANSWER,
                    created_by_id=world.actors["teacher"].account_id,
                ),
            ]
        )
        if i % 3 == 0:
            session.add(absence_notice(world, p.id, "к врачу"))
    await session.commit()
    return ids


async def statements_of(
    engine: AsyncEngine,
    factory: async_sessionmaker[AsyncSession],
    call: Callable[[AsyncSession], Awaitable[Any]],
) -> int:
    async with counting(engine) as statements, factory() as s:
        await call(s)
    return len(statements)


async def test_the_lesson_sheet_reads_in_few_statements_whatever_the_class_size(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as s:
        small, large = await build_school(s, "s1"), await build_school(s, "s2")
        await grow_class(s, large, 30)
    counts = {}
    for name, world in (("small", small), ("large", large)):
        for lesson in (world.lesson_today, world.lesson_old):

            async def sheet(s: AsyncSession, w: SchoolWorld = world, lid: int = lesson.id) -> Any:
                return await lesson_sheet.lesson_sheet(s, w.actors["teacher"], lid, now=NOW)

            counts[name, lesson.date] = await statements_of(engine, session_factory, sheet)
    async with session_factory() as s:
        shown = await lesson_sheet.lesson_sheet(
            s, large.actors["teacher"], large.lesson_today.id, now=NOW
        )
    assert len(shown.students) == 34 and sum(len(x.marks) for x in shown.students) == 30
    assert sum(1 for x in shown.students if x.notice_code is not None) == 10
    for day in (TODAY, TODAY - dt.timedelta(days=9)):
        assert counts["small", day] == counts["large", day] <= MAX_STATEMENTS, counts
    # The lesson with its homework, the roster; nine days back, the school's holidays too (the
    # edit window's end is near enough for them to count).
    assert (counts["small", TODAY], counts["small", TODAY - dt.timedelta(days=9)]) == (2, 3)


async def test_saving_attendance_costs_the_same_for_3_or_30_absentees(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as s:
        small, large = await build_school(s, "s1"), await build_school(s, "s2")
        grown = await grow_class(s, large, 30)
    few = [x.id for x in small.students[:3]]
    many = [x.id for x in large.students[:3]] + grown[:27]

    async def save(world: SchoolWorld, codes: dict[int, AttendanceCode | None], step: int) -> int:
        """Save (a minute later at each step, so that the lesson's row changes too) with the
        sheet after it, which must be the sheet read afresh."""
        now = NOW + dt.timedelta(minutes=step)
        teacher, lid = world.actors["teacher"], world.lesson_today.id
        saved: list[roll_call.AttendanceSaved] = []

        async def call(s: AsyncSession) -> Any:
            saved.append(
                await roll_call.save_attendance(s, teacher, lid, codes, now=now, with_sheet=True)
            )

        count = await statements_of(engine, session_factory, call)
        async with session_factory() as s:
            assert saved[0].sheet == await lesson_sheet.lesson_sheet(s, teacher, lid, now=now)
        return count

    absent = AttendanceCode.ABSENT
    # New absences: rows, audit and the families' alerts.
    first = (
        await save(small, dict.fromkeys(few, absent), 1),
        await save(large, dict.fromkeys(many, absent), 1),
    )
    # Absent → late for all.
    late = AttendanceCode.LATE
    second = (
        await save(small, dict.fromkeys(few, late), 2),
        await save(large, dict.fromkeys(many, late), 2),
    )
    # Some absent again and the others present in one save (rows upserted and deleted,
    # alerts queued and cancelled): the most a save writes.
    mixed = (
        await save(small, {few[0]: absent}, 3),
        await save(large, dict.fromkeys(many[::2], absent), 3),
    )
    # Present again (deleted rows, cancelled alerts).
    third = await save(small, {}, 4), await save(large, {}, 4)
    assert (first, second, mixed, third) == ((6, 6), (6, 6), (8, 8), (6, 6))
    assert max(first + second + third + mixed) <= MAX_STATEMENTS

    async with session_factory() as s:
        audits = await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "attendance.set", AuditEntry.school_id == large.school.id)
        )
        alerts = (
            await s.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.school_id == large.school.id)
                .group_by(OutboxMessage.status)
            )
        ).all()
        rows = await s.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.lesson_id == large.lesson_today.id)
        )
    assert audits == 30 * 3 + 15 and rows == 0
    # The families of those who did not announce it (18 of the 27 new, and Иванов and
    # Петрова's parents) were alerted, then the alerts were cancelled with "present".
    assert dict(alerts) == {"cancelled": 20}


async def test_a_tap_reads_nothing_from_the_journal_whatever_the_class_size(
    chat: Any,
    world: SchoolWorld,
    engine: AsyncEngine,
    session: AsyncSession,
) -> None:
    me = chat("teacher")
    lid = world.lesson_today.id
    s0 = world.students[0].id

    async def tap_costs() -> tuple[int, int]:
        async with counting(engine) as opened:
            await me.press(LessonCb(lesson_id=lid, action="att").pack())
        async with counting(engine) as tapped:
            await me.press(AttCb(lesson_id=lid, action="t", student_id=s0).pack())
        return len(opened), len(tapped)

    small = await tap_costs()
    await grow_class(session, world, 30)
    large = await tap_costs()
    assert "❌ Н Иванов П." in [x for x, _ in me.buttons()]
    assert small == large, (small, large)
    opened, tapped = small
    # The tap costs what any update costs (who the user is), not the lesson sheet.
    async with counting(engine) as bare:
        await me.send("/help")
    assert tapped <= len(bare) < opened, (tapped, len(bare), opened)


async def test_the_save_button_with_its_card_costs_the_same_for_a_class_of_4_or_34(
    chat: Any,
    world: SchoolWorld,
    engine: AsyncEngine,
    session: AsyncSession,
    dp: Any,
    bot: Any,
    clock: list[dt.datetime],
) -> None:
    """The "save" button: the checks, the save and the lesson card after it, at most eight
    statements beyond what any update costs, whether 2 of 4 students are absent or 30 of 34,
    and whatever the save writes (new absences; some present again and others absent; all
    present again). The card is the one the lesson screen shows when opened afresh."""
    me = chat("teacher")
    lid = world.lesson_today.id
    state = FSMContext(
        dp.fsm.storage, StorageKey(bot_id=bot.id, chat_id=me.user_id, user_id=me.user_id)
    )

    async def save_costs(absent: list[int]) -> int:
        """Open the screen, put ``absent`` (Н) in its draft, press "save" a minute later:
        the statements of the press beyond a tap's (a tap reads nothing: what any update
        costs)."""
        await me.press(LessonCb(lesson_id=lid, action="att").pack())
        async with counting(engine) as tapped:
            await me.press(AttCb(lesson_id=lid, action="t", student_id=students[0]).pack())
        await attendance._store(state, lid, dict.fromkeys(absent, AttendanceCode.ABSENT))
        clock[0] += dt.timedelta(minutes=1)
        async with counting(engine) as saved:
            await me.press(AttCb(lesson_id=lid, action="save").pack())
        after_save = me.text, me.buttons()
        await me.press(LessonCb(lesson_id=lid, action="open").pack())
        card = me.text, me.buttons()
        assert after_save[0].endswith("\n\n" + card[0]) and after_save[1] == card[1]
        return len(saved) - len(tapped)

    # Иванов (students[0]) and Петрова (students[1]) have parents, the others none.
    students = [x.id for x in world.students]
    small = (
        await save_costs(students[1:3]),  # new absences: rows, audit, alerts
        await save_costs([students[0], students[2]]),  # Петрова present again, Иванов absent
        await save_costs([]),  # all present again
    )
    everyone = students + await grow_class(session, world, 30)
    large = (
        await save_costs(everyone[:30]),
        await save_costs(everyone[15:34]),
        await save_costs([]),
    )
    assert small == large == (6, 8, 6) and max(large) <= MAX_STATEMENTS, (small, large)
    alerts = (
        await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.school_id == world.school.id)
            .group_by(OutboxMessage.status)
        )
    ).all()
    # Иванов's and Петрова's parents, and those of the 20 of the 30 new students whose family
    # did not announce the absence: alerted, then cancelled with "present".
    assert dict(alerts) == {"cancelled": 22}, alerts


async def test_saving_an_unlocked_past_lesson_costs_no_more(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """A lesson nine days back, locked, that the deputy opened for corrections: the save
    and its sheet (which says who unlocked it) still cost at most eight statements. The
    second save changes a roll call already taken after the lesson's day: it carries the
    teacher's reason, kept in its audit rows without a statement more."""
    async with session_factory() as s:
        world = await build_school(s)
        await lesson_edits.unlock_lesson(
            s, world.actors["deputy"], world.lesson_old.id, reason="сбой связи", now=NOW
        )
    teacher, lid = world.actors["teacher"], world.lesson_old.id
    first, second = world.students[0].id, world.students[1].id
    counts = []
    absent = AttendanceCode.ABSENT
    why = "ошибка в журнале"
    for minute, codes, reason in ((1, {first: absent}, None), (2, {second: absent}, why)):
        now = NOW + dt.timedelta(minutes=minute)
        saved: list[roll_call.AttendanceSaved] = []

        async def call(
            s: AsyncSession,
            codes: dict[int, AttendanceCode] = codes,
            now: dt.datetime = now,
            saved: list[roll_call.AttendanceSaved] = saved,
            reason: str | None = reason,
        ) -> None:
            saved.append(
                await roll_call.save_attendance(
                    s, teacher, lid, codes, now=now, with_sheet=True, reason=reason
                )
            )

        counts.append(await statements_of(engine, session_factory, call))
        sheet = saved[0].sheet
        assert sheet is not None and sheet.unlocked_by == Role.DEPUTY
        async with session_factory() as s:
            assert sheet == await lesson_sheet.lesson_sheet(s, teacher, lid, now=now)
    # New absence: 2 reads, the row, the audit, the alert, the lesson; then Иванов present
    # again and Петрова absent: the most a save writes.
    assert counts == [6, 8], counts
    async with session_factory() as s:
        reasons = (
            await s.execute(
                select(AuditEntry.student_id, AuditEntry.reason)
                .where(AuditEntry.action == "attendance.set")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [r for _, r in reasons] == [None, why, why], reasons
