"""Final marks over HTTP: the real bot process against each messenger's local Bot API server.
The teacher sets an exam mark in /yearmarks; the deputy closes the study period in /periods, and
the period's marks are locked."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.enums import FinalMarkKind
from services.models import AuditEntry, FinalMark, StudyPeriod
from tests.e2e.conftest import Front, start_bot
from tests.e2e.test_teacher_flows import DEPUTY, TEACHER, Person_, build, has

pytestmark = pytest.mark.e2e


async def test_exam_mark_and_closing_the_period(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        me = Person_(front, TEACHER)
        await me.command("/yearmarks")
        try:  # the bot process is starting
            await me.wait(has("7А", "Математика", "годовые отметки"), timeout=90)
        except TimeoutError as exc:
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc
        await me.press("Экзамен")
        await me.wait(has("экзаменационные отметки"))
        await me.press("Абрамов")
        await me.wait(has("Абрамов", "Какую поставить"))
        await me.press("5")
        await me.wait(has("Экзаменационные отметки сохранены: новых 1"))
        async with session_factory() as s:
            exam = await s.scalar(select(FinalMark).where(FinalMark.kind == FinalMarkKind.EXAM))
            assert exam is not None and exam.value == 5
            assert exam.student_id == data.students["Абрамов"]

        dep = Person_(front, DEPUTY)
        await dep.command("/periods")
        await dep.wait(has("Полугодие", "🟢"))
        await dep.press("Закрыть: Полугодие")
        await dep.wait(has("Закрыть период «Полугодие»?"))
        await dep.press("Да, закрыть")
        await dep.wait(has("🔒 Период «Полугодие» закрыт"))
        async with session_factory() as s:
            period = await s.scalar(select(StudyPeriod).where(StudyPeriod.name == "Полугодие"))
            assert period is not None and period.is_closed
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "period.close"))
            assert entry is not None and str(entry.entity_id) == str(period.id)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()
