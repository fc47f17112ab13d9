"""Rows the family tests add to the factories' world (marks, homework, attendance…)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import AttendanceCode, FinalMarkKind, WorkKind
from services.models import (
    Attendance,
    FinalMark,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
)
from tests.factories import SchoolWorld


def mark(
    world: SchoolWorld,
    lesson: Lesson,
    student_id: int,
    value: int,
    kind: WorkKind = WorkKind.ANSWER,
    weight: int = 1,
    comment: str | None = None,
) -> Mark:
    return Mark(
        school_id=world.school.id,
        lesson_id=lesson.id,
        student_id=student_id,
        value=value,
        work_kind=kind,
        weight=weight,
        comment=comment,
    )


def homework(
    world: SchoolWorld,
    lesson: Lesson,
    text: str,
    *,
    student_id: int | None = None,
    due: dt.date | None = None,
    files: int = 0,
) -> Homework:
    hw = Homework(
        school_id=world.school.id,
        lesson_id=lesson.id,
        student_id=student_id,
        text=text,
        due_date=due,
    )
    for i in range(files):
        hw.files.append(
            HomeworkFile(
                school_id=world.school.id,
                kind="document",
                file_ref=f"file-{lesson.id}-{i}",
                file_name=f"задание-{i + 1}.pdf",
            )
        )
    return hw


def absence(
    world: SchoolWorld, lesson: Lesson, student_id: int, code: AttendanceCode
) -> Attendance:
    return Attendance(
        school_id=world.school.id, lesson_id=lesson.id, student_id=student_id, code=code
    )


def final(
    world: SchoolWorld,
    student_id: int,
    subject_id: int,
    value: int,
    *,
    period_id: int | None = None,
) -> FinalMark:
    return FinalMark(
        school_id=world.school.id,
        student_id=student_id,
        subject_id=subject_id,
        year_id=world.year.id,
        period_id=period_id,
        kind=FinalMarkKind.PERIOD if period_id else FinalMarkKind.YEAR,
        value=value,
    )


async def fill_record(session: AsyncSession, world: SchoolWorld) -> None:
    """A recorded week for students[1] (Петрова Анна, parent2's child) and a little for others.

    Maths: 4, 4, 5 (average 4.33 → «4», one more five makes «5»); Russian: a control work 3
    and a 4; English: a period mark «5» already set. Homework for tomorrow with a file, a
    personal homework of another student, an absence, a lateness and an illness.
    """
    anna = world.students[1].id
    session.add_all(
        [
            mark(world, world.lesson_old, anna, 4, WorkKind.ANSWER),
            mark(world, world.lesson_today, anna, 4, WorkKind.CLASSWORK, comment="<b>молодец</b>"),
            mark(world, world.lesson_today, anna, 5, WorkKind.ANSWER),
            mark(world, world.lesson_colleague, anna, 3, WorkKind.CONTROL, 3),
            mark(world, world.lesson_substituted, anna, 4, WorkKind.ANSWER),
            mark(world, world.lesson_subgroup, anna, 5, WorkKind.ANSWER),
            mark(world, world.lesson_today, world.students[0].id, 2, WorkKind.ANSWER),
            homework(world, world.lesson_today, "№ 125, 126 <i>&</i>", files=1),
            homework(
                world,
                world.lesson_today,
                "Работа над ошибками",
                student_id=world.students[0].id,
            ),
            homework(
                world,
                world.lesson_colleague,
                "Упр. 45",
                due=world.lesson_future.date,
            ),
            absence(world, world.lesson_colleague, anna, AttendanceCode.LATE),
            absence(world, world.lesson_substituted, anna, AttendanceCode.ABSENT),
            absence(world, world.lesson_old, anna, AttendanceCode.ILL),
            final(world, anna, world.english.id, 5, period_id=world.q2.id),
            final(world, anna, world.english.id, 5),
        ]
    )
    world.lesson_today.topic = "Линейные уравнения <x>"
    await session.commit()
