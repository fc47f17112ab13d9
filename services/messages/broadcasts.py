"""Broadcasts (news): recipients, creation, statistics, acknowledgement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import richtext
from services.calendar import is_all_day as is_all_day  # the all-day rule, re-exported
from services.calendar import local_to_utc, school_today
from services.enums import STAFF_ROLES, GuardianKind, NewsKind
from services.errors import ValidationFailed
from services.models import (
    Enrolment,
    Guardianship,
    News,
    NewsReceipt,
    OutboxMessage,
    RoleGrant,
    School,
    SchoolYear,
    utcnow,
)
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

# Visible length of a broadcast: the alert adds a heading and the author (Telegram: 4096).
MAX_NEWS_TEXT = 4000


MAX_NEWS_CAPTION = 900  # a caption holds 1024


MAX_NEWS_TITLE = 200


ATTACHMENT_KINDS = ("document", "photo")


@dataclass(frozen=True)
class BroadcastAttachment:
    kind: str  # "document" | "photo"
    file_ref: str  # messenger file id or URL


def _attachment_ref(attachment: Any) -> tuple[str, str] | None:
    if attachment is None:
        return None
    kind = getattr(attachment, "kind", None)
    ref = getattr(attachment, "file_ref", None) or getattr(attachment, "ref", None)
    if kind not in ATTACHMENT_KINDS or not isinstance(ref, str) or not ref or len(ref) > 255:
        raise ValidationFailed("notify.news_attachment")
    return kind, ref


def _current_students(school_id: int, today: dt.date) -> Select[int]:
    """The school's students enrolled today, as a query."""
    return select(Enrolment.student_id).where(
        Enrolment.school_id == school_id,
        Enrolment.arrived_on <= today,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > today),
    )


async def _class_parents(
    session: AsyncSession, class_ids: list[int] | None, school_id: int, today: dt.date
) -> set[int]:
    enrolled = _current_students(school_id, today)
    if class_ids is not None:
        enrolled = enrolled.where(Enrolment.class_id.in_(class_ids))
    rows = await session.scalars(
        select(Guardianship.guardian_id).where(
            Guardianship.kind == GuardianKind.PARENT,
            Guardianship.student_id.in_(enrolled),
        )
    )
    return set(rows)


async def broadcast_recipients(
    session: AsyncSession, school: School, class_id: int | None, today: dt.date | None = None
) -> set[int]:
    """A class event: the parents of the class's current students. School news: every parent
    and every current student, and every member of staff. ``today``: the school's date the
    students are current on (its date now when None)."""
    today = today or school_today(school)
    if class_id is not None:
        return await _class_parents(session, [class_id], school.id, today)
    people = await _class_parents(session, None, school.id, today)
    students = await session.scalars(_current_students(school.id, today))
    people.update(students)
    staff = await session.scalars(
        select(RoleGrant.person_id).where(
            RoleGrant.school_id == school.id, RoleGrant.role.in_(list(STAFF_ROLES))
        )
    )
    people.update(staff)
    return people


def broadcast_body(text: str | None, *, with_attachment: bool = False) -> str:
    """The body of a broadcast as it is stored: the sender's formatted text (e.g. the
    messenger's HTML of the message) as the checked HTML subset of services.richtext, never
    escaped again when rendered. Its visible length (UTF-16 units, as Telegram counts) is at
    most MAX_NEWS_TEXT, or MAX_NEWS_CAPTION under a file, so that the alert with its heading
    fits one message."""
    body = richtext.clean_html((text or "").strip()).strip()
    limit = MAX_NEWS_CAPTION if with_attachment else MAX_NEWS_TEXT
    if not richtext.visible_text(body).strip():
        raise ValidationFailed("notify.news_empty")
    if richtext.visible_length(body) > limit:
        raise ValidationFailed("error.too_long", field="text", limit=limit)
    return body


