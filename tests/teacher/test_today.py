"""/today, the lesson card, and the access rules of the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.teacher.actions import AttCb, DayCb, LessonCb, MarkCb
from screens.teacher.common import pack_day
from services.models import Attendance, Mark
from tests.factories import TODAY, SchoolWorld


async def test_today_lists_the_teachers_lessons(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    await me.send("/today")
    text = me.text
    assert "7А Математика" in text and "8Б Математика" in text
    assert t("ru", "teacher.day.substitute") in text  # Russian 7А, substituting the colleague
    # 10:00: the lesson on now is the 3rd (8Б); its actions are offered at once.
    assert "▶ 3." in text
    assert (
        me.button("3. 8Б") == LessonCb(lesson_id=world.lesson_other_class.id, action="open").pack()
    )
    assert LessonCb(lesson_id=world.lesson_other_class.id, action="att").pack() in dict(
        (d, x) for x, d in me.buttons()
    )
    assert "1А" not in text and "Английский" not in text


async def test_lesson_card_shows_state_and_actions(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    await me.press(LessonCb(lesson_id=world.lesson_today.id, action="open").pack())
    assert "7А · Математика" in me.text
    assert t("ru", "teacher.card.attendance_none", total=4) in me.text
    labels = [x for x, _ in me.buttons()]
    for key in ("attendance", "marks", "quick", "topic", "homework", "day"):
        assert t("ru", f"teacher.btn.{key}") in labels
    assert t("ru", "teacher.btn.unlock") not in labels


async def test_day_navigation_and_english(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher", "en")
    yesterday = TODAY - dt.timedelta(days=9)
    await me.press(DayCb(teacher_id=world.teacher.id, day=pack_day(yesterday)).pack())
    assert "My lessons" in me.text and "7А" in me.text


async def test_guest_and_parent_are_refused(chat: Any, dp: Any, bot: Any) -> None:
    from testkit.recording import make_message_update

    await dp.feed_update(bot, make_message_update(999, "/today"))
    assert bot.session.sent_texts(999) == [t("ru", "signin.required")]
    parent = chat("parent")
    await parent.send("/today")
    assert parent.text == t("ru", "error.forbidden")


async def test_another_teachers_day_is_refused(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    await me.press(DayCb(teacher_id=world.colleague.id, day=pack_day(TODAY)).pack())
    assert me.alerts() == [t("ru", "error.forbidden")]


async def test_forged_ids_are_refused_and_change_nothing(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    me = chat("teacher")
    theirs = world.lesson_colleague.id  # Russian 7А, the colleague's lesson
    student = world.students[0].id
    forged = [
        LessonCb(lesson_id=theirs, action="att"),
        AttCb(lesson_id=theirs, action="t", student_id=student),
        AttCb(lesson_id=theirs, action="save"),
        LessonCb(lesson_id=theirs, action="mk"),
        MarkCb(lesson_id=theirs, action="put", kind="answer", student_id=student, value=2),
        LessonCb(lesson_id=theirs, action="qm"),
        LessonCb(lesson_id=theirs, action="hw"),
        # own lesson, another class's student
        MarkCb(
            lesson_id=world.lesson_today.id,
            action="put",
            kind="answer",
            student_id=world.other_student.id,
            value=2,
        ),
        AttCb(lesson_id=world.lesson_today.id, action="t", student_id=world.other_student.id),
        # a lesson id that does not exist
        LessonCb(lesson_id=999_999, action="open"),
    ]
    for data in forged:
        await me.press(data.pack())
    assert me.alerts() == [t("ru", "error.forbidden")] * len(forged)
    assert await session.scalar(select(func.count()).select_from(Mark)) == 0
    assert await session.scalar(select(func.count()).select_from(Attendance)) == 0


async def test_malformed_callback_data_is_harmless(chat: Any) -> None:
    me = chat("teacher")
    await me.press("t_les:abc:open")
    await me.press("t_att:1:t")
    assert all("error" not in a for a in me.answers())


async def test_deputy_opens_a_teachers_day(chat: Any, world: SchoolWorld) -> None:
    dep = chat("deputy")
    await dep.send("/today Учителев")
    assert "Учителев И." in dep.text and "7А" in dep.text
    await dep.send("/today Никого")
    assert dep.text == t("ru", "teacher.day.no_teacher", query="Никого")
    await dep.send("/today")
    assert t("ru", "teacher.day.reader_hint") in dep.text


async def test_today_with_a_date(chat: Any, world: SchoolWorld) -> None:
    from handlers.teacher.today import parse_args

    me = chat("teacher")
    old = TODAY - dt.timedelta(days=9)
    await me.send(f"/today {old:%d.%m}")
    assert f"{old:%d.%m}" in me.text and "7А Математика" in me.text
    await me.send("/today 31.02")
    assert me.text == t("ru", "teacher.day.bad_date")
    assert parse_args("Иванова 2026-11-03", TODAY) == ("Иванова", dt.date(2026, 11, 3))
    assert parse_args("03.11.26", TODAY) == ("", dt.date(2026, 11, 3))
    assert parse_args("", TODAY) == ("", TODAY)
    # Without a year: the nearest such date (in January, "28.12" is last December).
    assert parse_args("28.12", dt.date(2027, 1, 10)) == ("", dt.date(2026, 12, 28))


async def test_day_arrows_skip_weekends_and_holidays(chat: Any, world: SchoolWorld) -> None:
    me = chat("teacher")
    teacher = world.teacher.id

    def arrows() -> tuple[str, str]:
        nav = me.markup.inline_keyboard[-1]
        return str(nav[0].callback_data), str(nav[-1].callback_data)

    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    await me.press(DayCb(teacher_id=teacher, day=pack_day(friday)).pack())
    assert arrows()[1] == DayCb(teacher_id=teacher, day=pack_day(monday)).pack()
    await me.press(DayCb(teacher_id=teacher, day=pack_day(monday)).pack())
    assert arrows()[0] == DayCb(teacher_id=teacher, day=pack_day(friday)).pack()
    # The autumn holidays (25.10–04.11) are skipped: from Thursday 05.11 back to Friday 23.10.
    await me.press(DayCb(teacher_id=teacher, day=pack_day(dt.date(2026, 11, 5))).pack())
    assert arrows()[0] == DayCb(teacher_id=teacher, day=pack_day(dt.date(2026, 10, 23))).pack()


async def test_lesson_title_does_not_repeat_the_subject_in_the_group(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    world.subgroup.name = "Английский язык, группа 1"
    await session.commit()
    me = chat("class_teacher")
    await me.press(LessonCb(lesson_id=world.lesson_subgroup.id, action="open").pack())
    assert "7А · Английский язык</b> (группа 1)" in me.text
    assert "(Английский язык" not in me.text
