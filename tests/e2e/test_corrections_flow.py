"""Corrections reach the family end to end, in each messenger: the teacher marks a child
absent and the parent is told; the teacher corrects the roll call and the parent is told the
absence is withdrawn; the deputy cancels tomorrow's lesson from the substitutions screen with a
typed reason and the parent and the teacher are told. The bot's clock starts at E2E_NOW."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.models import Lesson, OutboxMessage
from tests.e2e.conftest import E2E_NOW, Front, start_bot
from tests.e2e.test_absence_alert import PARENT, WAIT, add_parent, marked_absent
from tests.e2e.test_teacher_flows import DEPUTY, TEACHER, build

pytestmark = pytest.mark.e2e


def has(*parts: str) -> Callable[[Any], bool]:
    return lambda m: all(p in m.content for p in parts)


async def release(factory: async_sessionmaker[AsyncSession], kind: str) -> None:
    """The absence alerts and their corrections wait ten minutes for a change of mind
    (outbox.ABSENCE_GRACE): make those of ``kind`` due now rather than wait."""
    async with factory() as s:
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .values(not_before=E2E_NOW - dt.timedelta(hours=1))
        )
        await s.commit()


async def tomorrows_lesson(factory: async_sessionmaker[AsyncSession], today: int) -> int:
    """7А maths of the next day (a Thursday: E2E_NOW is a Wednesday), lesson 2."""
    async with factory() as s:
        lesson = await s.get(Lesson, today)
        assert lesson is not None
        tomorrow = Lesson(
            school_id=lesson.school_id,
            class_id=lesson.class_id,
            subject_id=lesson.subject_id,
            teacher_id=lesson.teacher_id,
            date=lesson.date + dt.timedelta(days=1),
            lesson_number=2,
        )
        s.add(tomorrow)
        await s.commit()
        return tomorrow.id


async def test_an_absence_withdrawn_and_a_lesson_cancelled(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    tomorrow = await tomorrows_lesson(session_factory, data.lesson)
    day = (E2E_NOW.date() + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    parent = front.user(PARENT, first_name="Мария")
    teacher = front.user(TEACHER, first_name="Ирина")
    deputy = front.user(DEPUTY, first_name="Зоя")
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(has("Вход выполнен"), timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        # The teacher marks Белова absent; the parent is told.
        await teacher.command("/today")
        today = await teacher.wait(has("Мои уроки"))
        await teacher.press_label(today, "2. 7А")
        card = await teacher.wait(has("Посещаемость", "Математика"))
        await teacher.press_label(card, t("ru", "teacher.btn.attendance"))
        roll = await teacher.wait(has("Нажимайте на ученика"))
        await teacher.press_label(roll, "Белова")
        roll = await teacher.wait(marked_absent("Белова"))
        await teacher.press_label(roll, t("ru", "teacher.att.save"))
        saved = await teacher.wait(has("Посещаемость сохранена"))
        await release(session_factory, "attendance.absent")
        await parent.wait(has("Белова", "отсутствует"), timeout=WAIT)

        # The teacher corrects the roll call (all present after all); the parent is told once.
        await teacher.press_label(saved, t("ru", "teacher.btn.attendance"))
        roll = await teacher.wait(has("Нажимайте на ученика"))
        await teacher.press_label(roll, t("ru", "teacher.att.all_present"))
        roll = await teacher.wait(lambda m: not marked_absent("Белова")(m) and bool(m.buttons))
        await teacher.press_label(roll, t("ru", "teacher.att.save"))
        await teacher.wait(has("Посещаемость сохранена"))
        await release(session_factory, "attendance.withdrawn")
        fix = await parent.wait(has("Отметка об отсутствии снята"), timeout=WAIT)
        assert "Белова" in fix.content and "Математика, 2-й урок" in fix.content

        # The deputy cancels tomorrow's lesson with a reason; the parent and the teacher see it.
        await deputy.command("/admin")
        menu = await deputy.wait(has("Администрирование"))
        await deputy.press_label(menu, t("ru", "office.menu.sub"))
        days = await deputy.wait(has("Замены уроков"))
        await deputy.press_label(days, "Завтра")
        classes = await deputy.wait(has("Замены на"))
        await deputy.press_label(classes, "7А")
        lessons = await deputy.wait(
            lambda m: any("2. Математика" in b.get("text", "") for b in m.buttons)
        )
        await deputy.press_label(lessons, "2. Математика")
        teachers = await deputy.wait(has("Кто заменяет"))
        await deputy.press_label(teachers, t("ru", "corrections.cancel_button"))
        await deputy.wait(has("Отмена урока", day))
        await deputy.send("карантин в классе")
        await deputy.wait(has(t("ru", "corrections.cancelled_told")))
        told = await parent.wait(has("Урок отменён", "Математика", day), timeout=WAIT)
        assert "Белова" in told.content
        await teacher.wait(has("Ваш урок отменён", day, "Причина: карантин в классе"), timeout=WAIT)
        async with session_factory() as s:
            lesson = await s.get(Lesson, tomorrow)
            assert lesson is not None and lesson.is_cancelled
            withdrawn = (
                await s.scalars(
                    select(OutboxMessage.dedup_key).where(
                        OutboxMessage.kind == "attendance.withdrawn"
                    )
                )
            ).all()
        assert len(withdrawn) == 1  # the parent's only: the other children were not absent
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()
