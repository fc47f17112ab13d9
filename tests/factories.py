"""Small factories: a two-school world that service and policy tests build for themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.attendance import roll_call
from services.enums import (
    AttendanceCode,
    GuardianKind,
    HolidayKind,
    Messenger,
    OutboxStatus,
    PeriodKind,
    Role,
)
from services.models import (
    AbsenceNotice,
    BellTime,
    Enrolment,
    Guardianship,
    Holiday,
    Lesson,
    MessengerBinding,
    OutboxMessage,
    Person,
    PlanItem,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subgroup,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
    utcnow,
)
from services.people.accounts import ensure_account
from services.people.identity import Actor, actor_for_account

# A Wednesday in the second quarter; tests pass ``now`` explicitly.
TODAY = dt.date(2026, 11, 18)
MSK = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MSK).astimezone(dt.UTC)
# The people of a SchoolWorld who act, by their attribute; ``world.actors`` holds them and
# "student" (the first of ``world.students``).
ACTING = (
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
    "other_student",
    "first_student",
)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK).astimezone(dt.UTC)


async def person(
    session: AsyncSession, school: School, last: str, first: str, *roles: Role
) -> Person:
    p = Person(school_id=school.id, last_name=last, first_name=first)
    session.add(p)
    await session.flush()
    for role in roles:
        session.add(RoleGrant(school_id=school.id, person_id=p.id, role=role))
    await ensure_account(session, p)
    await session.flush()
    return p


async def actor(session: AsyncSession, p: Person) -> Actor:
    from services.models import Account

    account_id = await session.scalar(select(Account.id).where(Account.person_id == p.id))
    assert account_id is not None
    a = await actor_for_account(session, account_id)
    assert a is not None
    return a


@dataclass
class SchoolWorld:
    school: School
    year: SchoolYear
    q2: StudyPeriod
    q1: StudyPeriod
    cls: SchoolClass  # 7А
    first: SchoolClass  # 1А
    other_cls: SchoolClass  # 8Б
    math: Subject
    russian: Subject
    english: Subject
    admin: Person
    director: Person
    deputy: Person
    teacher: Person  # maths in 7А and 8Б
    colleague: Person  # Russian in 7А
    class_teacher: Person  # of 7А, teaches English to subgroup 1
    first_teacher: Person  # class teacher and teacher of 1А
    students: list[Person]  # 7А
    other_student: Person  # 8Б
    first_student: Person  # 1А
    parent: Person  # of students[0]
    parent2: Person  # of students[1] and other_student
    trusted: Person  # of students[0], marks only
    subgroup: Subgroup  # English group 1 of 7А: students[0], students[1]
    lesson_today: Lesson  # maths 7А today, taught by teacher
    lesson_future: Lesson  # maths 7А tomorrow
    lesson_old: Lesson  # maths 7А 9 days ago (locked)
    lesson_colleague: Lesson  # Russian 7А today
    lesson_other_class: Lesson  # maths 8Б today
    lesson_first: Lesson  # 1А today
    lesson_subgroup: Lesson  # English subgroup 1 today
    lesson_substituted: Lesson  # Russian 7А today, substituted by teacher
    plan_item: PlanItem
    actors: dict[str, Actor] = field(default_factory=dict)


async def build_school(session: AsyncSession, code: str = "s1") -> SchoolWorld:
    school = School(
        code=code,
        name=f"Школа {code}",
        timezone="Europe/Moscow",
        # Set up before the school year: schedules may catch up on anything since then.
        created_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC),
    )
    session.add(school)
    await session.flush()
    year = SchoolYear(
        school_id=school.id,
        name="2026/2027",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 5, 31),
    )
    session.add(year)
    await session.flush()
    q1, q2 = (
        StudyPeriod(
            school_id=school.id,
            year_id=year.id,
            kind=PeriodKind.QUARTER,
            number=n,
            name=f"{n} четверть",
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for n, starts_on, ends_on in [
            (1, dt.date(2026, 9, 1), dt.date(2026, 10, 24)),
            (2, dt.date(2026, 11, 5), dt.date(2026, 12, 27)),
        ]
    )
    session.add_all([q1, q2])
    session.add(
        Holiday(
            school_id=school.id,
            year_id=year.id,
            kind=HolidayKind.HOLIDAY,
            name="Осенние каникулы",
            starts_on=dt.date(2026, 10, 25),
            ends_on=dt.date(2026, 11, 4),
        )
    )
    for n in range(1, 8):
        start = dt.time(8 + (n - 1), 0)
        session.add(
            BellTime(
                school_id=school.id, number=n, starts_at=start, ends_at=dt.time(start.hour, 45)
            )
        )
    math = Subject(school_id=school.id, name="Математика")
    russian = Subject(school_id=school.id, name="Русский язык")
    english = Subject(school_id=school.id, name="Английский язык")
    session.add_all([math, russian, english])
    await session.flush()

    admin = await person(session, school, "Админова", "Анна", Role.ADMIN)
    director = await person(session, school, "Директоров", "Дмитрий", Role.DIRECTOR)
    deputy = await person(session, school, "Завучева", "Зоя", Role.DEPUTY)
    teacher = await person(session, school, "Учителев", "Иван", Role.TEACHER)
    colleague = await person(session, school, "Коллегина", "Ольга", Role.TEACHER)
    class_teacher = await person(
        session, school, "Классная", "Мария", Role.TEACHER, Role.CLASS_TEACHER
    )
    first_teacher = await person(
        session, school, "Начальная", "Нина", Role.TEACHER, Role.CLASS_TEACHER
    )

    def school_class(grade: int, letter: str, led_by: Person | None = None) -> SchoolClass:
        return SchoolClass(
            school_id=school.id,
            year_id=year.id,
            grade=grade,
            letter=letter,
            name=f"{grade}{letter}",
            class_teacher_id=led_by.id if led_by else None,
        )

    cls = school_class(7, "А", class_teacher)
    other_cls = school_class(8, "Б")
    first = school_class(1, "А", first_teacher)
    session.add_all([cls, other_cls, first])
    await session.flush()

    students = [
        await person(session, school, last, first_name, Role.STUDENT)
        for last, first_name in [
            ("Иванов", "Пётр"),
            ("Петрова", "Анна"),
            ("Сидоров", "Олег"),
            ("Смирнова", "Ева"),
        ]
    ]
    other_student = await person(session, school, "Чужой", "Кирилл", Role.STUDENT)
    first_student = await person(session, school, "Малышева", "Соня", Role.STUDENT)
    for s, c in [*((s, cls) for s in students), (other_student, other_cls), (first_student, first)]:
        session.add(
            Enrolment(
                school_id=school.id, student_id=s.id, class_id=c.id, arrived_on=year.starts_on
            )
        )
    parent = await person(session, school, "Иванова", "Елена", Role.PARENT)
    parent2 = await person(session, school, "Петров", "Сергей", Role.PARENT)
    trusted = await person(session, school, "Бабушкина", "Вера", Role.TRUSTED)
    session.add_all(
        [
            *(
                Guardianship(
                    school_id=school.id, guardian_id=g.id, student_id=c.id, kind=GuardianKind.PARENT
                )
                for g, c in [
                    (parent, students[0]),
                    (parent2, students[1]),
                    (parent2, other_student),
                ]
            ),
            Guardianship(
                school_id=school.id,
                guardian_id=trusted.id,
                student_id=students[0].id,
                kind=GuardianKind.TRUSTED,
                permissions=["marks"],
                granted_by_id=parent.id,
            ),
        ]
    )
    subgroup = Subgroup(
        school_id=school.id, class_id=cls.id, subject_id=english.id, name="Группа 1"
    )
    session.add(subgroup)
    await session.flush()
    session.add_all(
        SubgroupMember(school_id=school.id, subgroup_id=subgroup.id, student_id=s.id)
        for s in students[:2]
    )
    session.add_all(
        TeachingAssignment(
            school_id=school.id,
            teacher_id=t.id,
            class_id=c.id,
            subject_id=subj.id,
            subgroup_id=sg.id if sg else None,
        )
        for t, c, subj, sg in [
            (teacher, cls, math, None),
            (teacher, other_cls, math, None),
            (colleague, cls, russian, None),
            (class_teacher, cls, english, subgroup),
            (first_teacher, first, russian, None),
        ]
    )
    plan_item = PlanItem(
        school_id=school.id,
        class_id=cls.id,
        subject_id=math.id,
        number=1,
        topic="Линейные уравнения",
    )
    session.add(plan_item)

    def lesson(
        c: SchoolClass, subj: Subject, t: Person, day: dt.date, n: int, sg: Subgroup | None = None
    ) -> Lesson:
        x = Lesson(
            school_id=school.id,
            class_id=c.id,
            subject_id=subj.id,
            teacher_id=t.id,
            date=day,
            lesson_number=n,
            subgroup_id=sg.id if sg else None,
        )
        session.add(x)
        return x

    lesson_today = lesson(cls, math, teacher, TODAY, 2)
    lesson_future = lesson(cls, math, teacher, TODAY + dt.timedelta(days=1), 2)
    lesson_old = lesson(cls, math, teacher, TODAY - dt.timedelta(days=9), 2)
    lesson_colleague = lesson(cls, russian, colleague, TODAY, 1)
    lesson_other_class = lesson(other_cls, math, teacher, TODAY, 3)
    lesson_first = lesson(first, russian, first_teacher, TODAY, 1)
    lesson_subgroup = lesson(cls, english, class_teacher, TODAY, 4, subgroup)
    lesson_substituted = lesson(cls, russian, colleague, TODAY, 5)
    await session.flush()
    session.add(
        Substitution(
            school_id=school.id,
            lesson_id=lesson_substituted.id,
            teacher_id=teacher.id,
            reason="болезнь",
        )
    )
    await session.commit()

    world = SchoolWorld(
        school=school,
        year=year,
        q1=q1,
        q2=q2,
        cls=cls,
        first=first,
        other_cls=other_cls,
        math=math,
        russian=russian,
        english=english,
        admin=admin,
        director=director,
        deputy=deputy,
        teacher=teacher,
        colleague=colleague,
        class_teacher=class_teacher,
        first_teacher=first_teacher,
        students=students,
        other_student=other_student,
        first_student=first_student,
        parent=parent,
        parent2=parent2,
        trusted=trusted,
        subgroup=subgroup,
        lesson_today=lesson_today,
        lesson_future=lesson_future,
        lesson_old=lesson_old,
        lesson_colleague=lesson_colleague,
        lesson_other_class=lesson_other_class,
        lesson_first=lesson_first,
        lesson_subgroup=lesson_subgroup,
        lesson_substituted=lesson_substituted,
        plan_item=plan_item,
    )
    for name in ACTING:
        world.actors[name] = await actor(session, getattr(world, name))
    world.actors["student"] = await actor(session, students[0])
    return world


async def count(session: AsyncSession, model: type, *where: Any) -> int:
    """How many rows of ``model`` match ``where``."""
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def maths_lesson(world: SchoolWorld, day: dt.date, number: int, **other: Any) -> Lesson:
    """A maths lesson of 7А taught by the teacher (``other`` sets other columns); not added."""
    columns: dict[str, Any] = {
        "school_id": world.school.id,
        "class_id": world.cls.id,
        "subject_id": world.math.id,
        "teacher_id": world.teacher.id,
        "date": day,
        "lesson_number": number,
    }
    return Lesson(**(columns | other))


def enrolment(world: SchoolWorld, student_id: int) -> Enrolment:
    """The student in 7А since the school year began; not added."""
    return Enrolment(
        school_id=world.school.id,
        student_id=student_id,
        class_id=world.cls.id,
        arrived_on=world.year.starts_on,
    )


def absence_notice(world: SchoolWorld, student_id: int, reason: str) -> AbsenceNotice:
    """A parent's notice that the student is away today, excused; not added."""
    return AbsenceNotice(
        school_id=world.school.id,
        student_id=student_id,
        date_from=TODAY,
        date_to=TODAY,
        reason=reason,
        code=AttendanceCode.EXCUSED,
    )


