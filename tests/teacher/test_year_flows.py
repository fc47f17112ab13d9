"""/yearmarks (the teacher) and /periods (the deputy) through the Dispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.periods import PeriodCb
from services.enums import FinalMarkKind
from services.errors import ValidationFailed
from services.marks import final_marks
from services.models import AuditEntry, FinalMark, StudyPeriod
from tests.factories import NOW, SchoolWorld


async def test_the_teacher_sets_year_and_exam_marks(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    s0, s1 = world.students[0].id, world.students[1].id
    teacher = world.actors["teacher"]
    args = (world.cls.id, world.math.id)
    await final_marks.set_period_marks(session, teacher, *args, world.q1.id, {s0: 5}, now=NOW)
    await final_marks.set_period_marks(
        session, teacher, *args, world.q2.id, {s0: 4, s1: 3}, now=NOW
    )
    me = chat("teacher")
    await me.send("/yearmarks")
    await me.press_text("7А · Математика")
    assert "Иванов П.: 5 4 → год <b>—</b> (5)" in me.text
    await me.press_text(t("ru", "yearmarks.fill", count=2))
    assert "Годовые отметки сохранены: новых 2" in me.text
    await me.press_text(t("ru", "yearmarks.tab", mark_kind="exam"))
    await me.press_text("Иванов П.")
    await me.press_text("4")
    assert "Экзаменационные отметки сохранены: новых 1" in me.text
    assert "экз. <b>4</b>" in me.text and "итог <b>—</b> (5)" in me.text
    stored = {
        (fm.student_id, fm.kind): fm.value
        for fm in (await session.scalars(select(FinalMark).where(FinalMark.period_id.is_(None))))
    }
    assert stored == {
        (s0, FinalMarkKind.YEAR): 5,
        (s1, FinalMarkKind.YEAR): 3,
        (s0, FinalMarkKind.EXAM): 4,
    }
    # A forged button of a parent shows nothing of the class.
    parent = chat("parent")
    await parent.press(f"t_yr:sheet:{world.cls.id}:{world.math.id}:year:0:")
    assert not any("Иванов" in str(r) for r in parent.shown())


async def test_the_deputy_closes_a_period(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    deputy = chat("deputy")
    await deputy.send("/periods")
    assert "2 четверть" in deputy.text and "🟢" in deputy.text
    await deputy.press_text(t("ru", "periods.close", name="2 четверть"))
    assert t("ru", "periods.confirm_yes") in str(deputy.markup)
    await deputy.press_text(t("ru", "periods.confirm_yes"))
    assert "🔒 Период «2 четверть» закрыт" in deputy.text
    q2 = await session.get(StudyPeriod, world.q2.id, populate_existing=True)
    assert q2 is not None and q2.is_closed
    assert await session.scalar(select(AuditEntry.id).where(AuditEntry.action == "period.close"))
    with pytest.raises(ValidationFailed):
        await final_marks.set_period_marks(
            session,
            world.actors["teacher"],
            world.cls.id,
            world.math.id,
            world.q2.id,
            {world.students[0].id: 5},
            now=NOW,
        )
    # A teacher cannot close one, even with a forged button.
    teacher = chat("teacher")
    await teacher.press(PeriodCb(action="close", period_id=world.q1.id).pack())
    q1 = await session.get(StudyPeriod, world.q1.id, populate_existing=True)
    assert q1 is not None and not q1.is_closed
