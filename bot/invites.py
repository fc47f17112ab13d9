"""Invite links per messenger for the command line (``invite``, ``create-admin``, ``demo``).

Telegram's link is ``https://t.me/<bot>?start=<token>`` (services.people.accounts.invite_link),
MAX's ``https://max.ru/<bot>?start=<token>`` (``max_invite_link`` there): the same one-time
token, so either link signs the person in, in the messenger it opens (a MAX deep-link payload
takes up to 128 characters; a token is 32). The MAX bot's username: MAX_BOT_USERNAME when set,
else the one the running bot stored after ``GET /me``, else unknown (the link is then printed
with a placeholder and a warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from maxbot.client import DEEP_LINK_LIMIT

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.config import Settings

MAX_BOT_USERNAME = "max_bot_username"
MAX_PLACEHOLDER = "schoolbot"


def max_invite_link(bot_username: str, token: str) -> str:
    from services.people.accounts import max_invite_link as link

    if len(token) > DEEP_LINK_LIMIT:
        raise ValueError("a MAX deep-link payload is at most 128 characters")
    return link(bot_username, token)


def start_token(link_or_token: str) -> str:
    """The token of an invite: the ``start`` parameter of a link, or the text itself."""
    if "://" not in link_or_token:
        return link_or_token
    found = parse_qs(urlsplit(link_or_token).query).get("start")
    return found[0] if found else ""


async def remember_max_username(
    session_factory: async_sessionmaker[AsyncSession], username: str
) -> None:
    """The running MAX bot, after GET /me: remember its username for the command line."""
    from services.tools import app_settings

    async with session_factory() as session:
        await app_settings.put(session, MAX_BOT_USERNAME, username)
        await session.commit()


@dataclass(frozen=True)
class MaxLinks:
    """How the command line prints MAX links: ``name`` (None: MAX is not configured) and
    whether it is only the placeholder."""

    name: str | None
    is_placeholder: bool = False

    def link(self, link_or_token: str) -> str | None:
        token = start_token(link_or_token)
        if self.name is None or not token:
            return None
        return max_invite_link(self.name, token)


async def max_links(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> MaxLinks:
    """MAX links when MAX is configured (MAX_BOT_TOKEN or MAX_BOT_USERNAME set)."""
    if settings.max_bot_username:
        return MaxLinks(settings.max_bot_username)
    if not settings.max_enabled:
        return MaxLinks(None)
    from services.tools import app_settings

    async with session_factory() as session:
        stored = await app_settings.get(session, MAX_BOT_USERNAME)
    if stored:
        return MaxLinks(stored)
    return MaxLinks(MAX_PLACEHOLDER, is_placeholder=True)


async def school_username(
    session_factory: async_sessionmaker[AsyncSession],
    username: str,
    *,
    school_id: int | None = None,
    school_code: str | None = None,
) -> tuple[str, str | None]:
    """The Telegram username for a school's invite links: the school's own bot's (``python -m
    bot school-bot``; its username recorded by the running bot after getMe), else ``username``
    (the default bot's). A note when the school has a bot whose username is not known yet
    (the link then names the default bot, which refuses the school's people)."""
    from sqlalchemy import select

    from services.enums import Messenger
    from services.models import School
    from services.people import bots

    async with session_factory() as session:
        if school_id is None and school_code is not None:
            school_id = await session.scalar(select(School.id).where(School.code == school_code))
        if school_id is None:
            return username, None
        own = await bots.school_bot(session, school_id, Messenger.TELEGRAM)
        if own is None:
            return username, None
        name = await bots.username_of(session, Messenger.TELEGRAM, own)
    if name:
        return name, None
    return username, f"warning: the school's bot {own} has not run yet: its username is unknown"
