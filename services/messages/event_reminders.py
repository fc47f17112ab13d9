"""The evening before a class event or a dated school news item (``News.event_at``): a reminder
to the people its broadcast reaches (the rule of services.messages.broadcasts.broadcast_recipients,
for many events at once: a class event's parents; school news: every parent, current student and
member of staff; the author left out), once per event and person.

notifications/jobs.py's job ``event_reminder`` runs every evening (school time) for a batch of
schools: :func:`schools_due` finds those with an event tomorrow and each gets one fan-out row,
which the delivery worker expands a chunk of recipients at a time (:func:`reminders` with
``after``/``limit``) into the rows :func:`run` would queue at once — same dedup keys, same
payloads. Only the events of the next local day count, so a run caught up late in the evening
still reminds of tomorrow and never of today. The kind's gates follow the recipient's settings
when a row is sent: news turned off, or reminders turned off, cancels it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import is_all_day
from services.enums import STAFF_ROLES, GuardianKind
from services.models import Enrolment, Guardianship, News, RoleGrant, School, SchoolClass
from services.notifications import outbox
from services.notifications.kinds import Kind, Payload, Safe, Value, t, turned_off
from services.richtext import visible_text

EVENT_TITLE_LIMIT = 80


class EventReminderPayload(Payload):
    news_id: int | None = None
    date: str | None = None  # the event's local date
    time: Value = None  # "18:00", school time; None for an all-day event
    all_day: bool = False
    title: Value = None
    class_name: Value = Field(None, alias="class")


def _day(lang: str, value: str | None) -> str:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return ""
    weekday = t(lang, f"works.weekday.{day.isoweekday()}")
    return t(lang, "works.day", weekday=Safe(weekday), day=day.day, month=day.month)


def _text(p: EventReminderPayload, lang: str) -> str:
    """ "Завтра, чт 19.11, в 18:00: …"; an all-day event without a time: "Завтра, чт 19.11: …"."""
    params: dict[str, Any] = {"day": Safe(_day(lang, p.date)), "title": p.title}
    key = "works.event.reminder"
    if p.all_day:
        key += "_day"
    else:
        params["time"] = p.time
    if p.class_name:
        return t(lang, key + "_class", class_name=p.class_name, **params)
    return t(lang, key, **params)


EVENT_REMINDER: Kind[EventReminderPayload] = Kind(
    "event.reminder",
    EventReminderPayload,
    _text,
    gates=(turned_off("news"), turned_off("reminders")),
)

KINDS: tuple[Kind[Any], ...] = (EVENT_REMINDER,)


def title_of(title: str | None, body: str) -> str:
    """A dated news item's name: its title, else the first line of its text (shortened)."""
    text = (title or "").strip()
    if not text:
        lines = [line.strip() for line in visible_text(body).splitlines()]
        text = next((line for line in lines if line), "")
    if len(text) > EVENT_TITLE_LIMIT:
        text = text[: EVENT_TITLE_LIMIT - 1].rstrip() + "…"
    return text


async def _recipients(
    session: AsyncSession, events: list[News], day: dt.date
) -> dict[int, set[int]]:
    """The people each event's broadcast reaches on ``day``, by news id — the rule of
    :func:`broadcast_recipients` for many events at once: a class event, the parents of the
    class's current students; school news, every parent of a current student, every current
    student and every member of staff. At most four statements whatever the events."""
    current = and_(
        Enrolment.arrived_on <= day, or_(Enrolment.left_on.is_(None), Enrolment.left_on > day)
    )
    parents_of = (
        select(Enrolment.school_id, Enrolment.class_id, Guardianship.guardian_id)
        .join(Guardianship, Guardianship.student_id == Enrolment.student_id)
        .where(current, Guardianship.kind == GuardianKind.PARENT)
    )
    out: dict[int, set[int]] = {}
    class_ids = sorted({e.class_id for e in events if e.class_id is not None})
    by_class: dict[int, set[int]] = defaultdict(set)
    if class_ids:
        for _, class_id, pid in (
            await session.execute(parents_of.where(Enrolment.class_id.in_(class_ids)))
        ).all():
            by_class[class_id].add(pid)
    school_ids = sorted({e.school_id for e in events if e.class_id is None})
    by_school: dict[int, set[int]] = defaultdict(set)
    if school_ids:
        for school_id, _, pid in (
            await session.execute(parents_of.where(Enrolment.school_id.in_(school_ids)))
        ).all():
            by_school[school_id].add(pid)
        for school_id, pid in (
            await session.execute(
                select(Enrolment.school_id, Enrolment.student_id).where(
                    Enrolment.school_id.in_(school_ids), current
                )
            )
        ).all():
            by_school[school_id].add(pid)
        for school_id, pid in (
            await session.execute(
                select(RoleGrant.school_id, RoleGrant.person_id).where(
                    RoleGrant.school_id.in_(school_ids), RoleGrant.role.in_(list(STAFF_ROLES))
                )
            )
        ).all():
            by_school[school_id].add(pid)
    for e in events:
        people = by_class[e.class_id] if e.class_id is not None else by_school[e.school_id]
        out[e.id] = set(people) - {e.author_id}
    return out


