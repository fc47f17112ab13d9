"""Control works and dated events for families, on SQLite and PostgreSQL with an injected clock:
the diary's marks as rendered, /works (coming and past with the mark), who may see it, the
weekly summary's week ahead, and the evening-before reminder of an event."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from i18n import translator
from notifications import jobs, render
from screens.family.diary import WorksAction, diary_screen
from screens.family.works import works_screen
from services.enums import GuardianKind, NewsKind, OutboxStatus, Role, WorkKind
from services.errors import AccessDenied
from services.messages import event_reminders
from services.messages.broadcasts import broadcast_recipients
from services.messages.event_reminders import EVENT_REMINDER, reminders
from services.models import (
    ControlWork,
    Guardianship,
    Mark,
    News,
    NotificationPrefs,
    OutboxMessage,
)
from services.notifications import outbox
from services.notifications.kinds import FANOUT
from services.timetable import diary, works_reads
from tests.factories import NOW, TODAY, SchoolWorld, actor, at, build_school, maths_lesson, person

TUESDAY = TODAY + dt.timedelta(days=6)  # 24.11, the week after TODAY's (Wednesday 18.11)
SUNDAY = TODAY + dt.timedelta(days=4)  # 22.11: the weekly summary's evening
EVENT_DAY = TODAY + dt.timedelta(days=1)  # Thursday 19.11


def work(
    w: SchoolWorld, day: dt.date, *, agreed: bool = True, title: str | None = None, **other: object
) -> ControlWork:
    columns: dict[str, object] = {
        "school_id": w.school.id,
        "class_id": w.cls.id,
        "subject_id": w.math.id,
        "date": day,
        "kind": WorkKind.CONTROL,
        "title": title,
        "agreed_at": NOW if agreed else None,
    }
    return ControlWork(**(columns | other))


def event(w: SchoolWorld, when: dt.datetime, title: str, *, school: bool = False) -> News:
    return News(
        school_id=w.school.id,
        kind=NewsKind.SCHOOL_NEWS if school else NewsKind.CLASS_EVENT,
        class_id=None if school else w.cls.id,
        author_id=w.director.id if school else w.class_teacher.id,
        title=title,
        body=f"<b>{title}</b>",
        event_at=when,
    )


async def works_world(session: AsyncSession) -> SchoolWorld:
    """7А: an agreed maths control work today with Пётр's «4», an agreed one on 24.11 (titled),
    an unagreed Russian one tomorrow; a parents' meeting tomorrow at 18:00 and a school
    concert on 24.11; 8Б: an agreed work and an event of its own."""
    w = await build_school(session)
    session.add_all(
        [
            work(w, TODAY),
            work(w, TUESDAY, title="Дроби"),
            work(w, EVENT_DAY, agreed=False, subject_id=w.russian.id),
            work(w, TUESDAY, class_id=w.other_cls.id, title="Чужая"),
            maths_lesson(w, TUESDAY, 3),
            Mark(
                school_id=w.school.id,
                lesson_id=w.lesson_today.id,
                student_id=w.students[0].id,
                value=4,
                work_kind=WorkKind.CONTROL,
                weight=2,
            ),
            event(w, at(EVENT_DAY, 18), "Родительское собрание"),
            event(w, at(TUESDAY, 15, 30), "Концерт", school=True),
            News(
                school_id=w.school.id,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.other_cls.id,
                author_id=w.class_teacher.id,
                title="Собрание 8Б",
                body="Собрание 8Б",
                event_at=at(EVENT_DAY, 19),
            ),
        ]
    )
    await session.commit()
    return w


# --------------------------------------------------------------------------- the diary


async def test_the_diary_marks_the_control_work_and_the_event_as_rendered(
    session: AsyncSession,
) -> None:
    w = await works_world(session)
    parent = w.actors["parent"]
    page = await diary.diary_page(session, parent, w.students[0].id, TODAY, EVENT_DAY, NOW)
    today, tomorrow = page.days
    maths = next(lesson for lesson in today.lessons if lesson.subject_id == w.math.id)
    assert maths.control_work is not None and maths.control_work.title is None
    # the unagreed Russian work is not in anyone's diary; the meeting is on its day
    assert all(lesson.control_work is None for lesson in tomorrow.lessons)
    assert [e.title for e in tomorrow.events] == ["Родительское собрание"]

    screen = diary_screen(translator("ru"), page, week=True)
    text = "\n".join(screen.texts)
    assert "2. 09:00–09:45 <b>Математика</b>\n    📝 Контрольная работа\n" in text
    assert "Четверг, 19 ноября</b>\n📅 Родительское собрание, 18:00" in text
    assert "Собрание 8Б" not in text  # another class's event
    assert screen.rows[-1][0].text == "📝 Контрольные работы"
    assert screen.rows[-1][0].action == WorksAction(s=w.students[0].id)

    week = await diary.diary_page(
        session, parent, w.students[0].id, TUESDAY, TUESDAY, NOW + dt.timedelta(days=6)
    )
    text = "\n".join(diary_screen(translator("en"), week, week=False).texts)
    assert "📝 Test: Дроби" in text and "📅 Концерт, 15:30" in text


# --------------------------------------------------------------------------- /works


async def test_works_coming_by_date_and_past_with_the_mark(session: AsyncSession) -> None:
    w = await works_world(session)
    later = NOW + dt.timedelta(days=1)  # Thursday: today's work is past
    page = await works_reads.works_page(session, w.actors["parent"], w.students[0].id, later)
    assert [(x.date, x.marks) for x in page.past] == [(TODAY, (4,))]
    assert [(x.date, x.title) for x in page.coming] == [(TUESDAY, "Дроби")]
    text = "\n".join(works_screen(translator("ru"), page).texts)
    assert text.endswith(
        "📝 <b>Контрольные работы</b> — 2 четверть (5 ноября – 27 декабря)\n\n"
        "<b>Впереди:</b>\n"
        "• вт 24.11 — Математика, контрольная работа «Дроби»\n\n"
        "<b>Прошли:</b>\n"
        "• ср 18.11 — Математика, контрольная работа — 4"
    )
    # Анна (students[1]) has no mark for it yet: said so
    other = await works_reads.works_page(session, w.actors["parent2"], w.students[1].id, later)
    assert "• ср 18.11 — Математика, контрольная работа — отметки нет" in "\n".join(
        works_screen(translator("ru"), other).texts
    )


async def test_who_sees_the_works(session: AsyncSession) -> None:
    w = await works_world(session)
    s0 = w.students[0].id
    # another family's child: refused like a forged id
    with pytest.raises(AccessDenied):
        await works_reads.works_page(session, w.actors["parent2"], s0, NOW)
    # the student themselves
    own = await works_reads.works_page(session, w.actors["student"], s0, NOW)
    assert [x.date for x in own.coming] == [TODAY, TUESDAY]
    # a trusted person allowed marks: the works with the marks
    trusted = await works_reads.works_page(session, w.actors["trusted"], s0, NOW)
    assert trusted.show_marks and len(trusted.coming) == 2
    # a trusted person allowed homework only: the works without marks; attendance only: refused
    for scopes, sees_marks in ((["homework"], False), (["attendance"], None)):
        p = await person(session, w.school, "Доверенная", "Ольга", Role.TRUSTED)
        session.add(
            Guardianship(
                school_id=w.school.id,
                guardian_id=p.id,
                student_id=s0,
                kind=GuardianKind.TRUSTED,
                permissions=scopes,
                granted_by_id=w.parent.id,
            )
        )
        await session.commit()
        reader = await actor(session, p)
        if sees_marks is None:
            with pytest.raises(AccessDenied):
                await works_reads.works_page(session, reader, s0, NOW)
            page = await diary.diary_page(session, reader, s0, TODAY, TODAY, NOW)
            assert all(lesson.control_work is None for lesson in page.days[0].lessons)
        else:
            page_w = await works_reads.works_page(session, reader, s0, NOW)
            assert not page_w.show_marks
            assert "отметки нет" not in "\n".join(works_screen(translator("ru"), page_w).texts)


# --------------------------------------------------------------------------- weekly summary


async def test_the_weekly_summary_tells_the_week_ahead(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    w = await works_world(session)
    await jobs.weekly_summary(session, [w.school], SUNDAY, at(SUNDAY, 18))
    await session.commit()
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "summary.weekly",
            OutboxMessage.recipient_person_id == w.parent.id,
        )
    )
    assert row is not None
    (child,) = row.payload["children"]
    assert child["ahead"] == [  # by date, a day's works before its events
        {"date": "2026-11-24", "subject": "Математика", "kind": "control", "title": "Дроби"},
        {"date": "2026-11-24", "time": "15:30", "title": "Концерт"},
    ]
    text = render.render_text("summary.weekly", row.payload, "ru")
    assert text.endswith(
        "На следующей неделе:\n"
        "• вт 24.11 — Математика, контрольная работа «Дроби»\n"
        "• вт 24.11, 15:30 — 📅 Концерт"
    )
    # the fan-out's chunk builds the same week ahead (one statement more per chunk, not per family)
    made, _ = await jobs.expand(
        session, w.school.id, {"kind": "summary.weekly", "day": SUNDAY.isoformat()}, 1
    )
    assert made[0]["payload"]["children"][0]["ahead"] == child["ahead"]


# --------------------------------------------------------------------------- the reminder

SPEC = next(s for s in jobs.JOBS if s.name == "event_reminder")


async def _reminders(
    session_factory: async_sessionmaker[AsyncSession],
) -> list[tuple[int | None, str, dict[str, object]]]:
    async with session_factory() as s:
        rows = await s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == EVENT_REMINDER.name)
            .order_by(OutboxMessage.id)
        )
        return [(r.recipient_person_id, r.dedup_key, r.payload) for r in rows]


async def _fanouts(
    session_factory: async_sessionmaker[AsyncSession],
) -> list[tuple[int, str, OutboxStatus]]:
    async with session_factory() as s:
        rows = await s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == FANOUT).order_by(OutboxMessage.id)
        )
        return [(r.school_id, r.dedup_key, r.status) for r in rows]


async def _expand(session_factory: async_sessionmaker[AsyncSession], limit: int = 1) -> int:
    """What the delivery worker does with the pending fan-out rows (notifications/worker.py
    ``_expand``): ``jobs.expand`` step by step (``limit`` recipients a step), each step's rows
    queued, the fan-out row done at the end. The steps made."""
    steps = 0
    async with session_factory() as s:
        pending = (
            await s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == FANOUT, OutboxMessage.status == OutboxStatus.PENDING
                )
            )
        ).all()
        for row in pending:
            payload = dict(row.payload)
            while True:
                made, cursor = await jobs.expand(s, row.school_id, payload, limit)
                await outbox.enqueue_many(s, made, not_before=NOW)
                steps += 1
                payload["after"] = cursor
                if cursor is None:
                    break
            row.status = OutboxStatus.SENT
        await s.commit()
    return steps


async def test_the_evening_before_an_event_its_recipients_are_reminded_once(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    w = await works_world(session)
    # Two evenings before, and the morning of the day before: nothing yet.
    await jobs.run_due(session_factory, at(TODAY - dt.timedelta(days=1), 18, 40), "t", (SPEC,))
    await jobs.run_due(session_factory, at(TODAY, 9), "t", (SPEC,))
    assert await _fanouts(session_factory) == []
    assert await _reminders(session_factory) == []
    # The evening before (18:30 school time): one fan-out row for the school, no person's row
    # yet; the worker expands it into the parents of 7А's students, once each.
    await jobs.run_due(session_factory, at(TODAY, 18, 35), "t", (SPEC,))
    assert await _fanouts(session_factory) == [
        (w.school.id, f"fanout:event:{EVENT_DAY.isoformat()}:{w.school.id}", OutboxStatus.PENDING)
    ]
    assert await _reminders(session_factory) == []
    assert await _expand(session_factory) == 2  # a recipient a step: parent, parent2
    rows = await _reminders(session_factory)
    assert sorted(pid for pid, _, _ in rows if pid is not None) == sorted(
        [w.parent.id, w.parent2.id, w.parent2.id]
    )  # 7А's meeting for Пётр's and Анна's parents; 8Б's meeting for Кирилл's (parent2)
    meeting = [r for r in rows if r[2].get("class") == "7А"]
    assert {pid for pid, _, _ in meeting} == {w.parent.id, w.parent2.id}
    assert render.render_text(EVENT_REMINDER.name, meeting[0][2], "ru") == (
        "📅 <b>Завтра, чт 19.11, в 18:00</b> (7А): Родительское собрание"
    )
    assert {key for _, key, _ in rows} == {
        f"event:{news_id}:{EVENT_DAY.isoformat()}:{pid}"
        for pid, _, payload in rows
        for news_id in [payload["news_id"]]
    }
    # A later tick of the same evening, another process, the next evening: nothing more.
    await jobs.run_due(session_factory, at(TODAY, 20), "t", (SPEC,))
    await jobs.run_due(session_factory, at(TODAY, 18, 35), "other", (SPEC,))
    await jobs.run_due(session_factory, at(EVENT_DAY, 18, 35), "t", (SPEC,))
    assert len(await _fanouts(session_factory)) == 1
    assert await _expand(session_factory) == 0
    assert len(await _reminders(session_factory)) == 3
    # The same evening's rows queued again (a step done twice, the old per-person job re-run):
    # the dedup keys are the same, so nothing is added.
    async with session_factory() as s:
        again, _ = await jobs.expand(
            s, w.school.id, {"kind": EVENT_REMINDER.name, "day": TODAY.isoformat()}, 10
        )
        assert len(again) == 3
        await outbox.enqueue_many(s, again, not_before=NOW)
        assert await event_reminders.run(s, [w.school], TODAY, NOW) == {w.school.id: 3}
        await s.commit()
    assert len(await _reminders(session_factory)) == 3


async def test_the_reminder_follows_the_broadcasts_recipients_and_the_settings(
    session: AsyncSession,
) -> None:
    w = await works_world(session)
    monday = TUESDAY - dt.timedelta(days=1)
    alerts, cursor = await reminders(session, [w.school], monday)
    assert cursor is None
    concert = {row["recipient_person_id"] for row in alerts[w.school.id]}
    expected = await broadcast_recipients(session, w.school, None, today=monday)
    assert concert == expected - {w.director.id}
    assert w.students[0].id in concert and w.teacher.id in concert
    # the fan-out's steps (3 people a step) make the same rows, each once, in id order
    steps: list[list[int]] = []
    after: int | None = None
    while True:
        chunk, after = await reminders(session, [w.school], monday, after=after, limit=3)
        steps.append([row["recipient_person_id"] for row in chunk.get(w.school.id, [])])
        if after is None:
            break
    assert [pid for step in steps for pid in step] == sorted(concert)
    assert all(len(step) == 3 for step in steps[:-1]) and 0 < len(steps[-1]) <= 3
    assert len(steps) > 1
    # news or reminders turned off: the row is cancelled when it is sent
    row = alerts[w.school.id][0]
    payload = EVENT_REMINDER.read(row["payload"])
    assert (
        EVENT_REMINDER.cancel_reason(payload, NotificationPrefs(news=True, reminders=True)) is None
    )
    for off in ({"news": False, "reminders": True}, {"news": True, "reminders": False}):
        assert EVENT_REMINDER.cancel_reason(payload, NotificationPrefs(**off)) is not None
