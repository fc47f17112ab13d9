"""The access policy: who may see and change what. The one place such decisions are made.

Every use case calls one of the ``ensure_*`` functions before it reads or changes anything.
Objects are looked up by id together with the actor's school, so an id from another school
(a forged button, a guessed number) behaves exactly like an id that does not exist: both are
refused with the same message, and the refusal is logged.

Rules (PRODUCT.md "Who uses it"; seed 001, seed 002 §4.4, seed 003 §4.5):
- admin, director, deputy see everything in their school;
- a teacher sees the classes and subjects they teach and the lessons they substitute, and changes
  the record of the lessons they actually teach (the substitute, not the absent teacher);
- a class teacher sees their whole class and sets absence reasons and period marks there;
- a parent sees only their own children; a trusted person one child, what the parent allowed;
- a student sees only themself; students and families change nothing in the journal;
- a teacher of additional education and a tutor (воспитатель) have a subject teacher's rights
  over the groups and classes assigned to them; an observer (an inspector, a methodologist)
  reads the whole school's journal and changes nothing (every ``ensure_can_view_*`` lets them
  through, no other check does).

Each action has its own rule, even where two look alike today (seeing a lesson is not proposing
a control work on it; leading a class is not teaching its subjects). A handler that opens a
prompt or a form from a button checks the action's rule first, so a replayed or forged button
opens nothing. The table of actions × roles is tests/unit/test_policy_matrix.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import exists, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.enums import (
    LESSON_TEACHERS,
    SCHOOL_OBSERVERS,
    SCHOOL_WIDE_READERS,
    STAFF_ROLES,
    SUBJECT_TEACHERS,
    GuardianKind,
    Role,
)
from services.errors import AccessDenied
from services.models import (
    Enrolment,
    Guardianship,
    Lesson,
    RoleGrant,
    SchoolClass,
    SubgroupMember,
    Substitution,
    TeachingAssignment,
)
from services.people.identity import Actor

log = logging.getLogger("services.people.policy")

T = TypeVar("T")

# What a trusted person may be allowed to see (Guardianship.permissions).
TRUSTED_SCOPES = ("diary", "marks", "attendance", "homework", "timetable")


def deny(actor: Actor | None, action: str, **context: Any) -> AccessDenied:
    log.warning(
        "access denied",
        extra={
            "action": action,
            "account_id": actor.account_id if actor else None,
            "school_id": actor.school_id if actor else None,
            **context,
        },
    )
    return AccessDenied()


async def load(session: AsyncSession, actor: Actor, model: type[T], object_id: Any) -> T:
    """The object if it exists in the actor's school; otherwise refused like a forgery."""
    obj = await session.get(model, object_id) if object_id is not None else None
    if obj is None or getattr(obj, "school_id", None) != actor.school_id:
        raise deny(actor, "load", model=model.__name__, object_id=object_id)
    return obj


def is_school_reader(actor: Actor) -> bool:
    return actor.has(*SCHOOL_WIDE_READERS)


def is_journal_reader(actor: Actor) -> bool:
    """Reads the whole school's journal: the administration, and the read-only observers."""
    return actor.has(*SCHOOL_WIDE_READERS, *SCHOOL_OBSERVERS)


def effective_teacher_id(lesson: Lesson, substitution: Substitution | None) -> int:
    return substitution.teacher_id if substitution is not None else lesson.teacher_id


async def substitution_of(session: AsyncSession, lesson_id: int) -> Substitution | None:
    return await session.scalar(select(Substitution).where(Substitution.lesson_id == lesson_id))


async def _teaches_class_subject(
    session: AsyncSession, teacher_id: int, class_id: int, subject_id: int | None = None
) -> bool:
    cond = [TeachingAssignment.teacher_id == teacher_id, TeachingAssignment.class_id == class_id]
    if subject_id is not None:
        cond.append(TeachingAssignment.subject_id == subject_id)
    return bool(await session.scalar(select(exists().where(*cond))))


