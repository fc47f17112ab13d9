"""Several Telegram bots on one Dispatcher (a region's deployment): sign-in binds to the bot
that received it, only through the school's bot; each bot sees only its own bindings. Two
recording bots, the real Dispatcher, both databases."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from i18n import translator
from screens.common.start import welcome_back_screen
from services.enums import Messenger, Role
from services.models import (
    Account,
    AuditEntry,
    Invite,
    MessengerBinding,
    Person,
    RoleGrant,
    School,
)
from services.people import bots
from services.people.accounts import hash_password
from services.people.bots import ReceivingBot
from services.people.identity import resolve_actor
from testkit.recording import RecordingBot, make_message_update
from tests.handlers.conftest import Member, World

TG = Messenger.TELEGRAM
DEFAULT, OTHER = "111", "222"
TOKEN = "inv_Zyxwvutsrqponmlkjihgfedcba987654"


@pytest.fixture
def bot_a() -> RecordingBot:
    """The deployment's default bot (BOT_TOKEN)."""
    return RecordingBot(f"{DEFAULT}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")


@pytest.fixture
def bot_b() -> RecordingBot:
    """Another bot of the deployment (BOT_TOKENS)."""
    return RecordingBot(f"{OTHER}:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")


@pytest.fixture
async def two_bots(dp: Dispatcher, session_factory: async_sessionmaker[AsyncSession]) -> Dispatcher:
    """Both bots seen by the running process (getMe), the wiring's default bot ids."""
    dp["default_bot_ids"] = {"telegram": DEFAULT}
    await bots.remember_bot(session_factory, TG, DEFAULT, "region_bot")
    await bots.remember_bot(session_factory, TG, OTHER, "school_b_bot")
    return dp


async def _school_on(
    factory: async_sessionmaker[AsyncSession], world: World, bot_id: str | None
) -> None:
    school_id = await world.school()
    async with factory() as s:
        code = (await s.get(School, school_id)).code  # type: ignore[union-attr]
        await bots.set_school_bot(s, code, TG, bot_id, default_id=DEFAULT)


async def _bindings(factory: async_sessionmaker[AsyncSession]) -> list[MessengerBinding]:
    async with factory() as s:
        return list((await s.scalars(select(MessengerBinding).order_by(MessengerBinding.id))).all())


async def _invite_used(factory: async_sessionmaker[AsyncSession]) -> bool:
    async with factory() as s:
        invite = await s.scalar(select(Invite))
        assert invite is not None
        return invite.used_at is not None


