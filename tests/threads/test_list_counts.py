"""The thread list's unread counts when the reader has read marks in several threads (each
thread counts against its own mark), on SQLite and PostgreSQL with an injected clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services.family_messages import reads, threads
from tests.factories import NOW, build_school


async def test_unread_counts_per_thread_with_several_read_marks(session: AsyncSession) -> None:
    w = await build_school(session)
    parent, child = w.actors["parent"], w.students[0].id
    maths = await threads.write_to_teacher(session, parent, child, w.teacher.id, "Вопрос", now=NOW)
    russian = await threads.write_to_teacher(
        session, parent, child, w.colleague.id, "Вопрос", now=NOW
    )
    later = NOW + dt.timedelta(minutes=5)
    for _ in range(2):
        await threads.write_in_thread(
            session, w.actors["teacher"], maths.thread_id, "Да", now=later
        )
    await threads.write_in_thread(
        session, w.actors["colleague"], russian.thread_id, "Нет", now=later
    )
    counts = {i.thread_id: i.unread for i in await reads.thread_list(session, parent, now=later)}
    assert counts == {maths.thread_id: 2, russian.thread_id: 1}
    await reads.open_thread(session, parent, russian.thread_id, now=later)
    counts = {i.thread_id: i.unread for i in await reads.thread_list(session, parent, now=later)}
    assert counts == {maths.thread_id: 2, russian.thread_id: 0}
