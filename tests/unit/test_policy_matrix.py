"""The access policy as a table: use case × role × own or foreign object → allow or deny.

One world of two schools; every row calls the real use case and expects it to pass or to be
refused with AccessDenied. A mismatch list is reported whole, so one run shows every wrong cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.teacher.common import ensure_teaches
from services.attendance import roll_call
from services.calendar_feed import links as calendar_links
from services.early_warning import reads as early_warning_reads
from services.enums import AttendanceCode, FinalMarkKind, WorkKind
from services.errors import AccessDenied, DomainError
from services.family_messages import complaints as family_complaints
from services.family_messages import reads as family_reads
from services.family_messages import threads as family_threads
from services.homework import assignments, lesson_details
from services.imports import import_file
from services.marks import final_marks, mark_reads, marking, period_close, weights, year_marks
from services.models import (
    FamilyThread,
    Mark,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
    ThreadComplaint,
)
from services.people import policy, subgroups
from services.people.identity import Actor
from services.reports import build_report, report_choices
from services.school import office_reads, school_year
from services.timetable import (
    control_works,
    diary,
    distance,
    lesson_edits,
    lesson_sheet,
    substitutions,
    teacher_day,
    timetable_reads,
)
from tests.factories import ACTING, NOW, TODAY, SchoolWorld, build_school

Call = Callable[[AsyncSession, Actor, SchoolWorld, SchoolWorld], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    use_case: str
    target: str  # what the object is relative to the actor
    call: Call
    allowed: frozenset[str]  # actor names (keys of SchoolWorld.actors) that may do it


ALL = frozenset({*ACTING, "student"})
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
        return await mark_reads.marks_by_subject(s, a, student.id, period.id)

    return call


def put_mark_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson, student = {
            "own_lesson": (w.lesson_today, w.students[0]),
            "colleague_lesson": (w.lesson_colleague, w.students[0]),
            "substituted": (w.lesson_substituted, w.students[0]),
            "foreign_school": (o.lesson_today, o.students[0]),
        }[which]
        return await marking.put_mark(s, a, lesson.id, student.id, 4, WorkKind.ANSWER, now=NOW)

    return call


def attendance_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson, student = {
            "own_lesson": (w.lesson_today, w.students[0]),
            "foreign_school": (o.lesson_today, o.students[0]),
        }[which]
        return await roll_call.save_attendance(
            s, a, lesson.id, {student.id: AttendanceCode.LATE}, now=NOW
        )

    return call


def homework_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {"own_lesson": w.lesson_today, "other_class": w.lesson_colleague}[which]
        return await assignments.set_homework(s, a, lesson.id, "№ 1", now=NOW)

    return call


def timetable_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls = {"own_class": w.cls, "other_class": w.other_cls, "foreign": o.cls}[which]
        return await timetable_reads.class_timetable(s, a, cls.id, TODAY, TODAY)

    return call


def teacher_day_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        teacher = {"teacher": w.teacher, "foreign": o.teacher}[which]
        return await teacher_day.teacher_lessons(s, a, TODAY, teacher.id)

    return call


def period_marks_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls, subject, period = {
            "maths_7a": (w.cls, w.math, w.q2),
            "foreign": (o.cls, o.math, o.q2),
        }[which]
        return await mark_reads.suggest_period_marks(s, a, cls.id, subject.id, period.id)

    return call


def unlock(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {"own_school": w.lesson_old, "foreign": o.lesson_old}[which]
        return await lesson_edits.unlock_lesson(s, a, lesson.id, reason="проверка", now=NOW)

    return call


def set_period_marks_of(which: str) -> Call:
    """The write behind the term-marks save button (``t_term:save:<class>:<subj>:<period>``)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls, subject, period, student = {
            "maths_7a": (w.cls, w.math, w.q2, w.students[0]),
            "russian_7a": (w.cls, w.russian, w.q2, w.students[0]),
            "english_group_7a": (w.cls, w.english, w.q2, w.students[0]),
            "maths_8b": (w.other_cls, w.math, w.q2, w.other_student),
            "foreign": (o.cls, o.math, o.q2, o.students[0]),
        }[which]
        return await final_marks.set_period_marks(
            s, a, cls.id, subject.id, period.id, {student.id: 4}, now=NOW
        )

    return call


