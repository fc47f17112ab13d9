"""/link: a signed-in person gets a one-time link to bind their account in the other messenger;
opening it there keeps this messenger's binding."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import Messenger, Role
from services.errors import DomainError
from services.models import AuditEntry, MessengerBinding
from services.people import accounts
from testkit.recording import RecordingBot, make_message_update
from tests.handlers.conftest import World

BOTS = {"telegram": "school_bot", "max": "school_max"}


async def test_link_offers_max_and_binding_there_keeps_telegram(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await world.signed_in(4300, Role.PARENT)
    dp["invite_bots"] = BOTS
    await dp.feed_update(bot, make_message_update(4300, "/link"))
    (sent,) = bot.session.requests_of(SendMessage)
    assert "MAX" in sent.text and "Telegram:" not in sent.text  # only the other messenger
    (row,) = sent.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert row[0].text == t("ru", "link.open", messenger="MAX")
    url = urlparse(row[0].url or "")
    assert (url.netloc, url.path) == ("max.ru", "/school_max")
    token = parse_qs(url.query)["start"][0]
    assert len(token) <= 128  # MAX drops longer deep-link payloads
    async with session_factory() as s:
        await accounts.sign_in_with_invite(
            s, token=token, messenger=Messenger.MAX, external_user_id="77", chat_id="77"
        )
        live = (
            await s.execute(
                select(MessengerBinding.messenger, MessengerBinding.external_user_id).where(
                    MessengerBinding.ended_at.is_(None)
                )
            )
        ).all()
        assert sorted((str(m), u) for m, u in live) == [("max", "77"), ("telegram", "4300")]
        actions = set((await s.scalars(select(AuditEntry.action))).all())
        assert "binding.link_issued" in actions
        # The link is spent: nobody else can bind this account with it.
        with pytest.raises(DomainError):
            await accounts.sign_in_with_invite(
                s, token=token, messenger=Messenger.MAX, external_user_id="78", chat_id="78"
            )


async def test_link_with_one_messenger_says_so_and_issues_nothing(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await world.signed_in(4301, Role.TEACHER)
    await dp.feed_update(bot, make_message_update(4301, "/link"))
    assert bot.session.sent_texts(4301) == [t("ru", "link.none")]
    async with session_factory() as s:
        actions = set((await s.scalars(select(AuditEntry.action))).all())
    assert "binding.link_issued" not in actions


async def test_a_guest_cannot_get_a_link(dp: Dispatcher, bot: RecordingBot) -> None:
    dp["invite_bots"] = BOTS
    await dp.feed_update(bot, make_message_update(4302, "/link"))
    (text,) = bot.session.sent_texts(4302)
    assert "max.ru" not in text
