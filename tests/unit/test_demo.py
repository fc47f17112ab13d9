"""The demo school on SQLite and PostgreSQL: contents, determinism, idempotency, credentials."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import distinct, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from i18n import translator
from services.db import make_engine, make_session_factory
from services.enums import AttendanceCode, GuardianKind, HolidayKind, Messenger, Role, WorkKind
from services.errors import DomainError
from services.models import (
    AbsenceNotice,
    Account,
    Attendance,
    AuditEntry,
    Base,
    BellTime,
    Enrolment,
    Guardianship,
    Holiday,
    Homework,
    Invite,
    Lesson,
    Mark,
    Person,
    PlanItem,
    RoleGrant,
    School,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
)
from services.people import accounts
from services.tools import demo_roster
from services.tools.demo import DEMO_CODE, OTHER_STAFF, build_demo, demo_year
from services.tools.migrate import upgrade

BOT = "demo_test_bot"
TODAY = dt.date(2026, 11, 19)  # a Thursday of the second quarter
# The same switches as tests/conftest.py: which backends, where PostgreSQL is, CI must test both.
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [b.strip() for b in os.environ.get("TEST_BACKENDS", "sqlite,postgres").split(",") if b]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
module_loop = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Demo:
    backend: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    samples: list[dict[str, str]]
    school_id: int


async def _built(url: str, backend: str) -> Demo:
    engine = make_engine(url)
    await upgrade(engine)
    sessions = make_session_factory(engine)
    samples = await build_demo(sessions, bot_username=BOT, today=TODAY)
    async with sessions() as s:
        school_id = await s.scalar(select(School.id).where(School.code == DEMO_CODE))
    assert school_id is not None
    return Demo(backend, engine, sessions, samples, school_id)


async def _postgres_database() -> tuple[AsyncEngine, str]:
    admin = make_engine(PG_ADMIN_URL, pool=False).execution_options(isolation_level="AUTOCOMMIT")
    name = f"schoolbot_test_{secrets.token_hex(6)}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, DBAPIError) as exc:
        await admin.dispose()
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required under CI and unreachable: {exc}") from exc
        pytest.skip(f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {exc}")
    return admin, name


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=BACKENDS)
async def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Demo]:
    if request.param not in ("sqlite", "postgres"):
        raise ValueError(f"unknown backend {request.param}")
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        built = await _built(f"sqlite+aiosqlite:///{path}", "sqlite")
        try:
            yield built
        finally:
            await built.engine.dispose()
        return
    admin, name = await _postgres_database()
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        built = await _built(url, "postgres")
        try:
            yield built
        finally:
            await built.engine.dispose()
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reference(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """A second demo school built from scratch on a fresh SQLite file, for comparison."""
    path: Path = tmp_path_factory.mktemp("reference") / "demo.db"
    built = await _built(f"sqlite+aiosqlite:///{path}", "sqlite")
    try:
        yield await _fingerprint(built)
    finally:
        await built.engine.dispose()


def _sorted(rows: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in rows)


async def _fingerprint(demo: Demo) -> dict[str, Any]:
    """The school's content without ids or creation times."""
    student = aliased(Person)
    teacher = aliased(Person)
    queries: dict[str, Any] = {
        "persons": select(
            Person.external_id,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Person.birth_date,
        ),
        "logins": select(Account.login),
        "timetable": select(
            SchoolClass.name,
            TimetableEntry.weekday,
            TimetableEntry.lesson_number,
            Subject.name,
            teacher.external_id,
            TimetableEntry.room,
        )
        .join(SchoolClass, SchoolClass.id == TimetableEntry.class_id)
        .join(Subject, Subject.id == TimetableEntry.subject_id)
        .join(teacher, teacher.id == TimetableEntry.teacher_id),
        "marks": select(
            student.external_id,
            Lesson.date,
            Lesson.lesson_number,
            Lesson.topic,
            Mark.value,
            Mark.work_kind,
        )
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(student, student.id == Mark.student_id),
        "attendance": select(
            student.external_id, Lesson.date, Lesson.lesson_number, Attendance.code
        )
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(student, student.id == Attendance.student_id),
    }
    async with demo.sessions() as s:
        return {key: _sorted((await s.execute(q)).all()) for key, q in queries.items()}


async def _count(s: AsyncSession, stmt: Any) -> int:
    return int(await s.scalar(stmt) or 0)


