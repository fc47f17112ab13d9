"""What teachers read: field names and dates in their language, the current lesson, unlocks,
legends (tests render the screen and assert on the text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from screens.teacher.actions import LessonCb
from services.enums import AttendanceCode
from services.homework.topics import MAX_TOPIC
from services.timetable import lesson_edits
from tests.factories import NOW, TODAY, SchoolWorld, absent_today, at, attendance_today


async def test_a_too_long_topic_names_the_field_in_the_users_language(
    chat: Any, world: SchoolWorld
) -> None:
    lid = world.lesson_today.id
    me = chat("teacher")
    await me.press(LessonCb(lesson_id=lid, action="topic").pack())
    await me.send("x" * (MAX_TOPIC + 1))
    assert me.text == f"Слишком длинный текст (тема урока): не больше {MAX_TOPIC} символов."
    en = chat("teacher", "en")
    await en.press(LessonCb(lesson_id=lid, action="topic").pack())
    await en.send("x" * (MAX_TOPIC + 1))
    assert "(lesson topic)" in en.text and "(topic)" not in en.text


async def test_a_future_lesson_is_named_by_a_readable_date(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    await me.press(LessonCb(lesson_id=world.lesson_future.id, action="att").pack())
    day = TODAY + dt.timedelta(days=1)
    [alert] = me.alerts()
    assert alert.startswith(f"Урок {day:%d.%m.%Y} ещё не прошёл")
    assert day.isoformat() not in alert


async def test_the_class_journal_uses_the_journals_codes(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    s = world.students
    await attendance_today(
        session, world, {s[0].id: AttendanceCode.EXCUSED, s[1].id: AttendanceCode.LATE}
    )
    me = chat("class_teacher")
    await me.send("/classjournal")
    await me.press_text("Математика")
    assert "УП — уважительная причина, ОП — опоздание" in me.text
    rows = [line for line in me.text.splitlines() if line.startswith(("Иванов П", "Петрова А"))]
    assert len(rows) == 2 and "УП" in rows[0] and "ОП" in rows[1]
    assert "у — уважительная" not in me.text


async def test_absences_name_the_lesson_not_just_its_number(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    s = world.students
    await absent_today(session, world, s[0].id)
    me = chat("class_teacher")
    await me.send("/absences")
    assert "Иванов П. — Н (отсутствует): 2-й урок, 09:00 (Математика)" in me.text


async def test_today_marks_the_running_or_the_next_lesson_and_none_after_the_last(
    chat: Any, world: SchoolWorld, clock: list[dt.datetime]
) -> None:
    me = chat("teacher")
    await me.send("/today")  # 10:00: the 3rd lesson is on
    assert "▶ Сейчас идёт 3-й урок, 8Б." in me.text
    clock[0] = at(TODAY, 7, 30)  # before the first lesson: the next one
    await me.send("/today")
    assert "▶ Следующий — " in me.text and "Сейчас" not in me.text
    clock[0] = at(TODAY, 19, 0)  # the lessons are over
    await me.send("/today")
    assert "▶" not in me.text and "Следующий" not in me.text and "Сейчас" not in me.text
    assert "8Б Математика" in me.text  # the day is still listed


async def test_the_card_names_who_unlocked_the_lesson(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    old = world.lesson_old.id
    await lesson_edits.unlock_lesson(session, world.actors["admin"], old, reason="сбой", now=NOW)
    me = chat("teacher")
    await me.press(LessonCb(lesson_id=old, action="open").pack())
    assert "🔓 Урок открыт для исправлений администратором." in me.text
    assert "заместителем директора" not in me.text
    await lesson_edits.unlock_lesson(session, world.actors["deputy"], old, reason="сбой", now=NOW)
    await me.press(LessonCb(lesson_id=old, action="open").pack())
    assert "🔓 Урок открыт для исправлений заместителем директора." in me.text
