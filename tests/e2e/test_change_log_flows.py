"""The change log in plain words end to end: the unchanged bot process against each messenger's
local Bot API server, on the data of the teacher's journal flows (tests/e2e/test_teacher_flows.py)
with a lesson of yesterday whose roll call was taken, at CLOCK_START.

The teacher corrects today's roll call (no reason asked), then yesterday's: the bot asks why,
the typed reason goes with the save. The deputy opens the lesson's change log in the office and
reads one plain line: who, whose (the student), which lesson (subject, date), before → after and
the reason; the audit row holds the reason too.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import AttendanceCode
from services.models import Attendance, AuditEntry, Lesson, utcnow
from tests.e2e.conftest import Front, start_bot
from tests.e2e.school import TZ
from tests.e2e.test_teacher_flows import DEPUTY, TEACHER, Data, Person_, build, has

pytestmark = pytest.mark.e2e

REASON = "Ученик пришёл ко второй половине урока"


async def yesterday_taken(factory: async_sessionmaker[AsyncSession], data: Data) -> Lesson:
    """7А maths of yesterday (the 3rd), its roll call taken then: Белова absent."""
    day = utcnow().astimezone(TZ).date() - dt.timedelta(days=1)
    async with factory() as s:
        today = await s.get(Lesson, data.lesson)
        assert today is not None
        lesson = Lesson(
            school_id=today.school_id,
            class_id=today.class_id,
            subject_id=today.subject_id,
            teacher_id=today.teacher_id,
            date=day,
            lesson_number=3,
            attendance_taken_at=dt.datetime.combine(day, dt.time(10, 0), TZ),
        )
        s.add(lesson)
        await s.flush()
        s.add(
            Attendance(
                school_id=today.school_id,
                lesson_id=lesson.id,
                student_id=data.students["Белова"],
                code=AttendanceCode.ABSENT,
            )
        )
        await s.commit()
        return lesson


def marked(surname: str, mark: str) -> Callable[[Any], bool]:
    """The roll call's screen with ``surname``'s button showing ``mark`` (Н, ОП)."""
    return lambda m: any(
        surname in b["text"] and f"{mark} {surname}" in b["text"] for b in m.buttons
    )


async def _roll_call(me: Person_, surname: str, mark: str) -> None:
    """One tap on ``surname`` (present → Н → ОП → present), then "save"."""
    await me.press(t("ru", "teacher.btn.attendance"))
    await me.wait(has("Нажимайте на ученика"))
    await me.press(surname)
    await me.wait(marked(surname, mark))
    await me.press(t("ru", "teacher.att.save"))


async def test_a_late_correction_asks_why_and_the_office_reads_it_in_plain_words(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    old = await yesterday_taken(session_factory, data)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        me = Person_(front, TEACHER)
        # Today: a roll call, then a correction of it the same day — no reason asked.
        await me.command("/today")
        try:
            await me.wait(has("Мои уроки"), timeout=90)  # the bot process is starting
        except TimeoutError as exc:
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc
        await me.press("2. 7А")
        await me.wait(has("Математика", "Посещаемость"))
        await _roll_call(me, "Жуков", "Н")
        await me.wait(has("Посещаемость сохранена"))
        await _roll_call(me, "Жуков", "ОП")
        saved = await me.wait(has("Посещаемость сохранена"))
        assert "причин" not in saved.content

        # Yesterday: the correction asks why; the typed reason saves it.
        await me.command("/today", f"{old.date:%d.%m}")
        await me.wait(has("Мои уроки", f"{old.date:%d.%m}"))
        await me.press("3. 7А")
        await me.wait(has("Математика", "Посещаемость"))
        await _roll_call(me, "Белова", "ОП")
        await me.wait(has(t("ru", "changes.attendance_reason_prompt")))
        await me.send(REASON)
        # The card of yesterday's lesson (today's saved card is still in the chat).
        await me.wait(has("Посещаемость сохранена", f"{old.date:%d.%m}"))
        async with session_factory() as s:
            late = await s.scalar(select(Attendance.code).where(Attendance.lesson_id == old.id))
            entries = (
                await s.scalars(
                    select(AuditEntry).where(
                        AuditEntry.action == "attendance.set",
                        AuditEntry.student_id == data.students["Белова"],
                    )
                )
            ).all()
            today_entries = (
                await s.scalars(
                    select(AuditEntry).where(
                        AuditEntry.action == "attendance.set",
                        AuditEntry.student_id == data.students["Жуков"],
                    )
                )
            ).all()
        assert late == AttendanceCode.LATE  # Белова came late after all
        assert [e.reason for e in entries] == [REASON]
        assert [e.reason for e in today_entries] == [None, None]

        # The deputy: the office, the lesson's change log, one plain line.
        dep = Person_(front, DEPUTY)
        await dep.command("/admin")
        await dep.wait(has(t("ru", "office.menu.title")))
        await dep.press(t("ru", "office.menu.aul"))
        await dep.wait(lambda m: any(b["text"] == "7А" for b in m.buttons))
        await dep.press("7А")
        await dep.wait(lambda m: any(b["text"] == f"{old.date:%d.%m}" for b in m.buttons))
        await dep.press(f"{old.date:%d.%m}")
        await dep.wait(lambda m: any("3. Математика" in b["text"] for b in m.buttons))
        await dep.press("3. Математика")
        log = await dep.wait(has("Изменения урока"))
        line = next((x for x in log.content.split("\n") if "Белова" in x), "")
        # When, who, what, whose and which lesson, before → after, why.
        assert line.endswith(
            "Учителева Ирина: посещаемость (Белова У., Математика, "
            f"{old.date:%d.%m}): Н → ОП, причина: {REASON}"
        ), log.content
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()
