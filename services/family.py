"""Family-facing read models: a child's diary, homework, marks, timetable and attendance.

Built on :mod:`services.diary` (which checks the access policy and narrows a trusted person's
view to what the parent allowed). This module adds what a parent or a student needs on a phone:
which child the answer is about, which sections the reader may see at all (so that a hidden
section reads "not available", never "no marks"), the school's "today" (an injectable ``now``),
the next school day, homework due on a day, the projected period mark and what is needed for
the next one, period and year marks once set, and lessons covered by an advance notice.

Nothing here changes data; nothing here knows of a messenger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import diary, policy
from services.calendar import SchoolCalendar, load_calendar, period_on, school_today
from services.context import StudentRef, chat_context, family_students
from services.enums import (
    STAFF_ROLES,
    AttendanceCode,
    FinalMarkKind,
    GuardianKind,
    Role,
    SpecialMark,
)
from services.errors import NotFound
from services.identity import Actor
from services.lessons import group_label
from services.models import (
    AbsenceNotice,
    Enrolment,
    FinalMark,
    Guardianship,
    Person,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subgroup,
    SubgroupMember,
)

# How far ahead "the next school day" is looked for (a long holiday).
NEXT_DAY_HORIZON = 60
# How far back homework set at an earlier lesson still counts for a day.
HOMEWORK_LOOKBACK = 21
# Attendance over a long period is read in slices the diary accepts.
DIARY_SLICE = diary.MAX_RANGE_DAYS
FAMILY_ROLES = frozenset({Role.PARENT, Role.TRUSTED, Role.STUDENT})


# --------------------------------------------------------------------------- who and what


@dataclass(frozen=True)
class Sections:
    """What the reader may see of this child (a trusted person: what the parent allowed)."""

    diary: bool = True
    marks: bool = True
    attendance: bool = True
    homework: bool = True
    timetable: bool = True


async def school_of(session: AsyncSession, actor: Actor) -> School:
    school = await session.get(School, actor.school_id)
    if school is None:  # pragma: no cover - an actor always has a school
        raise NotFound()
    return school


async def today_for(session: AsyncSession, actor: Actor, now: dt.datetime | None = None) -> dt.date:
    """Today in the school's time zone (``now`` is injectable for tests)."""
    return school_today(await school_of(session, actor), now)


async def family_student(
    session: AsyncSession, actor: Actor, student_id: int | None = None
) -> StudentRef:
    """The child a view is about: the chosen one (None), or ``student_id`` if it is one's own.

    An id that is not among this person's children (a forged button, another family's child)
    is refused like any forgery, before anything is read.
    """
    if student_id is None:
        ctx = await chat_context(session, actor)
        if ctx.student is None:
            raise NotFound("family.no_child")
        return ctx.student
    for ref in await family_students(session, actor):
        if ref.id == student_id:
            return ref
    raise policy.deny(actor, "family_student", student_id=student_id)


@dataclass(frozen=True)
class FamilyRead:
    """What every family screen reads first, in one statement: the child (checked to be the
    reader's own, like :func:`family_student`), the reader's guardianship of the child and
    the school."""

    student: StudentRef
    access: policy.StudentAccess
    school: School


# Built once with bound parameters (a statement object keeps its cache key: neither the
# statement nor its key is rebuilt per update).
_CLASS_NAME = (
    select(SchoolClass.name)
    .join(Enrolment, Enrolment.class_id == SchoolClass.id)
    .where(Enrolment.student_id == Person.id, Enrolment.left_on.is_(None))
    .order_by(Enrolment.arrived_on.desc(), Enrolment.id.desc())
    .limit(1)
    .scalar_subquery()
)
_FAMILY_READ = (
    select(Person.last_name, Person.first_name, Person.school_id, _CLASS_NAME)
    .add_columns(Guardianship, School)
    .select_from(Person)
    .outerjoin(
        Guardianship,
        and_(
            Guardianship.student_id == Person.id,
            Guardianship.guardian_id == bindparam("guardian_id"),
        ),
    )
    .join(School, School.id == bindparam("school_id"))
    .where(Person.id == bindparam("student_id"))
)