async def test_sign_in_through_the_schools_bot_binds_to_it(
    two_bots: Dispatcher,
    bot_b: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _school_on(session_factory, world, OTHER)
    member = await world.member(Role.PARENT)
    await world.invite(member, TOKEN)
    await two_bots.feed_update(bot_b, make_message_update(5001, f"/start {TOKEN}"))
    (binding,) = await _bindings(session_factory)
    assert (binding.account_id, binding.bot_id, binding.ended_at) == (
        member.account_id,
        OTHER,
        None,
    )
    assert await _invite_used(session_factory)
    async with session_factory() as s:
        assert await resolve_actor(s, TG, "5001", OTHER) is not None
        assert await resolve_actor(s, TG, "5001") is None  # the default bot does not see it


async def test_a_wrong_bot_refuses_with_the_schools_link_and_keeps_the_token(
    two_bots: Dispatcher,
    bot_a: RecordingBot,
    bot_b: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _school_on(session_factory, world, OTHER)
    member = await world.member(Role.PARENT)
    await world.invite(member, TOKEN)
    await two_bots.feed_update(bot_a, make_message_update(5002, f"/start {TOKEN}"))
    link = f"https://t.me/school_b_bot?start={TOKEN}"
    assert bot_a.session.sent_texts(5002) == [t("ru", "signin.wrong_bot", link=link)]
    assert t("ru", "signin.wrong_bot", link=link).startswith("Ваша школа работает с другим")
    assert await _bindings(session_factory) == []
    assert not await _invite_used(session_factory)
    async with session_factory() as s:
        refused = await s.scalar(select(AuditEntry).where(AuditEntry.action == "signin.wrong_bot"))
        assert refused is not None and refused.entity_id == str(member.account_id)
    # The same token through the school's bot still works.
    await two_bots.feed_update(bot_b, make_message_update(5002, f"/start {TOKEN}"))
    (binding,) = await _bindings(session_factory)
    assert binding.bot_id == OTHER and await _invite_used(session_factory)


async def test_a_default_bot_school_is_refused_by_another_bot_with_the_default_link(
    two_bots: Dispatcher,
    bot_a: RecordingBot,
    bot_b: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT, language="en")
    await world.invite(member, TOKEN)
    await two_bots.feed_update(
        bot_b, make_message_update(5003, f"/start {TOKEN}", language_code="en")
    )
    link = f"https://t.me/region_bot?start={TOKEN}"
    assert bot_b.session.sent_texts(5003) == [t("en", "signin.wrong_bot", link=link)]
    await two_bots.feed_update(bot_a, make_message_update(5003, f"/start {TOKEN}"))
    (binding,) = await _bindings(session_factory)
    assert binding.bot_id is None  # the default bot: NULL, as every binding before many bots


async def test_password_through_a_wrong_bot_is_refused_and_stays_valid(
    two_bots: Dispatcher,
    bot_a: RecordingBot,
    bot_b: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _school_on(session_factory, world, OTHER)
    member = await world.member(Role.TEACHER)
    async with session_factory() as s:
        account = await s.get(Account, member.account_id)
        assert account is not None
        account.password_hash = hash_password("pw12345678")
        login = account.login
        await s.commit()
    for text in ("/login", login, "pw12345678"):
        await two_bots.feed_update(bot_a, make_message_update(5004, text))
    assert bot_a.session.sent_texts(5004)[-1] == t(
        "ru", "signin.wrong_bot", link="https://t.me/school_b_bot"
    )
    assert await _bindings(session_factory) == []
    for text in ("/login", login, "pw12345678"):
        await two_bots.feed_update(bot_b, make_message_update(5004, text))
    (binding,) = await _bindings(session_factory)
    assert binding.bot_id == OTHER


async def _other_school_member(
    factory: async_sessionmaker[AsyncSession], first_name: str
) -> Member:
    async with factory() as s:
        school = School(code="sch2", name="Школа № 2", timezone="Europe/Moscow")
        s.add(school)
        await s.flush()
        person = Person(school_id=school.id, last_name="Петрова", first_name=first_name)
        s.add(person)
        await s.flush()
        s.add(RoleGrant(school_id=school.id, person_id=person.id, role=Role.PARENT))
        account = Account(school_id=school.id, person_id=person.id, login="petrova.b")
        s.add(account)
        await s.commit()
        return Member(school.id, person.id, account.id)


async def test_identity_is_per_bot(
    two_bots: Dispatcher,
    bot_a: RecordingBot,
    bot_b: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """One Telegram user signed in to school A through bot A and to school B through bot B:
    each bot sees its own sign-in; /logout through one leaves the other."""
    in_a = await world.member(Role.PARENT, first_name="Анна")
    in_b = await _other_school_member(session_factory, "Вера")
    await world.invite(in_a, TOKEN)
    await world.invite(in_b, TOKEN[::-1])
    async with session_factory() as s:
        await bots.set_school_bot(s, "sch2", TG, OTHER, default_id=DEFAULT)
    await two_bots.feed_update(bot_a, make_message_update(5005, f"/start {TOKEN}"))
    await two_bots.feed_update(bot_b, make_message_update(5005, f"/start {TOKEN[::-1]}"))
    live = [b for b in await _bindings(session_factory) if b.ended_at is None]
    assert sorted((b.account_id, b.bot_id or "") for b in live) == sorted(
        [(in_a.account_id, ""), (in_b.account_id, OTHER)]
    )
    await two_bots.feed_update(bot_a, make_message_update(5005, "/start"))
    await two_bots.feed_update(bot_b, make_message_update(5005, "/start"))
    tr = translator("ru")
    assert (
        bot_a.session.sent_texts(5005)[-1]
        == welcome_back_screen(tr, "Анна Иванова", frozenset({Role.PARENT})).texts[0]
    )
    assert (
        bot_b.session.sent_texts(5005)[-1]
        == welcome_back_screen(tr, "Вера Петрова", frozenset({Role.PARENT})).texts[0]
    )
    await two_bots.feed_update(bot_b, make_message_update(5005, "/logout"))
    async with session_factory() as s:
        a = await resolve_actor(s, TG, "5005")
        assert a is not None and a.account_id == in_a.account_id
        assert await resolve_actor(s, TG, "5005", OTHER) is None


def test_receiving_bot_keys() -> None:
    defaults = {"telegram": DEFAULT}
    assert ReceivingBot.of(TG, 111, defaults).key is None
    assert ReceivingBot.of(TG, 222, defaults).key == OTHER
    # Without the wiring's default ids the receiving bot is the default one.
    assert ReceivingBot.of(TG, 222, None).key is None
    on_b = ReceivingBot.of(TG, 222, defaults)
    assert on_b.serves(OTHER) and not on_b.serves(None)
    on_a = ReceivingBot.of(TG, 111, defaults)
    assert on_a.serves(None) and on_a.serves(DEFAULT) and not on_a.serves(OTHER)


async def test_invite_links_name_the_schools_bot(
    two_bots: Dispatcher, world: World, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    school_id = await world.school()
    defaults = {"telegram": "region_bot", "max": "region_max"}
    async with session_factory() as s:
        assert await bots.invite_usernames(s, school_id, defaults) == defaults
    await _school_on(session_factory, world, OTHER)
    async with session_factory() as s:
        assert await bots.invite_usernames(s, school_id, defaults) == {
            "telegram": "school_b_bot",
            "max": "region_max",
        }


async def test_an_ended_sign_in_is_told_through_the_chats_own_bot(
    bot_a: RecordingBot, bot_b: RecordingBot
) -> None:
    from aiogram.methods import SendMessage

    from handlers.common.invite import tell_ended_sign_ins
    from services.people.accounts import EndedBinding

    ended = [
        EndedBinding(TG, "5001", "ru", bot_id=OTHER),
        EndedBinding(TG, "5002", "ru", bot_id=None),
        EndedBinding(TG, "5003", "ru", bot_id="333"),  # a bot this process does not run
    ]
    await tell_ended_sign_ins(
        {"telegram": bot_a}, ended, telegram_bots={DEFAULT: bot_a, OTHER: bot_b}
    )
    assert [m.chat_id for m in bot_b.session.requests_of(SendMessage)] == [5001]
    assert [m.chat_id for m in bot_a.session.requests_of(SendMessage)] == [5002]