async def _is_class_teacher(session: AsyncSession, person_id: int, class_id: int) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    SchoolClass.id == class_id, SchoolClass.class_teacher_id == person_id
                )
            )
        )
    )


async def student_class_ids(
    session: AsyncSession, student_id: int, on: dt.date | None = None
) -> list[int]:
    q = select(Enrolment.class_id).where(Enrolment.student_id == student_id)
    if on is not None:
        q = q.where(
            Enrolment.arrived_on <= on, or_(Enrolment.left_on.is_(None), Enrolment.left_on > on)
        )
    return list((await session.scalars(q)).all())


async def guardianship(
    session: AsyncSession, guardian_id: int, student_id: int
) -> Guardianship | None:
    return await session.scalar(
        select(Guardianship).where(
            Guardianship.guardian_id == guardian_id, Guardianship.student_id == student_id
        )
    )


async def children_of(session: AsyncSession, actor: Actor) -> list[int]:
    """The students whose data this actor sees as a family member (own child, self)."""
    ids: list[int] = []
    if actor.has(Role.STUDENT):
        ids.append(actor.person_id)
    if actor.has(Role.PARENT, Role.TRUSTED):
        rows = await session.scalars(
            select(Guardianship.student_id).where(Guardianship.guardian_id == actor.person_id)
        )
        ids.extend(r for r in rows if r not in ids)
    return ids


# --------------------------------------------------------------------------- students


@dataclass(frozen=True)
class StudentAccess:
    """What the checks below read about one student for one actor, when a read model has
    already read it in its own first statement: the student's school and the actor's
    guardianship of the student (None: not their guardian)."""

    student_school_id: int | None
    link: Guardianship | None


async def ensure_can_view_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    scope: str = "diary",
    *,
    access: StudentAccess | None = None,
) -> None:
    """Diary, marks, attendance, homework or timetable of one student."""
    if access is not None:
        student_school = access.student_school_id
    else:
        student_school = await _person_school(session, student_id)
    if student_school != actor.school_id:
        raise deny(actor, "view_student", student_id=student_id)
    if is_journal_reader(actor):
        return
    if actor.has(Role.STUDENT) and actor.person_id == student_id:
        return
    if actor.has(Role.PARENT, Role.TRUSTED):
        link = (
            access.link
            if access is not None
            else await guardianship(session, actor.person_id, student_id)
        )
        if link is not None:
            if link.kind == GuardianKind.PARENT and actor.has(Role.PARENT):
                return
            allowed = set(link.permissions or [])
            # The diary view itself is narrowed field by field to what the parent allowed.
            if (
                link.kind == GuardianKind.TRUSTED
                and actor.has(Role.TRUSTED)
                and (scope in allowed or (scope == "diary" and allowed))
            ):
                return
    if actor.has(Role.CLASS_TEACHER):
        for class_id in await student_class_ids(session, student_id):
            if await _is_class_teacher(session, actor.person_id, class_id):
                return
    if actor.has(*SUBJECT_TEACHERS) and scope in ("marks", "attendance", "homework", "diary"):
        # A subject teacher sees the student's record of the subjects they teach; the
        # use case narrows the rows with ``subject_filter_for``.
        for class_id in await student_class_ids(session, student_id):
            if await _teaches_class_subject(session, actor.person_id, class_id):
                return
    raise deny(actor, "view_student", student_id=student_id, scope=scope)


async def subject_filter_for(
    session: AsyncSession, actor: Actor, student_id: int, *, access: StudentAccess | None = None
) -> set[int] | None:
    """None when the actor sees every subject of the student; else the subjects they may see."""
    if is_journal_reader(actor) or actor.person_id == student_id:
        return None
    link = (
        access.link
        if access is not None
        else await guardianship(session, actor.person_id, student_id)
    )
    if link is not None:
        return None
    if actor.has(Role.CLASS_TEACHER):
        for class_id in await student_class_ids(session, student_id):
            if await _is_class_teacher(session, actor.person_id, class_id):
                return None
    class_ids = await student_class_ids(session, student_id)
    rows = await session.scalars(
        select(TeachingAssignment.subject_id).where(
            TeachingAssignment.teacher_id == actor.person_id,
            TeachingAssignment.class_id.in_(class_ids),
        )
    )
    return set(rows)