async def event_moment(
    session: AsyncSession, school: School, event_at: dt.datetime | dt.date, now: dt.datetime
) -> dt.datetime:
    """The instant a broadcast's event is stored at (``News.event_at``: an aware UTC instant).

    ``event_at`` is school time: a date is an all-day event, kept at the school's local
    midnight of that day (:func:`services.calendar.is_all_day` tells it); a naive datetime is
    the school's local time; an aware one is taken as it is. Refused in the past (an all-day
    event: before the school's today) and after the end of the school year that holds today
    (or the next one, between years)."""
    tz = ZoneInfo(school.timezone)
    today = now.astimezone(tz).date()
    if isinstance(event_at, dt.datetime):
        moment = (
            event_at.astimezone(dt.UTC)
            if event_at.tzinfo is not None
            else event_at.replace(tzinfo=tz).astimezone(dt.UTC)
        )
        day = moment.astimezone(tz).date()
        if moment < now:
            raise ValidationFailed("events.error_past")
    else:
        day, moment = event_at, local_to_utc(school, event_at, dt.time(0))
        if day < today:
            raise ValidationFailed("events.error_past")
    year_end = await session.scalar(
        select(SchoolYear.ends_on)
        .where(SchoolYear.school_id == school.id, SchoolYear.ends_on >= today)
        .order_by(SchoolYear.starts_on)
        .limit(1)
    )
    if year_end is None or day > year_end:
        raise ValidationFailed(
            "events.error_after_year", end=year_end.strftime("%d.%m.%Y") if year_end else "—"
        )
    return moment


async def create_broadcast(
    session: AsyncSession,
    actor: Actor,
    *,
    class_id: int | None,
    text: str,
    attachment: Any = None,
    title: str | None = None,
    event_at: dt.datetime | dt.date | None = None,
    now: dt.datetime | None = None,
) -> News:
    """A class event from the class teacher (or the school's leadership) to the class's
    parents, or school news from the admin, director or deputy to all families and staff.

    Each recipient gets a message with an "Ознакомлен" button; :func:`broadcast_stats` counts
    delivered / read / failed. ``attachment``: an object with ``kind`` ("document"/"photo") and
    ``file_ref`` (e.g. :class:`BroadcastAttachment` or ``services.homework.assignments.FileRef``).
    ``event_at``: the event's day (all day) or school-local time, optional: it is shown in the
    family's diary on that day and reminded the evening before (:func:`event_moment`).
    """
    async with UnitOfWork(session, actor, now) as uow:
        return await _create_broadcast(
            uow, class_id=class_id, text=text, attachment=attachment, title=title, event_at=event_at
        )


async def _create_broadcast(
    uow: UnitOfWork,
    *,
    class_id: int | None,
    text: str,
    attachment: Any = None,
    title: str | None = None,
    event_at: dt.datetime | dt.date | None = None,
) -> News:
    session, actor, now = uow.session, uow.actor, uow.now
    await policy.ensure_can_broadcast(session, actor, class_id)
    kind = NewsKind.CLASS_EVENT if class_id is not None else NewsKind.SCHOOL_NEWS
    att = _attachment_ref(attachment)
    body = broadcast_body(text, with_attachment=att is not None)
    clean_title = (title or "").strip() or None
    if clean_title is not None and len(clean_title) > MAX_NEWS_TITLE:
        raise ValidationFailed("error.too_long", field="title", limit=MAX_NEWS_TITLE)
    school = await session.get(School, actor.school_id)
    assert school is not None
    moment = await event_moment(session, school, event_at, now) if event_at is not None else None
    news = News(
        school_id=actor.school_id,
        kind=kind,
        class_id=class_id,
        author_id=actor.person_id,
        title=clean_title,
        body=body,
        attachment_kind=att[0] if att else None,
        attachment_ref=att[1] if att else None,
        event_at=moment,
        created_at=now,
    )
    session.add(news)
    await session.flush()
    recipients = sorted(await broadcast_recipients(session, school, class_id) - {actor.person_id})
    row_kind = "news.class" if kind == NewsKind.CLASS_EVENT else "news.school"
    await outbox.enqueue_many(
        session,
        (
            {
                "school_id": actor.school_id,
                "recipient_person_id": pid,
                "kind": row_kind,
                "dedup_key": f"news:{news.id}:{pid}",
                "payload": {"news_id": news.id},
                "news_id": news.id,
                "not_before": now,
            }
            for pid in recipients
        ),
    )
    uow.record(
        action="news.create",
        entity="news",
        entity_id=news.id,
        after={
            "kind": kind.value,
            "class_id": class_id,
            "recipients": len(recipients),
            "event_at": moment.isoformat() if moment is not None else None,
        },
    )
    return news


