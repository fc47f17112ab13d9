"""⚙️ School settings → family messages through the dispatcher: the admin sees the teachers'
working hours and the students' right, types new hours (bad ones refused with the reason and
asked again, nothing changed), switches the students' right; each change audited. Nobody
else changes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from screens.admin.actions import OfficeCb
from screens.admin.message_settings import MsgSetCb
from services.models import AuditEntry, School
from tests.factories import SchoolWorld
from tests.office.conftest import Chat


async def _school(session: AsyncSession, world: SchoolWorld) -> School:
    session.expire_all()
    school_id = world.actors["admin"].school_id
    school = await session.scalar(select(School).where(School.id == school_id))
    assert school is not None
    return school


async def _entries(session: AsyncSession) -> list[AuditEntry]:
    found = await session.scalars(
        select(AuditEntry).where(AuditEntry.action == "school.messages").order_by(AuditEntry.id)
    )
    return list(found)


async def test_the_admin_sets_the_hours_and_the_students_right(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await admin.send("/admin")
    await admin.press(OfficeCb(action="set"))
    await admin.press_text("Сообщения семей и учителей")
    text = admin.text
    assert "Рабочие часы учителей для сообщений: <b>08:00–18:00</b>" in text
    assert "Ученики могут писать учителям сами: <b>нет</b>" in text

    await admin.press_text("Изменить часы")
    assert "например 08:00–18:00. Сейчас: 08:00–18:00." in admin.text
    await admin.send("утром")
    assert "Не понял время. Напишите начало и конец так: 08:00–18:00." in admin.text
    await admin.send("25:00-26:00")
    assert "Не понял время." in admin.text
    await admin.send("18:00–08:00")
    assert "Начало рабочего времени должно быть раньше конца." in admin.text
    assert await _entries(session) == []
    await admin.send("9:00 - 17:30")
    assert "Рабочие часы учителей для сообщений: <b>09:00–17:30</b>" in admin.text
    assert "Сохранено" in admin.text or "сохран" in admin.text.lower()
    school = await _school(session, world)
    assert (school.messages_from, school.messages_to) == (dt.time(9, 0), dt.time(17, 30))
    [entry] = await _entries(session)
    assert entry.before is not None and entry.after is not None
    assert entry.before["messages_from"] != entry.after["messages_from"]
    assert entry.actor_account_id == world.actors["admin"].account_id

    await admin.press_text("Разрешить ученикам писать")
    assert "Ученики могут писать учителям сами: <b>да</b>" in admin.text
    assert (await _school(session, world)).student_messages is True
    assert len(await _entries(session)) == 2
    await admin.press_text("Запретить ученикам писать")
    assert (await _school(session, world)).student_messages is False
    assert len(await _entries(session)) == 3

    await admin.press_text("Изменить часы")
    await admin.press_text("Отменить")
    assert "Часы не изменены." in admin.text
    await admin.send("10:00-11:00")
    assert (await _school(session, world)).messages_from == dt.time(9, 0)


@pytest.mark.parametrize("who", ["deputy", "director", "teacher", "parent"])
async def test_nobody_else_changes_them(
    chat: Any, world: SchoolWorld, session: AsyncSession, who: str
) -> None:
    user: Chat = chat(who)
    await user.press(MsgSetCb(op="students", on=1))
    await user.press(MsgSetCb(op="hours"))
    await user.send("10:00-11:00")
    school = await _school(session, world)
    assert school.student_messages is False and school.messages_from == dt.time(8, 0)
    assert await _entries(session) == []
