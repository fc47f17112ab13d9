"""A lesson's topic: setting it and suggestions from the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import (
    WorkKind,
)
from services.errors import ValidationFailed
from services.models import (
    Lesson,
    PlanItem,
)
from services.people import policy
from services.people.identity import Actor
from services.timetable.lesson_edits import editable_lesson
from services.unit_of_work import UnitOfWork, clean_text

MAX_TOPIC = 500


async def set_topic(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    *,
    topic: str | None = None,
    plan_item_id: int | None = None,
    work_kind: WorkKind | None = None,
    now: dt.datetime | None = None,
) -> Lesson:
    """The lesson's topic, typed or taken from the thematic plan (КТП)."""
    async with UnitOfWork(session, actor, now) as uow:
        lesson = (await editable_lesson(uow, lesson_id, records=False)).lesson
        before = audit.snapshot(lesson, "topic", "plan_item_id", "work_kind")
        if plan_item_id is not None:
            item = await policy.load(session, actor, PlanItem, plan_item_id)
            if item.class_id != lesson.class_id or item.subject_id != lesson.subject_id:
                raise policy.deny(
                    actor, "plan_item", lesson_id=lesson_id, plan_item_id=plan_item_id
                )
            lesson.plan_item_id = item.id
            lesson.topic = clean_text(topic, MAX_TOPIC, "topic") or item.topic
        else:
            cleaned = clean_text(topic, MAX_TOPIC, "topic")
            if not cleaned:
                raise ValidationFailed("journal.topic_empty")
            lesson.topic = cleaned
        if work_kind is not None:
            lesson.work_kind = WorkKind(work_kind)
        after = audit.snapshot(lesson, "topic", "plan_item_id", "work_kind")
        if after != before:
            lesson.updated_at = uow.now
            lesson.updated_by_id = actor.account_id
            uow.record(
                action="lesson.topic",
                entity="lesson",
                entity_id=lesson.id,
                before=before,
                after=after,
            )
        return lesson


@dataclass(frozen=True)
class TopicChoice:
    plan_item_id: int
    number: int
    topic: str


async def topic_suggestions(
    session: AsyncSession, actor: Actor, lesson_id: int, limit: int = 3
) -> list[TopicChoice]:
    """The next unused lines of the thematic plan (КТП) of the lesson's class and subject, in
    plan order: a line of ``hours`` hours is used when that many other lessons of the class
    and subject (cancelled ones not counted) have taken it."""
    lesson = await policy.ensure_can_view_lesson(session, actor, lesson_id)
    used = (
        select(Lesson.plan_item_id.label("item_id"), func.count().label("taken"))
        .where(
            Lesson.school_id == lesson.school_id,
            Lesson.class_id == lesson.class_id,
            Lesson.subject_id == lesson.subject_id,
            Lesson.plan_item_id.is_not(None),
            Lesson.is_cancelled.is_(False),
            Lesson.id != lesson.id,
        )
        .group_by(Lesson.plan_item_id)
        .subquery()
    )
    rows = await session.execute(
        select(PlanItem.id, PlanItem.number, PlanItem.topic)
        .outerjoin(used, used.c.item_id == PlanItem.id)
        .where(
            PlanItem.school_id == lesson.school_id,
            PlanItem.class_id == lesson.class_id,
            PlanItem.subject_id == lesson.subject_id,
            func.coalesce(used.c.taken, 0) < PlanItem.hours,
        )
        .order_by(PlanItem.number)
        .limit(limit)
    )
    return [TopicChoice(pid, number, topic) for pid, number, topic in rows.all()]
