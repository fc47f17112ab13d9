"""The family views over HTTP: the real bot process against each messenger's local Bot API
server, on the demo school (a parent with two children, one of them a signed-in student, a
trusted person).

Every view for the parent (switching children) and for the student; a forged button; an
advance notice. The demo is built for E2E_NOW's day, and the bot's clock starts at E2E_NOW.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from screens.family.diary import DiaryAction
from services.models import AbsenceNotice, OutboxMessage, Person
from tests.e2e.conftest import Chat, Front, demo_credentials, invite_token, start_bot, wait_front

pytestmark = pytest.mark.e2e

WAIT = 20.0


def short(full_name: str) -> str:
    """ "Фамилия Имя Отчество" → "Фамилия Имя", as the views name a child."""
    return " ".join(full_name.split()[:2])


def button(message: Any, text: str) -> dict[str, Any]:
    for b in message.buttons:
        if b["text"] == text or b["text"].startswith(text):
            return b
    raise AssertionError(f"no button {text!r} in {[b['text'] for b in message.buttons]}")


async def sign_in(front: Front, user_id: int, cred: dict[str, str]) -> Chat:
    user = front.user(user_id)
    await user.start(invite_token(cred))
    await user.wait(lambda m: cred["name"].split()[1] in m.content, timeout=WAIT)
    return user


async def ask(front: Front, user: Chat, command: str, predicate: Any = None) -> Any:
    if not front.is_max:
        await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
    await user.command(command)
    return await user.wait(predicate, timeout=WAIT)


async def press(front: Front, user: Chat, message: Any, data: str, predicate: Any = None) -> Any:
    await user.press(message, data)
    return await user.wait(predicate, timeout=WAIT)


async def press_button(
    front: Front, user: Chat, message: Any, label: str, predicate: Any = None
) -> Any:
    """Press the button of ``message`` whose text starts with ``label``; wait for the answer."""
    return await press(front, user, message, button(message, label)["callback_data"], predicate)


def has_photo(front: Front) -> Any:
    if front.is_max:
        return lambda m: bool(m.images)
    return lambda m: m.photo is not None


@pytest.mark.demo_school
async def test_family_views_over_http(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = await demo_credentials(env)
    parent_cred = next(c for c in creds if c["role"] == "parent")  # two children
    student_cred = next(c for c in creds if c["role"] == "student")  # the elder of them
    trusted_cred = next(c for c in creds if c["role"] == "trusted")
    elder = short(student_cred["name"])

    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        parent = await sign_in(front, 8101, parent_cred)

        # /child: two children; switch to the younger one, then back to the elder.
        choice = await ask(front, parent, "/child", lambda m: len(m.buttons) == 2)
        younger_button = next(b for b in choice.buttons if elder not in b["text"])
        younger = younger_button["text"].removeprefix("✅ ").split(",")[0]
        switched = await press(
            front, parent, choice, younger_button["callback_data"], lambda m: younger in m.content
        )
        assert switched.message_id == choice.message_id  # edited in place

        # /diary of the younger child: today, then ▶ and the week, edited in place.
        diary = await ask(front, parent, "/diary", lambda m: m.content.startswith("👤"))
        assert younger in diary.content.splitlines()[0]
        assert "📔" in diary.content
        next_day = await press(
            front,
            parent,
            diary,
            diary.buttons[2]["callback_data"],
            lambda m: m.message_id == diary.message_id,
        )
        assert younger in next_day.content
        week = await press_button(
            front, parent, next_day, "Неделя", lambda m: "Дневник на неделю" in m.content
        )
        assert younger in week.content

        # Back to the elder child; every other view says whose data it is.
        choice = await ask(front, parent, "/child", lambda m: len(m.buttons) == 2)
        await press_button(
            front,
            parent,
            choice,
            elder,
            lambda m: any(b["text"].startswith(f"✅ {elder}") for b in m.buttons),
        )
        homework = await ask(front, parent, "/homework", lambda m: "📚" in m.content)
        assert elder in homework.content
        marks = await ask(front, parent, "/marks", lambda m: "📊" in m.content)
        assert elder in marks.content and "средний балл" in marks.content
        chart = await press_button(front, parent, marks, "📈", has_photo(front))
        assert elder in chart.content
        attendance = await ask(front, parent, "/attendance", lambda m: "🗓" in m.content)
        assert elder in attendance.content and "Пропущено уроков" in attendance.content
        timetable = await ask(front, parent, "/timetable", lambda m: "🕘" in m.content)
        assert elder in timetable.content

        # An advance notice for the next school day, for the elder child.
        ask_day = await ask(front, parent, "/notice", lambda m: "🔔" in m.content)
        reasons = await press_button(
            front, parent, ask_day, "Учебный день", lambda m: "Причина?" in m.content
        )
        done = await press_button(front, parent, reasons, "🏠", lambda m: "✅" in m.content)
        assert "семейные обстоятельства" in done.content

        # The student: their own views only, and nothing to change.
        student = await sign_in(front, 8102, student_cred)
        own = await ask(front, student, "/diary", lambda m: m.content.startswith("👤"))
        assert elder in own.content.splitlines()[0]
        for command, mark in (
            ("/homework", "📚"),
            ("/marks", "📊"),
            ("/attendance", "🗓"),
            ("/timetable", "🕘"),
        ):
            view = await ask(front, student, command, lambda m, mark=mark: mark in m.content)
            assert elder in view.content.splitlines()[0], command
        refused = await ask(front, student, "/notice")
        assert "только родитель" in refused.content

        # A forged button: the student asks for the sibling's diary.
        async with async_sessionmaker(engine)() as s:
            sibling_id = await s.scalar(
                select(Person.id).where(
                    Person.last_name == younger.split()[0], Person.first_name == younger.split()[1]
                )
            )
        assert sibling_id is not None
        before = own.content
        query_id = await student.press(own, DiaryAction(s=sibling_id, d=0).pack(), strict=False)
        answer = await front.answer(query_id)
        assert answer.alert and "Недостаточно прав" in answer.text, answer
        assert student.messages()[-1].content == refused.content
        assert own.content == before and younger not in own.content

        # The trusted person: marks, not the timetable the parent did not share.
        trusted = await sign_in(front, 8103, trusted_cred)
        marks = await ask(front, trusted, "/marks", lambda m: "📊" in m.content)
        assert younger in marks.content
        hidden = await ask(front, trusted, "/timetable", lambda m: "🕘" in m.content)
        assert "недоступен" in hidden.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"level": "ERROR"' not in bot.log() and "Traceback" not in bot.log(), bot.log()

    async with async_sessionmaker(engine)() as s:
        notices = (await s.scalars(select(AbsenceNotice).order_by(AbsenceNotice.id))).all()
        assert notices[-1].reason == "семейные обстоятельства"
        alerts = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice.created"))
        ).all()
        assert len(alerts) == 1
