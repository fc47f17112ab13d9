"""Small facts kept in the database for the whole deployment (``app_settings``).

The running bot stores its username from getMe here, so that invite links printed later by the
command line (``demo``, ``invite``, ``create-admin``) point to the real bot rather than to a
placeholder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.models import AppSetting, utcnow

BOT_USERNAME = "bot_username"
DEMO_SECRET = "demo_secret"
# What invite links use when neither BOT_USERNAME nor a stored username is known.
PLACEHOLDER_USERNAME = "schoolbot"


async def get(session: AsyncSession, key: str) -> str | None:
    return await session.scalar(select(AppSetting.value).where(AppSetting.key == key))


async def put(
    session: AsyncSession, key: str, value: str, *, now: dt.datetime | None = None
) -> None:
    """Set a value in the caller's transaction (does not commit)."""
    row = await session.get(AppSetting, key, with_for_update=True)
    if row is None:
        session.add(AppSetting(key=key, value=value, updated_at=now or utcnow()))
    elif row.value != value:
        row.value = value
        row.updated_at = now or utcnow()
    await session.flush()


async def remember_bot_username(
    session_factory: async_sessionmaker[AsyncSession], username: str
) -> None:
    """The running bot, after getMe: remember its username for the command line."""
    async with session_factory() as session:
        await put(session, BOT_USERNAME, username)
        await session.commit()


@dataclass(frozen=True)
class BotUsername:
    name: str
    # Where it came from: "setting" (BOT_USERNAME), "bot" (stored by the running bot) or
    # "placeholder" (neither: links will not reach the real bot).
    source: str

    @property
    def is_placeholder(self) -> bool:
        return self.source == "placeholder"


async def bot_username(session: AsyncSession, configured: str | None) -> BotUsername:
    """The username for invite links: BOT_USERNAME when set, else the one the running bot
    stored, else the placeholder."""
    if configured:
        return BotUsername(configured, "setting")
    stored = await get(session, BOT_USERNAME)
    if stored:
        return BotUsername(stored, "bot")
    return BotUsername(PLACEHOLDER_USERNAME, "placeholder")
