"""What a parent reads: everything typed or imported (topics, homework, mark comments, names)
shows exactly as it was typed — escaped once, never twice, never taken as markup. Checked on
what the recipient sees: the sent HTML parsed back the way Telegram parses it."""

from __future__ import annotations

from aiogram import Dispatcher
from sqlalchemy import select

from services.models import Homework, Lesson, Mark, Person
from testkit.botapi.html import Seen, seen
from testkit.recording import RecordingBot, make_message_update
from tests.family.conftest import PARENT2, Family

TOPIC = "Дроби: 1/2 < 3/4 & <b>больше</b>"
HOMEWORK = "№ 5 & 7, <i>стр.</i> 12 &amp; 13"
COMMENT = "<u>молодец</u> & умница"
NAME = "Анна <Аня> & Ко"
TEACHER = "Коллегова <И.> & Co"


def untouched(shown: Seen, *typed: str) -> None:
    """Each typed text is shown whole, and no word of it became bold, italic or underlined."""
    for text in typed:
        assert text in shown.text, (text, shown.text)
    formatted = {p for kind in ("bold", "italic", "underline") for p in shown.formatted(kind)}
    assert not formatted & {"больше", "стр.", "молодец", "Аня", "И."}, formatted


async def test_parent_sees_topics_homework_comments_and_names_as_typed(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    w = family_world.world
    async with family_world.session_factory() as s:
        lesson = await s.get(Lesson, w.lesson_today.id)
        assert lesson is not None
        lesson.topic = TOPIC
        anna = await s.get(Person, w.students[1].id)
        substitute = await s.get(Person, w.teacher.id)
        assert anna is not None and substitute is not None
        anna.first_name = NAME
        substitute.last_name = TEACHER
        for hw in (await s.scalars(select(Homework))).all():
            if hw.lesson_id == w.lesson_today.id and hw.student_id is None:
                hw.text = HOMEWORK
        for m in (await s.scalars(select(Mark).where(Mark.comment.is_not(None)))).all():
            m.comment = COMMENT
        await s.commit()

    await dp.feed_update(bot, make_message_update(PARENT2, "/diary"))
    (diary,) = bot.session.sent_texts(PARENT2)
    untouched(seen(diary), TOPIC, HOMEWORK, COMMENT, NAME, TEACHER)
    bot.session.clear()
    await dp.feed_update(bot, make_message_update(PARENT2, "/marks"))
    for text in bot.session.sent_texts(PARENT2):
        assert "&amp;" not in seen(text).text and "&lt;" not in seen(text).text
    assert any(NAME in seen(text).text for text in bot.session.sent_texts(PARENT2))
