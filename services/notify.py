"""Notification use cases: settings, family answers to absence alerts, broadcasts.

Like every use case: check the access policy, change rows, write the audit log and the outbox,
commit once. Nothing here sends a message; the delivery worker does (notifications.worker).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import outbox
from services import audit, policy, richtext
from services.calendar import school_today
from services.enums import STAFF_ROLES, GuardianKind, NewsKind, OutboxStatus, Role
from services.errors import ValidationFailed
from services.identity import Actor
from services.models import (
    Account,
    Attendance,
    Enrolment,
    Guardianship,
    Lesson,
    MessengerBinding,
    News,
    NewsReceipt,
    NotificationPrefs,
    OutboxMessage,
    RoleGrant,
    School,
    SchoolClass,
    Subject,
    utcnow,
)

FAMILY_REASONS = ("ill", "excused", "unknown")
MARKS_MODES = ("instant", "hourly", "evening")
# Visible length of a broadcast: the alert adds a heading and the author (Telegram: 4096).
MAX_NEWS_TEXT = 4000
# Alerts that died because the user had blocked the bot are sent when they come back, if younger.
REVIVE_BLOCKED_WITHIN = dt.timedelta(days=3)
MAX_NEWS_CAPTION = 900  # a caption holds 1024
MAX_NEWS_TITLE = 200
ATTACHMENT_KINDS = ("document", "photo")

# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Prefs:
    absences: bool = True
    marks: bool = True
    marks_mode: str = "instant"
    digest_time: dt.time = dt.time(18, 0)
    homework_tomorrow: bool = False
    weekly_summary: bool = True
    news: bool = True
    reminders: bool = True
    quiet_from: dt.time | None = dt.time(21, 0)
    quiet_to: dt.time | None = dt.time(8, 0)


BOOL_FIELDS = ("absences", "marks", "homework_tomorrow", "weekly_summary", "news", "reminders")
TIME_FIELDS = ("digest_time", "quiet_from", "quiet_to")
PREF_FIELDS = (*BOOL_FIELDS, "marks_mode", *TIME_FIELDS)


def _prefs_of(row: NotificationPrefs | None) -> Prefs:
    if row is None:
        return Prefs()
    return Prefs(**{f: getattr(row, f) for f in PREF_FIELDS})


async def get_prefs(session: AsyncSession, actor: Actor) -> Prefs:
    """The actor's notification settings (the defaults when never changed)."""
    return _prefs_of(await session.get(NotificationPrefs, actor.person_id))


def _parse_time(field: str, value: object) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            return dt.time(int(hours), int(minutes))
        except ValueError:
            pass
    raise ValidationFailed("notify.prefs_time", field=field)


async def update_prefs(session: AsyncSession, actor: Actor, **changes: Any) -> Prefs:
    """Change some settings; unknown fields and bad values are refused, nothing half-saved.

    ``marks_mode``: instant | hourly | evening; times as ``dt.time`` or "HH:MM" (school time);
    quiet hours are both set (and differ) or both None (no quiet hours).
    """
    unknown = sorted(set(changes) - set(PREF_FIELDS))
    if unknown:
        raise ValidationFailed("notify.prefs_unknown", field=unknown[0])
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name in BOOL_FIELDS:
            if not isinstance(value, bool):
                raise ValidationFailed("notify.prefs_bool", field=name)
            clean[name] = value
        elif name == "marks_mode":
            if value not in MARKS_MODES:
                raise ValidationFailed("notify.prefs_marks_mode")
            clean[name] = value
        else:
            clean[name] = _parse_time(name, value)
    if "digest_time" in clean and clean["digest_time"] is None:
        raise ValidationFailed("notify.prefs_time", field="digest_time")
    current = _prefs_of(await session.get(NotificationPrefs, actor.person_id))
    merged = {**asdict(current), **clean}
    if (merged["quiet_from"] is None) != (merged["quiet_to"] is None):
        raise ValidationFailed("notify.prefs_quiet_pair")
    if merged["quiet_from"] is not None and merged["quiet_from"] == merged["quiet_to"]:
        raise ValidationFailed("notify.prefs_quiet_pair")
    row = await session.get(NotificationPrefs, actor.person_id)
    if row is None:
        row = NotificationPrefs(person_id=actor.person_id, school_id=actor.school_id)
        session.add(row)
        # Inserted with the defaults first: a None given to a new row would be replaced by the
        # column default (quiet hours off must stay NULL).
        await session.flush()
    before = asdict(current)
    for name, value in merged.items():
        setattr(row, name, value)
    now = utcnow()
    row.updated_at = now
    if clean:
        audit.record(
            session,
            actor=actor,
            action="prefs.update",
            entity="notification_prefs",
            entity_id=actor.person_id,
            before={k: before[k] for k in clean},
            after=clean,
        )
    if merged["marks_mode"] != before["marks_mode"]:
        # Mark alerts waiting for a digest slot follow the new choice: at once for instant,
        # at the new slot (the worker recomputes it) otherwise.
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.recipient_person_id == actor.person_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.digest_group == "marks",
            )
            .values(
                not_before=now,
                digest_group=None if merged["marks_mode"] != "instant" else "marks",
            )
        )
    await session.commit()
    return _prefs_of(row)


