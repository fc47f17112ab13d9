"""Year, exam and final marks; closing a study period and unlocking its marks; the reminders of
missing period marks and of control-work results (services on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs
from notifications.render import render_text
from services.enums import FinalMarkKind, SpecialMark, WorkKind
from services.errors import AccessDenied, Conflict, ValidationFailed
from services.marks import final_marks, marking, period_close, reminders, year_marks
from services.models import AuditEntry, ControlWork, FinalMark, OutboxMessage, School
from tests.factories import MSK, NOW, TODAY, SchoolWorld, build_school

YEAR, EXAM, FINAL = FinalMarkKind.YEAR, FinalMarkKind.EXAM, FinalMarkKind.FINAL


def msk(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MSK).astimezone(dt.UTC)


def test_suggested_year_mark_by_the_schools_thresholds() -> None:
    school = School(threshold_3=250, threshold_4=350, threshold_5=450)
    assert year_marks.suggest_year([5, 4], school) == 5  # 4.5 → «5»
    assert year_marks.suggest_year([4, 3, 4, 3], school) == 4  # 3.5 → «4»
    assert year_marks.suggest_year([3, 3, 4, 3], school) == 3  # 3.25
    assert year_marks.suggest_year([None, 4], school) == 4
    assert year_marks.suggest_year([SpecialMark.EXEMPT, 5, 4], school) == 5
    assert year_marks.suggest_year([SpecialMark.NOT_CERTIFIED, 5], school) is None
    assert year_marks.suggest_year([SpecialMark.EXEMPT] * 2, school) == SpecialMark.EXEMPT
    assert year_marks.suggest_year([SpecialMark.PASSED] * 2, school) == SpecialMark.PASSED
    assert year_marks.suggest_year([None, None], school) is None


def test_suggested_final_mark_from_year_and_exam() -> None:
    assert year_marks.suggest_final(4, None) == 4
    assert year_marks.suggest_final(4, 5) == 5  # 4.5 rounds half up
    assert year_marks.suggest_final(3, 4) == 4
    assert year_marks.suggest_final(3, 3) == 3
    assert year_marks.suggest_final(None, 5) is None
    assert year_marks.suggest_final(SpecialMark.EXEMPT, 4) == 4
    assert year_marks.suggest_final(4, SpecialMark.NOT_CERTIFIED) is None


async def test_year_sheet_suggests_and_the_teacher_sets_year_exam_final(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    s0, s1 = world.students[0].id, world.students[1].id
    args = (world.cls.id, world.math.id)
    await final_marks.set_period_marks(session, teacher, *args, world.q1.id, {s0: 5}, now=NOW)
    await final_marks.set_period_marks(
        session, teacher, *args, world.q2.id, {s0: 4, s1: 3}, now=NOW
    )
    sheet = await year_marks.year_sheet(session, teacher, *args, now=NOW)
    assert sheet.periods == ("1 четверть", "2 четверть") and not sheet.locked
    rows = {r.student_id: r for r in sheet.rows}
    assert rows[s0].periods == (5, 4) and rows[s0].suggested_year == 5
    assert rows[s1].periods == (None, 3) and rows[s1].suggested_year == 3
    saved = await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 5, s1: 3}, now=NOW)
    assert (saved.created, saved.changed, saved.unchanged) == (2, 0, 0)
    await year_marks.set_year_marks(session, teacher, *args, EXAM, {s0: "4"}, now=NOW)
    sheet = await year_marks.year_sheet(session, teacher, *args, now=NOW)
    rows = {r.student_id: r for r in sheet.rows}
    assert (rows[s0].year, rows[s0].exam, rows[s0].suggested_final) == (5, 4, 5)
    assert rows[s1].suggested_final == 3
    await year_marks.set_year_marks(session, teacher, *args, FINAL, {s0: 5, s1: 3}, now=NOW)
    again = await year_marks.set_year_marks(
        session, teacher, *args, FINAL, {s0: 5, s1: SpecialMark.NOT_CERTIFIED}, now=NOW
    )
    assert (again.created, again.changed, again.unchanged) == (0, 1, 1)
    stored = (await session.scalars(select(FinalMark).where(FinalMark.period_id.is_(None)))).all()
    assert sorted((fm.student_id, fm.kind.value) for fm in stored) == sorted(
        [(s0, "year"), (s1, "year"), (s0, "exam"), (s0, "final"), (s1, "final")]
    )
    audits = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "final_mark.set"))
    ).all()
    kinds = [a.after["kind"] for a in audits if a.after and "kind" in a.after]
    assert sorted(kinds) == ["exam", "final", "final", "final", "year", "year"]
    alerts = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "year_mark.set"))
    ).all()
    assert {a.recipient_person_id for a in alerts} >= {world.parent.id, world.parent2.id}
    exam = next(a for a in alerts if a.payload["mark_kind"] == "exam")
    text = render_text("year_mark.set", {**exam.payload, "student": "Пётр Иванов"}, "ru")
    assert "экзаменационная" in text and "Математика" in text and "4" in text
    en = render_text("year_mark.set", {**exam.payload, "student": "Pyotr"}, "en")
    assert "exam mark" in en


async def test_year_marks_refusals(session: AsyncSession, world: SchoolWorld) -> None:
    teacher, s0 = world.actors["teacher"], world.students[0].id
    with pytest.raises(AccessDenied):  # not their subject
        await year_marks.set_year_marks(
            session, teacher, world.cls.id, world.russian.id, YEAR, {s0: 5}, now=NOW
        )
    with pytest.raises(AccessDenied):  # a student of another class
        await year_marks.set_year_marks(
            session,
            teacher,
            world.cls.id,
            world.math.id,
            YEAR,
            {world.other_student.id: 5},
            now=NOW,
        )
    with pytest.raises(ValidationFailed) as err:
        await year_marks.set_year_marks(
            session, teacher, world.cls.id, world.math.id, FinalMarkKind.PERIOD, {s0: 5}, now=NOW
        )
    assert err.value.code == "yearmarks.bad_kind"
    with pytest.raises(ValidationFailed) as err:
        await year_marks.set_year_marks(
            session, teacher, world.cls.id, world.math.id, YEAR, {s0: 6}, now=NOW
        )
    assert err.value.code == "term.bad_value"
    for name in ("parent", "student", "deputy", "director"):
        with pytest.raises(AccessDenied):
            await year_marks.year_sheet(
                session, world.actors[name], world.cls.id, world.math.id, now=NOW
            )
    assert (await session.scalars(select(FinalMark))).all() == []


async def test_the_teachers_council_locks_year_marks_until_an_unlock(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher, deputy = world.actors["teacher"], world.actors["deputy"]
    s0, args = world.students[0].id, (world.cls.id, world.math.id)
    with pytest.raises(AccessDenied):
        await period_close.set_council_date(
            session, teacher, world.year.id, TODAY - dt.timedelta(days=1), now=NOW
        )
    with pytest.raises(ValidationFailed) as err:
        await period_close.set_council_date(
            session, deputy, world.year.id, dt.date(2027, 8, 1), now=NOW
        )
    assert err.value.code == "yearmarks.council_outside_year"
    # The council sat yesterday (school time): today the year's marks are locked.
    await period_close.set_council_date(
        session, deputy, world.year.id, TODAY - dt.timedelta(days=1), now=NOW
    )
    assert (await year_marks.year_sheet(session, teacher, *args, now=NOW)).locked
    with pytest.raises(ValidationFailed) as err:
        await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 5}, now=NOW)
    assert err.value.code == "yearmarks.locked"
    # On the council's own day they were still open.
    yesterday = NOW - dt.timedelta(days=1)
    await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 4}, now=yesterday)
    with pytest.raises(ValidationFailed) as err:
        await period_close.unlock_final_marks(session, deputy, *args, reason="  ", now=NOW)
    assert err.value.code == "journal.reason_required"
    with pytest.raises(AccessDenied):
        await period_close.unlock_final_marks(session, teacher, *args, reason="ошибка", now=NOW)
    await period_close.unlock_final_marks(
        session, deputy, *args, hours=24, reason="Исправление ошибки по приказу", now=NOW
    )
    assert not (await year_marks.year_sheet(session, teacher, *args, now=NOW)).locked
    saved = await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 5}, now=NOW)
    assert saved.changed == 1
    # An unlock of another subject opens nothing here, and this one ends after its hours.
    later = NOW + dt.timedelta(hours=25)
    with pytest.raises(ValidationFailed):
        await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 4}, now=later)
    entries = {
        a.action: a
        for a in (await session.scalars(select(AuditEntry))).all()
        if a.action in ("year.council_date", "final_marks.unlock")
    }
    assert entries["final_marks.unlock"].reason == "Исправление ошибки по приказу"
    assert entries["year.council_date"].after == {"council_on": "2026-11-17"}


async def test_closing_a_period_locks_its_marks_until_an_unlock(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher, deputy = world.actors["teacher"], world.actors["deputy"]
    s0, args = world.students[0].id, (world.cls.id, world.math.id, world.q2.id)
    await final_marks.set_period_marks(session, teacher, *args, {s0: 4}, now=NOW)
    with pytest.raises(AccessDenied):
        await period_close.close_period(session, teacher, world.q2.id, now=NOW)
    closed = await period_close.close_period(session, deputy, world.q2.id, now=NOW)
    # Every other student of 7А lacks a mark in maths, Russian and English.
    assert closed.missing > 0
    with pytest.raises(Conflict):
        await period_close.close_period(session, deputy, world.q2.id, now=NOW)
    with pytest.raises(ValidationFailed) as err:
        await final_marks.set_period_marks(session, teacher, *args, {s0: 5}, now=NOW)
    assert err.value.code == "yearmarks.period_marks_locked"
    assert (await final_marks.term_sheet(session, teacher, *args, now=NOW)).period_closed
    # The period's lessons are locked too.
    with pytest.raises(ValidationFailed) as err:
        await marking.put_mark(
            session, teacher, world.lesson_today.id, s0, 5, WorkKind.ANSWER, now=NOW
        )
    assert err.value.code == "journal.period_closed"
    # An unlock of another period opens nothing.
    await period_close.unlock_final_marks(
        session, deputy, world.cls.id, world.math.id, period_id=world.q1.id, reason="x", now=NOW
    )
    with pytest.raises(ValidationFailed):
        await final_marks.set_period_marks(session, teacher, *args, {s0: 5}, now=NOW)
    await period_close.unlock_final_marks(
        session,
        deputy,
        world.cls.id,
        world.math.id,
        period_id=world.q2.id,
        reason="Пересдача",
        now=NOW,
    )
    assert not (await final_marks.term_sheet(session, teacher, *args, now=NOW)).period_closed
    saved = await final_marks.set_period_marks(session, teacher, *args, {s0: 5}, now=NOW)
    assert saved.changed == 1
    # Another subject stays locked.
    with pytest.raises(ValidationFailed):
        await final_marks.set_period_marks(
            session,
            world.actors["colleague"],
            world.cls.id,
            world.russian.id,
            world.q2.id,
            {s0: 5},
            now=NOW,
        )
    # Reopened by mistake: a reason is needed.
    with pytest.raises(ValidationFailed):
        await period_close.reopen_period(session, deputy, world.q2.id, reason="", now=NOW)
    await period_close.reopen_period(session, deputy, world.q2.id, reason="Закрыт рано", now=NOW)
    with pytest.raises(Conflict):
        await period_close.reopen_period(session, deputy, world.q2.id, reason="ещё", now=NOW)
    actions = [
        a.action
        for a in (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
        if a.action.startswith(("period.", "final_marks."))
    ]
    assert actions == ["period.close", "final_marks.unlock", "final_marks.unlock", "period.reopen"]


async def test_missing_period_marks_and_late_control_work_results(
    session: AsyncSession, world: SchoolWorld
) -> None:
    teacher = world.actors["teacher"]
    # Not the last week of the second quarter yet; in it, the quarter.
    assert await reminders.periods_in_last_week(session, [world.school.id], TODAY) == []
    last_week = dt.date(2026, 12, 21)
    periods = await reminders.periods_in_last_week(session, [world.school.id], last_week)
    assert [p.id for p in periods] == [world.q2.id]
    await final_marks.set_period_marks(
        session,
        teacher,
        world.cls.id,
        world.math.id,
        world.q2.id,
        {world.students[0].id: 5},
        now=NOW,
    )
    missing = await reminders.missing_by_assignment(session, periods, on=last_week)
    maths = reminders.MissingKey(world.q2.id, world.teacher.id, world.cls.id, world.math.id)
    assert world.students[0].id not in missing[maths]
    assert world.students[1].id in missing[maths]
    # First grade has no marks (and so no period marks).
    assert all(k.class_id != world.first.id for k in missing)
    # The subgroup's teacher: their group only.
    english = [k for k in missing if k.subject_id == world.english.id]
    assert english and set(missing[english[0]]) <= {world.students[0].id, world.students[1].id}

    session.add(
        ControlWork(
            school_id=world.school.id,
            class_id=world.cls.id,
            subject_id=world.math.id,
            date=TODAY,
            kind=WorkKind.CONTROL,
            title="Дроби",
        )
    )
    await session.commit()
    tomorrow = TODAY + dt.timedelta(days=1)
    assert await reminders.control_works_without_results(session, [world.school.id], TODAY) == []
    [due] = await reminders.control_works_without_results(session, [world.school.id], tomorrow)
    assert (due.teacher_id, due.class_name, due.title) == (world.teacher.id, "7А", "Дроби")
    # A mark of another kind is not the results; a control-work mark is.
    await marking.put_mark(
        session, teacher, world.lesson_today.id, world.students[0].id, 4, WorkKind.ANSWER, now=NOW
    )
    assert (
        len(await reminders.control_works_without_results(session, [world.school.id], tomorrow))
        == 1
    )
    await marking.put_mark(
        session, teacher, world.lesson_today.id, world.students[1].id, 3, WorkKind.CONTROL, now=NOW
    )
    assert await reminders.control_works_without_results(session, [world.school.id], tomorrow) == []


async def test_the_reminder_jobs_run_on_the_injected_clock(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    world = await build_school(session, "rem")
    session.add(
        ControlWork(
            school_id=world.school.id,
            class_id=world.cls.id,
            subject_id=world.math.id,
            date=TODAY,
            kind=WorkKind.CONTROL,
        )
    )
    await session.commit()
    by_name = {spec.name: spec for spec in jobs.JOBS}
    period_job = (by_name["period_marks_reminder"],)
    control_job = (by_name["control_results_reminder"],)
    # A week before the quarter's last week: nothing to remind.
    assert await jobs.run_due(session_factory, msk(dt.date(2026, 12, 14), 14, 30), "t", period_job)
    ran = await jobs.run_due(session_factory, msk(dt.date(2026, 12, 21), 14, 30), "t", period_job)
    assert ran == [("period_marks_reminder", world.school.id, dt.date(2026, 12, 21))]
    # Today (the work's day) the results are not late; tomorrow they are.
    await jobs.run_due(session_factory, msk(TODAY, 15, 0), "t", control_job)
    await jobs.run_due(session_factory, msk(TODAY + dt.timedelta(days=1), 15, 0), "t", control_job)
    async with session_factory() as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    period_rows = [r for r in rows if r.kind == "reminder.period_marks"]
    assert {r.recipient_person_id for r in period_rows} >= {
        world.teacher.id,
        world.colleague.id,
    }
    assert all(r.dedup_key.endswith(f"2026-12-21:{r.recipient_person_id}") for r in period_rows)
    mine = next(r for r in period_rows if r.recipient_person_id == world.teacher.id)
    text = render_text("reminder.period_marks", mine.payload, "ru")
    assert "2 четверть" in text and "7А, Математика" in text
    [control] = [r for r in rows if r.kind == "reminder.control_results"]
    assert control.recipient_person_id == world.teacher.id
    assert "19.11" in control.dedup_key or "2026-11-19" in control.dedup_key
    assert "Математика" in render_text("reminder.control_results", control.payload, "ru")


async def test_the_summary_sheet_reads_year_exam_and_final_marks(
    session: AsyncSession, world: SchoolWorld
) -> None:
    import io

    from openpyxl import load_workbook

    from services.reports import build_report

    teacher, s0 = world.actors["teacher"], world.students[0].id
    args = (world.cls.id, world.math.id)
    await final_marks.set_period_marks(session, teacher, *args, world.q1.id, {s0: 5}, now=NOW)
    await year_marks.set_year_marks(session, teacher, *args, YEAR, {s0: 4}, now=NOW)
    await year_marks.set_year_marks(session, teacher, *args, EXAM, {s0: 3}, now=NOW)
    await year_marks.set_year_marks(
        session, teacher, *args, FINAL, {s0: SpecialMark.NOT_CERTIFIED}, now=NOW
    )
    report = await build_report(
        session, world.actors["deputy"], "marks_summary", {"class_id": world.cls.id}, "xlsx"
    )
    sheet = load_workbook(io.BytesIO(report.data)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "Год" in [str(v) for v in r] or "Годовая" in map(str, r))
    mine = next(r for r in rows if any("Иванов" in str(v) for v in r))
    values = [str(v) for v in mine if v is not None]
    assert "5" in values and "4" in values and "3" in values and "н/а" in values, (header, mine)
