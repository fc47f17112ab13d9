"""The office's pickers (classes, students) and its guards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import SCHOOL_WIDE_READERS, Role
from services.models import (
    School,
)
from services.people import policy
from services.people.identity import Actor
from services.people.roster import enrolled_now, list_name
from services.school.school_year import classes_of_year, current_year


def ensure_office(actor: Actor, action: str) -> None:
    """The /admin tools: the admin and the deputy."""
    if not actor.has(Role.ADMIN, Role.DEPUTY):
        raise policy.deny(actor, action)


async def actor_school(session: AsyncSession, actor: Actor) -> School:
    """The actor's school (refused when it is gone)."""
    school = await session.get(School, actor.school_id)
    if school is None:
        raise policy.deny(actor, "school")
    return school


async def today_of(session: AsyncSession, actor: Actor, now: dt.datetime | None = None) -> dt.date:
    """Today in the actor's school's time zone."""
    return school_today(await actor_school(session, actor), now)


@dataclass(frozen=True)
class Choice:
    id: int
    title: str


async def office_classes(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The classes of the current school year, for the office's pickers."""
    if not actor.has(*SCHOOL_WIDE_READERS):
        raise policy.deny(actor, "office_classes")
    year = await current_year(session, await actor_school(session, actor))
    return [Choice(c.id, c.name) for c in await classes_of_year(session, year.id)]


async def class_students(session: AsyncSession, actor: Actor, class_id: int) -> list[Choice]:
    """The students enrolled in a class now (anyone who may see the class)."""
    cls = await policy.ensure_can_view_class(session, actor, class_id)
    if not actor.has(*SCHOOL_WIDE_READERS, Role.CLASS_TEACHER, Role.TEACHER):
        raise policy.deny(actor, "class_students", class_id=class_id)
    return [Choice(p.id, list_name(p)) for p in await enrolled_now(session, cls.id)]