async def absent_today(
    session: AsyncSession, world: SchoolWorld, student_id: int, *, now: dt.datetime = NOW
) -> None:
    """The teacher marks the student absent at today's maths lesson (``lesson_today``)."""
    await attendance_today(session, world, {student_id: AttendanceCode.ABSENT}, now=now)


async def attendance_today(
    session: AsyncSession,
    world: SchoolWorld,
    codes: dict[int, AttendanceCode],
    *,
    now: dt.datetime = NOW,
) -> None:
    """The teacher saves the roll call of today's maths lesson (``lesson_today``): ``codes`` by
    student id, everyone else present."""
    teacher = world.actors["teacher"]
    await roll_call.save_attendance(session, teacher, world.lesson_today.id, codes, now=now)


def as_parent(world: SchoolWorld, person: Person, child: Person) -> list[RoleGrant | Guardianship]:
    """The rows that make ``person`` (say, a teacher) a parent of ``child`` too; not added."""
    return [
        RoleGrant(school_id=world.school.id, person_id=person.id, role=Role.PARENT),
        Guardianship(
            school_id=world.school.id,
            guardian_id=person.id,
            student_id=child.id,
            kind=GuardianKind.PARENT,
        ),
    ]


def messenger_binding(
    school_id: int, account_id: int, user_id: int, messenger: Messenger
) -> MessengerBinding:
    """An account signed in from a private chat of ``messenger`` (the journal addresses a
    private chat by the user id, in MAX as in Telegram), used at sign-in as a real sign-in
    records it; not added."""
    return MessengerBinding(
        school_id=school_id,
        account_id=account_id,
        messenger=messenger,
        external_user_id=str(user_id),
        chat_id=str(user_id),
        last_seen_at=utcnow(),
    )