async def _person_school(session: AsyncSession, person_id: int) -> int | None:
    from services.models import Person

    return await session.scalar(select(Person.school_id).where(Person.id == person_id))


# --------------------------------------------------------------------------- classes


async def ensure_can_view_class(session: AsyncSession, actor: Actor, class_id: int) -> SchoolClass:
    cls = await load(session, actor, SchoolClass, class_id)
    if is_journal_reader(actor):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    if actor.has(*SUBJECT_TEACHERS) and await _teaches_class_subject(
        session, actor.person_id, cls.id
    ):
        return cls
    if actor.has(Role.STUDENT, Role.PARENT, Role.TRUSTED):
        # Families see their child's class timetable, nothing about other students.
        for child in await children_of(session, actor):
            if cls.id in await student_class_ids(session, child):
                return cls
    raise deny(actor, "view_class", class_id=class_id)


async def ensure_can_manage_class(
    session: AsyncSession, actor: Actor, class_id: int
) -> SchoolClass:
    """Class teacher's work: absence reasons, invites for families, class broadcasts."""
    cls = await load(session, actor, SchoolClass, class_id)
    if actor.has(Role.ADMIN):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    raise deny(actor, "manage_class", class_id=class_id)


async def ensure_can_view_at_risk(
    session: AsyncSession, actor: Actor, class_id: int
) -> SchoolClass:
    """The early warning's list of a class's students at risk (absences, projected marks): the
    class teacher of that class and the school's administration; not a subject teacher, nor
    a family."""
    cls = await load(session, actor, SchoolClass, class_id)
    if is_school_reader(actor):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    raise deny(actor, "view_at_risk", class_id=class_id)


async def ensure_can_edit_subgroups(
    session: AsyncSession, actor: Actor, class_id: int
) -> SchoolClass:
    """Who is in which subgroup of a class (a split for a language, IT, labour): the class
    teacher of that class and the school's office (the admin)."""
    cls = await load(session, actor, SchoolClass, class_id)
    if actor.has(Role.ADMIN):
        return cls
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    raise deny(actor, "edit_subgroups", class_id=class_id)


async def ensure_can_set_final_marks(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int
) -> SchoolClass:
    """Period marks: the subject's teacher in that class, or the class teacher (seed 003 §4.5)."""
    cls = await load(session, actor, SchoolClass, class_id)
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return cls
    if actor.has(*SUBJECT_TEACHERS) and await _teaches_class_subject(
        session, actor.person_id, cls.id, subject_id
    ):
        return cls
    raise deny(actor, "set_final_marks", class_id=class_id, subject_id=subject_id)


async def final_mark_students(
    session: AsyncSession, actor: Actor, cls: SchoolClass, subject_id: int
) -> set[int] | None:
    """Whose period marks the actor may set in a class and subject (after
    :func:`ensure_can_set_final_marks`): None for everyone of the class (the class teacher, or
    a teacher of the whole class), else the members of the subgroups they teach (a class
    split for English: each teacher marks their own group only)."""
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return None
    groups = list(
        (
            await session.scalars(
                select(TeachingAssignment.subgroup_id).where(
                    TeachingAssignment.teacher_id == actor.person_id,
                    TeachingAssignment.class_id == cls.id,
                    TeachingAssignment.subject_id == subject_id,
                )
            )
        ).all()
    )
    if not groups or any(g is None for g in groups):
        return None
    return set(
        (
            await session.scalars(
                select(SubgroupMember.student_id).where(SubgroupMember.subgroup_id.in_(groups))
            )
        ).all()
    )


def ensure_can_close_periods(actor: Actor, school_id: int) -> None:
    """Closing a study period, opening its locked period marks or a year's locked final marks
    for a while, and the teachers' council's date: the deputy or the admin of the school."""
    if school_id == actor.school_id and actor.has(Role.DEPUTY, Role.ADMIN):
        return
    raise deny(actor, "close_periods", school_id=school_id)


