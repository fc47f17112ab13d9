"""What the office reads: the change log in the journal's words, dead letters with translated
kinds and reasons (tests render the screen and assert on the text)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from screens.admin.actions import OfficeCb
from services import audit
from services.enums import OutboxStatus
from services.models import OutboxMessage
from tests.factories import SchoolWorld
from tests.office.conftest import Chat


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
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="aus"))
    await deputy.press_text("7А")
    await deputy.press_text("Иванов Пётр")
    text = deputy.text
    assert "посещаемость: присутствие → Н" in text
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
            OutboxMessage(
                school_id=world.school.id,
                recipient_person_id=world.parent.id,
                kind=kind,
                dedup_key=f"dead-{i}",
                payload={},
                status=OutboxStatus.DEAD,
                attempts=1,
                last_error=error,
            )
        )
    await session.commit()
    admin: Chat = chat("admin")
    await admin.send("/admin")
    await admin.press(OfficeCb(action="dead"))
    text = admin.text
    assert "пропуск урока → Иванова Елена" in text
    assert "получатель заблокировал бота или удалил аккаунт" in text
    assert "новая отметка → Иванова Елена" in text and "чат с получателем не найден" in text
    for raw in ("attendance.absent", "mark.new", "unreachable", "chat not found", "Telegram"):
        assert raw not in text
