"""Substitutions for any date and distance lessons through the Dispatcher: the deputy's day
picker, a typed date, the teachers with a conflict warned, the log and its spreadsheet; the
teacher's distance toggle on the lesson card; the commands of the other staff roles."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from handlers.common.commands import command_specs_for
from screens.admin.actions import OfficeCb
from screens.admin.substitutions import SubDayCb, SubLogCb
from screens.teacher.actions import LessonCb
from screens.teacher.distance import DistanceCb
from services.enums import Role
from services.models import Lesson, OutboxMessage, Substitution
from services.timetable import lesson_edits
from tests.factories import NOW, TODAY, SchoolWorld
from tests.office.conftest import Chat


async def test_the_deputy_substitutes_tomorrows_lesson(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    assert "Замены уроков" in deputy.text
    await deputy.press_text("Завтра")
    assert "19.11.2026" in deputy.text
    await deputy.press_text("7А")
    assert "19.11.2026" in deputy.text
    await deputy.press_text("2. Математика")
    assert "Кто заменяет" in deputy.text and "19.11.2026" in deputy.text
    await deputy.press_text("Коллегина Ольга")
    assert t("ru", "office.subs.saved") in deputy.text
    sub = await session.scalar(
        select(Substitution).where(Substitution.lesson_id == world.lesson_future.id)
    )
    assert sub is not None and sub.teacher_id == world.colleague.id
    kinds = set(
        (
            await session.scalars(
                select(OutboxMessage.kind).where(OutboxMessage.kind.like("substitution.%"))
            )
        ).all()
    )
    assert kinds == {"substitution.family", "substitution.teacher"}


async def test_a_typed_date_and_a_bad_one(chat: Any, world: SchoolWorld) -> None:
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    await deputy.press(SubDayCb(action="type"))
    assert t("ru", "subs.ask_day") in deputy.text
    await deputy.send("не дата")
    assert t("ru", "subs.bad_day") in deputy.text
    await deputy.send("25.11")
    assert "25.11.2026" in deputy.text
    await deputy.press_text("7А")
    assert "25.11.2026" in deputy.text


async def test_a_busy_teacher_is_warned(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    await deputy.press_text("Сегодня")
    await deputy.press_text("7А")
    await deputy.press_text("1. Русский")
    # The first grade's teacher teaches 1А at lesson 1: last, marked.
    labels = [text for text, _ in deputy.buttons()]
    busy = [x for x in labels if x.startswith("⚠")]
    assert busy == ["⚠ Начальная Нина (ведёт 1А)"]
    assert t("ru", "subs.busy_note") in deputy.text
    await deputy.press_text("⚠ Начальная Нина")
    assert t("ru", "subs.conflict", cls="1А") in deputy.text
    sub = await session.scalar(
        select(Substitution).where(Substitution.lesson_id == world.lesson_colleague.id)
    )
    assert sub is not None and sub.teacher_id == world.first_teacher.id


async def test_the_log_and_its_spreadsheet(chat: Any, world: SchoolWorld) -> None:
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    await deputy.press(SubLogCb(per="week"))
    # The factories' substitution of today's lesson 5.
    assert "Журнал замен 16.11.2026 — 22.11.2026" in deputy.text
    assert "Коллегина Ольга → <b>Учителев Иван</b>" in deputy.text
    await deputy.press(SubLogCb(per="week", fmt="xlsx"))
    [(name, data)] = deputy.documents()
    assert name == "substitutions_20261116_20261122.xlsx"
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Учителев Иван" in values and "болезнь" in values
    # Last month: nothing.
    await deputy.press(SubLogCb(per="prev"))
    assert t("ru", "subs.log.empty") in deputy.text
    # Not for a teacher.
    teacher: Chat = chat("teacher")
    await teacher.press(SubLogCb(per="week"))
    assert teacher.alerts() == [t("ru", "error.forbidden")]


async def test_the_teacher_marks_a_distance_lesson_on_the_card(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    teacher: Chat = chat("teacher")
    await teacher.press(LessonCb(lesson_id=world.lesson_today.id, action="open"))
    assert t("ru", "distance.button_on") in [text for text, _ in teacher.buttons()]
    await teacher.press(DistanceCb(lesson_id=world.lesson_today.id, on=1))
    assert t("ru", "distance.saved_on") in teacher.text
    assert t("ru", "distance.mark") in teacher.text
    assert t("ru", "distance.button_off") in [text for text, _ in teacher.buttons()]
    lesson = await session.get(Lesson, world.lesson_today.id)
    assert lesson is not None
    await session.refresh(lesson)
    assert lesson.is_distance is True
    # The class teacher (who does not teach maths) may not; a parent neither.
    for name in ("class_teacher", "parent"):
        other: Chat = chat(name)
        await other.press(DistanceCb(lesson_id=world.lesson_today.id, on=0))
        assert other.alerts()[-1] == t("ru", "error.forbidden")
    await session.refresh(lesson)
    assert lesson.is_distance is True


async def test_a_replayed_distance_button_on_a_locked_lesson_is_refused(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    old = world.lesson_old.id
    old_day = TODAY - dt.timedelta(days=9)
    teacher: Chat = chat("teacher")
    await teacher.press(LessonCb(lesson_id=old, action="open"))
    labels = [text for text, _ in teacher.buttons()]
    assert t("ru", "distance.button_on") not in labels
    # The button of an earlier card, pressed again (or forged): refused with the lock's reason.
    await teacher.press(DistanceCb(lesson_id=old, on=1))
    assert teacher.alerts() == [t("ru", "journal.lesson_locked", date=old_day)]
    deputy: Chat = chat("deputy")
    await deputy.press(DistanceCb(lesson_id=old, on=1))
    # (The answers of the one bot: the teacher's, then the deputy's.)
    assert deputy.alerts() == [t("ru", "journal.lesson_locked", date=old_day)] * 2
    lesson = await session.get(Lesson, old)
    assert lesson is not None
    await session.refresh(lesson)
    assert lesson.is_distance is False
    # Unlocked by the deputy, the same button works for its teacher.
    await lesson_edits.unlock_lesson(
        session, world.actors["deputy"], old, reason="дистант", now=NOW
    )
    await teacher.press(DistanceCb(lesson_id=old, on=1))
    assert t("ru", "distance.saved_on") in teacher.text
    await session.refresh(lesson)
    assert lesson.is_distance is True


def test_each_other_role_has_its_menu() -> None:
    def names(*roles: Role) -> set[str]:
        return {spec.name for spec in command_specs_for(roles)}

    for role in (Role.EXTRA_TEACHER, Role.EDUCATOR):
        assert {"today", "termmarks", "timetable"} <= names(role)
        assert not {"admin", "classjournal", "broadcast", "invite"} & names(role)
    observer = names(Role.OBSERVER)
    assert {"classjournal", "timetable", "help", "role"} <= observer
    assert not {"today", "termmarks", "admin", "broadcast", "invite", "absences"} & observer