def set_year_marks_of(which: str) -> Call:
    """Year, exam and final marks: who sets period marks sets them (seed 003 §4.4, §4.5)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls, subject, student = {
            "maths_7a": (w.cls, w.math, w.students[0]),
            "russian_7a": (w.cls, w.russian, w.students[0]),
            "foreign": (o.cls, o.math, o.students[0]),
        }[which]
        return await year_marks.set_year_marks(
            s, a, cls.id, subject.id, FinalMarkKind.YEAR, {student.id: 4}, now=NOW
        )

    return call


def close_period_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        period = {"own_school": w.q1, "foreign": o.q1}[which]
        return await period_close.close_period(s, a, period.id, now=NOW)

    return call


def unlock_final_marks_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        world = {"own_school": w, "foreign": o}[which]
        return await period_close.unlock_final_marks(
            s, a, world.cls.id, world.math.id, period_id=world.q1.id, reason="проверка", now=NOW
        )

    return call


def council_date_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        year = {"own_school": w.year, "foreign": o.year}[which]
        return await period_close.set_council_date(s, a, year.id, TODAY, now=NOW)

    return call


def control_work_at(which: str) -> Call:
    """The lesson card's control-work button (``t_les:<id>:cw``)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {
            "own_lesson": w.lesson_today,
            "colleague_lesson": w.lesson_colleague,
            "substituted": w.lesson_substituted,
            "foreign_school": o.lesson_today,
        }[which]
        return await control_works.schedule_control_work_at_lesson(s, a, lesson.id)

    return call


def broadcast_prompt(which: str) -> Call:
    """The composer behind ``bc:cls:<class>`` and ``bc:school`` (checked before the prompt)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        class_id = {"own_class": w.cls.id, "other_class": w.other_cls.id, "foreign": o.cls.id}.get(
            which
        )
        await policy.ensure_can_broadcast(s, a, class_id)
        return None

    return call


def notice_prompt(which: str) -> Call:
    """The advance absence notice's date and reason prompts (``nd``/``nr`` buttons)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        student = {"child0": w.students[0], "child1": w.students[1], "foreign": o.students[0]}[
            which
        ]
        await policy.ensure_can_give_notice(s, a, student.id)
        return None

    return call


def lesson_prompt(which: str) -> Call:
    """Topic, homework, quick marks and correction prompts: the lesson sheet's edit gate."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {
            "own_lesson": w.lesson_today,
            "colleague_lesson": w.lesson_colleague,
            "substituted": w.lesson_substituted,
            "foreign_school": o.lesson_today,
        }[which]
        sheet = await lesson_sheet.lesson_sheet(s, a, lesson.id, now=NOW)
        ensure_teaches(sheet)
        return sheet

    return call


def unlock_prompt(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {"own_school": w.lesson_old, "foreign": o.lesson_old}[which]
        return await policy.ensure_can_unlock_lesson(s, a, lesson.id)

    return call


def credentials_of(which: str) -> Call:
    """/invite and the office's user card: issue or revoke someone's sign-in."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        person = {
            "own_class_student": w.students[0],
            "own_class_parent": w.parent,
            "other_class_student": w.other_student,
            "staff": w.teacher,
            "foreign": o.students[0],
        }[which]
        await policy.ensure_can_manage_credentials(s, a, person.id)
        return None

    return call


def office_prompt(which: str) -> Call:
    """The office's prompts (journal-check note, register import file, user search)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        office_reads.ensure_office(a, which)
        return None

    return call


def year_action(action: str) -> Callable[[str], Call]:
    """The school year's use cases (the admin's): close and archive (refused by the date in
    the running year, after the access check), and the dry run of opening the next year."""

    def on(which: str) -> Call:
        async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
            year = {"own_year": w.year, "foreign_year": o.year}[which]
            if action == "close":
                return await school_year.close_year(s, a, year.id, now=NOW)
            if action == "archive":
                return await school_year.archive_year(s, a, year.id, now=NOW)
            return await school_year.plan_open_year(
                s,
                a,
                name="2027/2028",
                starts_on=year.ends_on + dt.timedelta(days=92),
                ends_on=year.ends_on + dt.timedelta(days=366),
                promote_from=year.id,
                now=NOW,
            )

        return call

    return on


def move_students(which: str) -> Call:
    """The office's movement buttons (departure, arrival, transfer; seed 002 §5.1.9)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        policy.ensure_can_move_students(a)
        return None

    return call