async def family_read(session: AsyncSession, actor: Actor, student_id: int) -> FamilyRead:
    """:func:`family_student`, :func:`school_of` and the policy's reads about the child at once.

    An id that is not among this person's children is refused like any forgery."""
    row = (
        await session.execute(
            _FAMILY_READ,
            {
                "guardian_id": actor.person_id,
                "school_id": actor.school_id,
                "student_id": student_id,
            },
        )
    ).first()
    if row is not None:
        last_name, first_name, school_id, cls, link, school = row
        own = (actor.has(Role.STUDENT) and student_id == actor.person_id) or (
            actor.has(Role.PARENT, Role.TRUSTED) and link is not None
        )
        if own:
            return FamilyRead(
                StudentRef(student_id, f"{last_name} {first_name}", cls),
                policy.StudentAccess(school_id, link),
                school,
            )
    raise policy.deny(actor, "family_student", student_id=student_id)


async def sections_for(session: AsyncSession, actor: Actor, student_id: int) -> Sections:
    """For a trusted person, the sections the parent allowed; everything for the others.

    The policy still checks every read; this only tells a hidden section from an empty one.
    """
    if not actor.has(Role.TRUSTED):
        return Sections()
    return _sections(actor, await policy.guardianship(session, actor.person_id, student_id))


def _sections(actor: Actor, link: Guardianship | None) -> Sections:
    """:func:`sections_for` with the actor's guardianship of the child already read."""
    if not actor.has(Role.TRUSTED) or link is None or link.kind != GuardianKind.TRUSTED:
        return Sections()
    allowed = set(link.permissions or [])
    return Sections(
        diary=bool(allowed),
        marks="marks" in allowed,
        attendance="attendance" in allowed,
        homework="homework" in allowed,
        timetable="timetable" in allowed,
    )


def next_school_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    """The first working day after ``day`` (weekends and holidays skipped)."""
    current = day
    for _ in range(NEXT_DAY_HORIZON):
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            return current
    return day + dt.timedelta(days=1)


def previous_school_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    current = day
    for _ in range(NEXT_DAY_HORIZON):
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            return current
    return day - dt.timedelta(days=1)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week of ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


async def school_calendar(session: AsyncSession, actor: Actor) -> SchoolCalendar:
    return await load_calendar(session, await school_of(session, actor))


async def next_school_day_for(
    session: AsyncSession, actor: Actor, now: dt.datetime | None = None
) -> dt.date:
    """ "Tomorrow" for homework: the next school day after today (school time)."""
    school = await school_of(session, actor)
    calendar = await load_calendar(session, school)
    return next_school_day(calendar, school_today(school, now))


# --------------------------------------------------------------------------- diary


@dataclass
class DiaryPage:
    student: StudentRef
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    sections: Sections
    days: list[diary.DiaryDay]
    # Advance notices by day: the reasons the family gave (shown as "announced").
    notices: dict[dt.date, list[str]] = field(default_factory=dict)

    @property
    def files(self) -> list[tuple[str, str, str | None]]:
        """Every homework file of the page: (kind, file_ref, file_name)."""
        return [
            f
            for day in self.days
            for lesson in day.lessons
            for hw in lesson.homework
            for f in hw.files
        ]


_NOTICES = (
    select(AbsenceNotice)
    .where(
        AbsenceNotice.student_id == bindparam("student_id"),
        AbsenceNotice.cancelled_at.is_(None),
        AbsenceNotice.date_from <= bindparam("date_to"),
        AbsenceNotice.date_to >= bindparam("date_from"),
    )
    .order_by(AbsenceNotice.id)
)