async def _table_state(engine: AsyncEngine) -> dict[str, tuple[Any, Any]]:
    state = {}
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            count = await conn.scalar(select(func.count()).select_from(table))
            top = await conn.scalar(select(func.max(table.c.id))) if "id" in table.c else None
            state[table.name] = (count, top)
    return state


# --------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize(
    ("today", "first_year"),
    [
        (dt.date(2026, 11, 19), 2026),
        (dt.date(2027, 2, 1), 2026),
        (dt.date(2027, 5, 31), 2026),
        (dt.date(2027, 6, 15), 2027),  # summer: the year starting next September
        (dt.date(2027, 8, 31), 2027),
        (dt.date(2024, 9, 1), 2024),  # 1 Sept 2024 was a Sunday
    ],
)
def test_calendar_quarters_and_holidays(today: dt.date, first_year: int) -> None:
    cal = demo_year(today)
    assert cal.first_year == first_year
    assert cal.starts_on == dt.date(first_year, 9, 1)
    assert cal.ends_on == dt.date(first_year + 1, 5, 31)
    assert len(cal.quarters) == 4
    assert cal.quarters[0][0].weekday() < 5
    assert cal.starts_on <= cal.quarters[0][0] <= dt.date(first_year, 9, 3)
    for (start, end), (next_start, _) in zip(cal.quarters, cal.quarters[1:], strict=False):
        assert start < end < next_start
        # the gap between two quarters is a holiday
        gap = [h for h in cal.holidays if h.kind == HolidayKind.HOLIDAY and end < h.starts_on]
        assert gap and gap[0].ends_on < next_start
    assert cal.quarters[-1][1] <= cal.ends_on
    names = {h.name for h in cal.holidays}
    assert {"Осенние каникулы", "Зимние каникулы", "Весенние каникулы"} <= names
    assert not cal.is_working_day(dt.date(first_year, 11, 4))
    assert not cal.is_working_day(dt.date(first_year + 1, 1, 3))
    days = cal.working_days(cal.starts_on, cal.ends_on)
    assert 160 <= len(days) <= 175
    assert all(d.isoweekday() <= 5 for d in days)


# --------------------------------------------------------------------------- the school


@module_loop
async def test_returns_a_sample_of_every_role(demo: Demo) -> None:
    # Every role, the regulations' other staff (extra_teacher, educator, observer) included.
    assert {s["role"] for s in demo.samples} == {r.value for r in Role}
    others = [s for s in demo.samples if s["role"] in ("extra_teacher", "educator", "observer")]
    assert [(s["role"], s["name"]) for s in others] == [
        ("extra_teacher", "Соколов Павел Игоревич"),
        ("educator", "Лебедева Марина Олеговна"),
        ("observer", "Орлова Светлана Юрьевна"),
    ]
    assert len({s["login"] for s in demo.samples}) == len(demo.samples)
    for sample in demo.samples:
        assert set(sample) == {"role", "name", "login", "password", "invite"}
        assert len(sample["password"]) == accounts.PASSWORD_LENGTH
        assert set(sample["password"]) <= set(accounts.PASSWORD_ALPHABET)
        prefix = f"https://t.me/{BOT}?start="
        assert sample["invite"].startswith(prefix)
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", sample["invite"].removeprefix(prefix))
        assert len(sample["name"].split()) == 3  # фамилия, имя, отчество
    async with demo.sessions() as s:
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=29)
        sample_accounts = set()
        for sample in demo.samples:
            account = await s.scalar(select(Account).where(Account.login == sample["login"]))
            assert account is not None
            sample_accounts.add(account.id)
            roles = set(
                await s.scalars(
                    select(RoleGrant.role).where(RoleGrant.person_id == account.person_id)
                )
            )
            assert Role(sample["role"]) in roles
            # One invite each, valid for a month (a sign-in elsewhere may have spent it since).
            invites = (await s.scalars(select(Invite).where(Invite.account_id == account.id))).all()
            assert len(invites) == 1 and invites[0].expires_at > soon
            assert invites[0].token_hash == accounts.hash_token(sample["invite"].split("=", 1)[1])
            if account.password_hash is not None:
                assert account.password_expires_at is not None
                assert account.password_expires_at > soon
                assert accounts.verify_password(sample["password"], account.password_hash)
        # Only the samples got credentials.
        with_password = set(
            await s.scalars(select(Account.id).where(Account.password_hash.is_not(None)))
        )
        assert with_password <= sample_accounts
        assert set(await s.scalars(select(Invite.account_id))) == sample_accounts
        # the sample parents: one with two children in different classes, one with one child
        parents = [x for x in demo.samples if x["role"] == Role.PARENT]
        children_counts = []
        for parent in parents:
            person_id = await s.scalar(
                select(Account.person_id).where(Account.login == parent["login"])
            )
            classes = (
                await s.scalars(
                    select(Enrolment.class_id)
                    .join(Guardianship, Guardianship.student_id == Enrolment.student_id)
                    .where(
                        Guardianship.guardian_id == person_id,
                        Guardianship.kind == GuardianKind.PARENT,
                    )
                )
            ).all()
            children_counts.append(len(classes))
            assert len(set(classes)) == len(classes)
        assert sorted(children_counts) == [1, 2]


