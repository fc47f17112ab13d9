"""The deployment's bots: several bots of one messenger, each with its own rate budget, and the
bot each school's people use.

One Telegram bot sends about 30 messages a second; a region's morning of absence alerts does not
fit one bot, so a deployment may run several tokens (BOT_TOKEN, the default bot, and BOT_TOKENS).
A school is bound to one bot per messenger (``school_bots``; no row: the messenger's default
bot). A person signs in through their school's bot only (another bot refuses and gives the right
bot's link); the binding records the bot (``messenger_bindings.bot_id``, None: the default bot),
each bot's updates see only its own bindings, and alerts go through the binding's bot.

The running process records each bot it runs after getMe (:func:`remember_bot`), so that the
command line knows the usernames for links (``python -m bot school-bot --telegram @name``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import audit
from services.enums import Messenger
from services.errors import NotFound
from services.models import MessengerBinding, MessengerBot, School, SchoolBot, utcnow

# The workflow data key of the messengers' default bots: {"telegram": "<id>", "max": "<id>"}.
DEFAULT_BOT_IDS = "default_bot_ids"


def bot_key(bot_id: str | None, default_id: str | None) -> str | None:
    """What a binding through ``bot_id`` stores: None for the default bot (and when the
    default is unknown: a deployment of one bot)."""
    if bot_id is None or default_id is None or bot_id == default_id:
        return None
    return bot_id


@dataclass(frozen=True)
class ReceivingBot:
    """The bot an update came through, and its messenger's default bot."""

    messenger: Messenger
    bot_id: str | None = None
    default_id: str | None = None

    @classmethod
    def of(
        cls, messenger: Messenger, bot_id: object, defaults: Mapping[str, str] | None
    ) -> ReceivingBot:
        """From the update's bot id and the default bots' ids (the workflow data's
        :data:`DEFAULT_BOT_IDS`; missing: the receiving bot is the default one)."""
        default = (defaults or {}).get(messenger.value)
        return cls(
            messenger,
            None if bot_id is None else str(bot_id),
            None if default is None else str(default),
        )

    @property
    def key(self) -> str | None:
        """The ``bot_id`` of bindings made through this bot (None: the default bot)."""
        return bot_key(self.bot_id, self.default_id)

    def serves(self, school_bot: str | None) -> bool:
        """Is this the bot of a school bound to ``school_bot`` (None: the default bot)?"""
        if school_bot is not None and school_bot == self.bot_id:
            return True
        return bot_key(school_bot, self.default_id) == self.key

    def school_bot_id(self, school_bot: str | None) -> str | None:
        """The id of a school's bot (its own, or the default bot's when it has none)."""
        return school_bot if school_bot is not None else self.default_id


def through_bot(key: str | None) -> ColumnElement[bool]:
    """The condition "this binding is through the bot ``key``" (None: the default bot)."""
    column = MessengerBinding.bot_id
    return column.is_(None) if key is None else column == key