async def _notices(
    session: AsyncSession, student_id: int, date_from: dt.date, date_to: dt.date
) -> dict[dt.date, list[str]]:
    rows = (
        await session.scalars(
            _NOTICES, {"student_id": student_id, "date_from": date_from, "date_to": date_to}
        )
    ).all()
    out: dict[dt.date, list[str]] = defaultdict(list)
    for notice in rows:
        day = max(notice.date_from, date_from)
        while day <= min(notice.date_to, date_to):
            out[day].append(notice.reason)
            day += dt.timedelta(days=1)
    return dict(out)


async def diary_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> DiaryPage:
    """A child's diary for a day or a week, with advance notices shown on their lessons.

    Six statements whatever the range: the child with the school, the calendar, the
    lessons, homework, marks, and the advance notices."""
    read = await family_read(session, actor, student_id)
    student = read.student
    days = await diary.student_diary(
        session, actor, student.id, date_from, date_to, access=read.access, school=read.school
    )
    sections = _sections(actor, read.access.link)
    notices: dict[dt.date, list[str]] = {}
    if sections.attendance:
        notices = await _notices(session, student.id, date_from, date_to)
        for day in days:
            if day.date in notices:
                for lesson in day.lessons:
                    if not lesson.cancelled and lesson.attendance != AttendanceCode.LATE:
                        lesson.announced_absence = True
    return DiaryPage(
        student=student,
        date_from=date_from,
        date_to=date_to,
        today=school_today(read.school, now),
        sections=sections,
        days=days,
        notices=notices,
    )


# --------------------------------------------------------------------------- homework


@dataclass(frozen=True)
class HomeworkItem:
    subject: str
    text: str
    individual: bool
    set_on: dt.date  # the lesson at which it was set
    due_date: dt.date | None
    files: tuple[tuple[str, str, str | None], ...]


@dataclass
class HomeworkPage:
    student: StudentRef
    day: dt.date
    today: dt.date
    available: bool
    holiday: str | None
    weekend: bool
    subjects: list[str]  # the day's lessons, in order (cancelled ones left out)
    items: list[HomeworkItem]

    @property
    def files(self) -> list[tuple[str, str, str | None]]:
        return [f for item in self.items for f in item.files]


async def homework_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    day: dt.date,
    now: dt.datetime | None = None,
) -> HomeworkPage:
    """Homework to be ready on ``day``: due that day, or set at the latest earlier lesson of a
    subject the child has that day (when the teacher gave no due date)."""
    student = await family_student(session, actor, student_id)
    sections = await sections_for(session, actor, student.id)
    today = await today_for(session, actor, now)
    if not sections.homework:
        return HomeworkPage(student, day, today, False, None, False, [], [])
    await policy.ensure_can_view_student(session, actor, student.id, "homework")
    start = day - dt.timedelta(days=HOMEWORK_LOOKBACK)
    days = await diary.student_diary(session, actor, student.id, start, day)
    target = days[-1]
    subjects_today = [x for x in target.lessons if not x.cancelled]
    subject_ids = {x.subject_id for x in subjects_today}
    latest: dict[int, dt.date] = {}
    for d in days[:-1]:
        for lesson in d.lessons:
            if lesson.subject_id in subject_ids and any(
                h.due_date is None for h in lesson.homework
            ):
                latest[lesson.subject_id] = d.date
    items: list[HomeworkItem] = []
    seen: set[tuple[str, str]] = set()
    for d in days[:-1]:
        for lesson in d.lessons:
            for hw in lesson.homework:
                due = hw.due_date == day or (
                    hw.due_date is None and latest.get(lesson.subject_id) == d.date
                )
                if not due or (lesson.subject, hw.text) in seen:
                    continue
                seen.add((lesson.subject, hw.text))
                items.append(
                    HomeworkItem(
                        lesson.subject, hw.text, hw.individual, d.date, hw.due_date, hw.files
                    )
                )
    order = {x.subject: i for i, x in enumerate(subjects_today)}
    items.sort(key=lambda i: (order.get(i.subject, len(order)), i.set_on))
    names: list[str] = []
    for x in subjects_today:
        if x.subject not in names:
            names.append(x.subject)
    return HomeworkPage(
        student=student,
        day=day,
        today=today,
        available=True,
        holiday=target.holiday,
        weekend=target.weekend,
        subjects=names,
        items=items,
    )


