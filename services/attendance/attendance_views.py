"""Attendance read models: the class teacher's absence days and the family's attendance page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import (
    AttendanceCode,
)
from services.models import (
    AbsenceNotice,
    Attendance,
    BellTime,
    Lesson,
    StudyPeriod,
    Subject,
)
from services.people import policy
from services.people.class_teacher import ensure_can_oversee_class, students_between
from services.people.context import StudentRef
from services.people.family import family_student, school_of, sections_for
from services.people.identity import Actor
from services.school.school_days import current_period, year_periods
from services.timetable import diary
from services.timetable.diary import diary_page

# Attendance over a long period is read in slices the diary accepts.
DIARY_SLICE = diary.MAX_RANGE_DAYS


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


FAMILY_REASON_CODES = {"ill": AttendanceCode.ILL, "excused": AttendanceCode.EXCUSED}


MAX_WEEK_DAYS = 7


@dataclass(frozen=True)
class AbsenceLesson:
    lesson_id: int
    number: int
    subject: str
    code: AttendanceCode
    starts_at: dt.time | None = None  # from the school's bells, when they are set


@dataclass(frozen=True)
class StudentDay:
    """One student's absences on one day, with what the family said about them."""

    student_id: int
    student: str
    date: dt.date
    lessons: tuple[AbsenceLesson, ...]
    notice_code: AttendanceCode | None
    notice_reason: str | None
    family_reason: str | None

    @property
    def unexplained(self) -> bool:
        return any(x.code == AttendanceCode.ABSENT for x in self.lessons)

    @property
    def suggested(self) -> AttendanceCode | None:
        """The reason the family gave (their answer to the alert, or their advance notice)."""
        if self.family_reason in FAMILY_REASON_CODES:
            return FAMILY_REASON_CODES[self.family_reason]
        if self.notice_code in (AttendanceCode.ILL, AttendanceCode.EXCUSED):
            return self.notice_code
        if self.notice_code is not None:
            return AttendanceCode.EXCUSED
        return None


async def absence_days(
    session: AsyncSession, actor: Actor, class_id: int, date_from: dt.date, date_to: dt.date
) -> list[StudentDay]:
    """Absences (Н, Б, УП, ОП) of a class between two dates, by student and day, with the
    families' advance notices and answers; also announced absences not yet marked."""
    if date_to < date_from or (date_to - date_from).days >= MAX_WEEK_DAYS * 5:
        from services.errors import ValidationFailed

        raise ValidationFailed("error.date_range", days=MAX_WEEK_DAYS * 5)
    cls = await ensure_can_oversee_class(session, actor, class_id)
    students = await students_between(session, cls.id, date_from, date_to)
    rows = (
        await session.execute(
            select(Attendance, Lesson.date, Lesson.lesson_number, Lesson.subject_id)
            .join(Lesson, Lesson.id == Attendance.lesson_id)
            .where(
                Lesson.class_id == cls.id,
                Lesson.date >= date_from,
                Lesson.date <= date_to,
                Lesson.is_cancelled.is_(False),
            )
            .order_by(Lesson.date, Lesson.lesson_number)
        )
    ).all()
    subject_names = {
        s.id: s.name
        for s in await session.scalars(
            select(Subject).where(Subject.id.in_({r[3] for r in rows} or {-1}))
        )
    }
    bells = dict(
        (
            await session.execute(
                select(BellTime.number, BellTime.starts_at).where(
                    BellTime.school_id == cls.school_id, BellTime.shift == 1
                )
            )
        ).all()
    )
    grouped: dict[tuple[int, dt.date], list[AbsenceLesson]] = defaultdict(list)
    family: dict[tuple[int, dt.date], str] = {}
    for att, day, number, subject_id in rows:
        if att.student_id not in students:
            continue
        grouped[(att.student_id, day)].append(
            AbsenceLesson(
                att.lesson_id,
                number,
                subject_names.get(subject_id, ""),
                att.code,
                bells.get(number),
            )
        )
        if att.family_reason:
            family[(att.student_id, day)] = att.family_reason
    notices: dict[tuple[int, dt.date], AbsenceNotice] = {}
    for n in await session.scalars(
        select(AbsenceNotice).where(
            AbsenceNotice.student_id.in_(list(students) or [-1]),
            AbsenceNotice.date_from <= date_to,
            AbsenceNotice.date_to >= date_from,
            AbsenceNotice.cancelled_at.is_(None),
        )
    ):
        day = max(n.date_from, date_from)
        while day <= min(n.date_to, date_to):
            notices[(n.student_id, day)] = n
            day += dt.timedelta(days=1)
    keys = set(grouped) | set(notices)
    out = []
    for sid, day in keys:
        person = students[sid]
        notice = notices.get((sid, day))
        out.append(
            StudentDay(
                student_id=sid,
                student=person.short_name,
                date=day,
                lessons=tuple(grouped.get((sid, day), [])),
                notice_code=notice.code if notice else None,
                notice_reason=notice.reason if notice else None,
                family_reason=family.get((sid, day)),
            )
        )
    # Announced absences on days without lessons of the class are noise; keep lesson days.
    lesson_days = set(
        (
            await session.scalars(
                select(Lesson.date).where(
                    Lesson.class_id == cls.id, Lesson.date >= date_from, Lesson.date <= date_to
                )
            )
        ).all()
    )
    out = [x for x in out if x.lessons or x.date in lesson_days]
    return sorted(out, key=lambda x: (x.date, x.student, x.student_id))
