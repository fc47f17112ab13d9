"""Family messages on SQLite and PostgreSQL with an injected clock: who may write to whom, the
teacher's working hours, replies, closing, limits, delivered/read marks, and the office's
reading on a complaint only (audited)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import SchoolCalendar
from services.enums import OutboxStatus, Role
from services.errors import AccessDenied, ValidationFailed
from services.family_messages import complaints, reads, rules, settings, threads
from services.models import AuditEntry, FamilyMessage, OutboxMessage, TeachingAssignment
from services.people import policy
from tests.factories import MSK, NOW, at, build_school, person

WEEKDAYS = SchoolCalendar(frozenset({1, 2, 3, 4, 5}), ())
HOURS = rules.Hours(dt.time(8, 0), dt.time(18, 0))
WED = dt.date(2026, 11, 18)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return at(day, hour, minute)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (local(WED, 10), local(WED, 10)),  # within the hours: at once
        (local(WED, 7, 30), local(WED, 8)),  # before the hours: this morning
        (local(WED, 18), local(WED + dt.timedelta(days=1), 8)),  # at the end: tomorrow
        (local(WED, 23), local(WED + dt.timedelta(days=1), 8)),
        (local(dt.date(2026, 11, 20), 19), local(dt.date(2026, 11, 23), 8)),  # Fri → Mon
        (local(dt.date(2026, 11, 21), 12), local(dt.date(2026, 11, 23), 8)),  # Sat → Mon
    ],
)
def test_delivery_time_keeps_working_hours(written: dt.datetime, expected: dt.datetime) -> None:
    assert rules.delivery_time(written, MSK, WEEKDAYS, HOURS) == expected


def test_delivery_time_skips_holidays() -> None:
    holidays = SchoolCalendar(
        frozenset({1, 2, 3, 4, 5}),
        ((dt.date(2026, 11, 19), dt.date(2026, 11, 20), "holiday", "Каникулы"),),
    )
    assert rules.delivery_time(local(WED, 20), MSK, holidays, HOURS) == local(
        dt.date(2026, 11, 23), 8
    )


def test_text_and_flood_rules() -> None:
    assert rules.clean_text("  Добрый день  ", with_attachment=False) == "Добрый день"
    assert rules.clean_text("", with_attachment=True) == ""
    for bad, code in [
        ("", "threads.empty"),
        ("x" * (rules.MAX_TEXT + 1), "threads.too_long"),
        ("a\x00b", "threads.bad_text"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            rules.clean_text(bad, with_attachment=False)
        assert exc.value.code == code
    rules.check_flood(rules.PER_MINUTE - 1, rules.PER_DAY - 1)
    with pytest.raises(ValidationFailed, match="flood_minute"):
        rules.check_flood(rules.PER_MINUTE, 0)
    with pytest.raises(ValidationFailed, match="flood_day"):
        rules.check_flood(0, rules.PER_DAY)


async def _alerts(session: AsyncSession, kind: str = "thread.message") -> list[OutboxMessage]:
    return list(
        (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        ).all()
    )


async def test_parent_writes_within_hours_and_teacher_replies(session: AsyncSession) -> None:
    w = await build_school(session)
    parent, teacher = w.actors["parent"], w.actors["class_teacher"]
    sent = await threads.write_to_teacher(
        session, parent, w.students[0].id, w.class_teacher.id, "Добрый день! <b>Вопрос</b>", now=NOW
    )
    assert not sent.held and sent.deliver_at == NOW
    [alert] = await _alerts(session)
    assert alert.recipient_person_id == w.class_teacher.id
    assert alert.not_before == NOW
    assert alert.payload["text"] == "Добрый день! <b>Вопрос</b>"
    assert alert.payload["author"] == "Иванова Елена"
    assert alert.payload["child"] == "Иванов Пётр"
    assert "phone" not in alert.payload and "chat_id" not in alert.payload
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "thread.message"))
    assert entry is not None and "Вопрос" not in str(entry.after)

    later = NOW + dt.timedelta(minutes=5)
    reply = await threads.write_in_thread(
        session, teacher, sent.thread_id, "Здравствуйте!", now=later
    )
    assert not reply.held
    to_family = [a for a in await _alerts(session) if a.recipient_person_id != w.class_teacher.id]
    # Only the child's parent: not the trusted person, not another family.
    assert [a.recipient_person_id for a in to_family] == [w.parent.id]
    assert to_family[0].payload["author_role"] == "teacher"
    assert to_family[0].not_before == later


async def test_after_hours_held_until_the_next_working_morning(session: AsyncSession) -> None:
    w = await build_school(session)
    evening = local(WED, 21, 15)
    sent = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, w.teacher.id, "Поздний вопрос", now=evening
    )
    morning = local(WED + dt.timedelta(days=1), 8)
    assert sent.held and sent.deliver_at == morning
    [alert] = await _alerts(session)
    assert alert.not_before == morning
    teacher = w.actors["teacher"]
    # The teacher does not see it before the morning; the parent sees it, held.
    [item] = await reads.thread_list(session, teacher, now=evening)
    assert item.unread == 0
    view = await reads.open_thread(session, teacher, sent.thread_id, now=evening)
    assert view.messages == ()
    mine = await reads.open_thread(session, w.actors["parent"], sent.thread_id, now=evening)
    assert [m.status for m in mine.messages] == [reads.HELD]
    [item] = await reads.thread_list(session, teacher, now=morning)
    assert item.unread == 1 and item.other == "Пётр Иванов"
    view = await reads.open_thread(session, teacher, sent.thread_id, now=morning)
    assert [m.text for m in view.messages] == ["Поздний вопрос"]
    [item] = await reads.thread_list(session, teacher, now=morning)
    assert item.unread == 0


async def test_delivered_and_read_marks(session: AsyncSession) -> None:
    w = await build_school(session)
    parent = w.actors["parent"]
    sent = await threads.write_to_teacher(
        session, parent, w.students[0].id, w.teacher.id, "Вопрос", now=NOW
    )
    view = await reads.open_thread(session, parent, sent.thread_id, now=NOW)
    assert [m.status for m in view.messages] == [reads.QUEUED]
    [alert] = await _alerts(session)
    alert.status = OutboxStatus.SENT
    await session.commit()
    view = await reads.open_thread(session, parent, sent.thread_id, now=NOW)
    assert [m.status for m in view.messages] == [reads.SENT]
    await reads.open_thread(session, w.actors["teacher"], sent.thread_id, now=NOW)
    view = await reads.open_thread(session, parent, sent.thread_id, now=NOW)
    assert [m.status for m in view.messages] == [reads.READ]


async def test_who_may_write_to_whom(session: AsyncSession) -> None:
    w = await build_school(session)
    child = w.students[0].id
    # The child's teachers: maths, Russian, the class teacher (English group 1).
    for teacher in (w.teacher, w.colleague, w.class_teacher):
        await threads.write_to_teacher(
            session, w.actors["parent"], child, teacher.id, "Да", now=NOW
        )
    choices = await reads.child_teachers(session, w.actors["parent"], child, now=NOW)
    assert choices.teachers[0].name == "Классная Мария"
    assert {c.name for c in choices.teachers} == {
        "Классная Мария",
        "Учителев Иван",
        "Коллегина Ольга",
    }
    refused = [
        ("parent", child, w.first_teacher.id),  # a teacher of another class
        ("parent", w.students[1].id, w.teacher.id),  # another family's child
        ("parent2", child, w.teacher.id),
        ("trusted", child, w.teacher.id),  # a trusted person does not write
        ("student", child, w.teacher.id),  # students: off by default
        ("teacher", child, w.colleague.id),
    ]
    for who, student_id, teacher_id in refused:
        with pytest.raises(AccessDenied):
            await threads.write_to_teacher(
                session, w.actors[who], student_id, teacher_id, "Нет", now=NOW
            )


async def test_subgroup_teacher_only_for_the_group(session: AsyncSession) -> None:
    w = await build_school(session)
    group_teacher = await person(session, w.school, "Групповой", "Глеб", Role.TEACHER)
    session.add(
        TeachingAssignment(
            school_id=w.school.id,
            teacher_id=group_teacher.id,
            class_id=w.cls.id,
            subject_id=w.english.id,
            subgroup_id=w.subgroup.id,
        )
    )
    await session.commit()
    in_group = await policy.child_teacher_ids(session, w.students[0].id, w.cls, WED)
    outside = await policy.child_teacher_ids(session, w.students[2].id, w.cls, WED)
    assert group_teacher.id in in_group
    assert group_teacher.id not in outside
    assert w.class_teacher.id in outside  # the class teacher of every student of the class


async def test_students_write_when_the_school_allows_in_their_own_thread(
    session: AsyncSession,
) -> None:
    w = await build_school(session)
    await settings.set_message_settings(
        session,
        w.actors["admin"],
        start=dt.time(8, 0),
        end=dt.time(18, 0),
        students_write=True,
        now=NOW,
    )
    own = await threads.write_to_teacher(
        session, w.actors["student"], w.students[0].id, w.teacher.id, "Я сам", now=NOW
    )
    family = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, w.teacher.id, "Мама", now=NOW
    )
    assert own.thread_id != family.thread_id
    with pytest.raises(AccessDenied):
        await reads.open_thread(session, w.actors["parent"], own.thread_id, now=NOW)
    with pytest.raises(AccessDenied):
        await reads.open_thread(session, w.actors["student"], family.thread_id, now=NOW)
    reply = await threads.write_in_thread(
        session, w.actors["teacher"], own.thread_id, "Ок", now=NOW
    )
    to_student = [a for a in await _alerts(session) if a.payload["message_id"] == reply.message_id]
    assert [a.recipient_person_id for a in to_student] == [w.students[0].id]


async def test_close_and_reopen(session: AsyncSession) -> None:
    w = await build_school(session)
    parent, teacher = w.actors["parent"], w.actors["teacher"]
    sent = await threads.write_to_teacher(
        session, parent, w.students[0].id, w.teacher.id, "Вопрос", now=NOW
    )
    with pytest.raises(AccessDenied):
        await threads.set_closed(session, parent, sent.thread_id, True, now=NOW)
    await threads.set_closed(session, teacher, sent.thread_id, True, now=NOW)
    [told] = await _alerts(session, "thread.state")
    assert told.recipient_person_id == w.parent.id and told.payload["closed"] is True
    with pytest.raises(ValidationFailed, match=r"threads\.closed"):
        await threads.write_in_thread(session, parent, sent.thread_id, "Ещё", now=NOW)
    with pytest.raises(ValidationFailed, match=r"threads\.closed"):
        await threads.write_to_teacher(
            session, parent, w.students[0].id, w.teacher.id, "Ещё", now=NOW
        )
    await threads.write_in_thread(session, teacher, sent.thread_id, "Итог", now=NOW)
    view = await reads.open_thread(session, parent, sent.thread_id, now=NOW)
    assert view.closed and not view.can_write
    later = NOW + dt.timedelta(hours=1)
    await threads.set_closed(session, teacher, sent.thread_id, False, now=later)
    assert len(await _alerts(session, "thread.state")) == 2
    await threads.write_in_thread(session, parent, sent.thread_id, "Спасибо", now=later)


async def test_flood_limits(session: AsyncSession) -> None:
    w = await build_school(session)
    parent = w.actors["parent"]
    sent = await threads.write_to_teacher(
        session, parent, w.students[0].id, w.teacher.id, "1", now=NOW
    )
    for n in range(2, rules.PER_MINUTE + 1):
        await threads.write_in_thread(session, parent, sent.thread_id, str(n), now=NOW)
    with pytest.raises(ValidationFailed, match="flood_minute"):
        await threads.write_in_thread(session, parent, sent.thread_id, "ещё", now=NOW)
    # A minute later it goes; nothing of the refused one was kept.
    await threads.write_in_thread(
        session, parent, sent.thread_id, "ещё", now=NOW + dt.timedelta(minutes=2)
    )
    texts = list(await session.scalars(select(FamilyMessage.text).order_by(FamilyMessage.id)))
    assert texts == ["1", "2", "3", "4", "5", "ещё"]


async def test_threads_are_private_and_office_reads_only_on_complaint(
    session: AsyncSession,
) -> None:
    w = await build_school(session)
    other = await build_school(session, "s2")
    sent = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, w.teacher.id, "Личное", now=NOW
    )
    for who in ("colleague", "class_teacher", "parent2", "trusted", "admin", "director", "deputy"):
        with pytest.raises(AccessDenied):
            await reads.open_thread(session, w.actors[who], sent.thread_id, now=NOW)
    with pytest.raises(AccessDenied):
        await complaints.read_on_complaint(session, w.actors["deputy"], sent.thread_id, now=NOW)
    with pytest.raises(AccessDenied):
        await complaints.record_complaint(
            session,
            w.actors["teacher"],
            sent.thread_id,
            complainant="Иванова Е.",
            complained_on=WED,
            reason="грубость",
            now=NOW,
        )
    [header] = await complaints.thread_headers(session, w.actors["deputy"], w.students[0].id)
    assert header.messages == 1 and header.complaints == 0 and header.teacher == "Учителев Иван"
    await complaints.record_complaint(
        session,
        w.actors["deputy"],
        sent.thread_id,
        complainant="Иванова Елена, мать",
        complained_on=WED,
        reason="Учитель не отвечает по существу",
        now=NOW,
    )
    view = await complaints.read_on_complaint(
        session, w.actors["director"], sent.thread_id, now=NOW
    )
    assert [m.text for m in view.messages] == ["Личное"] and view.role == "office"
    await complaints.read_on_complaint(session, w.actors["admin"], sent.thread_id, now=NOW)
    readings = list(
        await session.scalars(
            select(AuditEntry.actor_name).where(AuditEntry.action == "thread.read_on_complaint")
        )
    )
    assert sorted(str(r) for r in readings) == ["Анна Админова", "Дмитрий Директоров"]
    # The other school's office, even with the id: refused like a forgery.
    with pytest.raises(AccessDenied):
        await complaints.read_on_complaint(session, other.actors["admin"], sent.thread_id, now=NOW)
    # Opening as a reader is not a participant's read mark: the parent's message stays unread.
    [item] = await reads.thread_list(session, w.actors["teacher"], now=NOW)
    assert item.unread == 1


async def test_forged_thread_ids_refused(session: AsyncSession) -> None:
    w = await build_school(session)
    other = await build_school(session, "s2")
    theirs = await threads.write_to_teacher(
        session, other.actors["parent"], other.students[0].id, other.teacher.id, "x", now=NOW
    )
    for call in (
        reads.open_thread(session, w.actors["parent"], theirs.thread_id, now=NOW),
        threads.write_in_thread(session, w.actors["teacher"], theirs.thread_id, "y", now=NOW),
        threads.set_closed(session, w.actors["teacher"], theirs.thread_id, True, now=NOW),
        reads.open_thread(session, w.actors["parent"], 2**31 - 1, now=NOW),
    ):
        with pytest.raises(AccessDenied):
            await call


async def test_working_hours_setting(session: AsyncSession) -> None:
    w = await build_school(session)
    with pytest.raises(ValidationFailed, match="bad_hours"):
        await settings.set_message_settings(
            session,
            w.actors["admin"],
            start=dt.time(18, 0),
            end=dt.time(8, 0),
            students_write=False,
            now=NOW,
        )
    with pytest.raises(AccessDenied):
        await settings.set_message_settings(
            session,
            w.actors["teacher"],
            start=dt.time(9, 0),
            end=dt.time(17, 0),
            students_write=False,
            now=NOW,
        )
    await settings.set_message_settings(
        session, w.actors["admin"], start=dt.time(9, 0), end=dt.time(17, 0), students_write=False
    )
    sent = await threads.write_to_teacher(
        session, w.actors["parent"], w.students[0].id, w.teacher.id, "x", now=local(WED, 8, 30)
    )
    assert sent.deliver_at == local(WED, 9)
    assert ZoneInfo(w.school.timezone) == MSK
