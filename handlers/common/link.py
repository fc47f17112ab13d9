"""/link: a signed-in person binds their account in the other messenger the bot runs in
(services.people.accounts.issue_link; the screen: screens/common/link.py)."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.common.gate import gate, private
from handlers.common.screens import send_screen
from handlers.common.turn import Turn
from screens.common.link import link_screen
from services.enums import Messenger
from services.people import accounts
from services.people.bots import school_bot_username


async def link_command(
    message: Message,
    turn: Turn,
    messenger: Messenger,
    bot_username: str,
    invite_bots: Mapping[str, str] | None = None,
) -> None:
    bots = dict(invite_bots or {"telegram": bot_username})
    others = {m: name for m, name in bots.items() if m != str(messenger)}
    if Messenger.TELEGRAM.value in others:
        # The school's own Telegram bot, when it has one (a deployment of several bots).
        own = await school_bot_username(turn.session, turn.me.school_id, Messenger.TELEGRAM)
        if own:
            others[Messenger.TELEGRAM.value] = own
    links: list[tuple[str, str]] = []
    if others:
        token, _expires = await accounts.issue_link(turn.session, turn.me, now=turn.now())
        links = accounts.invite_links(token, others)
    minutes = int(accounts.LINK_TTL.total_seconds() // 60)
    await send_screen(message, link_screen(turn.t, links, minutes))


def build_router() -> Router:
    router = private(Router(name=__name__))
    gate(router)
    router.message.register(link_command, Command("link"))
    return router
