"""What families and staff read in alerts: one date for a one-day notice, gender forms or
wording that needs none, «отметка» (tests render the alert and assert on the text)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from notifications import render
from notifications.worker import Worker
from services.attendance import absence_reasons
from services.models import Person
from testkit.botapi import BotAPIServer
from tests.factories import absent_today

from .conftest import FakeClock, World


def _notice(kind: str, date_from: str, date_to: str, lang: str = "ru") -> str:
    return render.render_text(
        kind,
        {
            "by": "Елена Петрова",
            "student": "Пётр Иванов",
            "class_name": "7А",
            "date_from": date_from,
            "date_to": date_to,
            "reason": "врач",
        },
        lang,
    )


def test_a_one_day_notice_shows_one_date() -> None:
    one = _notice("notice.created", "2026-12-01", "2026-12-01")
    assert "01.12.2026" in one and "01.12.2026 — 01.12.2026" not in one
    back = _notice("notice.cancelled", "2026-12-01", "2026-12-01", "en")
    assert "01.12.2026" in back and "—  01.12.2026" not in back and back.count("01.12.2026") == 1
    several = _notice("notice.created", "2026-12-01", "2026-12-03")
    assert "01.12.2026 — 03.12.2026" in several


def test_gender_forms_or_wording_that_needs_none() -> None:
    base = {"student": "Пётр Иванов", "subject": "Физика", "lesson_number": 4, "date": "2026-12-01"}
    he = render.render_text("attendance.late", {**base, "student_gender": "m"}, "ru")
    she = render.render_text("attendance.late", {**base, "student_gender": "f"}, "ru")
    unknown = render.render_text("attendance.late", base, "ru")
    assert "Пётр Иванов</b> опоздал на урок" in he
    assert "опоздала на урок" in she
    assert unknown.startswith("⏰ Опоздание на урок: <b>Пётр Иванов</b>")
    answer = {**base, "guardian": "Иван Никифоров", "class": "7А", "reason": "unknown"}
    unnamed = render.render_text("attendance.family_reason", answer, "ru")
    assert "Ответ родителя о причине отсутствия (Иван Никифоров)" in unnamed
    assert "об отсутствии Пётр" not in unnamed
    female = render.render_text(
        "attendance.family_reason", {**answer, "guardian_gender": "f"}, "ru"
    )
    assert female.startswith("📝 Иван Никифоров ответила о причине отсутствия")
    for text in (he, she, unknown, unnamed, female):
        assert "(а)" not in text


async def test_the_worker_knows_the_gender_from_the_patronymic(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    parent = await session.get(Person, w.actors["parent"].person_id)
    assert parent is not None
    parent.middle_name = "Сергеевна"
    await session.commit()
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [alert] = server.sent_to(world.chats["parent"])
    att_id = int(alert.buttons[0]["callback_data"].split(":")[1])
    await absence_reasons.record_family_reason(
        session, w.actors["parent"], att_id, "ill", now=clock()
    )
    await worker.run_once()
    [note] = server.sent_to(world.chats["class_teacher"])
    assert "Елена Иванова ответила о причине отсутствия: Пётр Иванов (7А" in note.content
