"""Calendar links: who may have one, a new one revokes the old, the link dies with the family's
access, the audit; and what the feed holds."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar_feed import feed, ics, links
from services.errors import AccessDenied
from services.models import Account, AuditEntry, FamilyCalendarLink, Guardianship

from .world import NOW, calendar_school


async def test_issue_revoke_and_the_audit(session: AsyncSession) -> None:
    w = await calendar_school(session)
    parent, child = w.actors["parent"], w.students[0]
    first = await links.issue_link(session, parent, child.id, now=NOW)
    assert links.well_formed(first)
    row = await session.scalar(select(FamilyCalendarLink))
    assert row is not None and row.token_hash == hashlib.sha256(first.encode()).hexdigest()
    assert first not in (row.token_hash, str(row.id))
    holder = await links.holder_of(session, first)
    assert holder is not None and (holder.actor.person_id, holder.student_id) == (
        w.parent.id,
        child.id,
    )
    [listed] = await links.calendar_children(session, parent)
    assert (listed.name, listed.linked_since) == ("Пётр Иванов", NOW)

    second = await links.issue_link(session, parent, child.id, now=NOW)
    assert second != first
    assert await links.holder_of(session, first) is None  # the old link is dead
    assert await links.holder_of(session, second) is not None
    assert await links.revoke_link(session, parent, child.id, now=NOW)
    assert not await links.revoke_link(session, parent, child.id, now=NOW)
    assert await links.holder_of(session, second) is None
    assert (await links.calendar_children(session, parent))[0].linked_since is None
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "family_calendar_link")
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["calendar.create", "calendar.revoke", "calendar.create", "calendar.revoke"]


async def test_who_may_hold_a_link(session: AsyncSession) -> None:
    w = await calendar_school(session)
    # a student for themself; a parent for each child of theirs
    assert await links.issue_link(session, w.actors["student"], w.students[0].id, now=NOW)
    kids = await links.calendar_children(session, w.actors["parent2"])
    assert [k.student_id for k in kids] == [w.students[1].id, w.other_student.id]
    for who, student in (
        ("parent", w.students[1]),  # another family's child
        ("trusted", w.students[0]),  # a trusted person gets no link
        ("student", w.students[1]),
        ("teacher", w.students[0]),
    ):
        with pytest.raises(AccessDenied):
            await links.issue_link(session, w.actors[who], student.id, now=NOW)
    assert await links.calendar_children(session, w.actors["trusted"]) == []


async def test_the_link_dies_with_the_familys_access(session: AsyncSession) -> None:
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    other = await links.issue_link(session, w.actors["parent2"], w.students[1].id, now=NOW)
    for bad in ("", "x" * 43, token[:-1], token + "A", token.upper()):
        if bad != token:
            assert await links.holder_of(session, bad) is None
    await session.execute(
        delete(Guardianship).where(
            Guardianship.guardian_id == w.parent.id, Guardianship.student_id == w.students[0].id
        )
    )
    await session.commit()
    assert await links.holder_of(session, token) is None
    account = await session.scalar(select(Account).where(Account.person_id == w.parent2.id))
    assert account is not None
    account.is_blocked = True
    await session.commit()
    assert await links.holder_of(session, other) is None


async def test_the_feed_of_a_parent(session: AsyncSession) -> None:
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["parent"], w.students[0].id, now=NOW)
    holder = await links.holder_of(session, token)
    assert holder is not None
    text = await feed.feed_text(session, holder, NOW)
    events = {e["UID"]: e for e in ics.events_of(text)}
    s = w.school.id

    def uid(kind: str, item: int) -> str:
        return f"{kind}-{item}-s{s}@schoolbot"

    today = events[uid("lesson", w.lesson_today.id)]
    # 9:00 Moscow is 06:00 UTC
    assert (today["DTSTART"], today["DTEND"]) == ("20261118T060000Z", "20261118T064500Z")
    assert ics.unescape_text(today["SUMMARY"]) == "2. Математика"
    tomorrow = ics.unescape_text(events[uid("lesson", w.lesson_future.id)]["DESCRIPTION"])
    assert "ДЗ: №1, №2; стр. 5" in tomorrow
    assert "ДЗ" not in ics.unescape_text(today.get("DESCRIPTION", ""))
    substituted = ics.unescape_text(events[uid("lesson", w.lesson_substituted.id)]["DESCRIPTION"])
    assert substituted.startswith("Замена: ")
    assert uid("lesson", w.lesson_subgroup.id) in events  # Пётр is in the English group
    assert uid("lesson", w.lesson_old.id) not in events  # 9 days ago: before the past week
    assert uid("lesson", w.lesson_other_class.id) not in events
    due = [e for e in events.values() if e["SUMMARY"].startswith("Сдать ДЗ")]
    assert [(e["DTSTART;VALUE=DATE"], ics.unescape_text(e["DESCRIPTION"])) for e in due] == [
        ("20261121", "ДЗ: Сочинение")
    ]
    works = [e for e in events.values() if e["UID"].startswith("work-")]
    assert [(e["DTSTART;VALUE=DATE"], ics.unescape_text(e["SUMMARY"])) for e in works] == [
        ("20261123", "Математика: контрольная работа")
    ]
    news = sorted(
        (e["DTSTART"], ics.unescape_text(e["SUMMARY"]))
        for e in events.values()
        if e["UID"].startswith("news-") and "DTSTART" in e  # the timed ones
    )
    assert news == [
        ("20261120T060000Z", "Экскурсия, музей"),
        ("20261122T140000Z", "Концерт в актовом зале"),
    ]
    all_day = [e for e in events.values() if e["SUMMARY"] == "День открытых дверей"]
    assert [(e["DTSTART;VALUE=DATE"], e["DTEND;VALUE=DATE"]) for e in all_day] == [
        ("20261124", "20261125")
    ]
    assert "SUMMARY:Экскурсия\\, музей" in ics.unfold(text)
    # the same items keep their UIDs from one fetch to the next
    again = await feed.feed_text(session, holder, NOW + dt.timedelta(hours=1))
    assert {e["UID"] for e in ics.events_of(again)} == set(events)


async def test_a_students_feed_has_the_school_news_not_the_class_events(
    session: AsyncSession,
) -> None:
    w = await calendar_school(session)
    token = await links.issue_link(session, w.actors["student"], w.students[0].id, now=NOW)
    holder = await links.holder_of(session, token)
    assert holder is not None
    text = await feed.feed_text(session, holder, NOW)
    summaries = [ics.unescape_text(e["SUMMARY"]) for e in ics.events_of(text)]
    assert "Концерт в актовом зале" in summaries and "Экскурсия, музей" not in summaries
    assert "2. Математика" in summaries