async def ensure_can_propose_control_work(
    session: AsyncSession, actor: Actor, class_id: int, subject_id: int
) -> SchoolClass:
    """Control-work dates (seed 002 §5.2.5): the deputy or the admin sets and agrees a date for
    any class of the school; a teacher proposes one for a subject they teach in that class.
    Leading the class is not enough: a class teacher proposes only for their own subjects."""
    cls = await load(session, actor, SchoolClass, class_id)
    if actor.has(Role.DEPUTY, Role.ADMIN):
        return cls
    if actor.has(*SUBJECT_TEACHERS, Role.CLASS_TEACHER) and await _teaches_class_subject(
        session, actor.person_id, cls.id, subject_id
    ):
        return cls
    raise deny(actor, "propose_control_work", class_id=class_id, subject_id=subject_id)


async def ensure_can_broadcast(session: AsyncSession, actor: Actor, class_id: int | None) -> None:
    """Opening the broadcast composer and sending: a class event goes from the class teacher
    of that class (or the school's leadership); school news from the admin, director or deputy.
    Checked before the compose prompt, so a replayed button opens nothing."""
    if class_id is None:
        if actor.has(Role.ADMIN, Role.DIRECTOR, Role.DEPUTY):
            return
        raise deny(actor, "broadcast_school")
    cls = await load(session, actor, SchoolClass, class_id)
    if is_school_reader(actor):
        return
    if actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id:
        return
    raise deny(actor, "broadcast_class", class_id=class_id)


async def ensure_can_give_notice(session: AsyncSession, actor: Actor, student_id: int) -> None:
    """An advance absence notice (seed 000 §3.2): only a parent of the child. A trusted person
    or the student themself sees the child's record but gives no notice."""
    link = await guardianship(session, actor.person_id, student_id)
    if (
        actor.has(Role.PARENT)
        and link is not None
        and link.kind == GuardianKind.PARENT
        and link.school_id == actor.school_id
    ):
        return
    raise deny(actor, "give_notice", student_id=student_id)


# --------------------------------------------------------------------------- lessons


async def ensure_can_view_lesson(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    *,
    substitution: tuple[Substitution | None] | None = None,
) -> Lesson:
    """``substitution``: the lesson's substitution (or None), for a caller that has read it
    already (in a tuple: ``(None,)`` is a lesson without one); read here otherwise."""
    lesson = await load(session, actor, Lesson, lesson_id)
    if is_journal_reader(actor):
        return lesson
    sub = substitution[0] if substitution else await substitution_of(session, lesson.id)
    if actor.has(*LESSON_TEACHERS):
        if actor.person_id in (lesson.teacher_id, sub.teacher_id if sub else None):
            return lesson
        if await _teaches_class_subject(
            session, actor.person_id, lesson.class_id, lesson.subject_id
        ):
            return lesson
        if await _is_class_teacher(session, actor.person_id, lesson.class_id):
            return lesson
    raise deny(actor, "view_lesson", lesson_id=lesson_id)


async def ensure_can_edit_lesson(session: AsyncSession, actor: Actor, lesson_id: int) -> Lesson:
    """Attendance, marks, topic and homework: only the teacher who teaches this lesson."""
    lesson = await load(session, actor, Lesson, lesson_id)
    if teaches_lesson(actor, lesson, await substitution_of(session, lesson.id)):
        return lesson
    raise deny(actor, "edit_lesson", lesson_id=lesson_id)


def teaches_lesson(actor: Actor, lesson: Lesson, substitution: Substitution | None) -> bool:
    """The rule of :func:`ensure_can_edit_lesson`, for a caller that has read the lesson's
    substitution (or its absence) already."""
    return actor.has(*LESSON_TEACHERS) and actor.person_id == (
        effective_teacher_id(lesson, substitution)
    )