# --------------------------------------------------------------------------- marks


@dataclass(frozen=True)
class Advice:
    """``fives`` more fives at weight 1 lift the suggested mark to ``target``."""

    target: int
    fives: int


@dataclass(frozen=True)
class FinalMarkView:
    value: int | None
    special: SpecialMark | None


@dataclass(frozen=True)
class SubjectReport:
    subject_id: int
    subject: str
    marks: tuple[diary.MarkView, ...]
    average: Decimal | None
    suggested: int | None
    enough_marks: bool
    advice: Advice | None
    period_mark: FinalMarkView | None
    year_mark: FinalMarkView | None


@dataclass
class MarksPage:
    student: StudentRef
    available: bool
    period: StudyPeriod | None
    periods: list[StudyPeriod]
    subjects: list[SubjectReport]
    today: dt.date
    # Grade 1 has no marks, only attendance and topics (seed 002 §4.5): the page says so once.
    first_grade: bool = False


async def _grade_on(session: AsyncSession, student_id: int, day: dt.date) -> int | None:
    """The grade of the class the student was in on ``day`` (None when not enrolled)."""
    return await session.scalar(
        select(SchoolClass.grade)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(
            Enrolment.student_id == student_id,
            Enrolment.arrived_on <= day,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > day),
        )
        .limit(1)
    )


def fives_needed(
    marks: Sequence[tuple[int, int]], school: School, limit: int, cap: int = 40
) -> Advice | None:
    """The fewest fives (weight 1) that lift the suggested mark to the next one.

    None when there are no marks yet, the mark is already «5», or more fives are needed than
    ``limit`` (the lessons left in the period): out of reach, so nothing is promised.
    """
    current = diary.suggest_mark(diary.weighted_average(list(marks)), school)
    if current is None or current >= 5:
        return None
    target = current + 1
    for n in range(1, min(limit, cap) + 1):
        average = diary.weighted_average([*marks, *([(5, 1)] * n)])
        suggested = diary.suggest_mark(average, school)
        if suggested is not None and suggested >= target:
            return Advice(target, n)
    return None


