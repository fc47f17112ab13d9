"""A parent's absence alert end to end, in each messenger: the parent signs in by the invite's
deep link, the teacher saves the roll call, the alert arrives with its buttons and the parent's
answer is saved. Then forged and mutated copies of its button (a field changed, an unknown
prefix, the longest payload the messenger carries) are refused and write nothing.

In MAX the test writes what the users saw (tests/e2e/transcript.py) under the test's tmp dir
and, when MAX_TRANSCRIPT names a path, there too."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import AttendanceCode, GuardianKind, Role
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    Guardianship,
    OutboxMessage,
    School,
)
from services.people.accounts import issue_credentials
from tests.e2e.conftest import E2E_NOW, Front, start_bot
from tests.e2e.test_teacher_flows import TEACHER, Data, build
from tests.e2e.transcript import Recorded, Transcript
from tests.factories import person

pytestmark = pytest.mark.e2e

PARENT = 7101
WAIT = 60.0  # the delivery worker on a loaded machine


async def add_parent(factory: async_sessionmaker[AsyncSession], data: Data) -> str:
    """Белова's mother, not signed in yet: the token of her invite."""
    async with factory() as s:
        school = await s.scalar(select(School).where(School.code == "e2e"))
        assert school is not None
        mother = await person(s, school, "Белова", "Мария", Role.PARENT)
        s.add(
            Guardianship(
                school_id=school.id,
                guardian_id=mother.id,
                student_id=data.students["Белова"],
                kind=GuardianKind.PARENT,
            )
        )
        account = await s.scalar(select(Account).where(Account.person_id == mother.id))
        assert account is not None
        issued = await issue_credentials(s, account, actor=None, source="cli")
        await s.commit()
        return issued.invite_token


async def release_absence_alerts(factory: async_sessionmaker[AsyncSession]) -> None:
    """The absence alerts wait ten minutes for a correction (outbox.ABSENCE_GRACE): make them
    due now rather than wait."""
    async with factory() as s:
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "attendance.absent")
            .values(not_before=E2E_NOW - dt.timedelta(hours=1))
        )
        await s.commit()


async def audit_count(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as s:
        return int(await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_absence_alert_and_forged_buttons(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    token = await add_parent(session_factory, data)
    transcript = Transcript(f"What the users see in {front.name.upper()}")
    parent = Recorded(front.user(PARENT, first_name="Мария"), "parent", transcript)
    teacher = Recorded(front.user(TEACHER, first_name="Ирина"), "teacher", transcript)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        transcript.note("The parent opens the invite link")
        await parent.start(token)
        try:
            await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=90)
        except TimeoutError as exc:  # the bot process is starting
            raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc

        transcript.note("The teacher saves the roll call: Белова and Жуков absent")
        await teacher.command("/today")
        day = await teacher.wait(lambda m: "Мои уроки" in m.content)
        await teacher.press_label(day, "2. 7А")
        card = await teacher.wait(
            lambda m: "Посещаемость" in m.content and "Математика" in m.content
        )
        await teacher.press_label(card, t("ru", "teacher.btn.attendance"))
        roll = await teacher.wait(lambda m: "Нажимайте на ученика" in m.content)
        for surname in ("Белова", "Жуков"):
            await teacher.press_label(roll, surname)
            roll = await teacher.wait(marked_absent(surname))
        await teacher.press_label(roll, t("ru", "teacher.att.save"))
        await teacher.wait(lambda m: "Посещаемость сохранена" in m.content)

        transcript.note("The parent gets the absence alert and answers it")
        await release_absence_alerts(session_factory)
        alert = await parent.wait(lambda m: "отсутствует" in m.content, timeout=WAIT)
        labels = [b["text"] for b in alert.buttons]
        assert labels == [
            t("ru", f"notify.absence.button_{r}") for r in ("ill", "excused", "unknown")
        ]
        pressed = await parent.press_label(alert, t("ru", "notify.absence.button_ill"))
        answer = await front.answer(pressed)
        transcript.answer("parent", answer.text)
        assert answer.text == t("ru", "alerts.reason_saved")
        saved = await parent.wait(lambda m: m.message_id == alert.message_id and not m.buttons)
        assert t("ru", "alerts.reason_ill") in saved.content
        if front.is_max:
            written = transcript.write(tmp_path / "max_transcript.txt", "MAX_TRANSCRIPT")
            assert all(p.read_text(encoding="utf-8") == transcript.text() for p in written)

        # Forged and mutated copies of the button: refused, nothing written.
        async with session_factory() as s:
            found = await s.execute(select(Attendance.student_id, Attendance.id))
            rows = {student: row for student, row in found.all()}
            before = await _attendance_rows(s)
        own, other = rows[data.students["Белова"]], rows[data.students["Жуков"]]
        audited = await audit_count(session_factory)
        longest = 1024 if front.is_max else 64
        forged = {
            f"abs:{other}:ill": "error.forbidden",  # another family's child
            f"abs:{own}:cured": "error.forbidden",  # a reason no button carries
            f"abs:{own}:ill:1": "error.forbidden",  # a field too many
            f"zz:{own}:ill": "fallback.stale_button",  # a prefix no screen uses
            _padded(f"abs:{own}:", longest): "error.forbidden",  # the longest payload
        }
        for payload, key in forged.items():
            assert len(payload.encode()) <= longest
            press = await parent.chat.press(saved, payload, strict=False)
            got = await front.answer(press)
            assert got.text == t("ru", key), (payload, got)
        assert await audit_count(session_factory) == audited
        async with session_factory() as s:
            assert await _attendance_rows(s) == before
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    async with session_factory() as s:
        absent = (
            await s.execute(
                select(Attendance.student_id, Attendance.code, Attendance.family_reason).where(
                    Attendance.lesson_id == data.lesson
                )
            )
        ).all()
    assert sorted(absent) == sorted(
        [
            (data.students["Белова"], AttendanceCode.ABSENT, "ill"),
            (data.students["Жуков"], AttendanceCode.ABSENT, None),
        ]
    )


def marked_absent(surname: str) -> Callable[[Any], bool]:
    return lambda m: any(surname in b["text"] and "❌" in b["text"] for b in m.buttons)


def _padded(prefix: str, size: int) -> str:
    return prefix + "9" * (size - len(prefix.encode()))


async def _attendance_rows(s: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await s.execute(
        select(
            Attendance.id,
            Attendance.code,
            Attendance.family_reason,
            Attendance.family_reason_at,
            Attendance.updated_at,
        ).order_by(Attendance.id)
    )
    return [tuple(r) for r in rows.all()]