async def ensure_can_mark_distance(session: AsyncSession, actor: Actor, lesson_id: int) -> Lesson:
    """A lesson held at a distance (seed 000 §3.2): the teacher who teaches it (the substitute,
    when there is one), or the deputy or the admin for any lesson of the school."""
    lesson = await load(session, actor, Lesson, lesson_id)
    if actor.has(Role.DEPUTY, Role.ADMIN):
        return lesson
    if teaches_lesson(actor, lesson, await substitution_of(session, lesson.id)):
        return lesson
    raise deny(actor, "mark_distance", lesson_id=lesson_id)


async def can_set_absence_reason(session: AsyncSession, actor: Actor, lesson: Lesson) -> bool:
    """The class teacher turns Н into Б or УП for their class (seed 003 §4.5)."""
    return actor.has(Role.CLASS_TEACHER) and await _is_class_teacher(
        session, actor.person_id, lesson.class_id
    )


def ensure_can_unlock(actor: Actor, lesson: Lesson) -> None:
    if lesson.school_id == actor.school_id and actor.has(Role.DEPUTY, Role.ADMIN):
        return
    raise deny(actor, "unlock_lesson", lesson_id=lesson.id)


async def ensure_can_unlock_lesson(session: AsyncSession, actor: Actor, lesson_id: int) -> Lesson:
    """Unlocking a closed lesson, and opening the prompt for its reason: deputy or admin."""
    lesson = await load(session, actor, Lesson, lesson_id)
    ensure_can_unlock(actor, lesson)
    return lesson


# --------------------------------------------------------------------------- teachers


def ensure_can_view_teacher_day(actor: Actor, teacher_id: int, teacher_school_id: int) -> None:
    if teacher_school_id != actor.school_id:
        raise deny(actor, "view_teacher_day", teacher_id=teacher_id)
    if actor.person_id == teacher_id and actor.has(*LESSON_TEACHERS):
        return
    if is_journal_reader(actor):
        return
    raise deny(actor, "view_teacher_day", teacher_id=teacher_id)


def lessons_taught_by(teacher_id: int, on: dt.date | None = None) -> Any:
    """SQL condition: lessons a teacher teaches (own unless substituted, or as substitute),
    on the day ``on`` if given.

    Written as ``lessons.id IN (own lessons UNION ALL substituted ones)`` so that each branch
    has its index: the own lessons by ``ix_lessons_teacher_date`` (teacher_id, date), the
    substituted ones by the substitutions' teacher_id. An OR of the two (with an EXISTS) could
    use neither and scanned every lesson of the region."""
    sub = Substitution
    mine = aliased(Lesson, name="own_lessons")
    own = select(mine.id).where(
        mine.teacher_id == teacher_id,
        ~exists().where(sub.lesson_id == mine.id, sub.teacher_id != teacher_id),
    )
    if on is not None:
        own = own.where(mine.date == on)
    substituted = select(sub.lesson_id).where(sub.teacher_id == teacher_id)
    return Lesson.id.in_(union_all(own, substituted))


# --------------------------------------------------------------------------- credentials


async def ensure_can_manage_credentials(
    session: AsyncSession, actor: Actor, person_id: int
) -> None:
    """Issue, revoke or end sign-ins: the admin for anyone in the school (staff get theirs
    only from the admin), a class teacher for the students of their class and their families
    (seed 001; seed 002 §3.3)."""
    from services.models import Person

    person = await load(session, actor, Person, person_id)
    if actor.has(Role.ADMIN):
        return
    if actor.has(Role.CLASS_TEACHER):
        roles = set(
            (
                await session.scalars(
                    select(RoleGrant.role).where(RoleGrant.person_id == person.id)
                )
            ).all()
        )
        if roles & STAFF_ROLES:
            raise deny(actor, "manage_credentials", person_id=person_id)
        students = [person.id]
        students += list(
            (
                await session.scalars(
                    select(Guardianship.student_id).where(Guardianship.guardian_id == person.id)
                )
            ).all()
        )
        for student_id in students:
            for class_id in await student_class_ids(session, student_id):
                if await _is_class_teacher(session, actor.person_id, class_id):
                    return
    raise deny(actor, "manage_credentials", person_id=person_id)


def ensure_can_block(actor: Actor) -> None:
    if actor.has(Role.ADMIN):
        return
    raise deny(actor, "block_account")


