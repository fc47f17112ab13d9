"""A lesson's details through the Dispatcher: the kind of work from the card, "no homework"
from the homework prompt, a mark's weight and typed comment, the topic from the plan; the
admin's weights of marks; refusals in the user's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.weights import WeightsCb
from screens.teacher.actions import DetailCb, LessonCb, MarkCb
from services.enums import WorkKind
from services.models import AuditEntry, Homework, Lesson, Mark, WorkWeight
from tests.factories import SchoolWorld


async def _lesson(session: AsyncSession, lesson_id: int) -> Lesson:
    lesson = await session.get(Lesson, lesson_id)
    assert lesson is not None
    await session.refresh(lesson)
    return lesson


async def test_the_kind_of_work_and_no_homework_from_the_card(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    lid = world.lesson_today.id
    await me.press(LessonCb(lesson_id=lid, action="open").pack())
    await me.press_text(t("ru", "details.btn.work_kind"))
    assert t("ru", "details.pick_kind") in me.text
    await me.press_text(t("ru", "teacher.kind.control"))
    assert t("ru", "details.kind_saved", kind=t("ru", "teacher.kind.control")) in me.text
    assert t("ru", "details.card.work_kind", kind=t("ru", "teacher.kind.control")) in me.text
    assert (await _lesson(session, lid)).work_kind == WorkKind.CONTROL
    # The marks start from the lesson's kind.
    await me.press(LessonCb(lesson_id=lid, action="mk").pack())
    assert "• " + t("ru", "teacher.kind.control") in [x for x, _ in me.buttons()]

    await me.press(LessonCb(lesson_id=lid, action="hw").pack())
    await me.press_text(t("ru", "details.btn.no_homework"))
    assert t("ru", "details.no_homework_saved") in me.text
    assert t("ru", "details.card.no_homework") in me.text
    assert (await _lesson(session, lid)).no_homework is True
    # Taken back from the homework prompt.
    await me.press(LessonCb(lesson_id=lid, action="hw").pack())
    assert t("ru", "details.homework_now_none") in me.text
    await me.press_text(t("ru", "details.btn.homework_back"))
    assert t("ru", "details.no_homework_cleared") in me.text
    assert (await _lesson(session, lid)).no_homework is False
    actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"lesson.work_kind", "lesson.no_homework"} <= actions


async def test_no_homework_is_refused_in_english_while_homework_is_set(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    lid = world.lesson_today.id
    session.add(Homework(school_id=world.school.id, lesson_id=lid, text="§ 5"))
    await session.commit()
    me = chat("teacher", "en")
    await me.press(DetailCb(lesson_id=lid, action="nohw").pack())
    said = [*me.answers(), *(str(m.text) for m in me.shown())]
    assert t("en", "details.no_homework_but_set") in said
    assert (await _lesson(session, lid)).no_homework is False
    # Another teacher's lesson: refused, nothing changed.
    other = chat("colleague", "en")
    await other.press(DetailCb(lesson_id=lid, action="kind", kind="test").pack())
    assert (await _lesson(session, lid)).work_kind is None


async def test_a_marks_weight_and_comment_from_its_screen(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    lid = world.lesson_today.id
    pupil = world.students[0]
    await me.press(
        MarkCb(lesson_id=lid, action="put", kind="test", student_id=pupil.id, value=4).pack()
    )
    mark = await session.scalar(select(Mark).where(Mark.lesson_id == lid))
    assert mark is not None and mark.weight == 2  # the default of a test
    await me.press(
        MarkCb(
            lesson_id=lid, action="edit", kind="test", student_id=pupil.id, mark_id=mark.id
        ).pack()
    )
    await me.press_text(t("ru", "details.btn.weight", weight=2))
    await me.press_text("5")
    assert "вес отметки 4 — 5" in me.text
    await me.press(
        MarkCb(
            lesson_id=lid, action="edit", kind="test", student_id=pupil.id, mark_id=mark.id
        ).pack()
    )
    await me.press_text(t("ru", "details.btn.comment"))
    assert "Напишите комментарий" in me.text
    await me.send("Решение <верное>, оформление небрежное")
    assert "комментарий к отметке 4 сохранён" in me.text
    await session.refresh(mark)
    assert (mark.weight, mark.comment) == (5, "Решение <верное>, оформление небрежное")
    # "-" removes it; the next message is no comment.
    await me.press(DetailCb(lesson_id=lid, action="cm", mark_id=mark.id).pack())
    await me.send("-")
    await session.refresh(mark)
    assert mark.comment is None
    entries = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "mark.details"))
    ).all()
    assert len(entries) == 3


async def test_the_admin_sets_a_weight_the_teacher_cannot(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin = chat("admin")
    await admin.press(WeightsCb().pack())
    assert t("ru", "details.weights.title") in admin.text
    await admin.press(WeightsCb(kind="control").pack())
    await admin.press_text("4")
    assert t("ru", "details.weights.saved", kind=t("ru", "teacher.kind.control"), weight=4) in (
        admin.text
    )
    row = await session.scalar(select(WorkWeight))
    assert row is not None and (row.work_kind, row.weight) == (WorkKind.CONTROL, 4)
    await chat("teacher").press(WeightsCb(kind="control", weight=9).pack())
    await session.refresh(row)
    assert row.weight == 4
