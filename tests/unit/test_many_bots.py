"""Many bots of one messenger, on a real database (SQLite and PostgreSQL): the bots table, a
school's bot, sign-in through the school's bot only, identity per bot."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.enums import Messenger
from services.errors import DomainError, NotFound
from services.models import (
    Account,
    AuditEntry,
    Invite,
    MessengerBot,
    Person,
    School,
    SchoolBot,
)
from services.people import accounts, bots
from services.people.bots import ReceivingBot
from services.people.identity import resolve_actor
from tests.factories import NOW, SchoolWorld, build_school

TG = Messenger.TELEGRAM
DEFAULTS = {"telegram": "111"}
ON_A = ReceivingBot.of(TG, 111, DEFAULTS)
ON_B = ReceivingBot.of(TG, 222, DEFAULTS)


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


def factory_of(session: AsyncSession) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(session.bind, expire_on_commit=False)


async def invite(session: AsyncSession, world: SchoolWorld) -> str:
    account = await session.scalar(select(Account).where(Account.person_id == world.parent.id))
    assert account is not None
    creds = await accounts.issue_credentials(session, account, actor=world.actors["admin"], now=NOW)
    await session.commit()
    return creds.invite_token


async def test_remember_bot_records_and_updates(session: AsyncSession) -> None:
    later = NOW + dt.timedelta(days=1)
    await bots.remember_bot(factory_of(session), TG, "222", "school_b_bot", now=NOW)
    await bots.remember_bot(factory_of(session), "telegram", 222, "renamed_bot", now=later)
    found = (await session.scalars(select(MessengerBot))).all()
    assert [(b.bot_id, b.username, b.first_seen_at, b.last_seen_at) for b in found] == [
        ("222", "renamed_bot", NOW, later)
    ]
    assert await bots.resolve_bot(session, TG, "@Renamed_Bot") == ("222", "renamed_bot")
    assert await bots.resolve_bot(session, TG, "999") == ("999", None)
    with pytest.raises(NotFound):
        await bots.resolve_bot(session, TG, "@nobody")


async def test_set_school_bot_is_audited_and_the_default_is_no_row(
    session: AsyncSession, world: SchoolWorld
) -> None:
    code = world.school.code
    change = await bots.set_school_bot(session, code, TG, "222", default_id="111", now=NOW)
    assert (change.before, change.after) == (None, "222")
    assert await bots.school_bot(session, world.school.id, TG) == "222"
    # The default bot's own id means the default bot: the row goes.
    change = await bots.set_school_bot(session, code, TG, "111", default_id="111", now=NOW)
    assert (change.before, change.after) == ("222", None)
    assert (await session.scalars(select(SchoolBot))).all() == []
    audited = (
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "school.bot"))
    ).all()
    assert len(audited) == 2 and {a.source for a in audited} == {"cli"}
    with pytest.raises(NotFound):
        await bots.set_school_bot(session, "nope", TG, None)


async def test_sign_in_binds_through_the_schools_bot_only(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bots.remember_bot(factory_of(session), TG, "222", "school_b_bot")
    await bots.set_school_bot(session, world.school.code, TG, "222", default_id="111")
    token = await invite(session, world)
    with pytest.raises(DomainError) as refused:
        await accounts.sign_in_with_invite(
            session,
            token=token,
            messenger=TG,
            external_user_id="700",
            chat_id="700",
            now=NOW,
            bot=ON_A,
        )
    assert refused.value.code == "signin.wrong_bot"
    assert refused.value.params == {"link": f"https://t.me/school_b_bot?start={token}"}
    assert (await session.scalar(select(Invite.used_at))) is None
    result = await accounts.sign_in_with_invite(
        session, token=token, messenger=TG, external_user_id="700", chat_id="700", now=NOW, bot=ON_B
    )
    found = await resolve_actor(session, TG, "700", "222")
    assert found is not None and found.account_id == result.actor.account_id
    assert await resolve_actor(session, TG, "700") is None


async def test_a_school_bot_without_a_known_username_is_refused_without_a_link(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bots.set_school_bot(session, world.school.code, TG, "333", default_id="111")
    token = await invite(session, world)
    with pytest.raises(DomainError) as refused:
        await accounts.sign_in_with_invite(
            session,
            token=token,
            messenger=TG,
            external_user_id="701",
            chat_id="701",
            now=NOW,
            bot=ON_A,
        )
    assert refused.value.code == "signin.wrong_bot_unknown"


async def test_one_user_two_schools_two_bots(session: AsyncSession, world: SchoolWorld) -> None:
    """The same Telegram user in school A's account through bot A and in school B's through
    bot B: neither sign-in ends the other, each bot resolves its own, /logout is per bot."""
    account_a = await session.scalar(select(Account).where(Account.person_id == world.parent.id))
    school_b = School(code="sch-b", name="Школа Б", timezone="Europe/Moscow")
    session.add(school_b)
    await session.flush()
    person_b = Person(school_id=school_b.id, last_name="Петрова", first_name="Вера")
    session.add(person_b)
    await session.flush()
    account_b = Account(school_id=school_b.id, person_id=person_b.id, login="petrova.v")
    session.add(account_b)
    await session.commit()
    await bots.set_school_bot(session, "sch-b", TG, "222", default_id="111")
    assert account_a is not None
    tokens = []
    for account in (account_a, account_b):
        creds = await accounts.issue_credentials(session, account, actor=None, now=NOW)
        tokens.append(creds.invite_token)
    await session.commit()
    for token, bot in zip(tokens, (ON_A, ON_B), strict=True):
        await accounts.sign_in_with_invite(
            session,
            token=token,
            messenger=TG,
            external_user_id="702",
            chat_id="702",
            now=NOW,
            bot=bot,
        )
    on_a = await resolve_actor(session, TG, "702")
    on_b = await resolve_actor(session, TG, "702", "222")
    assert on_a is not None and on_a.account_id == account_a.id
    assert on_b is not None and on_b.account_id == account_b.id
    assert await accounts.end_binding(session, messenger=TG, external_user_id="702", bot_id="222")
    assert await resolve_actor(session, TG, "702", "222") is None
    assert await resolve_actor(session, TG, "702") is not None
