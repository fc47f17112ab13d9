"""/termmarks, /absences, /reasons and /classjournal through the Dispatcher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.class_teacher.actions import JournalCb, ReasonCb
from screens.class_teacher.journal import LIMIT, table_pages
from screens.teacher.actions import TermCb
from screens.teacher.common import pack_day
from services.attendance import roll_call
from services.enums import AttendanceCode, SpecialMark, WorkKind
from services.marks import marking
from services.marks.class_journal import JournalColumn, JournalGrid, JournalRow
from services.models import Attendance, AuditEntry, FinalMark, Lesson
from tests.factories import NOW, TODAY, SchoolWorld, attendance_today
from tests.family.helpers import mark


async def _marks(session: AsyncSession, world: SchoolWorld, values: dict[int, list[int]]) -> None:
    for k in range(5):
        session.add(
            Lesson(
                school_id=world.school.id,
                class_id=world.cls.id,
                subject_id=world.math.id,
                teacher_id=world.teacher.id,
                date=world.q2.starts_on + dt.timedelta(days=k),
                lesson_number=7,
            )
        )
    await session.flush()
    lessons = (
        await session.scalars(select(Lesson).where(Lesson.lesson_number == 7).order_by(Lesson.date))
    ).all()
    for student_id, marks in values.items():
        for lesson, value in zip(lessons, marks, strict=False):
            session.add(mark(world, lesson, student_id, value))
    await session.commit()


async def test_term_marks_confirm_all_with_an_override(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    s = [x.id for x in world.students]
    await _marks(session, world, {s[0]: [5, 5, 4, 5], s[1]: [3, 4, 4], s[2]: [2]})
    me = chat("teacher")
    await me.send("/termmarks")
    assert t("ru", "term.pick") in me.text  # 7А and 8Б maths
    await me.press_text("7А · Математика")
    await me.press_text("2 четверть")
    text = me.text
    assert "Иванов П.: 4.75 (4) → <b>5</b>" in text
    assert "Петрова А.: 3.67 (3) → <b>4</b>" in text
    assert "Сидоров О.: 2.00 (1) → <b>2</b> " + t("ru", "term.few") in text
    assert "Смирнова Е.: — (0) → <b>—</b>" in text
    me.interactions = 0
    await me.press_text("Сидоров О.")
    await me.press_text(t("ru", "term.special.na"))
    assert "✎" in me.text
    await me.press_text(t("ru", "term.save", count=3))
    assert me.interactions == 3
    rows = {
        fm.student_id: (fm.value, fm.special) for fm in (await session.scalars(select(FinalMark)))
    }
    assert rows == {s[0]: (5, None), s[1]: (4, None), s[2]: (None, SpecialMark.NOT_CERTIFIED)}
    assert "✅ Отметки за период «2 четверть» сохранены: новых 3, изменено 0" in me.text
    assert "(выставлено: 5)" in me.text
    assert (
        await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "final_mark.set")
        )
        == 3
    )


async def test_term_marks_forged_class_is_refused(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    forged = TermCb(
        action="save", class_id=world.cls.id, subject_id=world.russian.id, period_id=world.q2.id
    )
    await me.press(forged.pack())
    assert me.alerts() == [t("ru", "error.forbidden")]
    assert await session.scalar(select(func.count()).select_from(FinalMark)) == 0


async def test_class_teacher_term_marks_of_every_subject(chat: Any, world: SchoolWorld) -> None:
    me = chat("class_teacher")
    await me.send("/termmarks")
    labels = [x for x, _ in me.buttons()]
    assert {"7А · Математика", "7А · Русский язык", "7А · Английский язык"} <= set(labels)


async def test_absences_today(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    s = world.students
    await attendance_today(
        session, world, {s[0].id: AttendanceCode.ABSENT, s[1].id: AttendanceCode.LATE}
    )
    me = chat("class_teacher")
    await me.send("/absences")
    assert "7А" in me.text
    assert "Иванов П. — Н (отсутствует): 2-й урок, 09:00 (Математика)" in me.text
    assert "Петрова А. — ОП (опоздание): 2-й урок, 09:00 (Математика)" in me.text
    subject_teacher = chat("teacher")
    await subject_teacher.send("/absences")
    assert subject_teacher.text == t("ru", "error.forbidden")


async def test_weekly_reasons(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    s0, s1 = world.students[0].id, world.students[1].id
    lid, sub_lid = world.lesson_today.id, world.lesson_substituted.id
    teacher = world.actors["teacher"]
    await roll_call.save_attendance(
        session, teacher, lid, {s0: AttendanceCode.ABSENT, s1: AttendanceCode.ABSENT}, now=NOW
    )
    await roll_call.save_attendance(session, teacher, sub_lid, {s0: AttendanceCode.ABSENT}, now=NOW)
    row = await session.scalar(select(Attendance).where(Attendance.student_id == s1))
    assert row is not None
    row.family_reason = "excused"
    await session.commit()

    me = chat("class_teacher")
    await me.send("/reasons")
    assert t("ru", "ct.rs.todo", count=2) in me.text
    assert t("ru", "ct.family.excused") in me.text
    me.interactions = 0
    await me.press_text("Б · Иванов П.")
    assert me.interactions == 1
    codes = dict(
        (
            await session.execute(
                select(Attendance.lesson_id, Attendance.code).where(Attendance.student_id == s0)
            )
        ).all()
    )
    assert codes == {lid: AttendanceCode.ILL, sub_lid: AttendanceCode.ILL}
    await me.press_text(t("ru", "ct.rs.accept_families", count=1))
    code = await session.scalar(select(Attendance.code).where(Attendance.student_id == s1))
    assert code == AttendanceCode.EXCUSED
    assert t("ru", "ct.rs.none") not in me.text
    assert "❗" not in me.text

    # Another class's class teacher cannot forge it.
    other = chat("first_teacher")
    await other.press(
        ReasonCb(
            action="set", class_id=world.cls.id, day=pack_day(TODAY), student_id=s0, code="excused"
        ).pack()
    )
    assert other.alerts() == [t("ru", "error.forbidden")]


async def test_class_journal(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    s = world.students
    await marking.put_mark(
        session,
        world.actors["teacher"],
        world.lesson_today.id,
        s[0].id,
        5,
        WorkKind.ANSWER,
        now=NOW,
    )
    me = chat("class_teacher")
    await me.send("/classjournal")
    await me.press_text("Математика")
    text = me.text
    assert "<pre>" in text and "Иванов П      5" in text
    assert len(text) < 4096
    forged = JournalCb(
        action="show", class_id=world.cls.id, subject_id=world.math.id, period_id=world.q2.id
    )
    colleague = chat("colleague")
    await colleague.press(
        JournalCb(
            action="show",
            class_id=world.cls.id,
            subject_id=world.math.id,
            period_id=world.q2.id,
        ).pack()
    )
    assert colleague.alerts() == [t("ru", "error.forbidden")]
    assert forged.pack()


def test_table_pages_fit_a_phone_and_telegram() -> None:
    columns = tuple(
        JournalColumn(i, dt.date(2026, 11, 1) + dt.timedelta(days=i), 1) for i in range(40)
    )
    rows = tuple(
        JournalRow(n, f"Длиннофамильный{n}", "Имя", tuple("54" for _ in columns), None)
        for n in range(45)
    )
    pages = table_pages(JournalGrid("7А", "Математика", "2 четверть", columns, rows))
    assert len(pages) >= 6
    for page in pages:
        assert len(page) <= LIMIT
        assert max(len(line) for line in page.splitlines()) <= 36