async def _due(
    session: AsyncSession, schools: list[School], day: dt.date
) -> list[tuple[News, str | None, dt.datetime]]:
    """The events of ``day + 1`` (each school's local date) of the schools, with their class's
    name and local time. One statement."""
    by_id = {s.id: s for s in schools}
    tomorrow = day + dt.timedelta(days=1)
    # Wide UTC bounds (the schools' zones differ); each event's local day is checked below.
    start = dt.datetime.combine(tomorrow - dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=2), dt.time(0), tzinfo=dt.UTC)
    rows = (
        await session.execute(
            select(News, SchoolClass.name)
            .outerjoin(SchoolClass, SchoolClass.id == News.class_id)
            .where(News.school_id.in_(list(by_id)), News.event_at >= start, News.event_at < end)
            .order_by(News.event_at, News.id)
        )
    ).all()
    due: list[tuple[News, str | None, dt.datetime]] = []
    for news, name in rows:
        if news.event_at is None:  # pragma: no cover - the query asks for a date
            continue
        local = news.event_at.astimezone(ZoneInfo(by_id[news.school_id].timezone))
        if local.date() == tomorrow:
            due.append((news, name, local))
    return due


async def schools_due(session: AsyncSession, schools: list[School], day: dt.date) -> set[int]:
    """The schools with an event on ``day + 1``: those the evening's job queues a fan-out row
    for. One statement."""
    return {news.school_id for news, _, _ in await _due(session, schools, day)}


def _payload(news: News, class_name: str | None, local: dt.datetime) -> dict[str, Any]:
    """The reminder's payload: an all-day event has no time (``all_day``)."""
    payload: dict[str, Any] = {"news_id": news.id, "date": local.date().isoformat()}
    if is_all_day(local):
        payload["all_day"] = True
    else:
        payload["time"] = local.strftime("%H:%M")
    payload["title"] = title_of(news.title, news.body)
    if class_name:
        payload["class"] = class_name
    return payload


async def reminders(
    session: AsyncSession,
    schools: list[School],
    day: dt.date,
    *,
    after: int | None = None,
    limit: int | None = None,
) -> tuple[dict[int, list[dict[str, Any]]], int | None]:
    """The reminders of the events of ``day + 1`` (each school's local date) as outbox rows, by
    school, and the cursor of the next chunk. A statement for the events of the batch, and at
    most four for their recipients.

    With ``limit`` (one school: a step of its fan-out row's expansion), the rows of at most
    ``limit`` recipients after ``after`` in id order — every event of the school for each of
    them — and the last of them as the cursor while more are left (None: done)."""
    tomorrow = day + dt.timedelta(days=1)
    due = await _due(session, schools, day)
    if not due:
        return {}, None
    recipients = await _recipients(session, [news for news, _, _ in due], day)
    cursor: int | None = None
    if limit is not None:
        everyone = sorted(
            {p for people in recipients.values() for p in people if after is None or p > after}
        )
        if len(everyone) > limit:
            everyone, cursor = everyone[:limit], everyone[limit - 1]
        chosen = set(everyone)
        recipients = {news_id: people & chosen for news_id, people in recipients.items()}
    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for news, class_name, local in due:
        payload = _payload(news, class_name, local)
        for pid in sorted(recipients[news.id]):
            alerts[news.school_id].append(
                {
                    "school_id": news.school_id,
                    "recipient_person_id": pid,
                    "kind": EVENT_REMINDER.name,
                    "dedup_key": f"event:{news.id}:{tomorrow.isoformat()}:{pid}",
                    "payload": payload,
                }
            )
    return dict(alerts), cursor


async def run(
    session: AsyncSession, schools: list[School], day: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Queue tomorrow's events' reminders, a row per person; the number queued per school. The
    scheduled job queues a fan-out row per school instead (notifications/jobs.py
    ``event_reminder_fanout``); the rows its expansion makes are these rows."""
    alerts, _ = await reminders(session, schools, day)
    rows = [row for school_rows in alerts.values() for row in school_rows]
    for start in range(0, len(rows), 500):
        await outbox.enqueue_many(session, rows[start : start + 500], not_before=now)
    return {school_id: len(school_rows) for school_id, school_rows in alerts.items()}
