"""The access policy as a table: use case × role × own or foreign object → allow or deny.

One world of two schools; every row calls the real use case and expects it to pass or to be
refused with AccessDenied. A mismatch list is reported whole, so one run shows every wrong cell.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import diary, journal
from services.enums import AttendanceCode, WorkKind
from services.errors import AccessDenied, DomainError
from services.identity import Actor
from tests.factories import NOW, TODAY, SchoolWorld, build_school

Call = Callable[[AsyncSession, Actor, SchoolWorld, SchoolWorld], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    use_case: str
    target: str  # what the object is relative to the actor
    call: Call
    allowed: frozenset[str]  # actor names (keys of SchoolWorld.actors) that may do it


ALL = frozenset(
    {
        "admin",
        "director",
        "deputy",
        "teacher",
        "colleague",
        "class_teacher",
        "first_teacher",
        "parent",
        "parent2",
        "trusted",
        "student",
        "other_student",
        "first_student",
    }
)
READERS = frozenset({"admin", "director", "deputy"})


def diary_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        student = {"child0": w.students[0], "child1": w.students[1], "foreign": o.students[0]}[
            which
        ]
        return await diary.student_diary(s, a, student.id, TODAY, TODAY)

    return call


def marks_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        student = {"child0": w.students[0], "foreign": o.students[0]}[which]
        period = w.q2 if which != "foreign" else o.q2
        return await diary.marks_by_subject(s, a, student.id, period.id)

    return call


def put_mark_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson, student = {
            "own_lesson": (w.lesson_today, w.students[0]),
            "colleague_lesson": (w.lesson_colleague, w.students[0]),
            "substituted": (w.lesson_substituted, w.students[0]),
            "foreign_school": (o.lesson_today, o.students[0]),
        }[which]
        return await journal.put_mark(s, a, lesson.id, student.id, 4, WorkKind.ANSWER, now=NOW)

    return call


def attendance_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson, student = {
            "own_lesson": (w.lesson_today, w.students[0]),
            "foreign_school": (o.lesson_today, o.students[0]),
        }[which]
        return await journal.save_attendance(
            s, a, lesson.id, {student.id: AttendanceCode.LATE}, now=NOW
        )

    return call


def homework_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {"own_lesson": w.lesson_today, "other_class": w.lesson_colleague}[which]
        return await journal.set_homework(s, a, lesson.id, "№ 1", now=NOW)

    return call


def timetable_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls = {"own_class": w.cls, "other_class": w.other_cls, "foreign": o.cls}[which]
        return await diary.class_timetable(s, a, cls.id, TODAY, TODAY)

    return call


def teacher_day_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        teacher = {"teacher": w.teacher, "foreign": o.teacher}[which]
        return await diary.teacher_lessons(s, a, TODAY, teacher.id)

    return call


def period_marks_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls, subject, period = {
            "maths_7a": (w.cls, w.math, w.q2),
            "foreign": (o.cls, o.math, o.q2),
        }[which]
        return await diary.suggest_period_marks(s, a, cls.id, subject.id, period.id)

    return call


def unlock(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {"own_school": w.lesson_old, "foreign": o.lesson_old}[which]
        return await journal.unlock_lesson(s, a, lesson.id, reason="проверка", now=NOW)

    return call


NONE: frozenset[str] = frozenset()
CASES = [
    Case(
        "diary",
        "child0",
        diary_of("child0"),
        READERS | {"parent", "trusted", "student", "class_teacher", "teacher", "colleague"},
    ),
    Case(
        "diary",
        "child1",
        diary_of("child1"),
        READERS | {"parent2", "class_teacher", "teacher", "colleague"},
    ),
    Case("diary", "foreign", diary_of("foreign"), NONE),
    Case(
        "marks",
        "child0",
        marks_of("child0"),
        READERS | {"parent", "trusted", "student", "class_teacher", "teacher", "colleague"},
    ),
    Case("marks", "foreign", marks_of("foreign"), NONE),
    Case("put_mark", "own_lesson", put_mark_on("own_lesson"), frozenset({"teacher"})),
    Case("put_mark", "colleague_lesson", put_mark_on("colleague_lesson"), frozenset({"colleague"})),
    Case("put_mark", "substituted", put_mark_on("substituted"), frozenset({"teacher"})),
    Case("put_mark", "foreign_school", put_mark_on("foreign_school"), NONE),
    Case("attendance", "own_lesson", attendance_on("own_lesson"), frozenset({"teacher"})),
    Case("attendance", "foreign_school", attendance_on("foreign_school"), NONE),
    Case("homework", "own_lesson", homework_on("own_lesson"), frozenset({"teacher"})),
    Case("homework", "other_class", homework_on("other_class"), frozenset({"colleague"})),
    Case(
        "timetable",
        "own_class",
        timetable_of("own_class"),
        READERS
        | {"teacher", "colleague", "class_teacher", "parent", "parent2", "trusted", "student"},
    ),
    Case(
        "timetable",
        "other_class",
        timetable_of("other_class"),
        READERS | {"teacher", "parent2", "other_student"},
    ),
    Case("timetable", "foreign", timetable_of("foreign"), NONE),
    Case("teacher_day", "teacher", teacher_day_of("teacher"), READERS | {"teacher"}),
    Case("teacher_day", "foreign", teacher_day_of("foreign"), NONE),
    Case(
        "period_marks",
        "maths_7a",
        period_marks_of("maths_7a"),
        frozenset({"teacher", "class_teacher"}),
    ),
    Case("period_marks", "foreign", period_marks_of("foreign"), NONE),
    Case("unlock", "own_school", unlock("own_school"), frozenset({"admin", "deputy"})),
    Case("unlock", "foreign", unlock("foreign"), NONE),
]


async def test_access_matrix(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as s:
        world = await build_school(s, "own")
        other = await build_school(s, "foreign")
    mismatches: list[str] = []
    cells = 0
    for case in CASES:
        for name in sorted(ALL):
            cells += 1
            expected = name in case.allowed
            async with session_factory() as s:
                try:
                    await case.call(s, world.actors[name], world, other)
                    got = True
                except AccessDenied:
                    got = False
                except DomainError as exc:  # a rule, not access: the policy let it through
                    got = True
                    if not expected:
                        mismatches.append(f"{case.use_case}/{case.target}/{name}: {exc.code}")
                        continue
            if got != expected:
                verdict = "allowed" if got else "denied"
                mismatches.append(f"{case.use_case}/{case.target}/{name}: {verdict}")
    assert cells == len(CASES) * len(ALL)
    assert mismatches == []