@module_loop
async def test_school_contents(demo: Demo) -> None:
    sid = demo.school_id
    async with demo.sessions() as s:
        classes = {
            c.name: c
            for c in await s.scalars(select(SchoolClass).where(SchoolClass.school_id == sid))
        }
        assert 5 <= len(classes) <= 8
        assert {"1А", "7А"} <= set(classes)
        assert all(c.class_teacher_id is not None for c in classes.values())

        def role_count(role: Role) -> Any:
            return select(func.count()).where(RoleGrant.school_id == sid, RoleGrant.role == role)

        assert await _count(s, role_count(Role.TEACHER)) >= 10
        assert await _count(s, role_count(Role.CLASS_TEACHER)) == len(classes)
        for role in (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TRUSTED):
            assert await _count(s, role_count(role)) >= 1
        students = await _count(s, role_count(Role.STUDENT))
        assert 90 <= students <= 120
        per_class = dict(
            (
                await s.execute(
                    select(Enrolment.class_id, func.count()).group_by(Enrolment.class_id)
                )
            ).all()
        )
        assert sum(per_class.values()) == students
        assert all(15 <= n <= 20 for n in per_class.values())
        # Everybody with a role can sign in some day: one account per person.
        persons = await _count(s, select(func.count(Person.id)).where(Person.school_id == sid))
        assert await _count(s, select(func.count(Account.id))) == persons
        assert await _count(s, select(func.count(distinct(RoleGrant.person_id)))) == persons
        assert await _count(s, select(func.count()).where(Person.external_id.is_(None))) == 0
        # The other staff, one of each role, are the last people added (the ids of the rest
        # stay where they were), with no groups of their own yet.
        last = (
            await s.execute(
                select(Person.external_id, RoleGrant.role)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(Person.school_id == sid)
                .order_by(Person.id.desc())
                .limit(len(OTHER_STAFF))
            )
        ).all()
        assert sorted(tuple(row) for row in last) == [(ext, role) for ext, *_, role in OTHER_STAFF]
        for role in (Role.EXTRA_TEACHER, Role.EDUCATOR, Role.OBSERVER):
            assert await _count(s, role_count(role)) == 1
        other_ids = select(Person.id).where(Person.external_id.like("demo-os-%"))
        assigned = select(func.count()).where(TeachingAssignment.teacher_id.in_(other_ids))
        assert await _count(s, assigned) == 0

        # Every student has one or two parents; one parent has two children; one trusted person.
        parents_per_student = (
            await s.execute(
                select(Guardianship.student_id, func.count())
                .where(Guardianship.kind == GuardianKind.PARENT)
                .group_by(Guardianship.student_id)
            )
        ).all()
        assert len(parents_per_student) == students
        assert {n for _, n in parents_per_student} <= {1, 2}
        children = (
            await s.execute(
                select(Guardianship.guardian_id, func.count())
                .where(Guardianship.kind == GuardianKind.PARENT)
                .group_by(Guardianship.guardian_id)
                .having(func.count() >= 2)
            )
        ).all()
        assert children
        trusted = (
            await s.scalars(select(Guardianship).where(Guardianship.kind == GuardianKind.TRUSTED))
        ).all()
        assert len(trusted) == 1
        assert trusted[0].permissions == ["marks", "attendance", "homework"]
        granted_by_parent = await s.scalar(
            select(Guardianship.id).where(
                Guardianship.guardian_id == trusted[0].granted_by_id,
                Guardianship.student_id == trusted[0].student_id,
                Guardianship.kind == GuardianKind.PARENT,
            )
        )
        assert granted_by_parent is not None

        # Calendar and bells.
        assert await _count(s, select(func.count(StudyPeriod.id))) == 4
        assert await _count(s, select(func.count(Holiday.id))) >= 4
        assert await _count(s, select(func.count(BellTime.id))) == 8

        # 7А: two English groups with different teachers, covering the class.
        c7 = classes["7А"]
        english = await s.scalar(select(Subject.id).where(Subject.name == "Английский язык"))
        groups = (await s.scalars(select(Subgroup).where(Subgroup.class_id == c7.id))).all()
        assert len(groups) == 2 and {g.subject_id for g in groups} == {english}
        members = (
            await s.execute(
                select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id.in_([g.id for g in groups])
                )
            )
        ).all()
        assert len({st for _, st in members}) == len(members) == per_class[c7.id]
        english_lessons = (
            await s.execute(
                select(Lesson.subgroup_id, Lesson.teacher_id).where(
                    Lesson.class_id == c7.id, Lesson.subject_id == english
                )
            )
        ).all()
        assert english_lessons and all(sg is not None for sg, _ in english_lessons)
        teachers_by_group = {
            sg: {t for g, t in english_lessons if g == sg} for sg, _ in english_lessons
        }
        assert len(teachers_by_group) == 2
        assert len(set.union(*teachers_by_group.values())) == 2
        assignments = (
            await s.scalars(
                select(TeachingAssignment.subgroup_id).where(
                    TeachingAssignment.class_id == c7.id, TeachingAssignment.subject_id == english
                )
            )
        ).all()
        assert set(assignments) == {g.id for g in groups}

        # 1st grade: lessons with topics and attendance, never marks or homework.
        c1 = classes["1А"]
        first_lessons = select(Lesson.id).where(Lesson.class_id == c1.id)
        assert await _count(s, select(func.count()).select_from(first_lessons.subquery())) > 0
        assert await _count(s, select(func.count()).where(Mark.lesson_id.in_(first_lessons))) == 0
        homework_1 = select(func.count()).where(Homework.lesson_id.in_(first_lessons))
        assert await _count(s, homework_1) == 0
        assert await _count(s, select(func.count(Mark.id))) > 1000
        assert await _count(s, select(func.count()).where(Homework.student_id.is_not(None))) > 0
        assert await _count(s, select(func.count(Substitution.id))) >= 2
        assert await _count(s, select(func.count(AbsenceNotice.id))) == 1
        built = select(func.count()).where(
            AuditEntry.action == "demo.build", AuditEntry.source == "cli"
        )
        assert await _count(s, built) == 1

        # Marks are 2–5, mostly 4 and 5, weighted by the kind of work.
        values = dict(
            (await s.execute(select(Mark.value, func.count()).group_by(Mark.value))).all()
        )
        assert set(values) <= {2, 3, 4, 5}
        assert values.get(4, 0) + values.get(5, 0) > sum(values.values()) / 2
        weights = set((await s.execute(select(Mark.work_kind, Mark.weight).distinct())).all())
        assert (WorkKind.CONTROL, 3) in weights and (WorkKind.ANSWER, 1) in weights
        codes = set(await s.scalars(select(Attendance.code).distinct()))
        assert {AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.LATE} <= codes


