"""Corrections reach the family once: an absence withdrawn after its alert, homework changed
after the evening digest, a lesson cancelled — delivered over the local Bot API server."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import jobs
from notifications.worker import Worker
from services.enums import AttendanceCode, OutboxStatus, WorkKind
from services.errors import AccessDenied, ValidationFailed
from services.homework import assignments
from services.marks import marking
from services.models import AuditEntry, Lesson, NotificationPrefs, OutboxMessage
from services.timetable import cancellations
from testkit.botapi import BotAPIServer
from tests.factories import TODAY, absent_today, attendance_today
from tests.notifications.conftest import FakeClock, World, align, rows


async def test_an_absence_withdrawn_after_its_alert_reaches_the_family_once(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [alert] = server.sent_to(world.chats["parent"])
    assert "отсутствует" in alert.content
    # The teacher corrects: present after all.
    await attendance_today(session, w, {}, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [_, fix] = server.sent_to(world.chats["parent"])
    assert fix.content == (
        "✅ Отметка об отсутствии снята: Пётр Иванов, Математика, 2-й урок, 18.11.2026."
    )
    # Absent and present again: the absence alert went out once, so is its correction.
    await absent_today(session, w, sid, now=clock())
    await attendance_today(session, w, {}, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    assert len(server.sent_to(world.chats["parent"])) == 2
    # The trusted person sees marks only: told of neither.
    assert server.sent_to(world.chats["trusted"]) == []


async def test_nothing_is_told_when_the_alert_had_not_gone_out(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await absent_today(session, w, w.students[0].id, now=clock())
    clock.advance(minutes=3)
    await attendance_today(session, w, {}, now=clock())
    clock.advance(minutes=20)
    await worker.run_once()
    assert server.sent_to(world.chats["parent"]) == []
    statuses = {(r.kind, r.status) for r in await rows(session)}
    assert statuses == {("attendance.absent", OutboxStatus.CANCELLED)}


async def test_absent_turned_late_after_the_alert_says_late(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    await attendance_today(session, w, {sid: AttendanceCode.LATE}, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [_, fix] = server.sent_to(world.chats["parent"])
    assert fix.content == (
        "ℹ️ Отсутствие исправлено на опоздание: Пётр Иванов, Математика, 2-й урок, 18.11.2026."
    )


async def test_a_pending_absence_turned_late_is_sent_as_lateness(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=2)
    await attendance_today(session, w, {sid: AttendanceCode.LATE}, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [alert] = server.sent_to(world.chats["parent"])
    assert alert.content == "⏰ Опоздание на урок: Пётр Иванов, Математика, 2-й урок, 18.11.2026."


async def test_the_withdrawal_merges_with_a_pending_mark_alert(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    await absent_today(session, w, sid, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    await attendance_today(session, w, {}, now=clock())
    await marking.put_mark(
        session, w.actors["teacher"], w.lesson_today.id, sid, 5, WorkKind.TEST, now=clock()
    )
    clock.advance(minutes=11)
    await align(session, clock())
    await worker.run_once()
    [_, merged] = server.sent_to(world.chats["parent"])
    assert "Отметка об отсутствии снята" in merged.content
    assert "📚 Отметки\nПётр Иванов\n• Математика: 5" in merged.content


async def test_the_minimal_mode_withdrawal_is_brief(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    w.school.minimal_alerts = True
    session.add(w.school)
    await session.commit()
    await absent_today(session, w, w.students[0].id, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    await attendance_today(session, w, {}, now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [_, fix] = server.sent_to(world.chats["parent"])
    assert fix.content == "✅ Пётр: отметка об отсутствии снята, Математика — откройте дневник."


# --------------------------------------------------------------------------- homework


async def _opt_in(session: AsyncSession, world: World) -> None:
    w = world.w
    session.add(
        NotificationPrefs(school_id=w.school.id, person_id=w.parent.id, homework_tomorrow=True)
    )
    await session.commit()


async def test_homework_changed_after_the_digest_reaches_those_who_got_it_once(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await _opt_in(session, world)
    teacher = w.actors["teacher"]
    await assignments.set_homework(session, teacher, w.lesson_today.id, "№ 1", now=clock())
    # Before the digest: nothing extra.
    assert [r.kind for r in await rows(session)] == []
    evening = clock.advance(hours=8)
    await jobs.homework_tomorrow(session, [w.school], TODAY, evening)
    await session.commit()
    await worker.run_once()
    [digest] = server.sent_to(world.chats["parent"])
    assert "№ 1" in digest.content
    clock.advance(minutes=5)
    await assignments.set_homework(session, teacher, w.lesson_today.id, "№ 2", now=clock())
    clock.advance(minutes=2)
    # A second change the same evening replaces the pending one.
    await assignments.set_homework(session, teacher, w.lesson_today.id, "№ 3", now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    [_, fix] = server.sent_to(world.chats["parent"])
    assert fix.content == (
        "📝 Домашнее задание изменено: Математика на 19.11.2026 (Пётр Иванов): № 3"
    )
    assert server.sent_to(world.chats["parent2"]) == []  # did not opt in: got no digest
    await assignments.set_homework(session, teacher, w.lesson_today.id, "№ 4", now=clock())
    clock.advance(minutes=11)
    await worker.run_once()
    assert len(server.sent_to(world.chats["parent"])) == 2  # once per lesson and evening


# --------------------------------------------------------------------------- lessons


async def test_a_lesson_cancelled_for_tomorrow_tells_the_families_and_the_teacher(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    lid = w.lesson_future.id
    with pytest.raises(AccessDenied):
        await cancellations.cancel_lesson(session, w.actors["teacher"], lid, "x", now=clock())
    with pytest.raises(ValidationFailed) as no_reason:
        await cancellations.cancel_lesson(session, w.actors["deputy"], lid, "  ", now=clock())
    assert no_reason.value.code == "corrections.reason_required"
    told = await cancellations.cancel_lesson(
        session, w.actors["deputy"], lid, "экскурсия", now=clock()
    )
    assert told
    await worker.run_once()
    [family] = server.sent_to(world.chats["parent"])
    assert family.content == "❌ Урок отменён: Математика, 19.11.2026, 2-й урок (Пётр Иванов)."
    [teacher] = server.sent_to(world.chats["teacher"])
    assert teacher.content == (
        "❌ Ваш урок отменён: 19.11.2026, 2-й урок, 7А, Математика. Причина: экскурсия"
    )
    lesson = await session.get(Lesson, lid, populate_existing=True)
    assert lesson is not None and lesson.is_cancelled and lesson.cancel_reason == "экскурсия"
    with pytest.raises(ValidationFailed):
        await cancellations.cancel_lesson(session, w.actors["deputy"], lid, "ещё", now=clock())
    clock.advance(minutes=5)
    await cancellations.reinstate_lesson(session, w.actors["admin"], lid, now=clock())
    await worker.run_once()
    back = server.sent_to(world.chats["parent"])[-1]
    assert back.content == (
        "✅ Урок снова в расписании: Математика, 19.11.2026, 2-й урок (Пётр Иванов)."
    )
    actions = list(
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == str(lid))
            .order_by(AuditEntry.id)
        )
    )
    assert actions[-2:] == ["lesson.cancel", "lesson.reinstate"]


async def test_a_lesson_with_attendance_or_far_ahead(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await absent_today(session, w, w.students[0].id, now=clock())
    with pytest.raises(ValidationFailed) as refused:
        await cancellations.cancel_lesson(
            session, w.actors["deputy"], w.lesson_today.id, "болезнь", now=clock()
        )
    assert refused.value.code == "corrections.has_records"
    far = Lesson(
        school_id=w.school.id,
        class_id=w.cls.id,
        subject_id=w.math.id,
        teacher_id=w.teacher.id,
        date=TODAY + dt.timedelta(days=7),
        lesson_number=3,
    )
    session.add(far)
    await session.commit()
    told = await cancellations.cancel_lesson(
        session, w.actors["deputy"], far.id, "праздник", now=clock()
    )
    assert not told
    kinds = [r.kind for r in await rows(session) if r.kind.startswith("lesson.")]
    assert kinds == ["lesson.cancelled_teacher"]
    assert (
        await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.kind == "lesson.cancelled")
        )
        is None
    )


async def test_absent_again_after_the_withdrawal_went_out_is_told_again(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    sid = w.students[0].id
    parent = world.chats["parent"]

    async def absent() -> None:
        await absent_today(session, w, sid, now=clock())

    async def present() -> None:
        await attendance_today(session, w, {}, now=clock())

    async def later() -> list[str]:
        clock.advance(minutes=11)
        await worker.run_once()
        return [m.content for m in server.sent_to(parent)]

    absence = (
        "⚠️ Пётр Иванов отсутствует на уроке: Математика, 2-й урок, 18.11.2026.\n"
        "Укажите причину — её увидит классный руководитель."
    )
    withdrawn = "✅ Отметка об отсутствии снята: Пётр Иванов, Математика, 2-й урок, 18.11.2026."
    await absent()
    assert await later() == [absence]
    await present()
    assert await later() == [absence, withdrawn]
    # Absent once more: a new fact, told again; and withdrawn again.
    await absent()
    assert await later() == [absence, withdrawn, absence]
    await present()
    assert await later() == [absence, withdrawn, absence, withdrawn]
    # Within the grace window, changed back: nothing, in this generation too.
    await absent()
    clock.advance(minutes=3)
    await present()
    assert await later() == [absence, withdrawn, absence, withdrawn]
    # Absent again once the withdrawal is queued but not gone out: the family still knows
    # of the absence; neither the withdrawal nor a second absence goes out.
    await absent()
    assert len(await later()) == 5
    await present()
    clock.advance(minutes=3)
    await absent()
    assert len(await later()) == 5
    # Turned late in this generation: told as a correction, under its own key.
    await attendance_today(session, w, {sid: AttendanceCode.LATE}, now=clock())
    sent = await later()
    assert sent[-1] == (
        "ℹ️ Отсутствие исправлено на опоздание: Пётр Иванов, Математика, 2-й урок, 18.11.2026."
    )
    assert len(sent) == 6
    keys = sorted(r.dedup_key for r in await rows(session) if r.status == OutboxStatus.SENT)
    lesson = w.lesson_today.id
    stem = f"{lesson}:{sid}:{w.parent.id}"
    assert keys == sorted(
        [
            f"absence:{stem}",
            f"absence:{stem}:1",
            f"absence:{stem}:2",
            f"absence-fix:{stem}:present",
            f"absence-fix:{stem}:present:1",
            f"absence-fix:{stem}:late:2",
        ]
    )
