"""The office's student movement through the Dispatcher: from a student's card, a departure
under an order (the parent's chat told, signed out), a transfer, an arrival; bad input refused."""

from __future__ import annotations

from typing import Any

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import UserCb
from screens.admin.movement import MoveCb
from services.models import Account, Enrolment
from tests.factories import SchoolWorld
from tests.office.conftest import USERS, Chat


async def test_departure_from_the_card_ends_the_family_s_access(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    pyotr = world.students[0].id
    await admin.press(UserCb(action="card", id=pyotr))
    assert MoveCb(a="menu", p=pyotr).pack() in [
        b.callback_data for row in admin.markup.inline_keyboard for b in row
    ]
    await admin.press(MoveCb(a="menu", p=pyotr))
    assert "Класс: 7А" in admin.text
    await admin.press(MoveCb(a="leave", p=pyotr))
    assert "Выбытие: Иванов Пётр" in admin.text
    await admin.send("вчера")
    assert admin.text == t("ru", "movement.bad_details")
    await admin.send("19.11.2026; № 45-у; переезд")
    assert "Выбытие с 19.11.2026 по приказу № 45-у записано" in admin.text
    assert t("ru", "movement.not_enrolled") in admin.text
    # The parent (no other child) is told in their chat and signed out.
    told = [
        r.text
        for r in admin.bot.session.requests_of(SendMessage)
        if str(r.chat_id) == str(USERS["parent"])
    ]
    assert told == [t("ru", "login.revoked_by_school")]
    account = await session.scalar(select(Account).where(Account.person_id == world.parent.id))
    assert account is not None
    await session.refresh(account)
    assert account.is_blocked
    # Then the student comes back to another class.
    await admin.press(MoveCb(a="arrive", p=pyotr))
    await admin.press(MoveCb(a="arrive", p=pyotr, c=world.other_cls.id))
    await admin.send("30.11.2026; № 50-у")
    assert "Прибытие в 8Б с 30.11.2026 по приказу № 50-у записано" in admin.text


async def test_transfer_and_refusals(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    admin: Chat = chat("admin")
    anna = world.students[1].id
    await admin.press(MoveCb(a="to", p=anna))
    labels = [b.text for row in admin.markup.inline_keyboard for b in row]
    assert "8Б" in labels and "7А" not in labels
    await admin.press(MoveCb(a="cls", p=anna, c=world.other_cls.id))
    await admin.send("23.11.2026 № 46-у")
    assert "Перевод в 8Б с 23.11.2026 по приказу № 46-у записан" in admin.text
    stays = (await session.scalars(select(Enrolment).where(Enrolment.student_id == anna))).all()
    assert sorted((e.class_id, str(e.left_on)) for e in stays) == sorted(
        [(world.cls.id, "2026-11-23"), (world.other_cls.id, "None")]
    )
    # Not the office: nothing opens.
    deputy: Chat = chat("deputy")
    await deputy.press(MoveCb(a="leave", p=anna))
    assert "Выбытие" not in " ".join(deputy.texts())
