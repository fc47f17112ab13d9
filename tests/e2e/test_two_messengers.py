"""One bot process serving Telegram and MAX at once (both tokens, both local servers), and a
parent bound in both messengers: each absence alert arrives exactly once where the parent's
choice sends it — the messenger used last by default, each of them for "all" — with an outbox
row per messenger it was delivered to."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import GuardianKind, Messenger, OutboxStatus, Role
from services.models import (
    Account,
    Guardianship,
    MessengerBinding,
    NotificationPrefs,
    OutboxMessage,
    School,
)
from tests.e2e.conftest import E2E_NOW, Front, front_env, serve, start_bot
from tests.e2e.test_absence_alert import marked_absent, release_absence_alerts
from tests.e2e.test_teacher_flows import TEACHER, Data, build
from tests.factories import person

pytestmark = pytest.mark.e2e

PARENT = 7201  # the same number in both messengers on purpose
WAIT = 60.0


async def add_parent(factory: async_sessionmaker[AsyncSession], data: Data) -> tuple[int, int]:
    """The mother of Белова and Жуков, bound in Telegram (two days ago) and MAX (an hour ago);
    her person id and school id."""
    async with factory() as s:
        school = await s.scalar(select(School).where(School.code == "e2e"))
        assert school is not None
        mother = await person(s, school, "Двоева", "Дарья", Role.PARENT)
        for child in ("Белова", "Жуков"):
            s.add(
                Guardianship(
                    school_id=school.id,
                    guardian_id=mother.id,
                    student_id=data.students[child],
                    kind=GuardianKind.PARENT,
                )
            )
        account = await s.scalar(select(Account.id).where(Account.person_id == mother.id))
        assert account is not None
        for messenger, seen in (
            (Messenger.TELEGRAM, E2E_NOW - dt.timedelta(days=2)),
            (Messenger.MAX, E2E_NOW - dt.timedelta(hours=1)),
        ):
            s.add(
                MessengerBinding(
                    school_id=school.id,
                    account_id=account,
                    messenger=messenger,
                    external_user_id=str(PARENT),
                    chat_id=str(PARENT),
                    created_at=E2E_NOW - dt.timedelta(days=30),
                    last_seen_at=seen,
                )
            )
        await s.commit()
        return mother.id, school.id


async def mark_absent(teacher: Any, surname: str, first: bool = False) -> None:
    """The teacher (in Telegram) marks ``surname`` absent on today's 7А lesson and saves."""
    await teacher.command("/today")
    day = await teacher.wait(lambda m: "Мои уроки" in m.content, timeout=90 if first else 15)
    await teacher.press_label(day, "2. 7А")
    card = await teacher.wait(lambda m: "Посещаемость" in m.content and "Математика" in m.content)
    await teacher.press_label(card, t("ru", "teacher.btn.attendance"))
    roll = await teacher.wait(lambda m: "Нажимайте на ученика" in m.content)
    await teacher.press_label(roll, surname)
    roll = await teacher.wait(marked_absent(surname))
    await teacher.press_label(roll, t("ru", "teacher.att.save"))
    await teacher.wait(lambda m: "Посещаемость сохранена" in m.content)


async def delivered(
    factory: async_sessionmaker[AsyncSession], count: int
) -> list[tuple[str | None, str]]:
    """Waits until ``count`` absence alerts are sent; (messenger, child's name) of each."""
    for _ in range(int(WAIT / 0.1)):
        async with factory() as s:
            rows = (
                await s.execute(
                    select(OutboxMessage.messenger, OutboxMessage.status, OutboxMessage.payload)
                    .where(OutboxMessage.kind == "attendance.absent")
                    .order_by(OutboxMessage.id)
                )
            ).all()
        if len(rows) >= count and all(r.status == OutboxStatus.SENT for r in rows):
            return [(r.messenger, str(r.payload.get("student_name", ""))) for r in rows]
        await asyncio.sleep(0.1)
    raise AssertionError(f"absence alerts not sent: {rows}")


def alerts(front: Front, about: str) -> list[Any]:
    return [m for m in front.sent_to(PARENT) if "отсутствует" in m.content and about in m.content]


async def test_a_parent_in_both_messengers_gets_each_alert_once_where_chosen(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with serve("telegram") as tg, serve("max") as mx:
        data = await build(session_factory, tg)  # the staff in Telegram
        mother, school = await add_parent(session_factory, data)
        for front in (tg, mx):  # her chats with the bot exist: she signed in from both
            front.user(PARENT, first_name="Дарья").open_chat()
        teacher = tg.user(TEACHER, first_name="Ирина")
        bot = await start_bot(front_env(db_url, [tg, mx]), tmp_path)
        try:
            # "last" (the default): MAX, used an hour ago, not Telegram (two days ago).
            await mark_absent(teacher, "Белова", first=True)
            await release_absence_alerts(session_factory)
            await mx.wait_for(PARENT, lambda m: "Белова" in m.content, timeout=WAIT)
            sent = await delivered(session_factory, 1)
            assert [messenger for messenger, _ in sent] == ["max"]
            assert len(alerts(mx, "Белова")) == 1 and alerts(tg, "Белова") == []

            # "all": the next alert in each messenger, once.
            async with session_factory() as s:
                s.add(NotificationPrefs(person_id=mother, school_id=school, channel="all"))
                await s.commit()
            await mark_absent(teacher, "Жуков")
            await release_absence_alerts(session_factory)
            sent = await delivered(session_factory, 3)
            assert sorted(str(m) for m, _ in sent[1:]) == ["max", "telegram"]
            assert len(alerts(mx, "Жуков")) == 1 and len(alerts(tg, "Жуков")) == 1
            assert len(alerts(mx, "Белова")) == 1 and alerts(tg, "Белова") == []
        finally:
            code = await bot.stop(signal.SIGTERM)
        assert code == 0, bot.log()
