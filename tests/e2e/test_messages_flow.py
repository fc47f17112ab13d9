"""Teacher ↔ family messages end to end, in each messenger, with the unchanged bot process: a
parent's stray text offered to the child's teachers and sent outside the teacher's working hours
is held (the parent is told when the teacher gets it), reaches the teacher when the hours begin,
the teacher answers from the alert's "Ответить", the parent gets the reply; a forged thread id
is refused."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from screens.common.threads import ThreadCb
from services.enums import OutboxStatus
from services.models import FamilyMessage, FamilyThread, OutboxMessage, School, utcnow
from tests.e2e.conftest import Front, start_bot
from tests.e2e.test_absence_alert import PARENT, WAIT, add_parent
from tests.e2e.test_teacher_flows import TEACHER, build

pytestmark = pytest.mark.e2e

MSK = ZoneInfo("Europe/Moscow")


async def test_held_message_reply_and_forged_thread(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    parent = front.user(PARENT, first_name="Мария")
    teacher = front.user(TEACHER, first_name="Ирина")
    teacher.open_chat()  # the teacher has talked to the bot before: it may write to her
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        # The teacher's working hours begin in a few seconds (school time): a message written
        # now waits for them, as one written in the evening waits for the morning.
        opens = (utcnow() + dt.timedelta(seconds=20)).astimezone(MSK).replace(microsecond=0)
        async with session_factory() as s, s.begin():
            school = await s.scalar(select(School).where(School.code == "e2e"))
            assert school is not None
            school.messages_from = opens.time()

        await parent.send("Здравствуйте! Можно пересдать контрольную?")
        offer = await parent.wait(lambda m: "Кому написать о ребёнке" in m.content)
        assert "«Здравствуйте! Можно пересдать контрольную?»" in offer.content
        await parent.press_label(offer, "Учителева Ирина")
        held = await parent.wait(lambda m: "Сообщение принято" in m.content)
        assert f"учитель получит сообщение сегодня в {opens.hour}:{opens.minute:02d}" in (
            held.content
        )
        async with session_factory() as s:
            row = await s.scalar(
                select(OutboxMessage).where(OutboxMessage.kind == "thread.message")
            )
            assert row is not None
            assert row.not_before == opens.astimezone(dt.UTC)
        if utcnow() < opens - dt.timedelta(seconds=2):
            assert front.sent_to(TEACHER) == []  # not before the hours

        alert = await teacher.wait(
            lambda m: "От: Белова Мария (родитель" in m.content, timeout=WAIT
        )
        assert "Можно пересдать контрольную?" in alert.content
        assert utcnow() >= opens
        await teacher.press_label(alert, "Ответить")
        await teacher.wait(lambda m: "Кому: семья ученика" in m.content)
        await teacher.send("Да, в четверг после уроков.")
        await teacher.wait(lambda m: "Сообщение отправлено" in m.content)

        reply = await parent.wait(
            lambda m: "От: учитель Учителева Ирина" in m.content, timeout=WAIT
        )
        assert "Да, в четверг после уроков." in reply.content
        assert "+7" not in reply.content and str(TEACHER) not in reply.content

        # A thread of another family (its id guessed): refused, nothing of it shown.
        async with session_factory() as s, s.begin():
            mine = await s.scalar(select(FamilyThread))
            assert mine is not None
            other = FamilyThread(
                school_id=mine.school_id,
                year_id=mine.year_id,
                class_id=mine.class_id,
                student_id=data.students["Абрамов"],
                teacher_id=mine.teacher_id,
                side="family",
            )
            s.add(other)
            await s.flush()
            s.add(
                FamilyMessage(
                    school_id=mine.school_id,
                    thread_id=other.id,
                    author_id=mine.teacher_id,
                    from_teacher=True,
                    text="Чужая переписка",
                )
            )
        press = await parent.press(reply, ThreadCb(op="open", id=other.id).pack(), strict=False)
        answer = await front.answer(press)
        assert answer.text == "Недостаточно прав для этого действия."
        assert not any("Чужая переписка" in m.content for m in parent.messages())

        async with session_factory() as s:
            statuses = {
                r.recipient_person_id: r.status
                for r in await s.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == "thread.message")
                )
            }
        assert set(statuses.values()) == {OutboxStatus.SENT}
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
