"""The school's weights of marks per kind of work: the weight a new mark gets unless its
teacher chooses another (a control work weighs more than an answer in the weighted average
the period mark is suggested from). The admin changes them; a kind the school never set
weighs ``enums.DEFAULT_WEIGHTS``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import DEFAULT_WEIGHTS, WorkKind
from services.errors import ValidationFailed
from services.models import WorkWeight
from services.people.identity import Actor
from services.people.office_actor import ensure_admin
from services.unit_of_work import UnitOfWork

SET_WEIGHT = "school.work_weight"
MIN_WEIGHT, MAX_WEIGHT = 1, 10


async def school_weights(session: AsyncSession, school_id: int) -> dict[WorkKind, int]:
    """Every kind of work with the school's weight (the default where it set none)."""
    weights = dict(DEFAULT_WEIGHTS)
    rows = await session.execute(
        select(WorkWeight.work_kind, WorkWeight.weight).where(WorkWeight.school_id == school_id)
    )
    for kind, weight in rows.all():
        weights[WorkKind(kind)] = int(weight)
    return weights


async def default_weight(session: AsyncSession, school_id: int, kind: WorkKind) -> int:
    """The weight a new mark of ``kind`` gets in the school."""
    weight = await session.scalar(
        select(WorkWeight.weight).where(
            WorkWeight.school_id == school_id, WorkWeight.work_kind == kind
        )
    )
    return int(weight) if weight is not None else DEFAULT_WEIGHTS[kind]


async def work_weights(session: AsyncSession, actor: Actor) -> dict[WorkKind, int]:
    """The admin's screen: the school's weights."""
    ensure_admin(actor, "school.settings")
    return await school_weights(session, actor.school_id)


async def set_work_weight(
    session: AsyncSession,
    actor: Actor,
    kind: WorkKind | str,
    weight: int,
    *,
    now: dt.datetime | None = None,
) -> dict[WorkKind, int]:
    """The school's weight of ``kind`` (1–10); marks already given keep theirs."""
    async with UnitOfWork(session, actor, now) as uow:
        ensure_admin(actor, SET_WEIGHT)
        try:
            work_kind = WorkKind(kind)
        except ValueError:
            raise ValidationFailed("details.bad_work_kind") from None
        if isinstance(weight, bool) or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise ValidationFailed("journal.mark_weight")
        row = await session.scalar(
            select(WorkWeight).where(
                WorkWeight.school_id == actor.school_id, WorkWeight.work_kind == work_kind
            )
        )
        before = row.weight if row is not None else DEFAULT_WEIGHTS[work_kind]
        if before != weight:
            if row is None:
                session.add(
                    WorkWeight(school_id=actor.school_id, work_kind=work_kind, weight=weight)
                )
            else:
                row.weight = weight
            uow.record(
                action=SET_WEIGHT,
                entity="school",
                entity_id=actor.school_id,
                school_id=actor.school_id,
                before={"work_kind": work_kind.value, "weight": before},
                after={"work_kind": work_kind.value, "weight": weight},
            )
            await session.flush()
        return await school_weights(session, actor.school_id)
