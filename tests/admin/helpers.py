"""Helpers of the school office's tests: row counts and spreadsheets in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from tests.factories import SchoolWorld


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def csv_bytes(rows: Sequence[Sequence[object]], *, delimiter: str = ";", bom: bool = True) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def fill_journal(session: AsyncSession, world: SchoolWorld) -> None:
    """Marks, absences, topics, homework and period marks in 7А for the report tests."""
    import datetime as dt

    from services.enums import AttendanceCode, FinalMarkKind, SpecialMark, WorkKind
    from services.models import Attendance, FinalMark, Homework, Lesson, Mark

    school_id = world.school.id
    s = world.students
    lessons = []
    for n, day in enumerate((9, 10, 11, 12, 13, 16, 17), start=1):
        for subject, teacher, number in (
            (world.math, world.teacher, 6),
            (world.russian, world.colleague, 7),
        ):
            lesson = Lesson(
                school_id=school_id,
                class_id=world.cls.id,
                subject_id=subject.id,
                teacher_id=teacher.id,
                date=dt.date(2026, 11, day),
                lesson_number=number,
                topic=f"Тема урока {n}: {'уравнения' if subject is world.math else 'орфография'}",
                attendance_taken_at=dt.datetime(2026, 11, day, 9, tzinfo=dt.UTC),
            )
            session.add(lesson)
            lessons.append(lesson)
    await session.flush()
    values = [5, 4, 3, 5, 4, 2, 5]
    for i, lesson in enumerate(lessons):
        session.add(
            Homework(school_id=school_id, lesson_id=lesson.id, text=f"§{i + 1}, упр. {i * 3 + 1}")
        )
        for k, student in enumerate(s):
            if (i + k) % 3 == 0:
                session.add(
                    Mark(
                        school_id=school_id,
                        lesson_id=lesson.id,
                        student_id=student.id,
                        value=values[(i + k) % len(values)],
                        work_kind=WorkKind.ANSWER,
                        weight=1,
                    )
                )
        if i % 4 == 1:
            session.add(
                Attendance(
                    school_id=school_id,
                    lesson_id=lesson.id,
                    student_id=s[i % 4].id,
                    code=list(AttendanceCode)[(i // 4) % 4],
                )
            )
    session.add(
        Attendance(
            school_id=school_id,
            lesson_id=lessons[4].id,
            student_id=s[3].id,
            code=AttendanceCode.ILL,
        )
    )
    for student, math_mark, rus_mark in zip(s, (5, 4, 3, None), (5, 5, 4, 2), strict=True):
        for subject, value in ((world.math, math_mark), (world.russian, rus_mark)):
            session.add(
                FinalMark(
                    school_id=school_id,
                    student_id=student.id,
                    subject_id=subject.id,
                    year_id=world.year.id,
                    period_id=world.q1.id,
                    kind=FinalMarkKind.PERIOD,
                    value=value,
                    special=None if value else SpecialMark.NOT_CERTIFIED,
                )
            )
    await session.commit()
