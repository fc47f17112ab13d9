"""Substitutions and distance lessons end to end: the unchanged bot process against each
messenger's local Bot API server. The deputy substitutes tomorrow's lesson from /admin by the
day picker and the substitute and the child's parent are told; the teacher marks today's lesson
as held at a distance from the lesson card and the parent is told."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import GuardianKind, Role
from services.models import Guardianship, Lesson, Substitution
from tests.e2e.conftest import Front, start_bot
from tests.e2e.school import base_school
from tests.factories import person

pytestmark = pytest.mark.e2e

TEACHER, COLLEAGUE, DEPUTY, PARENT = 7101, 7102, 7103, 7104
WAIT = 60.0  # the first answer waits for the bot process; alerts for the delivery worker


@dataclass
class Data:
    today: int  # 7А maths today, lesson 2, the teacher's
    tomorrow: int  # 7А maths tomorrow, lesson 2


async def build(factory: async_sessionmaker[AsyncSession], front: Front) -> Data:
    async with factory() as s:
        e2e = await base_school(s, bells=3)
        teacher = await person(s, e2e.school, "Учителева", "Ирина", Role.TEACHER)
        colleague = await person(s, e2e.school, "Коллегина", "Ольга", Role.TEACHER)
        deputy = await person(s, e2e.school, "Завучева", "Зоя", Role.DEPUTY)
        mother = await person(s, e2e.school, "Белова", "Мария", Role.PARENT)
        child = await person(s, e2e.school, "Белов", "Борис", Role.STUDENT)
        e2e.enrol(child, e2e.cls)
        s.add(
            Guardianship(
                school_id=e2e.id,
                guardian_id=mother.id,
                student_id=child.id,
                kind=GuardianKind.PARENT,
            )
        )
        e2e.assign(teacher, e2e.cls)
        lessons = [
            e2e.lesson(e2e.cls, teacher, day, 2)
            for day in (e2e.today, e2e.today + dt.timedelta(days=1))
        ]
        await s.flush()
        await e2e.sign_in(
            front, ((teacher, TEACHER), (colleague, COLLEAGUE), (deputy, DEPUTY), (mother, PARENT))
        )
        await s.commit()
        return Data(lessons[0].id, lessons[1].id)


def has(*parts: str) -> Callable[[Any], bool]:
    return lambda m: all(p in m.content for p in parts)


async def test_a_substitution_for_tomorrow_and_a_distance_lesson(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        # The substitute and the parent have talked to the bot (a bot writes first to no one).
        colleague = front.user(COLLEAGUE, first_name="Коллега")
        parent = front.user(PARENT, first_name="Мама")
        for user in (colleague, parent):
            await user.command("/help")
            await user.wait(timeout=90)  # the bot process is starting
        deputy = front.user(DEPUTY, first_name="Завуч")
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
        await deputy.press_label(teachers, "Коллегина Ольга")
        await deputy.wait(has(t("ru", "office.subs.saved")))
        async with session_factory() as s:
            sub = await s.scalar(
                select(Substitution).where(Substitution.lesson_id == data.tomorrow)
            )
        assert sub is not None
        await colleague.wait(has("Вам назначена замена", "7А"), timeout=WAIT)
        await parent.wait(has("Белов", "замена", "Коллегина"), timeout=WAIT)

        teacher = front.user(TEACHER, first_name="Учитель")
        await teacher.command("/today")
        day = await teacher.wait(has("Мои уроки"))
        await teacher.press_label(day, "2. 7А")
        card = await teacher.wait(has("Математика", "Посещаемость"))
        await teacher.press_label(card, t("ru", "distance.button_on"))
        await teacher.wait(has(t("ru", "distance.saved_on")))
        async with session_factory() as s:
            lesson = await s.get(Lesson, data.today)
        assert lesson is not None and lesson.is_distance
        await parent.wait(has("дистанционно"), timeout=WAIT)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()