async def remember_bot(
    session_factory: async_sessionmaker[AsyncSession],
    messenger: Messenger | str,
    bot_id: str | int,
    username: str | None,
    *,
    now: dt.datetime | None = None,
) -> None:
    """The running process, after getMe: record the bot (its username for links); commits."""
    messenger = Messenger(messenger)
    now = now or utcnow()
    for _ in range(2):  # two processes starting together: the second one updates
        async with session_factory() as session:
            row = await session.scalar(
                select(MessengerBot).where(
                    MessengerBot.messenger == messenger, MessengerBot.bot_id == str(bot_id)
                )
            )
            if row is None:
                session.add(
                    MessengerBot(
                        messenger=messenger,
                        bot_id=str(bot_id),
                        username=username or None,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
            else:
                row.last_seen_at = now
                if username:
                    row.username = username
            try:
                await session.commit()
                return
            except IntegrityError:
                await session.rollback()
    raise RuntimeError("could not record the bot")  # pragma: no cover


async def known_bots(session: AsyncSession, messenger: Messenger) -> list[MessengerBot]:
    return list(
        (
            await session.scalars(
                select(MessengerBot)
                .where(MessengerBot.messenger == messenger)
                .order_by(MessengerBot.id)
            )
        ).all()
    )


async def username_of(
    session: AsyncSession, messenger: Messenger, bot_id: str | None
) -> str | None:
    """The recorded username of a bot, if the running process has seen it."""
    if bot_id is None:
        return None
    return await session.scalar(
        select(MessengerBot.username).where(
            MessengerBot.messenger == messenger, MessengerBot.bot_id == bot_id
        )
    )


async def school_bot(session: AsyncSession, school_id: int, messenger: Messenger) -> str | None:
    """The id of a school's bot in ``messenger``; None: the messenger's default bot."""
    return await session.scalar(
        select(SchoolBot.bot_id).where(
            SchoolBot.school_id == school_id, SchoolBot.messenger == messenger
        )
    )


async def school_bot_username(
    session: AsyncSession, school_id: int, messenger: Messenger = Messenger.TELEGRAM
) -> str | None:
    """The username of a school's own bot (for its invite links); None when the school uses
    the default bot or its bot's username is not known yet."""
    found = await school_bot(session, school_id, messenger)
    return await username_of(session, messenger, found)


async def invite_usernames(
    session: AsyncSession, school_id: int, usernames: Mapping[str, str]
) -> dict[str, str]:
    """The bots' usernames (by messenger) for a school's invite links: ``usernames`` (each
    messenger's default bot), with the school's own Telegram bot instead when it has one."""
    out = dict(usernames)
    own = await school_bot_username(session, school_id)
    if own is not None:
        out[Messenger.TELEGRAM.value] = own
    return out


def bot_link(messenger: Messenger, username: str, token: str | None = None) -> str:
    """The link that opens a bot (with a start token: an invite link)."""
    base = "https://max.ru" if messenger == Messenger.MAX else "https://t.me"
    return f"{base}/{username}" + (f"?start={token}" if token else "")


@dataclass(frozen=True)
class SchoolBotChange:
    school_id: int
    messenger: Messenger
    before: str | None
    after: str | None
    username: str | None
    # Live bindings through another bot: they keep working there until the person signs in
    # again (a new sign-in goes through the school's bot only).
    elsewhere: int


async def resolve_bot(
    session: AsyncSession, messenger: Messenger, ref: str
) -> tuple[str, str | None]:
    """A bot named on the command line: ``@username`` (or a bare username) of a bot the
    running process has recorded, or its numeric id. Returns (id, username)."""
    ref = ref.strip()
    if ref.lstrip("-").isdigit():
        return ref, await username_of(session, messenger, ref)
    name = ref.removeprefix("@")
    found = (
        await session.execute(
            select(MessengerBot.bot_id, MessengerBot.username).where(
                MessengerBot.messenger == messenger
            )
        )
    ).all()
    for bot_id, username in found:
        if username and username.lower() == name.lower():
            return bot_id, username
    raise NotFound("cli.bot_not_found", bot=ref)


async def set_school_bot(
    session: AsyncSession,
    school_code: str,
    messenger: Messenger,
    bot_id: str | None,
    *,
    default_id: str | None = None,
    now: dt.datetime | None = None,
) -> SchoolBotChange:
    """Bind a school to a bot of ``messenger`` (None, or the default bot's id: the default
    bot). Audited with source "cli"; commits."""
    now = now or utcnow()
    school = await session.scalar(select(School).where(School.code == school_code))
    if school is None:
        raise NotFound("cli.school_not_found", school=school_code)
    target = bot_key(bot_id, default_id) if default_id is not None else bot_id
    row = await session.get(SchoolBot, (school.id, messenger))
    before = row.bot_id if row is not None else None
    if target is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(
            SchoolBot(school_id=school.id, messenger=messenger, bot_id=target, updated_at=now)
        )
    else:
        row.bot_id = target
        row.updated_at = now
    if before != target:
        audit.record(
            session,
            actor=None,
            action="school.bot",
            entity="school",
            entity_id=school.id,
            school_id=school.id,
            before={"messenger": messenger.value, "bot_id": before},
            after={"messenger": messenger.value, "bot_id": target},
            source="cli",
        )
    await session.flush()
    stale = select(MessengerBinding.id).where(
        MessengerBinding.school_id == school.id,
        MessengerBinding.messenger == messenger,
        MessengerBinding.ended_at.is_(None),
    )
    stale = stale.where(
        MessengerBinding.bot_id.is_not(None)
        if target is None
        else (MessengerBinding.bot_id.is_(None) | (MessengerBinding.bot_id != target))
    )
    elsewhere = len((await session.scalars(stale)).all())
    username = await username_of(session, messenger, target or default_id)
    await session.commit()
    return SchoolBotChange(school.id, messenger, before, target, username, elsewhere)
