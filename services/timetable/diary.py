"""A student's diary: the lessons of a day or a week with marks, homework and attendance, and the
family's diary page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from services import richtext
from services.calendar import SchoolCalendar, is_all_day, load_calendar, school_today
from services.enums import (
    AttendanceCode,
    GuardianKind,
    NewsKind,
    Role,
    WorkKind,
)
from services.errors import ValidationFailed
from services.models import (
    AbsenceNotice,
    Attendance,
    BellTime,
    ControlWork,
    Enrolment,
    Guardianship,
    Homework,
    Lesson,
    Mark,
    News,
    Person,
    School,
    SubgroupMember,
    Subject,
    Substitution,
)
from services.people import policy
from services.people.context import StudentRef
from services.people.family import Sections, family_read, sections_of_link
from services.people.identity import Actor


@dataclass
class DiaryPage:
    student: StudentRef
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    sections: Sections
    days: list[DiaryDay]
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

    Seven statements whatever the range: the child with the school, the calendar, the
    lessons (with their agreed control works), homework, marks, the advance notices, and the
    class events and school news dated in the range."""
    read = await family_read(session, actor, student_id)
    student = read.student
    days = await student_diary(
        session, actor, student.id, date_from, date_to, access=read.access, school=read.school
    )
    sections = sections_of_link(actor, read.access.link)
    notices: dict[dt.date, list[str]] = {}
    if sections.attendance:
        notices = await _notices(session, student.id, date_from, date_to)
        for day in days:
            if day.date in notices:
                for lesson in day.lessons:
                    if not lesson.cancelled and lesson.attendance != AttendanceCode.LATE:
                        lesson.announced_absence = True
    # Dated class events and school news on their days, to everyone who sees the diary (the
    # evening-before reminder goes to the broadcast's recipients only).
    events = await dated_events(session, read.school, student.id, date_from, date_to)
    for day in days:
        day.events = events.get(day.date, [])
    return DiaryPage(
        student=student,
        date_from=date_from,
        date_to=date_to,
        today=school_today(read.school, now),
        sections=sections,
        days=days,
        notices=notices,
    )


MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class MarkView:
    id: int
    value: int
    work_kind: WorkKind
    weight: int
    comment: str | None
    date: dt.date


@dataclass(frozen=True)
class HomeworkView:
    text: str
    individual: bool
    due_date: dt.date | None
    files: tuple[tuple[str, str, str | None], ...]  # (kind, file_ref, file_name)


@dataclass
class LessonView:
    lesson_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject_id: int
    subject: str
    teacher: str
    substituted: bool
    room: str | None
    cancelled: bool
    topic: str | None = None
    homework: list[HomeworkView] = field(default_factory=list)
    marks: list[MarkView] = field(default_factory=list)
    attendance: AttendanceCode | None = None
    announced_absence: bool = False
    distance: bool = False  # held at a distance (seed 000 §3.2)
    control_work: ControlWorkMark | None = None  # an agreed control work at this lesson


@dataclass(frozen=True)
class ControlWorkMark:
    """An agreed control work on a lesson (seed 000 §2: the forms of control and their
    schedule are shown to students and parents)."""

    kind: WorkKind
    title: str | None


@dataclass(frozen=True)
class EventView:
    """A class event or school news with a date, on its day (in the school's time)."""

    news_id: int
    at: dt.datetime  # local time of the school
    title: str
    school_wide: bool

    @property
    def all_day(self) -> bool:
        """Kept at the school's midnight: shown by its day alone, without a time."""
        return is_all_day(self.at)


@dataclass
class DiaryDay:
    date: dt.date
    holiday: str | None  # name of the holiday or day off
    weekend: bool
    lessons: list[LessonView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)


EVENT_TITLE_LIMIT = 80


def event_title(title: str | None, body: str) -> str:
    """A dated news item's name: its title, else the first line of its text (shortened)."""
    text = (title or "").strip()
    if not text:
        lines = [line.strip() for line in richtext.visible_text(body).splitlines()]
        text = next((line for line in lines if line), "")
    if len(text) > EVENT_TITLE_LIMIT:
        text = text[: EVENT_TITLE_LIMIT - 1].rstrip() + "…"
    return text


