"""The school's own settings changed from the office: the minimal personal data mode of its
alerts (``School.minimal_alerts``: every alert names the child by the first name only, says
what happened and in which subject, and asks to open the diary — no surname, marks, reasons,
comments or teachers' names; docs/notifications.md). The admin's, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.school.office_reads import actor_school
from services.unit_of_work import UnitOfWork

# The audit action of a change of the mode.
MINIMAL_ALERTS = "school.minimal_alerts"


@dataclass(frozen=True)
class AlertSettings:
    """What the office's screen shows: whether the school's alerts carry minimal data."""

    minimal_alerts: bool


async def alert_settings(session: AsyncSession, actor: Actor) -> AlertSettings:
    """The actor's school's alert settings (the admin's screen)."""
    ensure_admin(actor, "school.settings")
    school = await actor_school(session, actor)
    return AlertSettings(minimal_alerts=bool(school.minimal_alerts))


async def set_minimal_alerts(
    session: AsyncSession, actor: Actor, on: bool, *, now: dt.datetime | None = None
) -> AlertSettings:
    """Turn the minimal personal data mode of the school's alerts on or off. Alerts rendered
    from then on follow it (the delivery worker reads the flag when it sends). Setting the
    state it already has changes nothing and records nothing."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, MINIMAL_ALERTS)
        school = await actor_school(session, actor)
        if bool(school.minimal_alerts) != on:
            before = audit.snapshot(school, "minimal_alerts")
            school.minimal_alerts = on
            uow.record(
                action=MINIMAL_ALERTS,
                entity="school",
                entity_id=school.id,
                school_id=school.id,
                before=before,
                after=audit.snapshot(school, "minimal_alerts"),
            )
    return AlertSettings(minimal_alerts=on)
