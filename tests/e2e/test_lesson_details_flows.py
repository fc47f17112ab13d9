"""A lesson's details end to end, over each messenger's local Bot API server: the topic taken
from the thematic plan (the next unused line first), the lesson's kind of work, and "no
homework" chosen — which the journal's control then counts as filled."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import WorkKind
from services.models import Lesson, PlanItem
from tests.e2e.conftest import Front, start_bot
from tests.e2e.test_teacher_flows import TEACHER, Person_, build, has

pytestmark = pytest.mark.e2e

LINES = ("Линейные уравнения", "Системы уравнений")


async def test_topic_from_the_plan_kind_of_work_and_no_homework(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    async with session_factory() as s:
        lesson = await s.get(Lesson, data.lesson)
        assert lesson is not None
        s.add_all(
            PlanItem(
                school_id=lesson.school_id,
                class_id=lesson.class_id,
                subject_id=lesson.subject_id,
                number=n,
                topic=topic,
            )
            for n, topic in enumerate(LINES, start=1)
        )
        await s.commit()
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        me = Person_(front, TEACHER)
        await me.command("/today")
        try:
            await me.wait(has("Мои уроки"), timeout=90)  # the bot process is starting
        except TimeoutError as exc:
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc
        await me.press("2. 7А")
        await me.wait(has("Математика", "Посещаемость"))

        await me.press(t("ru", "teacher.btn.topic"))
        offered = await me.wait(has("тематического плана"))
        assert [b["text"] for b in offered.buttons][:2] == [f"1. {LINES[0]}", f"2. {LINES[1]}"]
        await me.press(f"1. {LINES[0]}")
        await me.wait(has("Тема сохранена", LINES[0]))

        await me.press(t("ru", "details.btn.work_kind"))
        await me.wait(has("вид работы урока"))
        await me.press(t("ru", "teacher.kind.control"))
        await me.wait(has("Вид работы: контрольная"))

        await me.press(t("ru", "teacher.btn.homework"))
        await me.wait(has("Пришлите текст задания"))
        await me.press(t("ru", "details.btn.no_homework"))
        await me.wait(has("ДЗ: не задаётся"))
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()
    async with session_factory() as s:
        row = (
            await s.execute(
                select(
                    Lesson.topic, Lesson.plan_item_id, Lesson.work_kind, Lesson.no_homework
                ).where(Lesson.id == data.lesson)
            )
        ).one()
        first = await s.scalar(select(PlanItem.id).where(PlanItem.number == 1))
    assert tuple(row) == (LINES[0], first, WorkKind.CONTROL, True)
