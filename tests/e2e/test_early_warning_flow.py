"""The early warning end to end, in each messenger: a parent signed in by the invite's link;
her child misses lessons; the evening job runs (here at the bot's clock, for the school's
date) and the bot process's delivery worker brings her one message with the figures and what
to do."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications import jobs
from services.enums import AttendanceCode
from services.models import Attendance, OutboxMessage, School
from tests.e2e.conftest import E2E_NOW, Front, start_bot
from tests.e2e.test_absence_alert import PARENT, WAIT, add_parent
from tests.e2e.test_teacher_flows import build
from tests.e2e.transcript import Recorded, Transcript

pytestmark = pytest.mark.e2e

SPEC = next(s for s in jobs.JOBS if s.name == "early_warning")


async def test_a_parent_receives_the_early_warning(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    transcript = Transcript(f"What the users see in {front.name.upper()}")
    parent = Recorded(front.user(PARENT, first_name="Мария"), "parent", transcript)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        # Белова missed today's maths and the one 20 days ago, without a valid reason.
        async with session_factory() as s, s.begin():
            school = await s.scalar(select(School).where(School.code == "e2e"))
            assert school is not None
            for lesson in (data.lesson, data.old):
                s.add(
                    Attendance(
                        school_id=school.id,
                        lesson_id=lesson,
                        student_id=data.students["Белова"],
                        code=AttendanceCode.ABSENT,
                    )
                )
        day = E2E_NOW.date()
        assert await jobs.run_job(session_factory, SPEC, school.id, day, "e2e", run_at=E2E_NOW)

        warning = await parent.wait(lambda m: "Важно: пропуски" in m.content, timeout=WAIT)
        assert "Белова" in warning.content
        assert "без уважительной причины: 2" in warning.content
        assert "свяжитесь со школой" in warning.content  # 7А has no class teacher here
        # the same evening again: nothing more
        assert not await jobs.run_job(session_factory, SPEC, school.id, day, "e2e", run_at=E2E_NOW)
        async with session_factory() as s:
            rows = (
                await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "warning.early"))
            ).all()
        assert [r.recipient_person_id for r in rows] and len(rows) == 1
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
