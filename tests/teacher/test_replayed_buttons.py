"""Replayed and mutated buttons: a write the policy does not allow is refused, and a prompt
(broadcast composer, notice dates, unlock reason) is refused before it opens, like any forged
button. The rules themselves are tabled in tests/unit/test_policy_matrix.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Dispatcher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.alerts import BroadcastCb, BroadcastForm
from screens.family.actions import NoticeDayCb
from screens.teacher.actions import LessonCb, TermCb, UnlockCb
from services.models import ControlWork, FinalMark
from testkit.recording import RecordingBot
from tests.factories import SchoolWorld, bind_chats
from tests.teacher.conftest import USERS, Chat

COMPOSE = "Напишите текст сообщения"
EXTRA = {"trusted": 120, "other_student": 121}


@pytest.fixture
async def extra_chats(session: AsyncSession, world: SchoolWorld) -> None:
    """The trusted person and the other class's student signed in too (chats in ``EXTRA``)."""
    await bind_chats(session, world, EXTRA)


async def state_of(dp: Dispatcher, bot: RecordingBot, user_id: int) -> str | None:
    return await dp.fsm.get_context(bot, chat_id=user_id, user_id=user_id).get_state()


async def test_class_teacher_cannot_propose_a_control_work_on_a_colleagues_lesson(
    chat: Callable[[str], Chat], world: SchoolWorld, session: AsyncSession
) -> None:
    # The class teacher sees every lesson of 7А but teaches Russian there to no one.
    ct = chat("class_teacher")
    await ct.press(LessonCb(lesson_id=world.lesson_colleague.id, action="cw").pack())
    assert await session.scalar(select(func.count()).select_from(ControlWork)) == 0
    assert ct.alerts(), "refused with a message"
    # The subject's own teacher still can.
    await chat("colleague").press(LessonCb(lesson_id=world.lesson_colleague.id, action="cw").pack())
    assert await session.scalar(select(func.count()).select_from(ControlWork)) == 1


async def test_mutated_term_save_of_a_subject_not_taught_saves_nothing(
    chat: Callable[[str], Chat], world: SchoolWorld, session: AsyncSession
) -> None:
    # The teacher teaches maths in 7А; the save button mutated to 7А Russian is refused.
    teacher = chat("teacher")
    mutated = TermCb(
        action="save", class_id=world.cls.id, subject_id=world.russian.id, period_id=world.q2.id
    )
    await teacher.press(mutated.pack())
    assert await session.scalar(select(func.count()).select_from(FinalMark)) == 0
    assert teacher.alerts(), "refused with a message"


@pytest.mark.usefixtures("extra_chats")
async def test_replayed_broadcast_button_opens_no_composer(
    dp: Dispatcher, bot: RecordingBot, chat: Callable[[str], Chat], world: SchoolWorld
) -> None:
    replayed = BroadcastCb(action="cls", id=world.cls.id).pack()
    for name in ("parent", "teacher", "colleague"):
        user = chat(name)
        await user.press(replayed)
        assert await state_of(dp, bot, user.user_id) is None, name
        assert not any(COMPOSE in str(r.text) for r in user.shown()), name
        assert user.alerts(), name
    for name, user_id in EXTRA.items():
        await Chat(dp, bot, user_id).press(replayed)
        assert await state_of(dp, bot, user_id) is None, name
    # School news only from the leadership; another class's event not from this class teacher.
    ct = chat("class_teacher")
    await ct.press(BroadcastCb(action="school").pack())
    await ct.press(BroadcastCb(action="cls", id=world.other_cls.id).pack())
    assert await state_of(dp, bot, ct.user_id) is None
    # The class teacher of 7А gets the composer for 7А.
    await ct.press(replayed)
    assert await state_of(dp, bot, ct.user_id) == BroadcastForm.text.state
    assert COMPOSE in ct.text


@pytest.mark.usefixtures("extra_chats")
async def test_notice_prompt_only_for_a_parent(
    dp: Dispatcher, bot: RecordingBot, chat: Callable[[str], Chat], world: SchoolWorld
) -> None:
    # The student themself and a trusted person see the child but give no notice.
    student = Chat(dp, bot, EXTRA["other_student"])
    await student.press(NoticeDayCb(s=world.other_student.id, a=0).pack())
    assert await state_of(dp, bot, student.user_id) is None
    trusted = Chat(dp, bot, EXTRA["trusted"])
    await trusted.press(NoticeDayCb(s=world.students[0].id, a=0).pack())
    assert await state_of(dp, bot, trusted.user_id) is None
    parent = chat("parent")
    await parent.press(NoticeDayCb(s=world.students[0].id, a=0).pack())
    assert await state_of(dp, bot, parent.user_id) is not None


async def test_unlock_reason_prompt_only_for_the_office(
    dp: Dispatcher, bot: RecordingBot, chat: Callable[[str], Chat], world: SchoolWorld
) -> None:
    data = UnlockCb(lesson_id=world.lesson_old.id, reason=0).pack()
    teacher = chat("teacher")
    await teacher.press(data)
    assert await state_of(dp, bot, teacher.user_id) is None
    deputy = chat("deputy")
    await deputy.press(data)
    assert await state_of(dp, bot, USERS["deputy"]) is not None