# --------------------------------------------------------------------------- movement, trusted


def ensure_can_move_students(actor: Actor) -> None:
    """Student movement (arrival, departure, transfer between classes; seed 002 §5.1.9): the
    school's office (the admin), on an order of the director."""
    if actor.has(Role.ADMIN):
        return
    raise deny(actor, "move_students")


async def ensure_can_name_trusted(
    session: AsyncSession, actor: Actor, student_id: int
) -> Guardianship:
    """A parent names, narrows and revokes the trusted persons of their own child (seed 000
    §1.3); a trusted person names nobody. Returns the parent's own link to the child."""
    if actor.has(Role.PARENT):
        link = await guardianship(session, actor.person_id, student_id)
        if (
            link is not None
            and link.kind == GuardianKind.PARENT
            and link.school_id == actor.school_id
        ):
            return link
    raise deny(actor, "name_trusted", student_id=student_id)


# --------------------------------------------------------------------------- calendar links


async def may_hold_calendar_link(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    """A calendar link of a child's dated events: a parent of the child (a guardianship of kind
    parent in the actor's school) or the student for themself. A trusted person, a parent of
    another child and the staff hold none. Checked when a link is issued and on every fetch,
    so a link dies with the family's access to the child."""
    if actor.has(Role.STUDENT) and actor.person_id == student_id:
        return True
    if not actor.has(Role.PARENT):
        return False
    link = await guardianship(session, actor.person_id, student_id)
    return (
        link is not None and link.kind == GuardianKind.PARENT and link.school_id == actor.school_id
    )


async def ensure_can_hold_calendar_link(
    session: AsyncSession, actor: Actor, student_id: int
) -> None:
    """Issuing or switching off a child's calendar link (:func:`may_hold_calendar_link`)."""
    if not await may_hold_calendar_link(session, actor, student_id):
        raise deny(actor, "calendar_link", student_id=student_id)


# --------------------------------------------------------------------------- family messages
#
# Teacher ↔ family messages (services/family_messages; the school's rules ask for a channel
# between teachers and families, docs/messages.md). Who writes to whom:
# - a parent (the guardianship of kind parent) writes about their child to the child's teachers:
#   the class teacher of the child's class this year and whoever teaches the class, or the
#   child's subgroup, this year (teaching assignments, the timetable) — nobody else;
# - the student writes themself only where the school allows it (``School.student_messages``),
#   in a thread of their own apart from the parents';
# - a trusted person does not write: the parent named them to see a part of the record, not to
#   speak for the family;
# - a thread is read by its teacher and its family side only; the administration reads one only
#   on a complaint the office recorded (each reading audited), never by its role alone.


def _current_subgroups(student_id: int, on: dt.date) -> Any:
    return select(SubgroupMember.subgroup_id).where(
        SubgroupMember.student_id == student_id, SubgroupMember.during(on)
    )


async def child_teacher_ids(
    session: AsyncSession, student_id: int, cls: SchoolClass, on: dt.date
) -> set[int]:
    """The teachers a family may write to about a student of ``cls`` on ``on``: the class
    teacher, the teachers assigned to the class (or to one of the student's subgroups), and the
    teachers of the class's timetable valid that day."""
    from services.models import TimetableEntry

    groups = _current_subgroups(student_id, on)
    assigned = select(TeachingAssignment.teacher_id).where(
        TeachingAssignment.class_id == cls.id,
        or_(TeachingAssignment.subgroup_id.is_(None), TeachingAssignment.subgroup_id.in_(groups)),
    )
    timetable = select(TimetableEntry.teacher_id).where(
        TimetableEntry.class_id == cls.id,
        TimetableEntry.year_id == cls.year_id,
        TimetableEntry.valid_from <= on,
        or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= on),
        or_(TimetableEntry.subgroup_id.is_(None), TimetableEntry.subgroup_id.in_(groups)),
    )
    ids = set(await session.scalars(union_all(assigned, timetable)))
    if cls.class_teacher_id is not None:
        ids.add(cls.class_teacher_id)
    return ids


