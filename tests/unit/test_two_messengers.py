"""One person, two messengers: a person may be bound in Telegram, in MAX or in both, and each
binding keeps its own chat context; on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Messenger
from services.models import Account, MessengerBinding
from services.people import accounts, context
from services.people.identity import SEEN_EVERY, mark_seen, resolve_actor
from tests.factories import NOW, SchoolWorld, build_school

TG, MAX = Messenger.TELEGRAM, Messenger.MAX


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def sign_in(
    session: AsyncSession, world: SchoolWorld, messenger: Messenger, user: str
) -> accounts.SignInResult:
    """The class teacher (a teacher who is also a parent in some tests) gets an invite from the
    office and opens it in ``messenger`` as ``user``."""
    account = await session.scalar(
        select(Account).where(Account.person_id == world.class_teacher.id)
    )
    assert account is not None
    creds = await accounts.issue_credentials(session, account, actor=world.actors["admin"], now=NOW)
    await session.commit()
    return await accounts.sign_in_with_invite(
        session,
        token=creds.invite_token,
        messenger=messenger,
        external_user_id=user,
        chat_id=user,
        throttle=None,
        now=NOW,
    )


async def live(session: AsyncSession) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(MessengerBinding.messenger, MessengerBinding.external_user_id)
        .where(MessengerBinding.ended_at.is_(None))
        .order_by(MessengerBinding.messenger)
    )
    return [(str(m), u) for m, u in rows]


async def test_signing_in_in_max_keeps_the_telegram_binding(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await sign_in(session, world, TG, "501")
    result = await sign_in(session, world, MAX, "9001")
    assert result.previous_chat_id is None  # nobody in Telegram is signed out
    assert await live(session) == [("max", "9001"), ("telegram", "501")]
    in_tg = await resolve_actor(session, TG, "501")
    in_max = await resolve_actor(session, MAX, "9001")
    assert in_tg is not None and in_max is not None
    assert (in_tg.messenger, in_max.messenger) == ("telegram", "max")
    assert in_tg.person_id == in_max.person_id == world.class_teacher.id
    # A MAX user id that happens to equal a Telegram one is another person's account.
    assert await resolve_actor(session, MAX, "501") is None


async def test_a_new_sign_in_replaces_only_the_binding_of_its_messenger(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await sign_in(session, world, TG, "501")
    await sign_in(session, world, MAX, "9001")
    result = await sign_in(session, world, MAX, "9002")  # a new phone in MAX
    assert result.previous_chat_id == "9001"
    assert await live(session) == [("max", "9002"), ("telegram", "501")]


async def test_each_messenger_keeps_its_own_role(session: AsyncSession, world: SchoolWorld) -> None:
    await sign_in(session, world, TG, "501")
    await sign_in(session, world, MAX, "9001")
    in_tg = await resolve_actor(session, TG, "501")
    assert in_tg is not None and len(in_tg.roles) > 1
    other = next(r for r in context.ordered_roles(in_tg)[1:])
    await context.set_role(session, in_tg, other)
    await session.commit()
    in_tg = await resolve_actor(session, TG, "501")
    in_max = await resolve_actor(session, MAX, "9001")
    assert in_tg is not None and in_max is not None
    assert (await context.chat_context(session, in_tg)).role == other
    assert (await context.chat_context(session, in_max)).role == context.ordered_roles(in_max)[0]
    assert other != context.ordered_roles(in_max)[0]


async def test_last_use_is_written_at_most_every_few_minutes(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await sign_in(session, world, MAX, "9001")
    seen_at = NOW  # the sign-in counts as a use

    async def touch(at: dt.datetime) -> bool:
        assert await resolve_actor(session, MAX, "9001") is not None
        return await mark_seen(session, at)

    assert not await touch(seen_at + SEEN_EVERY - dt.timedelta(seconds=1))
    assert await touch(seen_at + SEEN_EVERY)
    stored = await session.scalar(select(MessengerBinding.last_seen_at))
    assert stored is not None
    assert stored.replace(tzinfo=dt.UTC) == seen_at + SEEN_EVERY
    # Without an identity read first there is nothing to record.
    assert not await mark_seen(session, seen_at + 10 * SEEN_EVERY)


def test_invite_links_name_each_messenger_the_bot_runs_in() -> None:
    both = accounts.invite_links("tok", {"telegram": "school_bot", "max": "school_max"})
    assert both == [
        ("telegram", "https://t.me/school_bot?start=tok"),
        ("max", "https://max.ru/school_max?start=tok"),
    ]
    assert accounts.invite_links("tok", {"max": "school_max"}) == [
        ("max", "https://max.ru/school_max?start=tok")
    ]
