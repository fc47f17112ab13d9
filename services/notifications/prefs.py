"""A person's alert settings (what, when, and in which messenger) and reachability (blocked,
unblocked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Messenger, OutboxStatus
from services.errors import ValidationFailed
from services.models import (
    Account,
    MessengerBinding,
    NotificationPrefs,
    OutboxMessage,
    utcnow,
)
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

MARKS_MODES = ("instant", "hourly", "evening")
# Where the alerts of a person bound in more than one messenger go: the one used last, one of
# them (the one used last when it is not reachable), or each alert in every one.
CHANNELS = ("last", Messenger.TELEGRAM.value, Messenger.MAX.value, "all")


# Alerts that died because the user had blocked the bot are sent when they come back, if younger.
REVIVE_BLOCKED_WITHIN = dt.timedelta(days=3)


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
    channel: str = "last"


@dataclass(frozen=True)
class AlertSettings:
    """The settings screen's read model: the settings and the messengers the person is bound
    in (the choice of messenger is offered with more than one)."""

    prefs: Prefs
    messengers: tuple[Messenger, ...]


BOOL_FIELDS = ("absences", "marks", "homework_tomorrow", "weekly_summary", "news", "reminders")


TIME_FIELDS = ("digest_time", "quiet_from", "quiet_to")


PREF_FIELDS = (*BOOL_FIELDS, "marks_mode", *TIME_FIELDS, "channel")


def _prefs_of(row: NotificationPrefs | None) -> Prefs:
    if row is None:
        return Prefs()
    return Prefs(**{f: getattr(row, f) for f in PREF_FIELDS})


async def get_prefs(session: AsyncSession, actor: Actor) -> Prefs:
    """The actor's notification settings (the defaults when never changed)."""
    return _prefs_of(await session.get(NotificationPrefs, actor.person_id))


async def bound_messengers(session: AsyncSession, actor: Actor) -> tuple[Messenger, ...]:
    """The messengers the actor's account has a live binding in (Telegram first)."""
    found = await session.scalars(
        select(MessengerBinding.messenger)
        .where(MessengerBinding.account_id == actor.account_id, MessengerBinding.ended_at.is_(None))
        .distinct()
    )
    have = {Messenger(m) for m in found}
    return tuple(m for m in Messenger if m in have)


async def alert_settings(session: AsyncSession, actor: Actor) -> AlertSettings:
    """The settings and the bound messengers, for the settings screen."""
    return AlertSettings(await get_prefs(session, actor), await bound_messengers(session, actor))


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
    quiet hours are both set (and differ) or both None (no quiet hours); ``channel``: last |
    telegram | max | all (alerts not yet sent follow the new choice; the delivery worker applies
    it, see notifications/worker.py).
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
        elif name == "channel":
            if value not in CHANNELS:
                raise ValidationFailed("notify.prefs_channel")
            clean[name] = str(value)
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
    async with UnitOfWork(session, actor) as uow:
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
        row.updated_at = uow.now
        if clean:
            uow.record(
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
                    not_before=uow.now,
                    digest_group=None if merged["marks_mode"] != "instant" else "marks",
                )
            )
        return _prefs_of(row)


async def set_reachable(
    session: AsyncSession,
    chat_id: str,
    reachable: bool = True,
    *,
    messenger: Messenger = Messenger.TELEGRAM,
    now: dt.datetime | None = None,
) -> int:
    """The user unblocked (or blocked) the bot: deliveries to their live binding resume (or
    stop). For the my_chat_member handler. Commits; returns the bindings changed."""
    now = now or utcnow()
    live = (
        MessengerBinding.messenger == messenger,
        MessengerBinding.chat_id == str(chat_id),
        MessengerBinding.ended_at.is_(None),
    )
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
                or_(OutboxMessage.messenger.is_(None), OutboxMessage.messenger == messenger),
                func.lower(OutboxMessage.last_error).like("%blocked%"),
                OutboxMessage.created_at >= now - REVIVE_BLOCKED_WITHIN,
            )
            .values(status=OutboxStatus.PENDING, not_before=now, attempts=0)
        )
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