async def year_periods(session: AsyncSession, school_id: int, day: dt.date) -> list[StudyPeriod]:
    """The periods of the school's latest year begun by ``day``, in one statement."""
    year = (
        select(SchoolYear.id)
        .where(SchoolYear.school_id == school_id, SchoolYear.starts_on <= day)
        .order_by(SchoolYear.starts_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    return list(
        (
            await session.scalars(
                select(StudyPeriod)
                .where(StudyPeriod.year_id == year)
                .order_by(StudyPeriod.starts_on, StudyPeriod.id)
            )
        ).all()
    )


async def current_period(
    session: AsyncSession,
    school: School,
    day: dt.date,
    periods: list[StudyPeriod] | None = None,
) -> StudyPeriod | None:
    """The period of ``day``; in the holidays the one just ended (else the next to come).
    ``periods``: :func:`year_periods` of ``day``, when the caller has them."""
    period = await period_on(session, school.id, day)
    if period is not None:
        return period
    if periods is None:
        periods = await year_periods(session, school.id, day)
    ended = [p for p in periods if p.ends_on < day]
    if ended:
        return ended[-1]
    return periods[0] if periods else None


async def _student_groups(session: AsyncSession, student_id: int) -> set[int]:
    return set(
        (
            await session.scalars(
                select(SubgroupMember.subgroup_id).where(SubgroupMember.student_id == student_id)
            )
        ).all()
    )


def _final(mark: FinalMark | None) -> FinalMarkView | None:
    return FinalMarkView(mark.value, mark.special) if mark is not None else None


async def marks_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    period_id: int | None = None,
    now: dt.datetime | None = None,
) -> MarksPage:
    """Marks of a period by subject: weighted average, projected mark, what the next one
    needs, and the period and year marks once set.

    Six statements whatever the child has (one more in the holidays, to find the period):
    the child with the school, the year's periods, the grade, the marks, the subjects with
    the lessons left, and the period and year marks."""
    read = await family_read(session, actor, student_id)
    student, school = read.student, read.school
    today = school_today(school, now)
    sections = _sections(actor, read.access.link)
    periods = await year_periods(session, school.id, today)
    if period_id:
        period: StudyPeriod | None = await policy.load(session, actor, StudyPeriod, period_id)
    else:
        period = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        if period is None:
            period = await current_period(session, school, today, periods)
    if not sections.marks or period is None:
        return MarksPage(student, sections.marks, period, periods, [], today)
    if period.year_id not in {p.year_id for p in periods}:
        periods = list(
            (
                await session.scalars(
                    select(StudyPeriod)
                    .where(StudyPeriod.year_id == period.year_id)
                    .order_by(StudyPeriod.starts_on)
                )
            ).all()
        )
    on = min(max(today, period.starts_on), period.ends_on)
    if await _grade_on(session, student.id, on) == 1:
        return MarksPage(student, True, period, periods, [], today, first_grade=True)
    open_period = not period.is_closed and period.ends_on > today
    subjects, left = await diary.period_marks_by_subject(
        session,
        actor,
        student.id,
        period,
        school=school,
        access=read.access,
        left_from=today + dt.timedelta(days=1) if open_period else None,
    )
    finals = (
        await session.scalars(
            # Each arm of the OR matches one partial unique index (uq_final_marks_period,
            # uq_final_marks_year_kind): a year mark has no period (a check constraint).
            select(FinalMark).where(
                FinalMark.student_id == student.id,
                FinalMark.year_id == period.year_id,
                or_(
                    FinalMark.period_id == period.id,
                    and_(FinalMark.period_id.is_(None), FinalMark.kind == FinalMarkKind.YEAR),
                ),
            )
        )
    ).all()
    period_marks = {f.subject_id: f for f in finals if f.kind == FinalMarkKind.PERIOD}
    year_marks = {f.subject_id: f for f in finals if f.kind == FinalMarkKind.YEAR}
    reports = []
    for s in subjects:
        values = [(m.value, m.weight) for m in s.marks]
        advice = None
        if open_period and s.subject_id not in period_marks:
            advice = fives_needed(values, school, left.get(s.subject_id, 0))
        reports.append(
            SubjectReport(
                subject_id=s.subject_id,
                subject=s.subject,
                marks=s.marks,
                average=s.weighted_average,
                suggested=s.suggested,
                enough_marks=s.enough_marks,
                advice=advice,
                period_mark=_final(period_marks.get(s.subject_id)),
                year_mark=_final(year_marks.get(s.subject_id)),
            )
        )
    return MarksPage(student, True, period, periods, reports, today)


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceEntry:
    date: dt.date
    number: int
    subject: str
    code: AttendanceCode
    announced: bool


@dataclass
class AttendancePage:
    student: StudentRef
    available: bool
    period: StudyPeriod | None
    periods: list[StudyPeriod]
    counts: dict[AttendanceCode, int]
    entries: list[AttendanceEntry]
    lessons: int  # lessons held so far in the period (not cancelled)
    today: dt.date

    @property
    def missed(self) -> int:
        return sum(n for code, n in self.counts.items() if code != AttendanceCode.LATE)


async def attendance_page(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    period_id: int | None = None,
    now: dt.datetime | None = None,
) -> AttendancePage:
    """Lessons missed in a period by reason (Н, Б, УП) and lateness (ОП), up to today."""
    student = await family_student(session, actor, student_id)
    school = await school_of(session, actor)
    today = school_today(school, now)
    sections = await sections_for(session, actor, student.id)
    periods = await year_periods(session, school.id, today)
    if period_id:
        period: StudyPeriod | None = await policy.load(session, actor, StudyPeriod, period_id)
    else:
        period = await current_period(session, school, today)
    counts: dict[AttendanceCode, int] = {code: 0 for code in AttendanceCode}
    if not sections.attendance or period is None:
        return AttendancePage(student, sections.attendance, period, periods, counts, [], 0, today)
    await policy.ensure_can_view_student(session, actor, student.id, "attendance")
    entries: list[AttendanceEntry] = []
    held = 0
    start, end = period.starts_on, min(period.ends_on, today)
    while start <= end:
        stop = min(end, start + dt.timedelta(days=DIARY_SLICE))
        page = await diary_page(session, actor, student.id, start, stop, now)
        for day in page.days:
            for lesson in day.lessons:
                if lesson.cancelled:
                    continue
                held += 1
                if lesson.attendance is None:
                    continue
                counts[lesson.attendance] += 1
                entries.append(
                    AttendanceEntry(
                        day.date,
                        lesson.number,
                        lesson.subject,
                        lesson.attendance,
                        lesson.announced_absence,
                    )
                )
        start = stop + dt.timedelta(days=1)
    return AttendancePage(student, True, period, periods, counts, entries, held, today)


# --------------------------------------------------------------------------- timetable


@dataclass(frozen=True)
class Slot:
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    teacher: str | None
    room: str | None
    substituted: bool
    cancelled: bool
    class_name: str | None = None  # a teacher's own timetable


@dataclass
class TimetableDay:
    date: dt.date
    holiday: str | None
    weekend: bool
    slots: list[Slot] = field(default_factory=list)


@dataclass
class TimetablePage:
    student: StudentRef | None  # None: the reader's own teaching timetable or a class's
    available: bool
    days: list[TimetableDay]
    today: dt.date
    class_id: int | None = None  # a class's timetable (staff)
    class_name: str | None = None


def _empty_days(
    calendar: SchoolCalendar, date_from: dt.date, date_to: dt.date
) -> list[TimetableDay]:
    out = []
    day = date_from
    while day <= date_to:
        holiday = calendar.holiday_on(day)
        out.append(
            TimetableDay(
                date=day,
                holiday=holiday[1] if holiday else None,
                weekend=day.isoweekday() not in calendar.working_weekdays,
            )
        )
        day += dt.timedelta(days=1)
    return out


async def family_timetable(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """The child's dated timetable (their subgroups only), substitutions and changes marked."""
    student = await family_student(session, actor, student_id)
    school = await school_of(session, actor)
    today = school_today(school, now)
    calendar = await load_calendar(session, school)
    days = _empty_days(calendar, date_from, date_to)
    sections = await sections_for(session, actor, student.id)
    if not sections.timetable:
        return TimetablePage(student, False, days, today)
    await policy.ensure_can_view_student(session, actor, student.id, "timetable")
    groups = await _student_groups(session, student.id)
    enrolments = (
        await session.execute(
            select(Enrolment.class_id, Enrolment.arrived_on, Enrolment.left_on).where(
                Enrolment.student_id == student.id,
                Enrolment.arrived_on <= date_to,
                or_(Enrolment.left_on.is_(None), Enrolment.left_on > date_from),
            )
        )
    ).all()
    by_day = {d.date: d for d in days}
    for class_id, arrived, left in enrolments:
        for slot in await diary.class_timetable(session, actor, class_id, date_from, date_to):
            if slot.date < arrived or (left is not None and slot.date >= left):
                continue
            if slot.subgroup_id is not None and slot.subgroup_id not in groups:
                continue
            by_day[slot.date].slots.append(
                Slot(
                    number=slot.number,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    subject=slot.subject,
                    teacher=slot.teacher,
                    room=slot.room,
                    substituted=slot.substituted,
                    cancelled=slot.cancelled,
                )
            )
    for d in days:
        d.slots.sort(key=lambda s: s.number)
    return TimetablePage(student, True, days, today)


async def staff_timetable(
    session: AsyncSession,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """A teacher's own lessons, day by day (substitutions they take included)."""
    school = await school_of(session, actor)
    today = school_today(school, now)
    calendar = await load_calendar(session, school)
    days = _empty_days(calendar, date_from, date_to)
    if not actor.has(*STAFF_ROLES):
        raise policy.deny(actor, "staff_timetable")
    for d in days:
        for x in await diary.teacher_lessons(session, actor, d.date):
            d.slots.append(
                Slot(
                    number=x.number,
                    starts_at=x.starts_at,
                    ends_at=x.ends_at,
                    subject=x.subject,
                    teacher=None,
                    room=x.room,
                    substituted=x.substitute,
                    cancelled=x.cancelled,
                    class_name=x.class_name,
                )
            )
    return TimetablePage(None, True, days, today)


async def timetable_classes(
    session: AsyncSession, actor: Actor, day: dt.date
) -> list[tuple[int, str]]:
    """Classes whose timetable a staff member may open from /timetable: every class of the
    current year for the administration, their own class for a class teacher."""
    if not actor.has(*STAFF_ROLES):
        return []
    year = await session.scalar(
        select(SchoolYear)
        .where(SchoolYear.school_id == actor.school_id, SchoolYear.starts_on <= day)
        .order_by(SchoolYear.starts_on.desc())
        .limit(1)
    )
    if year is None:
        return []
    q = select(SchoolClass.id, SchoolClass.name, SchoolClass.grade).where(
        SchoolClass.school_id == actor.school_id, SchoolClass.year_id == year.id
    )
    if not policy.is_school_reader(actor):
        if not actor.has(Role.CLASS_TEACHER):
            return []
        q = q.where(SchoolClass.class_teacher_id == actor.person_id)
    rows = (await session.execute(q)).all()
    return [(i, n) for i, n, _ in sorted(rows, key=lambda r: (r[2], r[1]))]


async def class_timetable_page(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
) -> TimetablePage:
    """A class's dated timetable for staff (subgroup lessons named by their group)."""
    school = await school_of(session, actor)
    today = school_today(school, now)
    calendar = await load_calendar(session, school)
    days = _empty_days(calendar, date_from, date_to)
    if not actor.has(*STAFF_ROLES):
        raise policy.deny(actor, "class_timetable", class_id=class_id)
    slots = await diary.class_timetable(session, actor, class_id, date_from, date_to)
    cls = await policy.load(session, actor, SchoolClass, class_id)
    groups = dict(
        (
            await session.execute(
                select(Subgroup.id, Subgroup.name).where(Subgroup.class_id == class_id)
            )
        ).all()
    )
    by_day = {d.date: d for d in days}
    for slot in slots:
        subject = slot.subject
        if slot.subgroup_id is not None and slot.subgroup_id in groups:
            label = group_label(subject, groups[slot.subgroup_id])
            subject = f"{subject} ({label})" if label else subject
        by_day[slot.date].slots.append(
            Slot(
                number=slot.number,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                subject=subject,
                teacher=slot.teacher,
                room=slot.room,
                substituted=slot.substituted,
                cancelled=slot.cancelled,
            )
        )
    return TimetablePage(None, True, days, today, class_id=cls.id, class_name=cls.name)


async def acts_as_family(session: AsyncSession, actor: Actor) -> bool:
    """Whether the chat's active role is a family one (parent, trusted person, student)."""
    if not actor.has(*FAMILY_ROLES):
        return False
    if not actor.has(*STAFF_ROLES):
        return True
    ctx = await chat_context(session, actor)
    return ctx.role in FAMILY_ROLES