# --------------------------------------------------------------------------- absence answers


@dataclass(frozen=True)
class FamilyReasonSaved:
    attendance_id: int
    reason: str
    changed: bool
    notified: list[int]


async def record_family_reason(
    session: AsyncSession,
    actor: Actor,
    attendance_id: int,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> FamilyReasonSaved:
    """A parent answers an absence alert (ill / excused / don't know).

    The answer is kept on the attendance record for the class teacher's reconciliation (the
    code itself stays for the class teacher to change, seed 003 §4.5) and sent to the class
    teacher. Only a parent of that student may answer; pressing the same answer twice is a no-op.
    """
    now = now or utcnow()
    if reason not in FAMILY_REASONS:
        raise ValidationFailed("notify.family_reason_invalid")
    att = await policy.load(session, actor, Attendance, attendance_id)
    await policy.ensure_can_view_student(session, actor, att.student_id, "attendance")
    link = await policy.guardianship(session, actor.person_id, att.student_id)
    if link is None or link.kind != GuardianKind.PARENT or not actor.has(Role.PARENT):
        raise policy.deny(actor, "family_reason", attendance_id=attendance_id)
    if att.family_reason == reason:
        return FamilyReasonSaved(att.id, reason, False, [])
    before = {"family_reason": att.family_reason}
    att.family_reason = reason
    att.family_reason_at = now
    entry = audit.record(
        session,
        actor=actor,
        action="attendance.family_reason",
        entity="attendance",
        entity_id=att.id,
        student_id=att.student_id,
        before=before,
        after={"family_reason": reason},
    )
    await session.flush()
    lesson = await session.get(Lesson, att.lesson_id)
    assert lesson is not None
    cls = await session.get(SchoolClass, lesson.class_id)
    subject = await session.get(Subject, lesson.subject_id)
    notified: list[int] = []
    if cls is not None and cls.class_teacher_id is not None:
        await outbox.enqueue(
            session,
            school_id=att.school_id,
            recipient_person_id=cls.class_teacher_id,
            kind="attendance.family_reason",
            dedup_key=f"family_reason:{att.id}:{entry.id}:{cls.class_teacher_id}",
            payload={
                "attendance_id": att.id,
                "lesson_id": lesson.id,
                "date": lesson.date.isoformat(),
                "lesson_number": lesson.lesson_number,
                "subject": subject.name if subject else "",
                "class": cls.name,
                "student_id": att.student_id,
                "guardian_id": actor.person_id,
                "reason": reason,
            },
            not_before=now,
        )
        notified.append(cls.class_teacher_id)
    await session.commit()
    return FamilyReasonSaved(att.id, reason, True, notified)


# --------------------------------------------------------------------------- broadcasts


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


async def _class_parents(
    session: AsyncSession, class_ids: list[int] | None, school_id: int, today: dt.date
) -> set[int]:
    enrolled = select(Enrolment.student_id).where(
        Enrolment.school_id == school_id,
        Enrolment.arrived_on <= today,
        or_(Enrolment.left_on.is_(None), Enrolment.left_on > today),
    )
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
    session: AsyncSession, school: School, class_id: int | None
) -> set[int]:
    """A class event: the parents of the class's current students. School news: every parent
    and every current student, and every member of staff."""
    today = school_today(school)
    if class_id is not None:
        return await _class_parents(session, [class_id], school.id, today)
    people = await _class_parents(session, None, school.id, today)
    students = await session.scalars(
        select(Enrolment.student_id).where(
            Enrolment.school_id == school.id,
            Enrolment.arrived_on <= today,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > today),
        )
    )
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


