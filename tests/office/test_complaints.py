"""The office's side of family messages through the dispatcher, as rendered: the deputy finds a
student, sees the threads (teacher, opened, counts — never a text), records a complaint in
typed steps (bad answers refused and asked again, nothing written before the last), then reads
the thread (audited) and finds the complaint in the list. A reading without a complaint, a
thread of another school and anyone outside the office are refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import OfficeCb
from screens.admin.complaints import ComplaintCb
from services.family_messages import threads
from services.models import AuditEntry, ThreadComplaint
from tests.factories import NOW, SchoolWorld
from tests.office.conftest import Chat

FORBIDDEN = t("ru", "error.forbidden")


async def _thread(session: AsyncSession, w: SchoolWorld, text: str = "Вопрос про оценку") -> int:
    sent = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, w.teacher.id, text, now=NOW
    )
    await threads.write_in_thread(session, w.actors["teacher"], sent.thread_id, "Ответ", now=NOW)
    await session.commit()
    return sent.thread_id


async def _audit(session: AsyncSession, action: str) -> list[AuditEntry]:
    return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def _complaints(session: AsyncSession) -> list[ThreadComplaint]:
    return list(await session.scalars(select(ThreadComplaint)))


async def test_the_deputy_records_a_complaint_then_reads_the_thread(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    thread_id = await _thread(session, world)
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    await deputy.press(OfficeCb(action="cmp"))
    assert "Жалобы на переписку учителя с семьёй" in deputy.text
    assert "лишь по записанной жалобе" in deputy.text
    assert deputy.button("Меню") == OfficeCb(action="home").pack()
    await deputy.press_text("Найти ученика")
    assert deputy.text == "Выберите класс ученика:"
    await deputy.press_text("7А")
    await deputy.press_text("Иванов Пётр")
    text = deputy.text
    assert "Переписка об ученике: Иванов Пётр" in text
    assert (
        "1. Учитель: Учителев Иван (с родителями), открыта 18.11.2026; сообщений: 2, жалоб: 0"
        in text
    )
    assert "Вопрос про оценку" not in text and "Ответ" not in text
    labels = [label for label, _ in deputy.buttons()]
    assert "📝 Жалоба на 1" in labels and not any("Читать" in x for x in labels)

    # A forged reading button, before any complaint: refused by the service's policy.
    await deputy.press(ComplaintCb(op="read", id=thread_id))
    assert deputy.alerts()[-1] == FORBIDDEN
    assert await _audit(session, "thread.read_on_complaint") == []

    await deputy.press_text("Жалоба на 1")
    assert "Переписка: учитель Учителев Иван — Пётр Иванов, 7А" in deputy.text
    assert "Кто пожаловался?" in deputy.text
    await deputy.send("   ")
    assert "Укажите, кто пожаловался (не больше 200 знаков)." in deputy.text
    await deputy.send("x" * 201)
    assert "Укажите, кто пожаловался (не больше 200 знаков)." in deputy.text
    await deputy.send("Иванова Елена, мама ученика")
    assert "Когда поступила жалоба?" in deputy.text
    await deputy.send("32.13")
    assert "Не понял дату" in deputy.text and "Когда поступила жалоба?" in deputy.text
    await deputy.send("19.11.2026")
    assert "Дата жалобы не может быть позже сегодняшнего дня (18.11.2026)." in deputy.text
    await deputy.send("17.11")
    assert "В чём жалоба?" in deputy.text
    await deputy.send("y" * 2001)
    assert "Укажите причину жалобы (не больше 2000 знаков)." in deputy.text
    assert await _complaints(session) == []
    await deputy.send("Грубый тон в ответе")
    assert "✅ Жалоба записана: Иванова Елена, мама ученика, 17.11.2026." in deputy.text
    session.expire_all()
    [complaint] = await _complaints(session)
    assert complaint.thread_id == thread_id and complaint.reason == "Грубый тон в ответе"
    assert complaint.complained_on.isoformat() == "2026-11-17"
    assert len(await _audit(session, "thread.complaint")) == 1

    await deputy.press_text("Прочитать переписку")
    text = deputy.text
    assert "Чтение по жалобе — записано в журнал действий." in text
    assert "Вопрос про оценку" in text and "Ответ" in text
    assert not any("Ответить" in label for label, _ in deputy.buttons())
    [reading] = await _audit(session, "thread.read_on_complaint")
    assert reading.entity_id == str(thread_id)
    assert reading.actor_account_id == world.actors["deputy"].account_id

    await deputy.press(ComplaintCb(op="list"))
    text = deputy.text
    assert "Записанные жалобы" in text
    assert "1. 17.11.2026 — Иванова Елена, мама ученика" in text
    assert "Переписка: учитель Учителев Иван — Пётр Иванов, 7А" in text
    assert "Причина: Грубый тон в ответе" in text
    assert deputy.button("Читать переписку 1") == ComplaintCb(op="read", id=thread_id).pack()


async def test_today_button_and_cancel_write_nothing_until_the_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    thread_id = await _thread(session, world)
    director: Chat = chat("director")
    await director.send("/complaints")
    assert "Жалобы на переписку учителя с семьёй" in director.text
    # The director has no /admin menu to go back to.
    assert [label for label, _ in director.buttons()] == [
        "🔎 Найти ученика",
        "📋 Записанные жалобы",
    ]
    await director.press(ComplaintCb(op="new", id=thread_id))
    await director.send("Классная Мария")
    await director.press_text("Сегодня")
    assert "В чём жалоба?" in director.text
    await director.press_text("Отменить")
    assert "Запись жалобы отменена, ничего не сохранено." in director.text
    await director.send("Причина, набранная после отмены")
    assert await _complaints(session) == []

    await director.press(ComplaintCb(op="new", id=thread_id))
    await director.send("Классная Мария")
    await director.press_text("Сегодня")
    await director.send("Просьба классного руководителя")
    assert "✅ Жалоба записана: Классная Мария, 18.11.2026." in director.text
    assert len(await _complaints(session)) == 1


async def test_a_thread_of_another_school_is_refused(
    chat: Any, world: SchoolWorld, other: SchoolWorld, session: AsyncSession
) -> None:
    foreign = await _thread(session, other)
    deputy: Chat = chat("deputy")
    for op in ("new", "read"):
        await deputy.press(ComplaintCb(op=op, id=foreign))
        assert deputy.alerts()[-1] == FORBIDDEN
    await deputy.press(ComplaintCb(op="thr", id=other.students[0].id))
    assert deputy.alerts()[-1] == FORBIDDEN
    assert await _complaints(session) == []


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "parent"])
async def test_nobody_outside_the_office_records_or_reads(
    chat: Any, world: SchoolWorld, session: AsyncSession, who: str
) -> None:
    thread_id = await _thread(session, world)
    user: Chat = chat(who)
    await user.send("/admin")
    for action in (
        ComplaintCb(op="thr", id=world.students[0].id),
        ComplaintCb(op="new", id=thread_id),
        ComplaintCb(op="read", id=thread_id),
        ComplaintCb(op="list"),
    ):
        await user.press(action)
    await user.send("/complaints")
    assert await _complaints(session) == []
    assert await _audit(session, "thread.read_on_complaint") == []
    shown = "\n".join(user.texts())
    assert "Вопрос про оценку" not in shown and "Переписка об ученике" not in shown
    assert "Записанные жалобы" not in shown and "Кто пожаловался" not in shown
