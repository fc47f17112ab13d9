"""The school's early warning steps (``School.warn_absence_first`` / ``_second``: the share of
the period's lessons so far, in per cent; 5 and 10 by default), edited by the admin where the
school's settings are, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.errors import ValidationFailed
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.school.office_reads import actor_school
from services.unit_of_work import UnitOfWork

# The audit action of a change of the steps.
STEPS_CHANGED = "school.early_warning"


@dataclass(frozen=True)
class WarningSteps:
    first: int
    second: int


async def warning_steps(session: AsyncSession, actor: Actor) -> WarningSteps:
    ensure_admin(actor, "school.settings")
    school = await actor_school(session, actor)
    return WarningSteps(int(school.warn_absence_first), int(school.warn_absence_second))


def parse_steps(first: object, second: object) -> WarningSteps:
    """Two whole per cents, 1 ≤ first < second ≤ 100 ("5", "10"; "5 %" too)."""
    try:
        a = int(str(first).strip().rstrip("%").strip())
        b = int(str(second).strip().rstrip("%").strip())
    except ValueError:
        raise ValidationFailed("warn.bad_steps") from None
    if not 1 <= a < b <= 100:
        raise ValidationFailed("warn.bad_steps")
    return WarningSteps(a, b)


async def set_warning_steps(
    session: AsyncSession,
    actor: Actor,
    first: object,
    second: object,
    *,
    now: dt.datetime | None = None,
) -> WarningSteps:
    """Set the school's two absence steps; the same values again change and record nothing.
    Steps already told in the current period stay told (a lower step is not told again)."""
    steps = parse_steps(first, second)
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, STEPS_CHANGED)
        school = await actor_school(session, actor)
        if (school.warn_absence_first, school.warn_absence_second) != (steps.first, steps.second):
            before = audit.snapshot(school, "warn_absence_first", "warn_absence_second")
            school.warn_absence_first = steps.first
            school.warn_absence_second = steps.second
            uow.record(
                action=STEPS_CHANGED,
                entity="school",
                entity_id=school.id,
                school_id=school.id,
                before=before,
                after=audit.snapshot(school, "warn_absence_first", "warn_absence_second"),
            )
    return steps
