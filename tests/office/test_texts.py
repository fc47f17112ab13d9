"""What the office reads: the change log in the journal's words, dead letters with translated
kinds and reasons (tests render the screen and assert on the text)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from tests.factories import SchoolWorld, failed_alert
from tests.office.conftest import Chat, open_tool


async def test_the_change_log_speaks_the_journals_words(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    student = world.students[0]
    teacher = world.actors["teacher"]
    audit.record(
        session,
        actor=teacher,
        action="attendance.set",
        entity="lesson",
        entity_id=world.lesson_today.id,
        student_id=student.id,
        before={"code": None},
        after={"code": "absent"},
    )
    audit.record(
        session,
        actor=teacher,
        action="mark.change",
        entity="mark",
        entity_id=77,
        student_id=student.id,
        before={"value": 3, "work_kind": "answer", "lesson_id": world.lesson_today.id},
        after={"value": 4, "work_kind": "control", "lesson_id": world.lesson_today.id},
        reason="пересдача",
    )
    await session.commit()
    deputy: Chat = chat("deputy")
    text = await open_tool(deputy, "aus", "7А", "Иванов Пётр")
    # Whose and which lesson, then before → after, in the journal's words.
    assert "посещаемость (Иванов П., Математика," in text and "): присутствие → Н" in text
    assert "отметка: 3 → 4" in text and "вид работы: ответ → контрольная" in text
    for internal in ("value:", "code:", "∅", "absent", "mark 77", "lesson_id", "(lesson"):
        assert internal not in text


async def test_dead_letters_name_the_kind_and_the_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    for i, (kind, error) in enumerate(
        (
            ("attendance.absent", "unreachable: the user blocked the bot"),
            ("mark.new", "TelegramBadRequest: Bad Request: chat not found"),
        )
    ):
        session.add(
            failed_alert(
                world.school.id,
                world.parent.id,
                f"dead-{i}",
                kind=kind,
                attempts=1,
                last_error=error,
            )
        )
    await session.commit()
    admin: Chat = chat("admin")
    text = await open_tool(admin, "dead")
    assert "пропуск урока → Иванова Елена" in text
    assert "получатель заблокировал бота или удалил аккаунт" in text
    assert "новая отметка → Иванова Елена" in text and "чат с получателем не найден" in text
    for raw in ("attendance.absent", "mark.new", "unreachable", "chat not found", "Telegram"):
        assert raw not in text
