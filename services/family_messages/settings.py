"""The school's settings of family messages: the teachers' working hours (08:00–18:00 by
default, school time, on working days) and whether students may write to their teachers
themselves (off by default). Changed by the admin, audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.errors import ValidationFailed
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.school.office_reads import actor_school
from services.unit_of_work import UnitOfWork

CHANGED = "school.messages"
FIELDS = ("messages_from", "messages_to", "student_messages")


@dataclass(frozen=True)
class MessageSettings:
    start: dt.time
    end: dt.time
    students_write: bool


_HOURS = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")


def parse_hours(text: str | None) -> tuple[dt.time, dt.time]:
    """ "8:00–18:00", "08.30-17.00", "9-17" → the working hours; refused with the format (or
    the order) named otherwise."""
    found = _HOURS.match(text or "")
    if found is None:
        raise ValidationFailed("complaints.hours_format")
    h1, m1, h2, m2 = (int(x) if x else 0 for x in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValidationFailed("complaints.hours_format")
    start, end = dt.time(h1, m1), dt.time(h2, m2)
    if not start < end:
        raise ValidationFailed("threads.bad_hours")
    return start, end


async def message_settings(session: AsyncSession, actor: Actor) -> MessageSettings:
    """The school's settings of messages as they are (the admin's screen)."""
    ensure_admin(actor, CHANGED)
    school = await actor_school(session, actor)
    return MessageSettings(school.messages_from, school.messages_to, school.student_messages)


async def set_message_settings(
    session: AsyncSession,
    actor: Actor,
    *,
    start: dt.time,
    end: dt.time,
    students_write: bool,
    now: dt.datetime | None = None,
) -> MessageSettings:
    """Set the working hours (``start`` before ``end``) and the students' right to write."""
    if not start < end:
        raise ValidationFailed("threads.bad_hours")
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, CHANGED)
        school = await actor_school(session, actor)
        before = audit.snapshot(school, *FIELDS)
        school.messages_from = start
        school.messages_to = end
        school.student_messages = students_write
        after = audit.snapshot(school, *FIELDS)
        if before != after:
            uow.record(
                action=CHANGED,
                entity="school",
                entity_id=school.id,
                school_id=school.id,
                before=before,
                after=after,
            )
    return MessageSettings(start, end, students_write)