async def create_broadcast(
    session: AsyncSession,
    actor: Actor,
    *,
    class_id: int | None,
    text: str,
    attachment: Any = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> News:
    """A class event from the class teacher (or the school's leadership) to the class's
    parents, or school news from the admin, director or deputy to all families and staff.

    Each recipient gets a message with an "Ознакомлен" button; :func:`broadcast_stats` counts
    delivered / read / failed. ``attachment``: an object with ``kind`` ("document"/"photo") and
    ``file_ref`` (e.g. :class:`BroadcastAttachment` or ``services.journal.FileRef``).
    """
    now = now or utcnow()
    await policy.ensure_can_broadcast(session, actor, class_id)
    kind = NewsKind.CLASS_EVENT if class_id is not None else NewsKind.SCHOOL_NEWS
    att = _attachment_ref(attachment)
    body = broadcast_body(text, with_attachment=att is not None)
    clean_title = (title or "").strip() or None
    if clean_title is not None and len(clean_title) > MAX_NEWS_TITLE:
        raise ValidationFailed("error.too_long", field="title", limit=MAX_NEWS_TITLE)
    school = await session.get(School, actor.school_id)
    assert school is not None
    news = News(
        school_id=actor.school_id,
        kind=kind,
        class_id=class_id,
        author_id=actor.person_id,
        title=clean_title,
        body=body,
        attachment_kind=att[0] if att else None,
        attachment_ref=att[1] if att else None,
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
    audit.record(
        session,
        actor=actor,
        action="news.create",
        entity="news",
        entity_id=news.id,
        after={"kind": kind.value, "class_id": class_id, "recipients": len(recipients)},
    )
    await session.commit()
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


async def broadcast_stats(session: AsyncSession, actor: Actor, news_id: int) -> BroadcastStats:
    """Delivered / read / failed counts of a broadcast, for its author and the leadership."""
    news = await policy.load(session, actor, News, news_id)
    if news.author_id != actor.person_id and not policy.is_school_reader(actor):
        if news.class_id is None:
            raise policy.deny(actor, "broadcast_stats", news_id=news_id)
        await policy.ensure_can_manage_class(session, actor, news.class_id)
    counts: dict[str, int] = {}
    for status, n in (
        await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.news_id == news.id)
            .group_by(OutboxMessage.status)
        )
    ).all():
        counts[str(getattr(status, "value", status))] = int(n)
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
    await session.commit()
    return True


# --------------------------------------------------------------------------- reachability


async def set_reachable(
    session: AsyncSession,
    chat_id: str,
    reachable: bool = True,
    *,
    now: dt.datetime | None = None,
) -> int:
    """The user unblocked (or blocked) the bot: deliveries to their live binding resume (or
    stop). For the my_chat_member handler. Commits; returns the bindings changed."""
    now = now or utcnow()
    live = (MessengerBinding.chat_id == str(chat_id), MessengerBinding.ended_at.is_(None))
    result = await session.execute(
        update(MessengerBinding).where(*live).values(is_reachable=reachable)
    )
    if reachable:
        # Alerts that died while the bot was blocked are sent after all, if still recent.
        people = (
            select(Account.person_id)
            .join(MessengerBinding, MessengerBinding.account_id == Account.id)
            .where(*live)
        )
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.recipient_person_id.in_(people),
                OutboxMessage.status == OutboxStatus.DEAD,
                func.lower(OutboxMessage.last_error).like("%blocked%"),
                OutboxMessage.created_at >= now - REVIVE_BLOCKED_WITHIN,
            )
            .values(status=OutboxStatus.PENDING, not_before=now, attempts=0)
        )
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
