"""A MAX user through the journal's real Dispatcher: MAX updates converted (maxbot/updates.py),
handled by the same routers and middlewares as Telegram's, answered through the MAX bot
(maxbot/bridge.py) on the local MAX Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_dispatcher
from bot.config import Settings
from bot.i18n import t
from maxbot.bridge import create_max_bot
from maxbot.client import MaxClient
from maxbot.ids import MessageIds
from maxbot.updates import to_updates
from services.enums import Messenger
from testkit.maxapi import Limits, MaxAPIServer, MaxUser

TOKEN = "max-test-token-0002"
NOW = 1_764_556_200.0


@pytest.fixture
def dp(settings: Settings, session_factory: async_sessionmaker[AsyncSession]) -> Dispatcher:
    return create_dispatcher(settings, session_factory, storage=MemoryStorage())


class MaxChat:
    """The MAX side: the local server, the MAX bot, and a feeder of what users do."""

    def __init__(
        self, server: MaxAPIServer, client: MaxClient, bot: Bot, ids: MessageIds, dp: Dispatcher
    ) -> None:
        self.server, self.client, self.bot, self.ids, self.dp = server, client, bot, ids, dp
        self.next_id = 1
        self.marker: int | None = None

    async def deliver(self, forge: Callable[[dict[str, Any]], None] | None = None) -> int:
        """Feed every pending MAX update to the Dispatcher (each changed by ``forge`` first);
        the number of aiogram updates."""
        raws, self.marker = await self.client.get_updates(self.marker, poll_seconds=0)
        fed = 0
        for raw in raws:
            if forge is not None:
                forge(raw)
        for raw in raws:
            for update in to_updates(raw, self.next_id, self.ids, bot_id=self.bot.id):
                self.next_id += 1
                fed += 1
                await self.dp.feed_update(self.bot, update, messenger=Messenger.MAX)
        return fed


@pytest.fixture
async def max_chat(dp: Dispatcher) -> AsyncIterator[MaxChat]:
    limits = Limits(rate_limits=False)
    async with MaxAPIServer(
        token=TOKEN, limits=limits, clock=lambda: NOW, monotonic=lambda: 0.0
    ) as server:
        assert server.base_url is not None
        client = MaxClient(TOKEN, server.base_url)
        ids = MessageIds()
        bot = create_max_bot(client, await client.get_me(), ids)
        chat = MaxChat(server, client, bot, ids, dp)
        try:
            yield chat
        finally:
            await chat.bot.session.close()
            await client.close()


def texts(user: MaxUser) -> list[str]:
    return [m.raw_text or "" for m in user.messages()]


async def test_a_start_with_an_unknown_invite_then_help(max_chat: MaxChat) -> None:
    user = max_chat.server.user(6001, "Мария", language_code="ru")
    await user.start("no-such-invite-token")
    # bot_started: the user is reachable again, then "/start <payload>".
    assert await max_chat.deliver() == 2
    assert texts(user) == [t("ru", "signin.invite_invalid")]

    await user.command("help")
    assert await max_chat.deliver() == 1
    reply = texts(user)[-1]
    assert reply.startswith(t("ru", "help.header_guest"))
    assert t("ru", "help.footer_guest") in reply
    # Sent in MAX's HTML to the user (a dialog is addressed by the user's id).
    sends = [r for r in max_chat.server.requests if r.method == "sendMessage"]
    assert [r.params for r in sends] == [{"user_id": "6001"}, {"user_id": "6001"}]
    assert all(r.body["format"] == "html" for r in sends)


async def test_a_guest_start_offers_buttons_that_work(max_chat: MaxChat) -> None:
    user = max_chat.server.user(6002, "Пётр", language_code="en")
    await user.start()
    await max_chat.deliver()
    (greeting,) = user.messages()
    assert greeting.buttons  # the ways in, as MAX callback buttons
    callback_id = await user.press(greeting, greeting.buttons[-1]["payload"])
    assert await max_chat.deliver() == 1
    # One answer per press: none at all in MAX when it has no text (MAX needs one or the other).
    assert len(max_chat.server.callback_answers(callback_id)) <= 1
    assert len(user.messages()) == 2


async def test_a_forged_button_is_refused_once(max_chat: MaxChat) -> None:
    user = max_chat.server.user(6003, "Ольга", language_code="ru")
    await user.start()
    await max_chat.deliver()
    (greeting,) = user.messages()
    callback_id = await user.press(greeting, "ft:" + "9" * 1020, strict=False)
    assert await max_chat.deliver() == 1
    (answer,) = max_chat.server.callback_answers(callback_id)
    assert answer["notification"]
    assert len(user.messages()) == 1  # nothing else shown


@pytest.mark.parametrize("payload", [17, None, ["gs:login"], {"p": "gs:login"}, "x" * 5000])
async def test_a_press_with_a_payload_max_cannot_send_is_answered_as_stale(
    max_chat: MaxChat, payload: Any
) -> None:
    user = max_chat.server.user(6004, "Ирина", language_code="ru")
    await user.start()
    await max_chat.deliver()
    (greeting,) = user.messages()
    callback_id = await user.press(greeting, greeting.buttons[0]["payload"])

    def forge(raw: dict[str, Any]) -> None:
        raw["callback"]["payload"] = payload

    assert await max_chat.deliver(forge) == 1
    (answer,) = max_chat.server.callback_answers(callback_id)
    assert answer["notification"] == t("ru", "fallback.stale_button")
    assert len(user.messages()) == 1