@dataclass(frozen=True)
class BroadcastStats:
    news_id: int
    recipients: int
    delivered: int
    read: int
    failed: int
    pending: int
    not_connected: int  # no messenger binding: the school has to reach them otherwise


# Which of a recipient's rows tells their outcome: the best one.
_OUTCOME_RANK = {"sent": 0, "sending": 1, "pending": 2, "dead": 3, "cancelled": 4}


async def broadcast_stats(session: AsyncSession, actor: Actor, news_id: int) -> BroadcastStats:
    """Delivered / read / failed counts of a broadcast, for its author and the leadership."""
    news = await policy.load(session, actor, News, news_id)
    if news.author_id != actor.person_id and not policy.is_school_reader(actor):
        if news.class_id is None:
            raise policy.deny(actor, "broadcast_stats", news_id=news_id)
        await policy.ensure_can_manage_class(session, actor, news.class_id)
    # Per recipient, not per row: a person who gets alerts in two messengers has a row for
    # each; they count once, by the best outcome of their rows (delivered anywhere → delivered).
    best: dict[int | None, str] = {}
    for person_id, status in (
        await session.execute(
            select(OutboxMessage.recipient_person_id, OutboxMessage.status).where(
                OutboxMessage.news_id == news.id
            )
        )
    ).all():
        name = str(getattr(status, "value", status))
        known = best.get(person_id)
        if known is None or _OUTCOME_RANK[name] < _OUTCOME_RANK[known]:
            best[person_id] = name
    counts: dict[str, int] = {}
    for name in best.values():
        counts[name] = counts.get(name, 0) + 1
    read = await session.scalar(
        select(func.count()).select_from(NewsReceipt).where(NewsReceipt.news_id == news.id)
    )
    return BroadcastStats(
        news_id=news.id,
        recipients=sum(counts.values()),
        delivered=counts.get("sent", 0),
        read=int(read or 0),
        failed=counts.get("dead", 0),
        pending=counts.get("pending", 0) + counts.get("sending", 0),
        not_connected=counts.get("cancelled", 0),
    )


async def acknowledge_news(
    session: AsyncSession, actor: Actor, news_id: int, *, now: dt.datetime | None = None
) -> bool:
    """The "Ознакомлен" button: a receipt for a recipient of the news. True when new."""
    async with UnitOfWork(session, actor, now) as uow:
        return await _acknowledge_news(uow, news_id)


async def _acknowledge_news(uow: UnitOfWork, news_id: int) -> bool:
    session, actor, now = uow.session, uow.actor, uow.now
    news = await policy.load(session, actor, News, news_id)
    was_recipient = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.news_id == news.id,
            OutboxMessage.recipient_person_id == actor.person_id,
        )
    )
    if not was_recipient:
        raise policy.deny(actor, "acknowledge_news", news_id=news_id)
    if await session.get(NewsReceipt, (news.id, actor.person_id)) is not None:
        return False
    session.add(
        NewsReceipt(
            school_id=news.school_id,
            news_id=news.id,
            person_id=actor.person_id,
            read_at=now or utcnow(),
        )
    )
    return True