@module_loop
async def test_lessons_follow_the_timetable_and_the_plan(demo: Demo) -> None:
    async with demo.sessions() as s:
        lessons = (await s.scalars(select(Lesson).where(Lesson.school_id == demo.school_id))).all()
        dates = {lesson.date for lesson in lessons}
        assert min(dates) >= TODAY - dt.timedelta(days=20)
        assert max(dates) <= TODAY + dt.timedelta(days=7)
        today = [lesson for lesson in lessons if lesson.date == TODAY]
        tomorrow = [lesson for lesson in lessons if lesson.date == TODAY + dt.timedelta(days=1)]
        class_count = await _count(s, select(func.count(SchoolClass.id)))
        assert len({lesson.class_id for lesson in today}) == class_count
        assert len({lesson.class_id for lesson in tomorrow}) == class_count
        # Holidays and weekends have no lessons.
        assert dt.date(2026, 11, 4) not in dates
        assert all(d.isoweekday() <= 5 for d in dates)

        # The same school everywhere: class, subject and teacher of each lesson.
        mixed = await _count(
            s,
            select(func.count())
            .select_from(Lesson)
            .join(SchoolClass, SchoolClass.id == Lesson.class_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(Person, Person.id == Lesson.teacher_id)
            .where(
                (SchoolClass.school_id != Lesson.school_id)
                | (Subject.school_id != Lesson.school_id)
                | (Person.school_id != Lesson.school_id)
            ),
        )
        assert mixed == 0

        # Each lesson is in the timetable.
        slots = {
            (e.class_id, e.subgroup_id, e.weekday, e.lesson_number, e.subject_id, e.teacher_id)
            for e in await s.scalars(select(TimetableEntry))
        }
        for lesson in lessons:
            key = (
                lesson.class_id,
                lesson.subgroup_id,
                lesson.date.isoweekday(),
                lesson.lesson_number,
                lesson.subject_id,
                lesson.teacher_id,
            )
            assert key in slots

        # No teacher in two places at once, substitutes included.
        substitutes = dict(
            (await s.execute(select(Substitution.lesson_id, Substitution.teacher_id))).all()
        )
        taken: set[tuple[int, dt.date, int]] = set()
        for lesson in lessons:
            who = substitutes.get(lesson.id, lesson.teacher_id)
            assert (who, lesson.date, lesson.lesson_number) not in taken
            taken.add((who, lesson.date, lesson.lesson_number))
        assert len({lesson.teacher_id for lesson in lessons if lesson.id in substitutes}) >= 1
        for lesson_id, who in substitutes.items():
            assert who != next(x.teacher_id for x in lessons if x.id == lesson_id)

        # Past lessons are filled in from the plan; the coming ones are empty.
        plan = {p.id: p for p in await s.scalars(select(PlanItem))}
        first_grade = await s.scalar(select(SchoolClass.id).where(SchoolClass.grade == 1))
        homework = set(
            await s.scalars(select(Homework.lesson_id).where(Homework.student_id.is_(None)))
        )
        records = set(await s.scalars(select(Mark.lesson_id))) | set(
            await s.scalars(select(Attendance.lesson_id))
        )
        for lesson in lessons:
            if lesson.date <= TODAY:
                assert lesson.plan_item_id is not None and lesson.topic
                item = plan[lesson.plan_item_id]
                assert (item.class_id, item.subject_id, item.topic) == (
                    lesson.class_id,
                    lesson.subject_id,
                    lesson.topic,
                )
                assert lesson.attendance_taken_at is not None
                assert lesson.attendance_taken_by_id is not None
                assert (lesson.id in homework) == (lesson.class_id != first_grade)
            else:
                assert lesson.topic is None and lesson.attendance_taken_at is None
                assert lesson.id not in homework and lesson.id not in records
        # The plan is at least as long as the lessons generated, and followed in order.
        per_pair = await s.execute(
            select(PlanItem.class_id, PlanItem.subject_id, func.count()).group_by(
                PlanItem.class_id, PlanItem.subject_id
            )
        )
        lengths = {(c, subj): n for c, subj, n in per_pair.all()}
        given: dict[tuple[int, int, int | None], list[int]] = {}
        for lesson in sorted(lessons, key=lambda x: (x.date, x.lesson_number)):
            assert lengths[(lesson.class_id, lesson.subject_id)] >= 30
            if lesson.plan_item_id is not None:
                pair = (lesson.class_id, lesson.subject_id, lesson.subgroup_id)
                given.setdefault(pair, []).append(plan[lesson.plan_item_id].number)
        for numbers in given.values():
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


@module_loop
async def test_same_school_every_time(demo: Demo, reference: dict[str, Any]) -> None:
    mine = await _fingerprint(demo)
    for key, rows in reference.items():
        assert mine[key] == rows, key


@module_loop
async def test_second_run_changes_nothing(demo: Demo) -> None:
    before = await _table_state(demo.engine)
    again = await build_demo(demo.sessions, bot_username=BOT, today=TODAY)
    assert again == demo.samples
    # Another day, the same answer: the school is there already.
    later = await build_demo(demo.sessions, bot_username=BOT, today=TODAY + dt.timedelta(days=40))
    assert later == demo.samples
    assert await _table_state(demo.engine) == before


@module_loop
async def test_returned_credentials_sign_in(demo: Demo) -> None:
    by_role = {s["role"]: s for s in reversed(demo.samples)}  # the first of each role
    parent, teacher = by_role[Role.PARENT], by_role[Role.TEACHER]
    token = parent["invite"].split("?start=", 1)[1]
    async with demo.sessions() as s:
        result = await accounts.sign_in_with_invite(
            s,
            token=token,
            messenger=Messenger.TELEGRAM,
            external_user_id="7001",
            chat_id="7001",
        )
        assert Role.PARENT in result.actor.roles
        assert result.actor.school_id == demo.school_id
    async with demo.sessions() as s:
        result = await accounts.sign_in_with_password(
            s,
            login=teacher["login"],
            password=teacher["password"],
            messenger=Messenger.TELEGRAM,
            external_user_id="7002",
            chat_id="7002",
        )
        assert Role.TEACHER in result.actor.roles
        assert teacher["name"].startswith(result.actor.display_name.split()[-1])
    # Spent credentials are still printed the same way on the next run.
    assert await build_demo(demo.sessions, bot_username=BOT, today=TODAY) == demo.samples


# --------------------------------------------------------------------------- the data files


def test_data_files_are_what_the_roster_module_writes(tmp_path: Path) -> None:
    """The committed import files match their generator (python -m services.tools.demo_roster)."""
    written = demo_roster.write_files(tmp_path)
    assert {p.name for p in written} == {p.name for p in demo_roster.DATA_DIR.glob("*.csv")}
    for path in written:
        assert path.read_bytes() == (demo_roster.DATA_DIR / path.name).read_bytes(), path.name


def test_birthdays_move_with_the_year_keeping_the_day_of_the_year() -> None:
    # The generator draws a day of the year, so the 60th day stays the 60th in a leap year.
    assert demo_roster.shift_day(dt.date(2019, 3, 1), 1) == dt.date(2020, 2, 29)
    # 31 Dec of a leap year is its 366th day: a year later, the first day of the next year.
    assert demo_roster.shift_day(dt.date(2020, 12, 31), 1) == dt.date(2022, 1, 1)
    shifted = demo_roster.shift_birthdays(
        "ID;Дата рождения\nS-1;2019-04-20\nS-2;\n".encode(), 2
    ).decode()
    assert shifted == "ID;Дата рождения\nS-1;2021-04-20\nS-2;\n"
    roster = demo_roster.generate(2027)
    assert [p.birth_date for p in roster.pupils] == [
        demo_roster.shift_day(p.birth_date, 1) for p in demo_roster.generate(2026).pupils
    ]


@module_loop
async def test_registers_come_through_the_importer(demo: Demo) -> None:
    """Each data file was imported as the office would: one ``import`` entry, every row new."""
    async with demo.sessions() as s:
        entries = (
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.school_id == demo.school_id, AuditEntry.action == "import")
                .order_by(AuditEntry.id)
            )
        ).all()
        created = await _count(
            s,
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.school_id == demo.school_id,
                AuditEntry.action == "import.person_create",
            ),
        )
        persons = await _count(
            s, select(func.count(Person.id)).where(Person.school_id == demo.school_id)
        )
        codes = (await s.scalars(select(Subject.external_id).order_by(Subject.id))).all()
    assert [e.entity_id for e in entries] == list(demo_roster.IMPORT_ORDER)
    assert all(e.source == "cli" for e in entries)
    for entry in entries:
        assert entry.after is not None
        lines = (demo_roster.DATA_DIR / f"{entry.entity_id}.csv").read_text("utf-8").splitlines()
        assert entry.after["rows"] == len(lines) - 1
        assert entry.after["created"] == len(lines) - 1, entry.entity_id
    # Everyone but the trusted person, whom a parent names, and the other staff added last.
    assert created == persons - 1 - len(OTHER_STAFF)
    assert codes == [demo_roster.subject_code(i) for i in range(len(codes))]


async def test_a_half_built_demo_school_is_refused_not_printed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A build that stopped after some registers (each file commits on its own) left a demo
    school without its closing audit entry: the next run says so instead of printing people."""
    async with session_factory() as s:
        s.add(School(code=DEMO_CODE, name="Демо", timezone="Europe/Moscow", is_demo=True))
        await s.commit()
    with pytest.raises(DomainError) as refused:
        await build_demo(session_factory, bot_username=BOT, today=TODAY)
    assert refused.value.code == "demo.incomplete"
    assert DEMO_CODE in translator("ru")("demo.incomplete", school=DEMO_CODE)