async def thread_ended(session: AsyncSession, thread: Any, on: dt.date) -> str | None:
    """Why nobody may write in a thread any more on ``on`` (it stays readable for its teacher
    and its family side), or None while it is current: "left" (the student is in no class of
    the school), "year" (the thread is of another school year), "moved" (the student is in
    another class the teacher does not teach), "teacher" (the teacher no longer teaches the
    child: the assignment ended, the subgroup changed). The rule of
    :func:`ensure_can_message_teacher` for a thread already open."""
    cls = await session.scalar(
        select(SchoolClass)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(
            Enrolment.student_id == thread.student_id,
            Enrolment.school_id == thread.school_id,
            Enrolment.arrived_on <= on,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > on),
        )
        .order_by(Enrolment.arrived_on.desc())
        .limit(1)
    )
    if cls is None:
        return "left"
    if cls.year_id != thread.year_id:
        return "year"
    if thread.teacher_id in await child_teacher_ids(session, thread.student_id, cls, on):
        return None
    return "moved" if cls.id != thread.class_id else "teacher"


async def message_side(
    session: AsyncSession, actor: Actor, student_id: int, *, students_may_write: bool
) -> str:
    """Who the actor writes for about ``student_id``: "family" (a parent of the child) or
    "student" (the student themself, where the school allows it); refused otherwise."""
    if actor.has(Role.PARENT):
        link = await guardianship(session, actor.person_id, student_id)
        if (
            link is not None
            and link.kind == GuardianKind.PARENT
            and link.school_id == actor.school_id
        ):
            return "family"
    if actor.has(Role.STUDENT) and actor.person_id == student_id and students_may_write:
        return "student"
    raise deny(actor, "message_family", student_id=student_id)


async def ensure_can_message_teacher(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    teacher_id: int,
    cls: SchoolClass,
    on: dt.date,
    *,
    students_may_write: bool,
) -> str:
    """A family writes to one of the child's teachers (see above); the side it writes for."""
    side = await message_side(session, actor, student_id, students_may_write=students_may_write)
    if cls.school_id != actor.school_id or teacher_id not in await child_teacher_ids(
        session, student_id, cls, on
    ):
        raise deny(actor, "message_teacher", student_id=student_id, teacher_id=teacher_id)
    return side


async def thread_role(
    session: AsyncSession, actor: Actor, thread: Any, *, students_may_write: bool = True
) -> str:
    """The actor's part in a thread: "teacher" (its teacher) or "family" (a parent of the child
    in a family thread; the student in their own). Anyone else — another teacher, another
    family, the administration without a complaint — is refused like a forged id."""
    if thread.school_id != actor.school_id:
        raise deny(actor, "thread", thread_id=thread.id)
    if thread.teacher_id == actor.person_id:
        return "teacher"
    if thread.side == "family" and actor.has(Role.PARENT):
        link = await guardianship(session, actor.person_id, thread.student_id)
        if link is not None and link.kind == GuardianKind.PARENT:
            return "family"
    if (
        thread.side == "student"
        and actor.has(Role.STUDENT)
        and actor.person_id == thread.student_id
        and students_may_write
    ):
        return "family"
    raise deny(actor, "thread", thread_id=thread.id)


def ensure_can_record_complaint(actor: Actor) -> None:
    """A complaint about a thread is recorded by the office: the admin, director or deputy."""
    if not is_school_reader(actor):
        raise deny(actor, "thread_complaint")


async def ensure_can_read_on_complaint(session: AsyncSession, actor: Actor, thread: Any) -> None:
    """The administration reads a thread only when a complaint about it was recorded."""
    from services.models import ThreadComplaint

    ensure_can_record_complaint(actor)
    if thread.school_id != actor.school_id:
        raise deny(actor, "thread_on_complaint", thread_id=thread.id)
    recorded = await session.scalar(select(exists().where(ThreadComplaint.thread_id == thread.id)))
    if not recorded:
        raise deny(actor, "thread_without_complaint", thread_id=thread.id)
