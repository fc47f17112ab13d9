"""The office cancels a lesson and puts it back through the Dispatcher (recording bot
session): the "❌ Отменить урок" button of the substitutions screen, the typed reason (empty
or too long: a clear message, nothing written), the cancelled lesson kept in the list, putting
it back only once confirmed; every press answered once. Then what the family's diary and the
teacher's day show of a cancelled lesson."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import OfficeCb
from screens.admin.substitutions import CancelCb
from screens.family.diary import DiaryAction
from screens.teacher.actions import DayCb
from screens.teacher.common import pack_day
from services.models import AuditEntry, Lesson, OutboxMessage
from services.timetable import cancellations
from testkit.recording import RecordingBot
from tests.factories import NOW, TODAY, SchoolWorld
from tests.handlers.conftest import clock  # noqa: F401  (fixtures)
from tests.handlers.conftest import clocked_dp as dp  # noqa: F401
from tests.office.conftest import Chat, chat, other, world  # noqa: F401

TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def bot() -> RecordingBot:
    """Here a recording bot (tests/corrections/conftest.py's is the local server's)."""
    return RecordingBot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def lesson_state(session: AsyncSession, lesson_id: int) -> tuple[bool, str | None]:
    lesson = await session.get(Lesson, lesson_id, populate_existing=True)
    assert lesson is not None
    return lesson.is_cancelled, lesson.cancel_reason


async def written(session: AsyncSession) -> tuple[int, int]:
    """The lesson alerts queued and the cancel/reinstate entries of the audit log."""
    alerts = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind.like("lesson.%"))
    )
    entries = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action.in_(("lesson.cancel", "lesson.reinstate")))
    )
    return int(alerts or 0), int(entries or 0)


def answered_once(bot: RecordingBot) -> None:
    """Every callback query the bot got was answered exactly once."""
    answers = Counter(a.callback_query_id for a in bot.session.requests_of(AnswerCallbackQuery))
    assert answers and set(answers.values()) == {1}, answers


async def open_tomorrows_maths(deputy: Chat) -> None:
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    await deputy.press_text("Завтра")
    await deputy.press_text("7А")
    await deputy.press_text("2. Математика")


async def test_the_deputy_cancels_tomorrows_lesson_with_a_typed_reason(
    chat: Any,  # noqa: F811
    world: SchoolWorld,  # noqa: F811
    session: AsyncSession,
    bot: RecordingBot,
) -> None:
    lid = world.lesson_future.id
    deputy: Chat = chat("deputy")
    await open_tomorrows_maths(deputy)
    await deputy.press_text("❌ Отменить урок")
    assert deputy.text.startswith("Отмена урока: 19.11.2026, 2-й урок, 7А, Математика.\n")
    assert "до 200 символов" in deputy.text
    # An empty reason, then a too long one: told why, nothing written; the prompt stays.
    await deputy.send("   ")
    assert deputy.text == "Напишите причину отмены урока."
    await deputy.send("я" * 201)
    assert deputy.text == "Слишком длинный текст (причина): не больше 200 символов."
    assert await lesson_state(session, lid) == (False, None)
    assert await written(session) == (0, 0)
    await deputy.send("  экскурсия в музей ")
    assert deputy.text.startswith(
        "❌ Урок отменён. Учитель и семьи учеников предупреждены.\n\nУроки 19.11.2026."
    )
    labels = [text for text, _ in deputy.buttons()]
    assert "❌ 2. Математика — Учителев Иван — отменён" in labels
    assert await lesson_state(session, lid) == (True, "экскурсия в музей")
    kinds = set(
        (
            await session.scalars(
                select(OutboxMessage.kind).where(OutboxMessage.kind.like("lesson.%"))
            )
        ).all()
    )
    assert kinds == {"lesson.cancelled", "lesson.cancelled_teacher"}
    alerts, entries = await written(session)
    assert entries == 1
    # The prompt is over: more text cancels nothing and writes nothing.
    await deputy.send("ещё причина")
    assert await written(session) == (alerts, 1)
    answered_once(bot)


async def test_a_cancelled_lesson_is_put_back_only_once_confirmed(
    chat: Any,  # noqa: F811
    world: SchoolWorld,  # noqa: F811
    session: AsyncSession,
    bot: RecordingBot,
) -> None:
    lid = world.lesson_future.id
    await cancellations.cancel_lesson(
        session, world.actors["deputy"], lid, "экскурсия в музей", now=NOW
    )
    before = await written(session)
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="sub"))
    await deputy.press_text("Завтра")
    await deputy.press_text("7А")
    await deputy.press_text("❌ 2. Математика")
    assert deputy.text == (
        "❌ Урок отменён: 19.11.2026, 2-й урок, 7А, Математика.\n"
        "Причина: экскурсия в музей\n\n"
        "Вернуть урок в расписание? Учитель получит уведомление, семьи учеников — если урок "
        "сегодня или в ближайший учебный день."
    )
    assert [text for text, _ in deputy.buttons()] == ["✅ Да, вернуть", "Нет"]
    # "No": back to the lessons, still cancelled, nobody told.
    await deputy.press_text("Нет")
    assert "❌ 2. Математика — Учителев Иван — отменён" in [x for x, _ in deputy.buttons()]
    assert await lesson_state(session, lid) == (True, "экскурсия в музей")
    assert await written(session) == before
    await deputy.press_text("❌ 2. Математика")
    await deputy.press_text("✅ Да, вернуть")
    assert deputy.text.startswith("✅ Урок снова в расписании. Учитель и семьи учеников")
    assert "2. Математика — Учителев Иван" in [x for x, _ in deputy.buttons()]
    assert await lesson_state(session, lid) == (False, None)
    alerts, entries = await written(session)
    assert alerts > before[0] and entries == before[1] + 1
    # The same "yes" pressed again (a stale screen): refused, nothing more.
    await deputy.press(CancelCb(action="put", lesson_id=lid))
    assert deputy.alerts()[-1] == "Этот урок не отменён."
    assert await written(session) == (alerts, entries)
    answered_once(bot)


async def test_others_cannot_cancel_or_put_back(
    chat: Any,  # noqa: F811
    world: SchoolWorld,  # noqa: F811
    other: SchoolWorld,  # noqa: F811
    session: AsyncSession,
    bot: RecordingBot,
) -> None:
    lid = world.lesson_future.id
    for name in ("teacher", "parent"):
        user: Chat = chat(name)
        for action in ("ask", "back", "put"):
            await user.press(CancelCb(action=action, lesson_id=lid))
    forbidden = t("ru", "error.forbidden")
    # (The recording session holds every chat's answers.)
    assert chat("teacher").alerts() == [forbidden] * 6
    # Another school's lesson id in the deputy's button: refused.
    deputy: Chat = chat("deputy")
    await deputy.press(CancelCb(action="ask", lesson_id=other.lesson_future.id))
    assert deputy.alerts() == [forbidden] * 7
    assert await lesson_state(session, other.lesson_future.id) == (False, None)
    assert await lesson_state(session, lid) == (False, None)
    assert await written(session) == (0, 0)
    answered_once(bot)


async def test_the_diary_and_the_teachers_day_show_a_cancelled_lesson(
    chat: Any,  # noqa: F811
    world: SchoolWorld,  # noqa: F811
    session: AsyncSession,
) -> None:
    await cancellations.cancel_lesson(
        session, world.actors["deputy"], world.lesson_future.id, "экскурсия <в музей>", now=NOW
    )
    parent: Chat = chat("parent")
    await parent.press(DiaryAction(s=world.students[0].id, d=TOMORROW.toordinal()))
    diary = parent.text
    assert "Четверг, 19 ноября" in diary
    [line] = [x for x in diary.splitlines() if "Математика" in x]
    assert line == "2. 09:00–09:45 <s>Математика</s> — ❌ урок отменён"
    teacher: Chat = chat("teacher")
    await teacher.press(DayCb(teacher_id=world.teacher.id, day=pack_day(TOMORROW)))
    [line] = [x for x in teacher.text.splitlines() if "Математика" in x]
    assert line.startswith("<s>2.") and line.endswith(
        "</s> — ❌ урок отменён: экскурсия &lt;в музей&gt;"
    )
    # Put back: plain again in both.
    await cancellations.reinstate_lesson(
        session, world.actors["deputy"], world.lesson_future.id, now=NOW
    )
    await parent.press(DiaryAction(s=world.students[0].id, d=TOMORROW.toordinal()))
    assert "отменён" not in parent.text and "Математика" in parent.text
    await teacher.press(DayCb(teacher_id=world.teacher.id, day=pack_day(TOMORROW)))
    assert "отменён" not in teacher.text and "<s>" not in teacher.text
