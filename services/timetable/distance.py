"""Distance lessons (дистанционный урок, seed 000 §3.2): a dated lesson held at a distance.

Its teacher (the substitute, when there is one) or the deputy marks it; the families see it in
the diary and the timetable, and those of a lesson of today or tomorrow are told. The roll call
is the same as in class: a student present online is present (no attendance row), so every
report counts them as present.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.models import Lesson
from services.notifications import outbox
from services.people import policy
from services.people.identity import Actor
from services.timetable.alert_kinds import LESSON_DISTANCE
from services.timetable.lesson_edits import ensure_unlocked, lesson_context
from services.timetable.substitutions import ALERT_DAYS, lesson_families
from services.unit_of_work import UnitOfWork


async def set_distance(
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    distance: bool,
    *,
    now: dt.datetime | None = None,
) -> Lesson:
    """Mark a lesson as held at a distance (or back in class); the same value again changes
    nothing and tells nobody.

    The journal's rules for changing a lesson apply (seed 003 §3.2): a cancelled lesson, one
    of an archived year or a closed period, or one past its edit window is refused unless the
    deputy or admin has unlocked it; a lesson ahead may be marked in advance."""
    async with UnitOfWork(session, actor, now) as uow:
        lesson = await policy.ensure_can_mark_distance(session, actor, lesson_id)
        ctx = await lesson_context(session, lesson)
        await ensure_unlocked(session, ctx, uow.now, records=False)
        if bool(lesson.is_distance) == distance:
            return lesson
        uow.record(
            action="lesson.distance",
            entity="lesson",
            entity_id=lesson.id,
            before={"is_distance": bool(lesson.is_distance)},
            after={"is_distance": distance},
        )
        lesson.is_distance = distance
        today = school_today(ctx.school, uow.now)
        if today <= lesson.date <= today + dt.timedelta(days=ALERT_DAYS):
            # One alert per state: marking it again after taking it back tells again.
            stamp = int(uow.now.timestamp())
            for student, guardian in await lesson_families(session, lesson):
                await outbox.enqueue(
                    session,
                    school_id=lesson.school_id,
                    recipient_person_id=guardian,
                    kind=LESSON_DISTANCE.name,
                    dedup_key=f"distance:{lesson.id}:{stamp}:{student}:{guardian}",
                    payload=LESSON_DISTANCE.payload(
                        student_id=student,
                        lesson_id=lesson.id,
                        date=lesson.date.isoformat(),
                        number=lesson.lesson_number,
                        subject=ctx.subject.name,
                        distance=distance,
                    ).model_dump(mode="json", exclude_none=True),
                )
        return lesson
