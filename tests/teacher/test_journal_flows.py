"""Attendance, marks by taps and corrections, marks by one message, topic and homework, the
rules (1st grade, future, locked lessons) and the deputy's unlock — through the Dispatcher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.teacher.actions import AttCb, DayCb, LessonCb, QuickCb, UnlockCb
from screens.teacher.common import pack_day
from services.enums import AttendanceCode, WorkKind
from services.models import (
    Attendance,
    AuditEntry,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
)
from tests.factories import TODAY, SchoolWorld, absence_notice, at, count


async def on_todays_lesson(chat: Any, world: SchoolWorld, action: str) -> tuple[Any, int]:
    """The teacher's chat, having pressed ``action`` on today's maths lesson; its id."""
    me = chat("teacher")
    lid = world.lesson_today.id
    await me.press(LessonCb(lesson_id=lid, action=action).pack())
    return me, lid


async def _codes(session: AsyncSession, lesson_id: int) -> dict[int, AttendanceCode]:
    rows = await session.execute(
        select(Attendance.student_id, Attendance.code).where(Attendance.lesson_id == lesson_id)
    )
    return {sid: code for sid, code in rows.all()}


# --------------------------------------------------------------------------- attendance


async def test_attendance_in_a_few_taps(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "open")
    s = [x.id for x in world.students]
    me.interactions = 0
    await me.press_text(t("ru", "teacher.btn.attendance"))
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[0]).pack())  # Н
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[1]).pack())  # Н
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[2]).pack())  # Н
    assert "❌ Н Иванов П." in [x for x, _ in me.buttons()]
    assert await count(session, Attendance) == 0  # nothing saved before "save"
    await me.press_text(t("ru", "teacher.att.save"))
    assert me.interactions <= 5
    assert await _codes(session, lid) == {
        s[0]: AttendanceCode.ABSENT,
        s[1]: AttendanceCode.ABSENT,
        s[2]: AttendanceCode.ABSENT,
    }
    assert t("ru", "teacher.att.saved", absent=3, late=0) in me.text
    audits = await count(session, AuditEntry, AuditEntry.action == "attendance.set")
    assert audits == 3

    # Saving the same again changes nothing; a later change is recorded.
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    assert await count(session, AuditEntry, AuditEntry.action == "attendance.set") == 3
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    assert t("ru", "teacher.att.saved_before") in me.text
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[0]).pack())  # Н → ОП
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    session.expire_all()
    assert (await _codes(session, lid))[s[0]] == AttendanceCode.LATE
    assert await count(session, AuditEntry, AuditEntry.action == "attendance.set") == 4


async def test_cycle_and_all_present(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    me, lid = await on_todays_lesson(chat, world, "att")
    s0 = world.students[0].id
    for expected in ("❌ Н", "⏰ ОП", "✅"):
        await me.press(AttCb(lesson_id=lid, action="t", student_id=s0).pack())
        assert f"{expected} Иванов П." in [x for x, _ in me.buttons()]
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s0).pack())
    await me.press(AttCb(lesson_id=lid, action="all").pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    assert await _codes(session, lid) == {}
    lesson = await session.get(Lesson, lid, populate_existing=True)
    assert lesson is not None and lesson.attendance_taken_at is not None


async def test_announced_absence_shows_and_can_be_cleared(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    s = world.students
    session.add_all([absence_notice(world, sid, "к врачу") for sid in (s[1].id, s[2].id)])
    await session.commit()
    me, lid = await on_todays_lesson(chat, world, "att")
    labels = [x for x, _ in me.buttons()]
    assert "📄 УП 📝Петрова А." in labels and "📄 УП 📝Сидоров О." in labels
    assert t("ru", "teacher.att.announced_hint") in me.text
    # Сидоров came after all: one tap makes him present.
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[2].id).pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    assert await _codes(session, lid) == {s[1].id: AttendanceCode.EXCUSED}


async def test_a_class_of_forty_pages(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    from services.models import Enrolment
    from tests.factories import person

    for n in range(40):
        p = await person(session, world.school, f"Ученик{n:02d}", "Тест")
        session.add(
            Enrolment(
                school_id=world.school.id,
                student_id=p.id,
                class_id=world.cls.id,
                arrived_on=world.year.starts_on,
            )
        )
    await session.commit()
    me, lid = await on_todays_lesson(chat, world, "att")
    assert sum(1 for _, d in me.buttons() if d.startswith("t_att:") and ":t:" in d) == 40
    assert "1/2" in [x for x, _ in me.buttons()]
    await me.press(AttCb(lesson_id=lid, action="pg", page=1).pack())
    assert sum(1 for _, d in me.buttons() if ":t:" in d) == 4
    assert all(len(d.encode()) <= 64 for _, d in me.buttons())


async def test_future_lesson_takes_no_attendance(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    await me.press(LessonCb(lesson_id=world.lesson_future.id, action="open").pack())
    assert t("ru", "teacher.card.future") in me.text
    await me.press(LessonCb(lesson_id=world.lesson_future.id, action="att").pack())
    assert me.alerts() == [t("ru", "journal.lesson_in_future", date=TODAY + dt.timedelta(days=1))]


# --------------------------------------------------------------------------- marks by taps


async def test_marks_by_taps_and_a_correction_with_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, _ = await on_todays_lesson(chat, world, "open")
    s1 = world.students[1].id
    await me.press_text(t("ru", "teacher.btn.marks"))
    await me.press_text(t("ru", "teacher.kind.control"))
    me.interactions = 0
    await me.press_text("Петрова А.")
    await me.press_text("4")
    assert me.interactions == 2  # two taps a mark once the kind is chosen
    mark = await session.scalar(select(Mark))
    assert mark is not None and (mark.student_id, mark.value, mark.work_kind) == (
        s1,
        4,
        WorkKind.CONTROL,
    )
    assert "Петрова А. 4" in [x for x, _ in me.buttons()]

    # Correction: the student → the mark → the new value → a reason.
    await me.press_text("Петрова А.")
    await me.press_text("✏️ 4")
    await me.press_text("→ 5")
    assert t("ru", "teacher.mk.what_change", value=5) in me.text
    await me.press_text(t("ru", "teacher.reason.typo"))
    session.expire_all()
    mark = await session.scalar(select(Mark))
    assert mark is not None and mark.value == 5
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "mark.change"))
    assert entry is not None and entry.reason == t("ru", "teacher.reason.typo")
    assert entry.before is not None and entry.before["value"] == 4

    # Deletion with a typed reason.
    await me.press_text("Петрова А.")
    await me.press_text("✏️ 5")
    await me.press_text(t("ru", "teacher.mk.delete"))
    await me.send("Поставлена не тому ученику")
    assert await count(session, Mark) == 0
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "mark.delete"))
    assert entry is not None and entry.reason == "Поставлена не тому ученику"
    assert t("ru", "teacher.mk.deleted", student="Петрова А.") in me.text


async def test_first_grade_refuses_marks_and_homework(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("first_teacher")
    lid = world.lesson_first.id
    await me.press(LessonCb(lesson_id=lid, action="open").pack())
    assert t("ru", "teacher.card.first_grade") in me.text
    for action in ("mk", "qm"):
        await me.press(LessonCb(lesson_id=lid, action=action).pack())
    await me.press(LessonCb(lesson_id=lid, action="hw").pack())
    assert me.alerts() == [
        t("ru", "journal.first_grade_no_marks"),
        t("ru", "journal.first_grade_no_marks"),
        t("ru", "journal.first_grade_no_homework"),
    ]
    # Attendance and the topic are fine.
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    await me.press(AttCb(lesson_id=lid, action="t", student_id=world.first_student.id).pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    assert await _codes(session, lid) == {world.first_student.id: AttendanceCode.ABSENT}


# --------------------------------------------------------------------------- one message


async def test_quick_marks_preview_then_confirm(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "qm")
    s = world.students
    assert "кр: Иванов 5, Петрова 4" in me.text  # the syntax is shown
    await me.send("Иванов 5, Петрова 4 кр, Сидоров н, Смирнва 3, Кузьмин 2")
    preview = me.text
    assert "✅ Иванов П. — 5 (отв)" in preview
    assert "✅ Петрова А. — 4 (кр)" in preview
    assert "Сидоров О. — Н (отсутствует)" in preview
    assert "опечатка" in preview  # Смирнва → Смирнова
    assert "«Кузьмин 2» — ученик не найден" in preview
    assert await count(session, Mark) == 0  # nothing before confirmation
    await me.press(QuickCb(lesson_id=lid, action="ok").pack())
    assert t("ru", "quick.saved", marks=3, absent=1) in me.text
    rows = (await session.execute(select(Mark.student_id, Mark.value, Mark.work_kind))).all()
    assert sorted(rows) == sorted(
        [
            (s[0].id, 5, WorkKind.ANSWER),
            (s[1].id, 4, WorkKind.CONTROL),
            (s[3].id, 3, WorkKind.ANSWER),
        ]
    )
    assert await _codes(session, lid) == {s[2].id: AttendanceCode.ABSENT}
    # A second tap on "save" saves nothing twice.
    await me.press(QuickCb(lesson_id=lid, action="ok").pack())
    assert me.alerts()[-1] == t("ru", "quick.expired")
    assert await count(session, Mark) == 3


async def test_quick_marks_ambiguity_is_asked(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, _ = await on_todays_lesson(chat, world, "qm")
    await me.send("кр: С 5, Петрова 4")
    assert "«С 5» — подходят несколько" in me.text
    await me.press_text("1: Смирнова Е.")
    assert "✅ Смирнова Е. — 5 (кр)" in me.text
    await me.press_text(t("ru", "quick.save", count=2).split(" (")[0])
    assert await count(session, Mark, Mark.student_id == world.students[3].id) == 1
    assert await count(session, Mark) == 2


async def test_quick_marks_retyped_replace_the_preview(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "qm")
    await me.send("Иванов 2")
    await me.send("Иванов 5")
    await me.press(QuickCb(lesson_id=lid, action="ok").pack())
    assert [m.value for m in (await session.scalars(select(Mark))).all()] == [5]


async def test_marks_typed_without_a_lesson_go_to_the_current_one(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    await me.send("Чужой 4")  # 10:00: the 3rd lesson, 8Б
    assert "8Б · Математика" in me.text and "Чужой К. — 4" in me.text
    await me.press(QuickCb(lesson_id=world.lesson_other_class.id, action="ok").pack())
    mark = await session.scalar(select(Mark))
    assert mark is not None and mark.lesson_id == world.lesson_other_class.id


async def test_a_parent_typing_marks_is_not_taken(chat: Any) -> None:
    parent = chat("parent")
    await parent.send("Иванов 5")
    # Not a mark: a parent's stray text is offered to the child's teachers (/messages).
    assert parent.text.startswith("Кому написать о ребёнке")
    assert "«Иванов 5»" in parent.text


# --------------------------------------------------------------------------- topic, homework


async def test_topic_from_the_plan_and_typed(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "topic")
    await me.press_text("1. Линейные уравнения")
    lesson = await session.get(Lesson, lid, populate_existing=True)
    assert lesson is not None and lesson.plan_item_id == world.plan_item.id
    assert "📖 Тема: Линейные уравнения" in me.text
    await me.press(LessonCb(lesson_id=lid, action="topic").pack())
    await me.send("Решение <задач>")
    session.expire_all()
    lesson = await session.get(Lesson, lid, populate_existing=True)
    assert lesson is not None and lesson.topic == "Решение <задач>"
    assert "Решение &lt;задач&gt;" in me.text


async def test_homework_with_a_file_and_for_chosen_students(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "hw")
    s = world.students
    await me.send("§ 12, № 3–5")
    await me.upload(file_id="doc-1", file_name="task.pdf", mime_type="application/pdf")
    assert t("ru", "teacher.hw.draft", files=1, who=t("ru", "teacher.hw.whole_class")) in me.text
    await me.press_text(t("ru", "teacher.hw.save"))
    hw = await session.scalar(select(Homework))
    assert hw is not None and hw.text == "§ 12, № 3–5" and hw.student_id is None
    file = await session.scalar(select(HomeworkFile))
    assert file is not None and file.file_ref == "doc-1" and file.file_name == "task.pdf"

    # Individual homework for two students.
    await me.press(LessonCb(lesson_id=lid, action="hw").pack())
    await me.press_text(t("ru", "teacher.hw.individual"))
    await me.press_text("Иванов П.")
    await me.press_text("Сидоров О.")
    await me.press_text(t("ru", "teacher.hw.done"))
    await me.send("Карточка № 7")
    await me.press_text(t("ru", "teacher.hw.save"))
    individual = (
        await session.scalars(select(Homework.student_id).where(Homework.student_id.is_not(None)))
    ).all()
    assert sorted(x for x in individual if x is not None) == sorted([s[0].id, s[2].id])


# --------------------------------------------------------------------------- locks


async def test_locked_lesson_refused_then_unlocked_by_the_deputy(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    old = world.lesson_old.id
    old_day = TODAY - dt.timedelta(days=9)
    await me.press(LessonCb(lesson_id=old, action="open").pack())
    assert "🔒" in me.text and "заместитель директора" in me.text
    await me.press(LessonCb(lesson_id=old, action="att").pack())
    assert me.alerts() == [t("ru", "journal.lesson_locked", date=old_day)]

    dep = chat("deputy")
    await dep.send("/today Учителев")
    await dep.press(DayCb(teacher_id=world.teacher.id, day=pack_day(old_day)).pack())
    await dep.press_text("2. 7А")
    assert "🔒" in dep.text
    await dep.press_text(t("ru", "teacher.btn.unlock"))
    await dep.press_text(t("ru", "teacher.unlock.reason_outage"))
    assert t("ru", "teacher.unlock.done", hours=48) in dep.text
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "lesson.unlock"))
    assert entry is not None and entry.reason == t("ru", "teacher.unlock.reason_outage")

    await me.press(LessonCb(lesson_id=old, action="att").pack())
    await me.press(AttCb(lesson_id=old, action="t", student_id=world.students[0].id).pack())
    await me.press(AttCb(lesson_id=old, action="save").pack())
    assert await _codes(session, old) == {world.students[0].id: AttendanceCode.ABSENT}


async def test_unlock_with_a_typed_reason_and_teacher_cannot_unlock(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    old = world.lesson_old.id
    me = chat("teacher")
    await me.press(UnlockCb(lesson_id=old, reason=1).pack())
    assert me.alerts() == [t("ru", "error.forbidden")]
    dep = chat("deputy")
    await dep.press(UnlockCb(lesson_id=old, reason=-1).pack())
    await dep.send("Бумажный журнал после сбоя сервера")
    lesson = await session.get(Lesson, old, populate_existing=True)
    assert lesson is not None and lesson.unlocked_until is not None


async def test_edit_window_closes_after_two_working_days(
    chat: Any, world: SchoolWorld, clock: list[dt.datetime]
) -> None:
    me = chat("teacher")
    lid = world.lesson_today.id
    clock[0] = at(TODAY + dt.timedelta(days=2), 23)  # Friday: still open
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    assert me.alerts() == []
    clock[0] = at(TODAY + dt.timedelta(days=5), 9)  # Monday after: locked
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    assert me.alerts() == [t("ru", "journal.lesson_locked", date=TODAY)]


# --------------------------------------------------------------------------- absent students, cap


async def test_quick_marks_for_absent_students_warn_and_need_the_confirmation(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "att")
    s = [x.id for x in world.students]
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[0]).pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    assert await _codes(session, lid) == {s[0]: AttendanceCode.ABSENT}
    await me.press(LessonCb(lesson_id=lid, action="qm").pack())
    # Absent before (Иванов) and absent in this very message (Сидоров).
    await me.send("Иванов 5, Петрова 4, Сидоров 3 н")
    preview = me.text
    for name in ("Иванов П.", "Сидоров О."):
        assert t("ru", "quick.line_for_absent", student=name) in preview
    assert t("ru", "quick.line_for_absent", student="Петрова А.") not in preview
    save = me.button(t("ru", "quick.save_for_absent", count=4))
    assert save == QuickCb(lesson_id=lid, action="ok", item=1).pack()
    # A plain "save" (an older preview, a forged button) saves nothing and says why.
    await me.press(QuickCb(lesson_id=lid, action="ok").pack())
    assert me.alerts()[-1] == t("ru", "journal.mark_for_absent", student="Иванов П.")
    assert await count(session, Mark) == 0
    await me.press(save)
    assert t("ru", "quick.saved", marks=3, absent=1) in me.text
    assert await count(session, Mark) == 3


async def test_quick_marks_are_capped_per_student_and_lesson(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me, lid = await on_todays_lesson(chat, world, "qm")
    s = [x.id for x in world.students]
    await me.send("Иванов " + " ".join(["5"] * 60) + ", Петрова 4 5, Петрова 3 3")
    preview = me.text
    assert len(preview) < 4096
    too_many = "quick.line_too_many"
    assert t("ru", too_many, raw="Петрова 3 3", student="Петрова А.", limit=3) in preview
    assert "❌ «Иванов 5 5 5" in preview and "Иванов П.: " in preview
    await me.press(me.button(t("ru", "quick.save", count=2)))
    assert await count(session, Mark, Mark.student_id == s[0]) == 0
    assert await count(session, Mark, Mark.student_id == s[1]) == 2
    # The marks already in the lesson count: one more for Петрова, not two.
    await me.press(LessonCb(lesson_id=lid, action="qm").pack())
    await me.send("Петрова 5 5")
    assert "❌ «Петрова 5 5»" in me.text
    await me.send("Петрова 5")
    await me.press(QuickCb(lesson_id=lid, action="ok").pack())
    assert await count(session, Mark, Mark.student_id == s[1]) == 3


async def test_marks_by_taps_for_an_absent_student_and_at_the_cap(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    from screens.teacher.actions import MarkCb

    me, lid = await on_todays_lesson(chat, world, "att")
    s = [x.id for x in world.students]
    await me.press(AttCb(lesson_id=lid, action="t", student_id=s[0]).pack())
    await me.press(AttCb(lesson_id=lid, action="save").pack())
    await me.press(MarkCb(lesson_id=lid, action="stu", kind="answer", student_id=s[0]).pack())
    assert t("ru", "teacher.mk.absent_warning", student="Иванов П.") in me.text
    put = MarkCb(lesson_id=lid, action="put", kind="answer", student_id=s[0], value=5, reason=1)
    assert put.pack() == me.button("5")
    # Without the confirmation (a forged or old button) nothing is saved.
    await me.press(
        MarkCb(lesson_id=lid, action="put", kind="answer", student_id=s[0], value=5).pack()
    )
    assert me.alerts()[-1] == t("ru", "journal.mark_for_absent", student="Иванов П.")
    assert await count(session, Mark) == 0
    await me.press(put.pack())
    assert await count(session, Mark, Mark.student_id == s[0]) == 1
    # At the school's cap the values are not offered, and a forged one is refused by name.
    for value in (5, 4, 3):
        await me.press(
            MarkCb(lesson_id=lid, action="put", kind="answer", student_id=s[1], value=value).pack()
        )
    await me.press(MarkCb(lesson_id=lid, action="stu", kind="answer", student_id=s[1]).pack())
    assert t("ru", "teacher.mk.cap_reached", student="Петрова А.", limit=3) in me.text
    assert not any(":put:" in data for _, data in me.buttons())
    await me.press(
        MarkCb(lesson_id=lid, action="put", kind="answer", student_id=s[1], value=2).pack()
    )
    assert me.alerts()[-1] == t(
        "ru", "journal.too_many_marks", student="Петрова А.", total=4, limit=3
    )
    assert await count(session, Mark, Mark.student_id == s[1]) == 3