def local_bounds(
    tz: ZoneInfo, date_from: dt.date, date_to: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants from the start of ``date_from`` to the end of ``date_to`` in ``tz``."""
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


async def dated_events(
    session: AsyncSession, school: School, student_id: int, date_from: dt.date, date_to: dt.date
) -> dict[dt.date, list[EventView]]:
    """The class events of the student's class (while enrolled) and the school's news with a
    date (``News.event_at``) from ``date_from`` to ``date_to``, by local day. One statement."""
    tz = ZoneInfo(school.timezone)
    start, end = local_bounds(tz, date_from, date_to)
    classes = select(Enrolment.class_id).where(
        Enrolment.student_id == student_id, enrolled_during(date_from, date_to)
    )
    rows = (
        await session.execute(
            select(News.id, News.kind, News.event_at, News.title, News.body)
            .where(
                News.school_id == school.id,
                News.event_at >= start,
                News.event_at < end,
                or_(News.kind == NewsKind.SCHOOL_NEWS, News.class_id.in_(classes)),
            )
            .order_by(News.event_at, News.id)
        )
    ).all()
    out: dict[dt.date, list[EventView]] = defaultdict(list)
    for news_id, kind, at, title, body in rows:
        if at is None:  # pragma: no cover - the query asks for a date
            continue
        local = at.astimezone(tz)
        out[local.date()].append(
            EventView(news_id, local, event_title(title, body), kind == NewsKind.SCHOOL_NEWS)
        )
    return dict(out)


def calendar_days(
    calendar: SchoolCalendar, date_from: dt.date, date_to: dt.date
) -> Iterator[tuple[dt.date, str | None, bool]]:
    """Each day of the range with its holiday's name (None on a school day) and whether it is
    a weekend: the frame of a diary or a timetable page."""
    day = date_from
    while day <= date_to:
        holiday = calendar.holiday_on(day)
        yield (
            day,
            holiday[1] if holiday else None,
            day.isoweekday() not in calendar.working_weekdays,
        )
        day += dt.timedelta(days=1)


def enrolled_during(first: Any, last: Any = None) -> ColumnElement[bool]:
    """An enrolment row that covers a day of ``first``..``last`` (``first`` alone: that day);
    values or columns."""
    last = first if last is None else last
    return and_(
        Enrolment.arrived_on <= last,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > first),
    )


def check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ValidationFailed("error.date_range", days=MAX_RANGE_DAYS)


def bell_of(school_id: Any) -> ColumnElement[bool]:
    """Join condition: the first shift's bell of a lesson's number (``school_id`` a value or a
    column)."""
    return and_(
        BellTime.school_id == school_id,
        BellTime.shift == 1,
        BellTime.number == Lesson.lesson_number,
    )


async def _trusted_scopes(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    access: policy.StudentAccess | None = None,
) -> set[str] | None:
    """For a trusted person, what the parent allowed; None for everyone else."""
    if not actor.has(Role.TRUSTED):
        return None
    if access is not None:
        link = access.link
    else:
        link = await session.scalar(
            select(Guardianship).where(
                Guardianship.guardian_id == actor.person_id, Guardianship.student_id == student_id
            )
        )
    if link is None or link.kind != GuardianKind.TRUSTED:
        return None
    return set(link.permissions or [])


def enrolled_on_lesson_date(student_id: int) -> ColumnElement[bool]:
    """Join condition: the student was in the lesson's class on the lesson's date."""
    return and_(
        Enrolment.class_id == Lesson.class_id,
        Enrolment.student_id == student_id,
        enrolled_during(Lesson.date),
    )


def in_student_groups(student_id: int) -> ColumnElement[bool]:
    # The groups the student was in on the lesson's date (a move keeps past lessons).
    groups = select(SubgroupMember.subgroup_id).where(
        SubgroupMember.student_id == student_id, SubgroupMember.during(Lesson.date)
    )
    return or_(Lesson.subgroup_id.is_(None), Lesson.subgroup_id.in_(groups))


def agreed_work_of_lesson(shown: bool = True) -> ColumnElement[bool]:
    """Join condition: the agreed control work of a lesson's class, subject and date (one at
    most: unique by class, subject and date); none when not ``shown``."""
    on = and_(
        ControlWork.class_id == Lesson.class_id,
        ControlWork.subject_id == Lesson.subject_id,
        ControlWork.date == Lesson.date,
        ControlWork.agreed_at.is_not(None),
    )
    return on if shown else and_(on, false())


async def student_diary(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    access: policy.StudentAccess | None = None,
    school: School | None = None,
) -> list[DiaryDay]:
    """A student's diary for a range of days: lessons, topics, homework, marks, attendance.

    ``access`` and ``school``, when the caller has read them already, spare their statements.
    Four statements then: the calendar, the lessons (with their substitution, subject,
    teacher, bell and the student's attendance), the homework with its files, the marks.
    """
    check_range(date_from, date_to)
    await policy.ensure_can_view_student(session, actor, student_id, "diary", access=access)
    subjects_allowed = await policy.subject_filter_for(session, actor, student_id, access=access)
    scopes = await _trusted_scopes(session, actor, student_id, access)
    show = {s: scopes is None or s in scopes for s in ("marks", "attendance", "homework", "diary")}
    # The control works' schedule: to whoever sees marks or homework (works_reads.WORKS_SCOPES).
    show_works = show["marks"] or show["homework"]
    if school is None:
        school = await session.get(School, actor.school_id)
    assert school is not None
    calendar = await load_calendar(session, school)

    teacher = aliased(Person, name="teacher")
    attendance_on = and_(Attendance.lesson_id == Lesson.id, Attendance.student_id == student_id)
    if not show["attendance"]:
        attendance_on = and_(attendance_on, false())
    rows = (
        await session.execute(
            select(
                Lesson,
                Substitution.id,
                Subject.name,
                teacher,
                BellTime.starts_at,
                BellTime.ends_at,
                Attendance.code,
                Attendance.notice_id,
                ControlWork.kind,
                ControlWork.title,
            )
            .join(Enrolment, enrolled_on_lesson_date(student_id))
            .outerjoin(Substitution, Substitution.lesson_id == Lesson.id)
            .outerjoin(Subject, Subject.id == Lesson.subject_id)
            .outerjoin(
                teacher, teacher.id == func.coalesce(Substitution.teacher_id, Lesson.teacher_id)
            )
            .outerjoin(BellTime, bell_of(school.id))
            .outerjoin(Attendance, attendance_on)
            .outerjoin(ControlWork, agreed_work_of_lesson(show_works))
            .where(Lesson.date >= date_from, Lesson.date <= date_to, in_student_groups(student_id))
            .order_by(Lesson.date, Lesson.lesson_number)
        )
    ).all()
    seen: set[int] = set()
    picked = []
    for row in rows:
        lesson = row[0]
        if lesson.id in seen:  # two enrolments in the same class on one date
            continue
        seen.add(lesson.id)
        if subjects_allowed is None or lesson.subject_id in subjects_allowed:
            picked.append(row)
    ids = [row[0].id for row in picked]

    homework: dict[int, list[HomeworkView]] = defaultdict(list)
    marks: dict[int, list[MarkView]] = defaultdict(list)
    if ids and show["homework"]:
        rows_hw = await session.scalars(
            select(Homework)
            .options(joinedload(Homework.files))
            .where(
                Homework.lesson_id.in_(ids),
                or_(Homework.student_id.is_(None), Homework.student_id == student_id),
            )
            .order_by(Homework.id)
        )
        for hw in rows_hw.unique():
            homework[hw.lesson_id].append(
                HomeworkView(
                    text=hw.text,
                    individual=hw.student_id is not None,
                    due_date=hw.due_date,
                    files=tuple((f.kind, f.file_ref, f.file_name) for f in hw.files),
                )
            )
    lesson_dates = {row[0].id: row[0].date for row in picked}
    if ids and show["marks"]:
        for m in await session.scalars(
            select(Mark)
            .where(Mark.lesson_id.in_(ids), Mark.student_id == student_id)
            .order_by(Mark.id)
        ):
            marks[m.lesson_id].append(
                MarkView(m.id, m.value, m.work_kind, m.weight, m.comment, lesson_dates[m.lesson_id])
            )

    by_day: dict[dt.date, list[LessonView]] = defaultdict(list)
    for (
        lesson,
        sub_id,
        subject,
        who,
        starts_at,
        ends_at,
        code,
        notice_id,
        work_kind,
        work_title,
    ) in picked:
        by_day[lesson.date].append(
            LessonView(
                lesson_id=lesson.id,
                date=lesson.date,
                number=lesson.lesson_number,
                starts_at=starts_at,
                ends_at=ends_at,
                subject_id=lesson.subject_id,
                subject=subject or "",
                teacher=who.short_name if who is not None else "",
                substituted=sub_id is not None,
                room=lesson.room,
                cancelled=lesson.is_cancelled,
                topic=lesson.topic if show["diary"] else None,
                homework=homework.get(lesson.id, []),
                marks=marks.get(lesson.id, []),
                attendance=code,
                announced_absence=bool(code is not None and notice_id),
                distance=bool(lesson.is_distance),
                control_work=(
                    ControlWorkMark(work_kind, work_title) if work_kind is not None else None
                ),
            )
        )
    return [
        DiaryDay(day, holiday, weekend, by_day.get(day, []))
        for day, holiday, weekend in calendar_days(calendar, date_from, date_to)
    ]
