"""What teachers read: field names and dates in their language, the current lesson, unlocks,
legends (tests render the screen and assert on the text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from handlers.teacher.callbacks import LessonCb
from services.journal import MAX_TOPIC
from tests.factories import TODAY, SchoolWorld


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
