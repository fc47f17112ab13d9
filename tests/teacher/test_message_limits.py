"""Screens that grow with the class or with what was typed stay within Telegram's limits
(4096 UTF-16 units of visible text), checked the way Telegram parses them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.teacher.actions import LessonCb
from services.enums import Role
from services.models import Enrolment, School
from testkit.botapi.html import seen
from tests.factories import SchoolWorld, person


async def test_quick_marks_preview_of_a_whole_class_with_long_names_fits(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    """A class of 40 with long double surnames, each with three marks and a typo, and a
    message of 4,000 characters nobody can match: each preview is one message Telegram takes
    (4096 UTF-16 units of visible text), and still asks to save every mark."""
    school = await session.get(School, world.cls.school_id)
    assert school is not None
    year_start = await session.scalar(
        select(Enrolment.arrived_on).where(Enrolment.class_id == world.cls.id)
    )
    names = []
    stems = [
        a + b
        for a in ("Бел", "Вор", "Гол", "Дуб", "Жук", "Зим", "Кар", "Лес", "Мор", "Нов")
        for b in ("ов", "ин", "ак", "ем")
    ]
    for stem in stems:
        last = f"{stem}ицкая-Константинопольская"
        p = await person(session, school, last, "Александра", Role.STUDENT)
        session.add(
            Enrolment(
                school_id=school.id, student_id=p.id, class_id=world.cls.id, arrived_on=year_start
            )
        )
        names.append(last)
    await session.commit()
    me = chat("teacher")
    lid = world.lesson_today.id
    await me.press(LessonCb(lesson_id=lid, action="qm").pack())
    # a typo in each surname: the preview echoes what was typed
    await me.send("\n".join(f"{name[:-2]}{name[-1]}{name[-2]} 5 4 кр 3 ср" for name in names))
    preview = seen(me.text)
    assert preview.length <= 4096
    assert t("ru", "quick.confirm_question", marks=120, absent=0) in preview.text
    assert preview.text.count("✅") >= 20
    await me.send(" ".join(["Неизвестныйученик 5,"] * 190)[:4000])
    assert seen(me.text).length <= 4096


async def test_teacher_sees_typed_topic_homework_and_names_as_typed(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    """The teacher's own screens show what was typed or imported once escaped: parsed back,
    the lesson card holds the topic, the homework and a name with markup characters whole."""
    student = world.students[0]
    student.last_name = "Иванов <Пётр> & Ко"
    await session.commit()
    me = chat("teacher")
    lid = world.lesson_today.id
    await me.press(LessonCb(lesson_id=lid, action="topic").pack())
    await me.send("5 & 7 <b>не жирный</b> &amp;")
    card = seen(me.text)
    assert "5 & 7 <b>не жирный</b> &amp;" in card.text
    assert "не жирный" not in card.formatted("bold")
    await me.press(LessonCb(lesson_id=lid, action="hw").pack())
    await me.send("§ 12 & <i>стр.</i> 3")
    await me.press_text(t("ru", "teacher.hw.save"))
    await me.press(LessonCb(lesson_id=lid, action="open").pack())
    card = seen(me.text)
    assert "§ 12 & <i>стр.</i> 3" in card.text
    await me.press(LessonCb(lesson_id=lid, action="att").pack())
    assert "Иванов <Пётр> & Ко" in seen(me.text).text or any(
        "Иванов <Пётр>" in text for text, _data in me.buttons()
    )
