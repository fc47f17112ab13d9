"""A thread nobody may write in any more: the student left the class, moved to a class the
teacher does not teach, or the teacher's assignment ended. The family's message and the
teacher's reply are refused naming why; the thread stays readable for both, its page says why
and has no reply button. A teacher who still teaches the child (the new class too) is not cut
off."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import translator
from screens.common.threads import thread_screen
from services.errors import ValidationFailed
from services.family_messages import reads, threads
from services.models import Enrolment, FamilyMessage, TeachingAssignment
from tests.factories import NOW, TODAY, SchoolWorld, build_school

RU = translator("ru")
LATER = NOW + dt.timedelta(hours=1)


async def _thread(w: SchoolWorld, session: AsyncSession, teacher_id: int) -> int:
    sent = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, teacher_id, "Вопрос", now=NOW
    )
    return sent.thread_id


async def _move_to(session: AsyncSession, w: SchoolWorld, class_id: int | None) -> None:
    enrolment = await session.scalar(
        select(Enrolment).where(Enrolment.student_id == w.students[0].id)
    )
    assert enrolment is not None
    enrolment.left_on = TODAY
    if class_id is not None:
        session.add(
            Enrolment(
                school_id=w.school.id,
                student_id=w.students[0].id,
                class_id=class_id,
                arrived_on=TODAY,
            )
        )
    await session.commit()


async def _messages(session: AsyncSession, thread_id: int) -> int:
    return len(
        (await session.scalars(select(FamilyMessage).where(FamilyMessage.thread_id == thread_id)))
        .unique()
        .all()
    )


async def test_student_left_the_class(session: AsyncSession) -> None:
    w = await build_school(session)
    thread_id = await _thread(w, session, w.colleague.id)
    await _move_to(session, w, None)
    for who in ("parent", "colleague"):
        with pytest.raises(ValidationFailed, match=r"threads\.ended_left") as refused:
            await threads.write_in_thread(session, w.actors[who], thread_id, "Ещё", now=LATER)
        assert refused.value.params["class_name"] == "7А"
        assert refused.value.params["child"] == "Пётр Иванов"
    assert await _messages(session, thread_id) == 1
    text = RU(refused.value.code, **refused.value.params)
    assert "больше не учится в 7А" in text and "остаётся для чтения" in text
    for who in ("parent", "colleague"):
        view = await reads.open_thread(session, w.actors[who], thread_id, now=LATER)
        assert view.ended == "left" and not view.can_write
        assert [m.text for m in view.messages] == ["Вопрос"]
        screen = thread_screen(RU, view)
        assert "Пётр Иванов больше не учится в 7А" in screen.texts[0]
        labels = [b.text for row in screen.rows for b in row]
        assert "✍️ Ответить" not in labels and all("Ответить" not in x for x in labels)


async def test_moved_to_a_class_the_teacher_does_not_teach(session: AsyncSession) -> None:
    w = await build_school(session)
    russian = await _thread(w, session, w.colleague.id)  # Russian in 7А only
    maths = await _thread(w, session, w.teacher.id)  # maths in 7А and 8Б
    await _move_to(session, w, w.other_cls.id)
    with pytest.raises(ValidationFailed, match=r"threads\.ended_moved") as refused:
        await threads.write_in_thread(session, w.actors["parent"], russian, "Ещё", now=LATER)
    assert "другом классе" in RU(refused.value.code, **refused.value.params)
    with pytest.raises(ValidationFailed, match=r"threads\.ended_moved"):
        await threads.write_in_thread(session, w.actors["colleague"], russian, "Ответ", now=LATER)
    # The maths teacher teaches the new class too: the thread goes on.
    await threads.write_in_thread(session, w.actors["parent"], maths, "Ещё", now=LATER)
    await threads.write_in_thread(session, w.actors["teacher"], maths, "Ответ", now=LATER)
    assert await _messages(session, maths) == 3
    assert await _messages(session, russian) == 1


async def test_teacher_no_longer_teaches_the_child(session: AsyncSession) -> None:
    w = await build_school(session)
    thread_id = await _thread(w, session, w.colleague.id)
    await session.execute(
        delete(TeachingAssignment).where(TeachingAssignment.teacher_id == w.colleague.id)
    )
    await session.commit()
    with pytest.raises(ValidationFailed, match=r"threads\.ended_teacher") as refused:
        await threads.write_in_thread(session, w.actors["parent"], thread_id, "Ещё", now=LATER)
    text = RU(refused.value.code, **refused.value.params)
    assert "больше не ведёт уроки у ребёнка (Пётр Иванов, 7А)" in text
    with pytest.raises(ValidationFailed, match=r"threads\.ended_teacher"):
        await threads.write_in_thread(session, w.actors["colleague"], thread_id, "Ок", now=LATER)
    view = await reads.open_thread(session, w.actors["colleague"], thread_id, now=LATER)
    assert view.ended == "teacher" and not view.can_write
    assert "больше не ведёт уроки" in thread_screen(RU, view).texts[0]
    # The class teacher stays the child's teacher: that thread is open.
    other = await _thread(w, session, w.class_teacher.id)
    view = await reads.open_thread(session, w.actors["parent"], other, now=LATER)
    assert view.ended is None and view.can_write