def telegram_binding(school_id: int, account_id: int, user_id: int) -> MessengerBinding:
    """An account signed in from a private Telegram chat; not added."""
    return messenger_binding(school_id, account_id, user_id, Messenger.TELEGRAM)


async def bind_chats(session: AsyncSession, world: SchoolWorld, users: dict[str, int]) -> None:
    """Sign people of the world in to the messenger: ``{"teacher": 101, ...}`` (the chat id is
    the user id, as in private chats)."""
    for name, user_id in users.items():
        account_id = (await actor(session, getattr(world, name))).account_id
        session.add(telegram_binding(world.school.id, account_id, user_id))
    await session.commit()


def failed_alert(
    school_id: int,
    recipient_id: int | None,
    dedup_key: str,
    *,
    kind: str,
    attempts: int,
    last_error: str,
    status: OutboxStatus = OutboxStatus.DEAD,
) -> OutboxMessage:
    """An alert the worker gave up on (a dead letter unless ``status`` says otherwise), with an
    empty payload; ``recipient_id`` None is a fan-out row (every family); not added."""
    return OutboxMessage(
        school_id=school_id,
        recipient_person_id=recipient_id,
        kind=kind,
        dedup_key=dedup_key,
        payload={},
        status=status,
        attempts=attempts,
        last_error=last_error,
    )


def dead_fan_out(world: SchoolWorld) -> OutboxMessage:
    """A weekly digest's fan-out row (no recipient of its own) that died expanding; not added."""
    return failed_alert(
        world.school.id,
        None,
        "fanout:weekly:1",
        kind="fanout",
        attempts=8,
        last_error="expand failed",
    )
