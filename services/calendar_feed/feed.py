"""What a family's calendar feed holds, as iCalendar text.

For the child of a live link (services.calendar_feed.links), in the holder's language:

- the lessons from a week ago to four weeks ahead, at their bell times (UTC), a cancelled one as
  ``STATUS:CANCELLED``, with the teacher (a substitute named as such), the room and the topic;
- homework on the lesson it is due at: its due date's lesson of the subject, or (no due date)
  the subject's next lesson; due on a day without that lesson, an all-day item that day;
- the class's agreed control works (all-day items);
- class events and school news with a date (``News.event_at``) that the holder was sent
  (services.messages.news_reads: a parent — the child's class's events and the school's news;
  a student — the school's news).

The lessons and homework come through the diary's read model with the holder as the actor, so
the feed shows no more than the diary would. Every item's UID is its kind and id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import t
from services import richtext
from services.calendar import is_all_day, local_to_utc, school_today
from services.calendar_feed.ics import Event, calendar
from services.calendar_feed.links import Holder
from services.messages.news_reads import reader_scopes
from services.models import ControlWork, Enrolment, News, Person, School, Subject
from services.people import policy
from services.timetable.diary import LessonView, enrolled_during, student_diary

PAST_DAYS = 7
AHEAD_DAYS = 28
# Homework set this many days before the window may be due inside it.
HOMEWORK_LOOKBACK = 14
EVENT_HOURS = 1
UID_DOMAIN = "schoolbot"


def _uid(kind: str, item_id: int, school_id: int) -> str:
    return f"{kind}-{item_id}-s{school_id}@{UID_DOMAIN}"


async def feed_text(session: AsyncSession, holder: Holder, now: dt.datetime) -> str:
    """The feed of a live link (the caller has found the holder with ``links.holder_of``)."""
    actor, student_id = holder.actor, holder.student_id
    lang = actor.language or "ru"
    school = await session.get(School, actor.school_id)
    student = await session.get(Person, student_id)
    assert school is not None and student is not None
    today = school_today(school, now)
    first, last = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    access = policy.StudentAccess(
        student.school_id, await policy.guardianship(session, actor.person_id, student_id)
    )
    days = await student_diary(
        session,
        actor,
        student_id,
        first - dt.timedelta(days=HOMEWORK_LOOKBACK),
        last,
        access=access,
        school=school,
    )
    lessons = [lesson for day in days for lesson in day.lessons]
    events: list[Event] = []
    due_notes: dict[int, list[str]] = defaultdict(list)
    loose: list[Event] = []
    for lesson in lessons:
        for n, hw in enumerate(lesson.homework):
            target = _due_lesson(lessons, lesson, hw.due_date)
            note = t(lang, "calendar.feed.homework", text=richtext.visible_text(hw.text))
            if target is not None:
                due_notes[target.lesson_id].append(note)
            elif hw.due_date is not None and first <= hw.due_date <= last:
                loose.append(
                    Event(
                        uid=_uid(f"homework{n}", lesson.lesson_id, school.id),
                        summary=t(lang, "calendar.feed.homework_due", subject=lesson.subject),
                        start=hw.due_date,
                        end=hw.due_date + dt.timedelta(days=1),
                        description=note,
                    )
                )
    for lesson in lessons:
        if first <= lesson.date <= last:
            events.append(_lesson_event(lang, school, lesson, due_notes.get(lesson.lesson_id, [])))
    events += loose
    events += await _control_works(session, lang, school, student_id, first, last)
    events += await _dated_news(session, lang, holder, school, first, last)
    name = t(lang, "calendar.feed.name", name=f"{student.first_name} {student.last_name}")
    return calendar(events, name=name, stamp=now, timezone=school.timezone)


def _due_lesson(
    lessons: list[LessonView], set_at: LessonView, due: dt.date | None
) -> LessonView | None:
    for lesson in lessons:
        if lesson.subject_id != set_at.subject_id or lesson.cancelled:
            continue
        if (due is not None and lesson.date == due) or (due is None and lesson.date > set_at.date):
            return lesson
    return None


def _lesson_event(lang: str, school: School, lesson: LessonView, homework: list[str]) -> Event:
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    if lesson.starts_at is not None and lesson.ends_at is not None:
        start = local_to_utc(school, lesson.date, lesson.starts_at)
        end = local_to_utc(school, lesson.date, lesson.ends_at)
    else:
        start, end = lesson.date, lesson.date + dt.timedelta(days=1)
    summary = t(lang, "calendar.feed.lesson", number=lesson.number, subject=lesson.subject)
    if lesson.cancelled:
        summary = t(lang, "calendar.feed.cancelled", summary=summary)
    lines: list[str] = []
    if lesson.teacher:
        key = "calendar.feed.substitute" if lesson.substituted else "calendar.feed.teacher"
        lines.append(t(lang, key, teacher=lesson.teacher))
    if lesson.topic:
        lines.append(t(lang, "calendar.feed.topic", topic=lesson.topic))
    if lesson.distance:
        lines.append(t(lang, "calendar.feed.distance"))
    lines += homework
    return Event(
        uid=_uid("lesson", lesson.lesson_id, school.id),
        summary=summary,
        start=start,
        end=end,
        description="\n".join(lines),
        location=t(lang, "calendar.feed.room", room=lesson.room) if lesson.room else "",
        cancelled=lesson.cancelled,
    )


async def _control_works(
    session: AsyncSession,
    lang: str,
    school: School,
    student_id: int,
    first: dt.date,
    last: dt.date,
) -> list[Event]:
    rows = (
        await session.execute(
            select(ControlWork, Subject.name)
            .join(Subject, Subject.id == ControlWork.subject_id)
            .join(
                Enrolment,
                (Enrolment.class_id == ControlWork.class_id)
                & (Enrolment.student_id == student_id)
                & enrolled_during(ControlWork.date),
            )
            .where(
                ControlWork.date >= first,
                ControlWork.date <= last,
                ControlWork.agreed_at.is_not(None),
            )
            .order_by(ControlWork.date, ControlWork.id)
        )
    ).all()
    out: list[Event] = []
    seen: set[int] = set()
    for work, subject in rows:
        if work.id in seen:
            continue
        seen.add(work.id)
        kind = t(lang, f"notify.work.{work.kind.value}")
        out.append(
            Event(
                uid=_uid("work", work.id, school.id),
                summary=t(lang, "calendar.feed.work", kind=kind, subject=subject),
                start=work.date,
                end=work.date + dt.timedelta(days=1),
                description=work.title or "",
            )
        )
    return out


async def _dated_news(
    session: AsyncSession,
    lang: str,
    holder: Holder,
    school: School,
    first: dt.date,
    last: dt.date,
) -> list[Event]:
    """Class events of the child's classes and school news with a date in the window, of those
    the holder was sent."""
    scopes = await reader_scopes(session, holder.actor)
    classes = sorted(
        {
            c
            for c in await session.scalars(
                select(Enrolment.class_id).where(Enrolment.student_id == holder.student_id)
            )
        }
    )
    since = local_to_utc(school, first, dt.time(0))
    until = local_to_utc(school, last + dt.timedelta(days=1), dt.time(0))
    rows = await session.scalars(
        select(News)
        .where(
            News.school_id == school.id,
            News.event_at.is_not(None),
            News.event_at >= since,
            News.event_at < until,
            or_(News.class_id.is_(None), News.class_id.in_(classes)),
        )
        .order_by(News.event_at, News.id)
    )
    out: list[Event] = []
    for news in rows:
        if not scopes.allows(news) or news.event_at is None:
            continue
        body = richtext.visible_text(news.body).strip()
        summary = news.title or " ".join(body.split())[:60]
        start: dt.datetime | dt.date = news.event_at
        end: dt.datetime | dt.date = news.event_at + dt.timedelta(hours=EVENT_HOURS)
        local = news.event_at.astimezone(ZoneInfo(school.timezone))
        if is_all_day(local):  # an all-day event is kept at the local midnight
            start, end = local.date(), local.date() + dt.timedelta(days=1)
        out.append(
            Event(
                uid=_uid("news", news.id, school.id),
                summary=summary,
                start=start,
                end=end,
                description=body,
            )
        )
    return out
