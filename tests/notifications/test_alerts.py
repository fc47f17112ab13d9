"""Family answers, mark alerts and digests, quiet hours, settings — end to end over the local
Bot API server with a fake clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.worker import Worker
from services.attendance import absence_reasons
from services.enums import AttendanceCode, OutboxStatus, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.marks import marking
from services.models import Attendance
from services.notifications import outbox
from services.notifications import prefs as notifications_prefs
from testkit.botapi import BotAPIServer
from tests.factories import MSK, TODAY, absent_today

from .conftest import FakeClock, World, align, rows


def msk(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MSK).astimezone(dt.UTC)


async def test_family_answer_reaches_class_teacher(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [alert] = server.sent_to(world.chats["parent"])
    data = alert.buttons[0]["callback_data"]
    _, att_id, reason = data.split(":")
    assert reason == "ill"

    for who in ("parent2", "trusted", "teacher"):
        with pytest.raises(AccessDenied):
            await absence_reasons.record_family_reason(session, w.actors[who], int(att_id), "ill")
    with pytest.raises(ValidationFailed):
        await absence_reasons.record_family_reason(
            session, w.actors["parent"], int(att_id), "bored"
        )

    saved = await absence_reasons.record_family_reason(
        session, w.actors["parent"], int(att_id), "ill", now=clock()
    )
    assert saved.changed and saved.notified == [w.class_teacher.id]
    again = await absence_reasons.record_family_reason(
        session, w.actors["parent"], int(att_id), "ill"
    )
    assert not again.changed
    att = await session.get(Attendance, int(att_id))
    assert att is not None
    await session.refresh(att)
    assert att.family_reason == "ill" and att.family_reason_at is not None
    assert att.code == AttendanceCode.ABSENT  # the class teacher decides the code

    await worker.run_once()
    [note] = server.sent_to(world.chats["class_teacher"])
    assert "Елена Иванова" in note.content and "Пётр Иванов" in note.content
    assert "болеет" in note.content


async def test_mark_alerts_instant_changed_deleted(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    teacher = w.actors["teacher"]
    mark = await marking.put_mark(
        session, teacher, w.lesson_today.id, w.students[0].id, 3, WorkKind.TEST, now=clock()
    )
    await align(session, clock())
    await worker.run_once()
    # the parent and the trusted person allowed to see marks
    [new] = server.sent_to(world.chats["parent"])
    assert "отметка <b>3</b>" not in new.content  # rendered, not raw HTML
    assert "отметка 3" in new.content and "самостоятельная" in new.content
    assert len(server.sent_to(world.chats["trusted"])) == 1
    clock.advance(minutes=2)
    await marking.change_mark(session, teacher, mark.id, value=4, reason="ошибка", now=clock())
    await align(session, clock())
    await worker.run_once()
    changed = server.sent_to(world.chats["parent"])[-1]
    assert "3 → 4" in changed.content and "ошибка" in changed.content
    clock.advance(minutes=2)
    await marking.delete_mark(session, teacher, mark.id, reason="не тот ученик", now=clock())
    await align(session, clock())
    await worker.run_once()
    deleted = server.sent_to(world.chats["parent"])[-1]
    assert "удалена" in deleted.content and "не тот ученик" in deleted.content
    assert len(server.sent_to(world.chats["parent"])) == 3


async def test_evening_digest_groups_by_child_and_subject(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await notifications_prefs.update_prefs(session, w.actors["parent2"], marks_mode="evening")
    teacher = w.actors["teacher"]
    m1 = await marking.put_mark(
        session, teacher, w.lesson_today.id, w.students[1].id, 5, WorkKind.ANSWER, now=clock()
    )
    await marking.put_mark(
        session,
        teacher,
        w.lesson_other_class.id,
        w.other_student.id,
        2,
        WorkKind.TEST,
        now=clock(),
    )
    await marking.change_mark(session, teacher, m1.id, value=4, reason="описка", now=clock())
    await align(session, clock())
    stats = await worker.run_once()
    assert stats.deferred == 3
    assert server.sent_to(world.chats["parent2"]) == []
    clock.set(msk(17, 59))
    assert (await worker.run_once()).claimed == 0
    clock.set(msk(18, 0))
    await worker.run_once()
    [digest] = server.sent_to(world.chats["parent2"])
    text = digest.content
    assert text.startswith("📚 Отметки")
    assert text.index("Анна Петрова") < text.index("Кирилл Чужой")
    assert "Математика: 5, 5→4 (описка)" in text
    assert "Математика: 2" in text
    assert all(r.status == OutboxStatus.SENT for r in await rows(session))
    merged = [r for r in await rows(session) if r.merged_into_id is not None]
    assert len(merged) == 2
    # a restart re-runs nothing
    clock.advance(hours=1)
    assert (await worker.run_once()).claimed == 0


async def test_hourly_digest_and_switch_back_to_instant(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await notifications_prefs.update_prefs(session, w.actors["parent"], marks_mode="hourly")
    clock.set(msk(10, 20))
    await marking.put_mark(
        session,
        w.actors["teacher"],
        w.lesson_today.id,
        w.students[0].id,
        5,
        WorkKind.ANSWER,
        now=clock(),
    )
    await align(session, clock())
    await worker.run_once()
    [row] = [r for r in await rows(session) if r.recipient_person_id == w.parent.id]
    assert row.not_before == msk(11, 0) and row.digest_group == "marks"
    await notifications_prefs.update_prefs(session, w.actors["parent"], marks_mode="instant")
    await align(session, clock())
    await worker.run_once()
    assert len(server.sent_to(world.chats["parent"])) == 1


async def test_quiet_hours_defer_and_merge(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    chat = world.chats["parent"]

    async def queue(key: str, when: dt.datetime, urgent: bool = False) -> None:
        clock.set(when)
        await outbox.enqueue(
            session,
            school_id=w.school.id,
            recipient_person_id=w.parent.id,
            kind="mark.new",
            dedup_key=key,
            payload={
                "student_id": w.students[0].id,
                "subject": f"Предмет {key}",
                "value": 5,
                "work_kind": "answer",
                "date": TODAY.isoformat(),
            },
            not_before=when,
            urgent=urgent,
        )
        await session.commit()
        await worker.run_once()

    await queue("a", msk(21, 30))
    await queue("b", msk(23, 10))
    assert server.sent_to(chat) == []
    await queue("c", msk(23, 20), urgent=True)  # urgent goes through
    assert len(server.sent_to(chat)) == 1
    clock.set(msk(7, 59, TODAY + dt.timedelta(days=1)))
    assert (await worker.run_once()).claimed == 0
    clock.set(msk(8, 0, TODAY + dt.timedelta(days=1)))
    await worker.run_once()
    msgs = server.sent_to(chat)
    assert len(msgs) == 2
    morning = msgs[1].content
    assert "тихий режим" in morning and "Предмет a" in morning and "Предмет b" in morning
    assert all(r.status == OutboxStatus.SENT for r in await rows(session))


async def test_quiet_hours_are_per_user(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await notifications_prefs.update_prefs(
        session, w.actors["parent"], quiet_from=None, quiet_to=None
    )
    await notifications_prefs.update_prefs(
        session, w.actors["parent2"], quiet_from="22:30", quiet_to="07:00"
    )
    clock.set(msk(22, 0))
    for person in (w.parent, w.parent2, w.trusted):
        await outbox.enqueue(
            session,
            school_id=w.school.id,
            recipient_person_id=person.id,
            kind="mark.new",
            dedup_key=f"q{person.id}",
            payload={"student_id": w.students[0].id, "subject": "X", "value": 4},
            not_before=clock(),
        )
    await session.commit()
    await worker.run_once()
    assert len(server.sent_to(world.chats["parent"])) == 1  # no quiet hours
    assert len(server.sent_to(world.chats["parent2"])) == 1  # quiet only from 22:30
    assert server.sent_to(world.chats["trusted"]) == []  # default 21:00-08:00


async def test_prefs_defaults_and_validation(session: AsyncSession, world: World) -> None:
    parent = world.w.actors["parent"]
    prefs = await notifications_prefs.get_prefs(session, parent)
    assert prefs == notifications_prefs.Prefs()
    assert prefs.marks_mode == "instant" and prefs.digest_time == dt.time(18, 0)
    updated = await notifications_prefs.update_prefs(
        session, parent, homework_tomorrow=True, digest_time="19:30", marks_mode="evening"
    )
    assert updated.homework_tomorrow and updated.digest_time == dt.time(19, 30)
    assert (await notifications_prefs.get_prefs(session, parent)) == updated
    bad: list[dict[str, object]] = [
        {"marks_mode": "weekly"},
        {"digest_time": "25:00"},
        {"digest_time": None},
        {"quiet_from": None},
        {"quiet_from": "08:00"},
        {"news": "yes"},
        {"colour": "red"},
    ]
    for change in bad:
        with pytest.raises(ValidationFailed):
            await notifications_prefs.update_prefs(session, parent, **change)
    assert (await notifications_prefs.get_prefs(session, parent)) == updated


async def test_disabled_kinds_are_cancelled(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await notifications_prefs.update_prefs(session, w.actors["parent"], absences=False)
    await absent_today(session, w, w.students[0].id, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    assert server.sent_to(world.chats["parent"]) == []
    assert [r.last_error for r in await rows(session)] == ["disabled in settings"]
