"""/admin journal tools through the Dispatcher: the audit log of a student and of a lesson,
dead letters, substitutions, unfilled lessons, journal checks; refusals and forgeries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import AuditCb, CheckCb, OfficeCb, PickCb, SubCb
from screens.admin.common import chunks
from screens.teacher.common import pack_day
from services import audit
from services.models import JournalCheck, Substitution
from tests.admin.helpers import count
from tests.factories import TODAY, SchoolWorld, dead_fan_out, failed_alert
from tests.office.conftest import Chat, open_tool


async def test_menu_by_role(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await admin.send("/admin")
    actions = {data for _, data in admin.buttons()}
    assert OfficeCb(action="dead").pack() in actions and OfficeCb(action="find").pack() in actions
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    actions = {data for _, data in deputy.buttons()}
    assert OfficeCb(action="sub").pack() in actions
    assert OfficeCb(action="dead").pack() not in actions
    assert OfficeCb(action="find").pack() not in actions


async def test_student_and_lesson_audit(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    student = world.students[0]
    audit.record(
        session,
        actor=world.actors["teacher"],
        action="mark.change",
        entity="mark",
        entity_id=77,
        student_id=student.id,
        before={"value": 3, "lesson_id": world.lesson_today.id},
        after={"value": 4, "lesson_id": world.lesson_today.id},
        reason="пересдача <script>",
    )
    audit.record(
        session,
        actor=world.actors["teacher"],
        action="lesson.topic",
        entity="lesson",
        entity_id=world.lesson_today.id,
        after={"topic": "Дроби"},
    )
    await session.commit()
    deputy: Chat = chat("deputy")
    text = await open_tool(deputy, "aus", "7А", "Иванов Пётр")
    assert "Иванов Пётр" in text and "Учителев Иван" in text
    assert "отметка исправлена" in text and "отметка: 3 → 4" in text
    assert "пересдача &lt;script&gt;" in text

    await deputy.press(OfficeCb(action="aul"))
    await deputy.press_text("7А")
    await deputy.press_text(TODAY.strftime("%d.%m"))
    await deputy.press_text("2. Математика")
    text = deputy.text
    assert "тема урока" in text and "Дроби" in text


async def test_audit_forgeries_and_refusals(
    chat: Any, world: SchoolWorld, other: SchoolWorld
) -> None:
    admin: Chat = chat("admin")
    await admin.press(AuditCb(what="stu", id=other.students[0].id))
    await admin.press(AuditCb(what="les", id=other.lesson_today.id))
    await admin.press(PickCb(tool="aul", step="les", id=other.cls.id, day=pack_day(TODAY)))
    await admin.press(PickCb(tool="aus", step="stu", id=other.cls.id))
    teacher: Chat = chat("teacher")
    await teacher.press(AuditCb(what="stu", id=world.students[0].id))
    await teacher.press(OfficeCb(action="aus"))
    assert admin.alerts() == [t("ru", "error.forbidden")] * 6


async def test_dead_letters(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    for i in range(25):
        session.add(
            failed_alert(
                world.school.id,
                world.parent.id,
                f"dead-{i}",
                kind="absence",
                attempts=6,
                last_error="Forbidden: <bot was blocked>",
            )
        )
    await session.commit()
    admin: Chat = chat("admin")
    text = await open_tool(admin, "dead")
    assert "Недоставленные уведомления: 25" in text and "последние 20" in text
    assert text.count("Иванова Елена") == 20
    assert text.count("получатель заблокировал бота") == 20
    deputy: Chat = chat("deputy")
    await deputy.press(OfficeCb(action="dead"))
    assert admin.alerts() == [t("ru", "error.forbidden")]


async def test_a_dead_digest_fan_out_shows_as_every_family(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    session.add(dead_fan_out(world))
    await session.commit()
    admin: Chat = chat("admin")
    await open_tool(admin, "dead")
    assert "Недоставленные уведомления: 1" in admin.text
    assert "→ все семьи школы (рассылка)" in admin.text


async def test_deputy_sets_and_removes_a_substitution(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy: Chat = chat("deputy")
    await open_tool(deputy, "sub", "Сегодня", "7А")
    assert TODAY.strftime("%d.%m.%Y") in deputy.text
    # Lesson 5 shows its substitute already.
    assert any("вместо" in text for text, _ in deputy.buttons())
    await deputy.press_text("2. Математика")
    assert "Кто заменяет" in deputy.text
    await deputy.press_text("Коллегина Ольга")
    assert t("ru", "office.subs.saved") in deputy.text
    sub = await session.scalar(
        select(Substitution).where(Substitution.lesson_id == world.lesson_today.id)
    )
    assert sub is not None and sub.teacher_id == world.colleague.id
    await deputy.press(SubCb(action="del", lesson_id=world.lesson_today.id))
    assert t("ru", "office.subs.removed") in deputy.text
    assert await count(session, Substitution, Substitution.lesson_id == world.lesson_today.id) == 0


async def test_substitution_forgeries(
    chat: Any, world: SchoolWorld, other: SchoolWorld, session: AsyncSession
) -> None:
    deputy: Chat = chat("deputy")
    # Another school's lesson; another school's teacher for our lesson; a parent as substitute.
    await deputy.press(
        SubCb(action="set", lesson_id=other.lesson_today.id, teacher_id=world.colleague.id)
    )
    await deputy.press(
        SubCb(action="set", lesson_id=world.lesson_today.id, teacher_id=other.colleague.id)
    )
    await deputy.press(SubCb(action="pick", lesson_id=other.lesson_today.id))
    await deputy.press(
        SubCb(action="set", lesson_id=world.lesson_today.id, teacher_id=world.parent.id)
    )
    teacher: Chat = chat("teacher")
    await teacher.press(
        SubCb(action="set", lesson_id=world.lesson_today.id, teacher_id=world.colleague.id)
    )
    forbidden = t("ru", "error.forbidden")
    assert deputy.alerts() == [
        forbidden,
        forbidden,
        forbidden,
        t("ru", "admin.not_a_teacher"),
        forbidden,
    ]
    assert await count(session, Substitution, Substitution.lesson_id == world.lesson_today.id) == 0


async def test_unfilled_lessons_of_the_week(chat: Any, world: SchoolWorld) -> None:
    deputy: Chat = chat("deputy")
    text = await open_tool(deputy, "unf")
    assert "Незаполненные уроки" in text
    assert "Учителев Иван" in text and "посещаемость" in text


async def test_journal_check_add_and_list(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy: Chat = chat("deputy")
    await open_tool(deputy, "chk", "8Б")
    await deputy.send("Не заполнены темы <уроков>")
    assert deputy.text == t("ru", "office.checks.saved")
    check = await session.scalar(select(JournalCheck))
    assert check is not None and check.class_id == world.other_cls.id
    await deputy.press(CheckCb(action="list"))
    assert "Не заполнены темы &lt;уроков&gt;" in deputy.text and "8Б" in deputy.text
    # Parents cannot.
    parent: Chat = chat("parent")
    await parent.press(CheckCb(action="list"))
    await parent.press(PickCb(tool="chk", step="next", id=world.cls.id))
    assert deputy.alerts() == [t("ru", "error.forbidden")] * 2


def test_chunks_split_long_lists() -> None:
    lines = [f"line {i} " + "x" * 200 for i in range(100)]
    parts = chunks(lines)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts).count("line ") == 100
    assert chunks(["y" * 5000])[0].endswith("…") and len(chunks(["y" * 5000])[0]) == 4096