def name_trusted(which: str) -> Call:
    """A parent's trusted persons of a child (name, narrow, revoke; seed 000 §1.3)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        student = {"child0": w.students[0], "child1": w.students[1], "foreign": o.students[0]}[
            which
        ]
        return await policy.ensure_can_name_trusted(s, a, student.id)

    return call


def substitute_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson, teacher = {
            "tomorrow": (w.lesson_future, w.colleague),
            "foreign_school": (o.lesson_future, o.colleague),
        }[which]
        return await substitutions.set_substitution(s, a, lesson.id, teacher.id, now=NOW)

    return call


def substitution_log_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        return await substitutions.substitution_log(s, a, TODAY, TODAY)

    return call


def distance_on(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        lesson = {
            "own_lesson": w.lesson_today,
            "colleague_lesson": w.lesson_colleague,
            "substituted": w.lesson_substituted,
            "foreign_school": o.lesson_today,
        }[which]
        return await distance.set_distance(s, a, lesson.id, True, now=NOW)

    return call


def subgroup_join(which: str) -> Call:
    """A student of the class joins its subgroup (the bot's /subgroups, from today)."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        world = {"own_class": w, "foreign": o}[which]
        return await subgroups.join_group(
            s, a, world.subgroup.id, world.students[2].id, TODAY, now=NOW
        )

    return call


def subgroup_list(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls = {"own_class": w.cls, "other_class": w.other_cls, "foreign": o.cls}[which]
        return await subgroups.class_groups(s, a, cls.id, TODAY)

    return call


def at_risk_list(which: str) -> Call:
    """The early warning's list of a class's students at risk."""

    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        cls = {"own_class": w.cls, "other_class": w.other_cls, "foreign": o.cls}[which]
        return await early_warning_reads.class_at_risk(s, a, cls.id, now=NOW)

    return call


def lesson_detail(action: str) -> Callable[[str], Call]:
    """A lesson's details: "no homework", its kind of work, a mark's weight and comment."""

    def on(which: str) -> Call:
        async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
            world = o if which == "foreign_school" else w
            lesson = {
                "own_lesson": w.lesson_today,
                "colleague_lesson": w.lesson_colleague,
                "substituted": w.lesson_substituted,
                "foreign_school": o.lesson_today,
            }[which]
            if action == "no_homework":
                return await lesson_details.set_no_homework(s, a, lesson.id, now=NOW)
            if action == "work_kind":
                return await lesson_details.set_work_kind(s, a, lesson.id, "test", now=NOW)
            mark = Mark(
                school_id=world.school.id,
                lesson_id=lesson.id,
                student_id=world.students[0].id,
                value=4,
                work_kind=WorkKind.ANSWER,
                weight=1,
            )
            s.add(mark)
            await s.commit()
            return await marking.set_mark_details(s, a, mark.id, weight=2, comment="ok", now=NOW)

        return call

    return on


def school_weights_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        return await weights.set_work_weight(s, a, WorkKind.CONTROL, 4, now=NOW)

    return call


def plan_import_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        data = "Класс;Предмет;Номер урока;Тема\r\n7А;Математика;1;Тема\r\n".encode()
        return await import_file(s, a, "plan", "plan.csv", data, dry_run=True)

    return call


async def thread_of(s: AsyncSession, w: SchoolWorld, teacher_id: int | None = None) -> int:
    """The thread of the parent of ``students[0]`` and a teacher (maths by default), written
    once and found again by every later call."""
    teacher_id = teacher_id or w.teacher.id
    found = await s.scalar(
        select(FamilyThread.id).where(
            FamilyThread.student_id == w.students[0].id, FamilyThread.teacher_id == teacher_id
        )
    )
    if found is not None:
        return int(found)
    sent = await family_threads.write_to_teacher(
        s, w.actors["parent"], w.students[0].id, teacher_id, "Вопрос", now=NOW
    )
    return sent.thread_id


def message_teacher(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        teacher = {
            "class_teacher_7a": w.class_teacher,
            "teacher_1a": w.first_teacher,
            "foreign": o.teacher,
        }[which]
        return await family_threads.write_to_teacher(
            s, a, w.students[0].id, teacher.id, "Добрый день", now=NOW
        )

    return call


def _thread_call(action: str) -> Callable[[str], Call]:
    def of(which: str) -> Call:
        async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
            thread_id = await thread_of(s, o if which == "foreign" else w)
            if action == "read":
                return await family_reads.open_thread(s, a, thread_id, now=NOW)
            if action == "reply":
                return await family_threads.write_in_thread(s, a, thread_id, "Ответ", now=NOW)
            if action == "close":
                return await family_threads.set_closed(s, a, thread_id, True, now=NOW)
            # Another thread (the class teacher's): the maths one stays without a complaint.
            world = o if which == "foreign" else w
            thread_id = await thread_of(s, world, world.class_teacher.id)
            return await family_complaints.record_complaint(
                s, a, thread_id, complainant="Иванова Е.", complained_on=TODAY, reason="жалоба"
            )

        return call

    return of


read_thread = _thread_call("read")
reply_thread = _thread_call("reply")
close_thread = _thread_call("close")
record_complaint = _thread_call("complain")


def read_on_complaint(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        world = o if which == "foreign" else w
        if which == "without_complaint":
            thread_id = await thread_of(s, world)
        else:
            # The Russian teacher's thread, with a complaint the deputy recorded.
            thread_id = await thread_of(s, world, world.colleague.id)
            known = await s.scalar(
                select(ThreadComplaint.id).where(ThreadComplaint.thread_id == thread_id)
            )
            if known is None:
                await family_complaints.record_complaint(
                    s,
                    world.actors["deputy"],
                    thread_id,
                    complainant="Иванова Е.",
                    complained_on=TODAY,
                    reason="жалоба",
                    now=NOW,
                )
        return await family_complaints.read_on_complaint(s, a, thread_id, now=NOW)

    return call


def calendar_link_of(which: str) -> Call:
    async def call(s: AsyncSession, a: Actor, w: SchoolWorld, o: SchoolWorld) -> object:
        student = {"child0": w.students[0], "foreign": o.students[0]}[which]
        return await calendar_links.issue_link(s, a, student.id, now=NOW)

    return call


NONE: frozenset[str] = frozenset()
OFFICE = frozenset({"admin", "deputy"})
ADMIN = frozenset({"admin"})


def cases(use_case: str, call_on: Callable[[str], Call], **allowed: frozenset[str]) -> list[Case]:
    """One use case's rows: each target (a keyword) with the actors that may act on it."""
    return [Case(use_case, target, call_on(target), who) for target, who in allowed.items()]


CASES = [
    *cases(
        "diary",
        diary_of,
        child0=READERS | {"parent", "trusted", "student", "class_teacher", "teacher", "colleague"},
        child1=READERS | {"parent2", "class_teacher", "teacher", "colleague"},
        foreign=NONE,
    ),
    *cases(
        "marks",
        marks_of,
        child0=READERS | {"parent", "trusted", "student", "class_teacher", "teacher", "colleague"},
        foreign=NONE,
    ),
    *cases(
        "put_mark",
        put_mark_on,
        own_lesson=frozenset({"teacher"}),
        colleague_lesson=frozenset({"colleague"}),
        substituted=frozenset({"teacher"}),
        foreign_school=NONE,
    ),
    *cases(
        "attendance",
        attendance_on,
        own_lesson=frozenset({"teacher"}),
        foreign_school=NONE,
    ),
    *cases(
        "homework",
        homework_on,
        own_lesson=frozenset({"teacher"}),
        other_class=frozenset({"colleague"}),
    ),
    *cases(
        "timetable",
        timetable_of,
        own_class=READERS
        | {"teacher", "colleague", "class_teacher", "parent", "parent2", "trusted", "student"},
        other_class=READERS | {"teacher", "parent2", "other_student"},
        foreign=NONE,
    ),
    *cases(
        "teacher_day",
        teacher_day_of,
        teacher=READERS | {"teacher"},
        foreign=NONE,
    ),
    *cases(
        "period_marks",
        period_marks_of,
        maths_7a=frozenset({"teacher", "class_teacher"}),
        foreign=NONE,
    ),
    *cases(
        "unlock",
        unlock,
        own_school=frozenset({"admin", "deputy"}),
        foreign=NONE,
    ),
    # Period marks (the term-marks save button): the subject's teacher in that class, and the
    # class teacher for every subject of their class (seed 003 §4.5).
    *cases(
        "set_period_marks",
        set_period_marks_of,
        maths_7a=frozenset({"teacher", "class_teacher"}),
        russian_7a=frozenset({"colleague", "class_teacher"}),
        english_group_7a=frozenset({"class_teacher"}),
        maths_8b=frozenset({"teacher"}),
        foreign=NONE,
    ),
    # Year, exam and final marks: the subject's teacher and the class teacher (seed 003 §4.4,
    # §4.5); closing a period, unlocking locked final marks, the council's date: the office.
    *cases(
        "set_year_marks",
        set_year_marks_of,
        maths_7a=frozenset({"teacher", "class_teacher"}),
        russian_7a=frozenset({"colleague", "class_teacher"}),
        foreign=NONE,
    ),
    *cases("close_period", close_period_of, own_school=OFFICE, foreign=NONE),
    *cases("unlock_final_marks", unlock_final_marks_of, own_school=OFFICE, foreign=NONE),
    *cases("council_date", council_date_of, own_school=OFFICE, foreign=NONE),
    # Control-work dates: the subject's teacher proposes, the deputy (or admin) sets and agrees.
    # Leading the class is not enough, nor substituting one lesson.
    *cases(
        "control_work",
        control_work_at,
        own_lesson=OFFICE | {"teacher"},
        colleague_lesson=OFFICE | {"colleague"},
        substituted=OFFICE | {"colleague"},
        foreign_school=NONE,
    ),
    # Prompts opened by buttons: refused before the prompt, like any forged button.
    *cases(
        "broadcast_prompt",
        broadcast_prompt,
        own_class=READERS | {"class_teacher"},
        other_class=READERS,
        foreign=NONE,
        school=READERS,
    ),
    *cases(
        "notice_prompt",
        notice_prompt,
        child0=frozenset({"parent"}),
        child1=frozenset({"parent2"}),
        foreign=NONE,
    ),
    *cases(
        "lesson_prompt",
        lesson_prompt,
        own_lesson=frozenset({"teacher"}),
        colleague_lesson=frozenset({"colleague"}),
        substituted=frozenset({"teacher"}),
        foreign_school=NONE,
    ),
    *cases(
        "unlock_prompt",
        unlock_prompt,
        own_school=OFFICE,
        foreign=NONE,
    ),
    *cases(
        "office_prompt",
        office_prompt,
        journal_check=OFFICE,
    ),
    # The school year: opened, closed and archived by the school's admin only.
    *cases("year_open", year_action("open"), own_year=ADMIN, foreign_year=NONE),
    *cases("year_close", year_action("close"), own_year=ADMIN, foreign_year=NONE),
    *cases("year_archive", year_action("archive"), own_year=ADMIN, foreign_year=NONE),
    # Sign-ins: the admin for anyone of the school; a class teacher for the students of their
    # class and their families, never for staff (seed 001; seed 002 §3.3).
    *cases(
        "credentials",
        credentials_of,
        own_class_student=frozenset({"admin", "class_teacher"}),
        own_class_parent=frozenset({"admin", "class_teacher"}),
        other_class_student=frozenset({"admin"}),
        staff=frozenset({"admin"}),
        foreign=NONE,
    ),
    # Substitutions of any date (seed 002 §5.2.4): the deputy or the admin; their log: the
    # administration reads it.
    *cases(
        "substitution",
        substitute_on,
        tomorrow=OFFICE,
        foreign_school=NONE,
    ),
    *cases(
        "substitution_log",
        substitution_log_of,
        own_school=READERS,
    ),
    # A distance lesson (seed 000 §3.2): the teacher who gives it (the substitute), or the
    # deputy or the admin for any lesson of the school.
    *cases(
        "distance",
        distance_on,
        own_lesson=OFFICE | {"teacher"},
        colleague_lesson=OFFICE | {"colleague"},
        substituted=OFFICE | {"teacher"},
        foreign_school=NONE,
    ),
    # Student movement: the office only; trusted persons: a parent of the child only.
    *cases("move_students", move_students, any_student=frozenset({"admin"})),
    *cases(
        "name_trusted",
        name_trusted,
        child0=frozenset({"parent"}),
        child1=frozenset({"parent2"}),
        foreign=NONE,
    ),
    # Subgroup membership: the class teacher of the class and the admin.
    *cases(
        "subgroups",
        subgroup_list,
        own_class=frozenset({"admin", "class_teacher"}),
        other_class=frozenset({"admin"}),
        foreign=NONE,
    ),
    *cases(
        "at_risk_list",
        at_risk_list,
        own_class=READERS | {"class_teacher"},
        other_class=READERS,
        foreign=NONE,
    ),
    *cases(
        "subgroup_join",
        subgroup_join,
        own_class=frozenset({"admin", "class_teacher"}),
        foreign=NONE,
    ),
    # A lesson's details: its teacher (or the substitute), like the topic and homework.
    *(
        case
        for detail in ("no_homework", "work_kind", "mark_details")
        for case in cases(
            detail,
            lesson_detail(detail),
            own_lesson=frozenset({"teacher"}),
            colleague_lesson=frozenset({"colleague"}),
            substituted=frozenset({"teacher"}),
            foreign_school=NONE,
        )
    ),
    *cases("work_weights", school_weights_of, own_school=ADMIN),
    *cases("plan_import", plan_import_of, own_school=OFFICE),
    # Family messages (docs/messages.md): a parent writes to the child's teachers only; a
    # thread is read by its teacher and the child's parents only; the administration reads it
    # only on a recorded complaint; the student writes only where the school allows (not here).
    *cases(
        "message_teacher",
        message_teacher,
        class_teacher_7a=frozenset({"parent"}),
        teacher_1a=NONE,
        foreign=NONE,
    ),
    *cases("read_thread", read_thread, own=frozenset({"parent", "teacher"}), foreign=NONE),
    *cases("reply_thread", reply_thread, own=frozenset({"parent", "teacher"}), foreign=NONE),
    *cases("close_thread", close_thread, own=frozenset({"teacher"}), foreign=NONE),
    *cases("record_complaint", record_complaint, own=READERS, foreign=NONE),
    *cases(
        "read_on_complaint",
        read_on_complaint,
        without_complaint=NONE,
        with_complaint=READERS,
        foreign=NONE,
    ),
    # A calendar link of a child's events: a parent of the child and the student themself; a
    # parent of another child, a trusted person and the staff hold none.
    *cases(
        "calendar_link",
        calendar_link_of,
        child0=frozenset({"parent", "student"}),
        foreign=NONE,
    ),
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


async def test_a_subgroup_teacher_sets_period_marks_of_their_group_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """7А is split for English: the colleague teaches group 2 only. The save button of the
    whole class (``t_term:save``) must not set the marks of group 1's students."""
    async with session_factory() as s:
        w = await build_school(s, "own")
        group2 = Subgroup(
            school_id=w.school.id, class_id=w.cls.id, subject_id=w.english.id, name="Группа 2"
        )
        s.add(group2)
        await s.flush()
        s.add_all(
            [
                SubgroupMember(
                    school_id=w.school.id, subgroup_id=group2.id, student_id=w.students[2].id
                ),
                TeachingAssignment(
                    school_id=w.school.id,
                    teacher_id=w.colleague.id,
                    class_id=w.cls.id,
                    subject_id=w.english.id,
                    subgroup_id=group2.id,
                ),
            ]
        )
        await s.commit()
    colleague = w.actors["colleague"]
    group1_student, group2_student = w.students[0], w.students[2]
    async with session_factory() as s:
        with pytest.raises(AccessDenied):
            await final_marks.set_period_marks(
                s, colleague, w.cls.id, w.english.id, w.q2.id, {group1_student.id: 5}, now=NOW
            )
    async with session_factory() as s:
        saved = await final_marks.set_period_marks(
            s, colleague, w.cls.id, w.english.id, w.q2.id, {group2_student.id: 5}, now=NOW
        )
        assert saved.created == 1
        sheet = await final_marks.term_sheet(s, colleague, w.cls.id, w.english.id, w.q2.id)
        assert [r.student_id for r in sheet.rows] == [group2_student.id]
        # The class teacher still sets every student's mark of every subject of the class.
        ct_sheet = await final_marks.term_sheet(
            s, w.actors["class_teacher"], w.cls.id, w.english.id, w.q2.id
        )
        assert group1_student.id in {r.student_id for r in ct_sheet.rows}
        assert group2_student.id in {r.student_id for r in ct_sheet.rows}


# --------------------------------------------------------------------------- the other roles


@dataclass
class OtherRoles:
    """The regulations' other staff in the factories' school: a teacher of additional
    education with robotics in 7А, a tutor (воспитатель) with the extended-day group of 8Б, an
    observer; each with a lesson of today."""

    extra: Actor
    educator: Actor
    observer: Actor
    extra_lesson: int
    educator_lesson: int


async def _other_roles(s: AsyncSession, w: SchoolWorld) -> OtherRoles:
    from services.enums import Role
    from services.models import Lesson, Subject
    from tests.factories import actor, person

    robotics = Subject(school_id=w.school.id, name="Робототехника")
    group = Subject(school_id=w.school.id, name="Группа продлённого дня")
    s.add_all([robotics, group])
    extra = await person(s, w.school, "Допова", "Дарья", Role.EXTRA_TEACHER)
    educator = await person(s, w.school, "Воспитова", "Вера", Role.EDUCATOR)
    observer = await person(s, w.school, "Смотров", "Олег", Role.OBSERVER)
    await s.flush()
    lessons = []
    for who, cls, subject in ((extra, w.cls, robotics), (educator, w.other_cls, group)):
        s.add(
            TeachingAssignment(
                school_id=w.school.id, teacher_id=who.id, class_id=cls.id, subject_id=subject.id
            )
        )
        lesson = Lesson(
            school_id=w.school.id,
            class_id=cls.id,
            subject_id=subject.id,
            teacher_id=who.id,
            date=TODAY,
            lesson_number=7,
        )
        s.add(lesson)
        lessons.append(lesson)
    await s.commit()
    return OtherRoles(
        await actor(s, extra),
        await actor(s, educator),
        await actor(s, observer),
        lessons[0].id,
        lessons[1].id,
    )


OtherCall = Callable[[AsyncSession, Actor, SchoolWorld, OtherRoles], Awaitable[object]]

# (the use case and its object, the roles that may: extra, educator, observer)
OTHER_CASES: list[tuple[str, OtherCall, frozenset[str]]] = [
    (
        "put_mark/extra_lesson",
        lambda s, a, w, r: marking.put_mark(
            s, a, r.extra_lesson, w.students[0].id, 5, WorkKind.ANSWER, now=NOW
        ),
        frozenset({"extra"}),
    ),
    (
        "put_mark/educator_lesson",
        lambda s, a, w, r: marking.put_mark(
            s, a, r.educator_lesson, w.other_student.id, 5, WorkKind.ANSWER, now=NOW
        ),
        frozenset({"educator"}),
    ),
    (
        "put_mark/maths_7a",
        lambda s, a, w, r: marking.put_mark(
            s, a, w.lesson_today.id, w.students[0].id, 5, WorkKind.ANSWER, now=NOW
        ),
        frozenset(),
    ),
    (
        "homework/extra_lesson",
        lambda s, a, w, r: assignments.set_homework(
            s, a, r.extra_lesson, "Собрать робота", now=NOW
        ),
        frozenset({"extra"}),
    ),
    (
        "distance/extra_lesson",
        lambda s, a, w, r: distance.set_distance(s, a, r.extra_lesson, True, now=NOW),
        frozenset({"extra"}),
    ),
    (
        "diary/student_7a",
        lambda s, a, w, r: diary.student_diary(s, a, w.students[0].id, TODAY, TODAY),
        frozenset({"extra", "observer"}),
    ),
    (
        "diary/student_8b",
        lambda s, a, w, r: diary.student_diary(s, a, w.other_student.id, TODAY, TODAY),
        frozenset({"educator", "observer"}),
    ),
    (
        "timetable/7a",
        lambda s, a, w, r: timetable_reads.class_timetable(s, a, w.cls.id, TODAY, TODAY),
        frozenset({"extra", "observer"}),
    ),
    (
        "lesson_sheet/maths_7a",
        lambda s, a, w, r: lesson_sheet.lesson_sheet(s, a, w.lesson_today.id, now=NOW),
        frozenset({"observer"}),
    ),
    (
        "teacher_day/teacher",
        lambda s, a, w, r: teacher_day.teacher_lessons(s, a, TODAY, w.teacher.id),
        frozenset({"observer"}),
    ),
    (
        "period_marks/robotics_7a",
        lambda s, a, w, r: final_marks.term_options(s, a),
        frozenset({"extra", "educator", "observer"}),  # a list: the observer's is empty
    ),
    (
        "substitution/tomorrow",
        lambda s, a, w, r: substitutions.set_substitution(
            s, a, w.lesson_future.id, w.colleague.id, now=NOW
        ),
        frozenset(),
    ),
    (
        "substitution_log",
        lambda s, a, w, r: substitutions.substitution_log(s, a, TODAY, TODAY),
        frozenset(),
    ),
    (
        "distance/maths_7a",
        lambda s, a, w, r: distance.set_distance(s, a, w.lesson_today.id, True, now=NOW),
        frozenset(),
    ),
    (
        "unlock/maths_7a",
        lambda s, a, w, r: lesson_edits.unlock_lesson(
            s, a, w.lesson_today.id, reason="проверка", now=NOW
        ),
        frozenset(),
    ),
    (
        "broadcast/7a",
        lambda s, a, w, r: policy.ensure_can_broadcast(s, a, w.cls.id),
        frozenset(),
    ),
    (
        "credentials/student",
        lambda s, a, w, r: policy.ensure_can_manage_credentials(s, a, w.students[0].id),
        frozenset(),
    ),
    (
        "office",
        lambda s, a, w, r: office_reads.office_classes(s, a),
        frozenset(),
    ),
    # The school's reports only read: the observer has the office's.
    (
        "report/class_results_8b",
        lambda s, a, w, r: build_report(
            s, a, "class_results", {"class_id": w.other_cls.id, "period_id": w.q2.id}, "xlsx"
        ),
        frozenset({"observer"}),
    ),
    (
        "report/activity",
        lambda s, a, w, r: build_report(s, a, "activity", {"month": "2026-11"}, "xlsx"),
        frozenset({"observer"}),
    ),
    (
        "report_students/7a",
        lambda s, a, w, r: report_choices.report_students(s, a, w.cls.id),
        frozenset({"observer"}),
    ),
]


async def test_access_matrix_of_the_other_roles(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A teacher of additional education and a tutor have a subject teacher's rights over the
    groups and classes assigned to them, nothing beyond; the observer reads the whole school's
    journal and changes nothing."""
    async with session_factory() as s:
        world = await build_school(s, "own")
        roles = await _other_roles(s, world)
    actors = {"extra": roles.extra, "educator": roles.educator, "observer": roles.observer}
    mismatches: list[str] = []
    for name_, call, allowed in OTHER_CASES:
        for who, actor_ in actors.items():
            expected = who in allowed
            async with session_factory() as s:
                try:
                    await call(s, actor_, world, roles)
                    got = True
                except AccessDenied:
                    got = False
                except DomainError as exc:
                    got = True
                    if not expected:
                        mismatches.append(f"{name_}/{who}: {exc.code}")
                        continue
            if got != expected:
                mismatches.append(f"{name_}/{who}: {'allowed' if got else 'denied'}")
    assert mismatches == []
