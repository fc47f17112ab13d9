"""The admin's user tools: search, card, issue, revoke, block and unblock with a reason."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import OfficeCb, UserCb
from services.enums import Messenger
from services.models import Account, AuditEntry, Invite
from services.people.identity import resolve_actor
from tests.admin.helpers import count
from tests.factories import SchoolWorld
from tests.office.conftest import Chat, open_tool


async def test_find_card_issue_revoke(chat: Any, world: SchoolWorld, session: AsyncSession) -> None:
    admin: Chat = chat("admin")
    await open_tool(admin, "find")
    await admin.send("Иванов")
    names = [text for text, _ in admin.buttons()]
    assert any("Иванов Пётр" in n for n in names) and any("Иванова Елена" in n for n in names)
    await admin.press(UserCb(action="card", id=world.students[0].id))
    card = admin.text
    assert (
        "Иванов Пётр" in card and "ученик" in card and "7А" in card and "вход не выполнен" in card
    )
    await admin.press(UserCb(action="issue", id=world.students[0].id))
    assert re.search(r"<code>[^<]+</code>", admin.text)
    assert "https://t.me/test_bot?start=" in admin.text
    assert await count(session, Invite, Invite.revoked_at.is_(None)) == 1
    await admin.press(UserCb(action="revoke", id=world.students[0].id))
    assert t("ru", "office.users.revoked") in admin.text
    assert await count(session, Invite, Invite.revoked_at.is_(None)) == 0


async def test_block_and_unblock_ask_for_a_reason(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    pid = world.parent.id
    await admin.press(UserCb(action="card", id=pid))
    assert "вход в мессенджере выполнен" in admin.text  # the parent is signed in
    await admin.press(UserCb(action="block", id=pid))
    assert "Почему блокируем" in admin.text
    await admin.send("Жалоба на <b>спам</b>")
    assert "заблокирована" in admin.text and "⛔" in admin.text
    account = await session.scalar(select(Account).where(Account.person_id == pid))
    assert account is not None and account.is_blocked
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "account.block"))
    assert entry is not None and entry.reason == "Жалоба на <b>спам</b>"
    # The blocked parent is no longer anyone to the bot.
    assert await resolve_actor(session, Messenger.TELEGRAM, str(chat("parent").user_id)) is None
    await admin.press(UserCb(action="unblock", id=pid))
    await admin.send("Разобрались")
    await session.refresh(account)
    assert not account.is_blocked


async def test_card_renders_names_escaped(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    world.parent.last_name = "<i>Хакер</i>"
    await session.commit()
    admin: Chat = chat("admin")
    await admin.press(UserCb(action="card", id=world.parent.id))
    assert "&lt;i&gt;Хакер&lt;/i&gt;" in admin.text


async def test_only_the_admin_and_only_their_school(
    chat: Any, world: SchoolWorld, other: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    for action in ("card", "issue", "revoke", "block"):
        await admin.press(UserCb(action=action, id=other.students[0].id))
    for name in ("deputy", "class_teacher", "parent"):
        user: Chat = chat(name)
        await user.press(OfficeCb(action="find"))
        await user.press(UserCb(action="issue", id=world.students[0].id))
        await user.press(UserCb(action="block", id=world.students[0].id))
    assert set(admin.alerts()) == {t("ru", "error.forbidden")}
    assert len(admin.alerts()) == 4 + 3 * 3
    assert await count(session, Invite) == 0
    assert await count(session, Account, Account.is_blocked) == 0
