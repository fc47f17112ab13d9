"""Credentials, sign-in, bindings and throttling on a real database (and Redis)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.enums import Messenger
from services.errors import DomainError
from services.models import Account, AuditEntry, Invite, MessengerBinding
from services.people import accounts
from services.people.identity import Actor, resolve_actor
from services.people.throttle import (
    CHAT_FREE,
    FREE_FAILURES,
    INVITE_FREE,
    LOGIN_FREE,
    DatabaseThrottle,
    Limit,
    RedisThrottle,
    Throttle,
    pause_after,
)
from tests.factories import NOW, SchoolWorld, bind_chats, build_school

TG = Messenger.TELEGRAM


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)


async def issue(session: AsyncSession, world: SchoolWorld) -> accounts.IssuedCredentials:
    account = await parent_account(session, world)
    creds = await accounts.issue_credentials(session, account, actor=world.actors["admin"], now=NOW)
    await session.commit()
    return creds


async def audit_actions(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all())


async def parent_account(session: AsyncSession, world: SchoolWorld) -> Account:
    account = await session.scalar(select(Account).where(Account.person_id == world.parent.id))
    assert account is not None
    return account


def redeem(
    session: AsyncSession, token: str, chat: str, now: dt.datetime | None = NOW
) -> Awaitable[Actor]:
    """The invite link opened in ``chat`` (the user's id and the chat's are the same)."""
    return accounts.redeem_invite(
        session, token=token, messenger=TG, external_user_id=chat, chat_id=chat, now=now
    )


def _in_chat(chat: str, throttle: Throttle | None) -> dict[str, Any]:
    """A Telegram chat whose user's id and chat's id are the same, at NOW."""
    return {
        "messenger": TG,
        "external_user_id": chat,
        "chat_id": chat,
        "throttle": throttle,
        "now": NOW,
    }


def by_password(
    session: AsyncSession, login: str, password: str, chat: str, throttle: Throttle | None = None
) -> Awaitable[accounts.SignInResult]:
    return accounts.sign_in_with_password(
        session, login=login, password=password, **_in_chat(chat, throttle)
    )


def by_invite(
    session: AsyncSession, token: str, chat: str, throttle: Throttle | None = None
) -> Awaitable[accounts.SignInResult]:
    return accounts.sign_in_with_invite(session, token=token, **_in_chat(chat, throttle))


@pytest.fixture(params=["database", "redis"])
def throttle(
    request: pytest.FixtureRequest, session_factory: async_sessionmaker[AsyncSession]
) -> Throttle:
    """Each throttled flow runs against both stores of the counters."""
    if request.param == "database":
        return DatabaseThrottle(session_factory)
    client = request.getfixturevalue("redis_client")
    return RedisThrottle(client, prefix=client.test_prefix)


async def test_invite_binds_once(session: AsyncSession, world: SchoolWorld) -> None:
    creds = await issue(session, world)
    assert len(creds.invite_token) >= 32  # 192 random bits, URL-safe
    stored = (await session.scalars(select(Invite.token_hash))).all()
    assert creds.invite_token not in stored  # only the hash is kept
    actor = await redeem(session, creds.invite_token, "501")
    assert actor.person_id == world.parent.id
    assert (await resolve_actor(session, TG, "501")) == actor
    # The invite and the password are both spent.
    with pytest.raises(DomainError) as again:
        await redeem(session, creds.invite_token, "777")
    assert again.value.code == "signin.invite_invalid"
    with pytest.raises(DomainError):
        await by_password(session, creds.login, creds.password, "777")
    actions = await audit_actions(session)
    assert actions.count("signin.invite") == 1
    assert "signin.invite_failed" in actions and "signin.password_failed" in actions


async def test_expired_and_reissued_invites_are_refused(
    session: AsyncSession, world: SchoolWorld
) -> None:
    old = await issue(session, world)
    with pytest.raises(DomainError):
        await redeem(session, old.invite_token, "1", now=NOW + dt.timedelta(days=8))
    new = await issue(session, world)  # reissuing revokes the old one
    with pytest.raises(DomainError):
        await redeem(session, old.invite_token, "1")
    await redeem(session, new.invite_token, "1")


async def test_password_sign_in_and_rebinding(session: AsyncSession, world: SchoolWorld) -> None:
    creds = await issue(session, world)
    first = await by_password(session, creds.login.upper(), f" {creds.password} ", "10")
    assert first.previous_chat_id is None
    # A new phone: the school issues new credentials; the old chat's binding ends.
    again = await issue(session, world)
    second = await by_password(session, again.login, again.password, "20")
    assert second.previous_chat_id == "10"
    assert await resolve_actor(session, TG, "10") is None
    assert (await resolve_actor(session, TG, "20")) is not None
    live = await session.scalar(
        select(func.count())
        .select_from(MessengerBinding)
        .where(MessengerBinding.ended_at.is_(None))
    )
    assert live == 1


async def test_blocked_account_is_refused_at_once(
    session: AsyncSession, world: SchoolWorld
) -> None:
    creds = await issue(session, world)
    await redeem(session, creds.invite_token, "5")
    account = await session.scalar(select(Account).where(Account.login == creds.login))
    assert account is not None
    account.is_blocked = True
    await session.commit()
    assert await resolve_actor(session, TG, "5") is None


async def test_logout_ends_binding(session: AsyncSession, world: SchoolWorld) -> None:
    creds = await issue(session, world)
    await redeem(session, creds.invite_token, "6")
    assert await accounts.end_binding(session, messenger=TG, external_user_id="6")
    assert await resolve_actor(session, TG, "6") is None
    assert not await accounts.end_binding(session, messenger=TG, external_user_id="6")


def test_pause_grows_and_is_capped() -> None:
    assert [pause_after(n).total_seconds() for n in range(1, 9)] == [
        0,
        0,
        0,
        0,
        60,
        120,
        240,
        480,
    ]
    assert pause_after(40) == dt.timedelta(hours=1)


async def _password(
    session: AsyncSession,
    throttle: Throttle | None,
    login: str,
    password: str,
    user: str,
) -> str:
    try:
        await by_password(session, login, password, user, throttle)
    except DomainError as exc:
        return exc.code
    return "ok"


async def test_throttle(session: AsyncSession, world: SchoolWorld, throttle: Throttle) -> None:
    creds = await issue(session, world)

    async def attempt(password: str, user: str = "99", login: str | None = None) -> str:
        return await _password(session, throttle, login or creds.login, password, user)

    results = [await attempt("wrong") for _ in range(5)]
    assert results == ["signin.password_invalid"] * 5
    # This chat is paused for this login: even the right password is refused here ...
    assert await attempt(creds.password) == "signin.locked"
    # ... but a stranger's failures do not lock the owner out: from the owner's chat it works.
    assert await attempt(creds.password, user="100") == "ok"
    # An unknown login gives the same answers as a known one.
    unknown = [await attempt("x", user="300", login="nobody.x") for _ in range(6)]
    assert unknown == ["signin.password_invalid"] * 5 + ["signin.locked"]
    assert "signin.throttled" in await audit_actions(session)


async def test_chat_strict_login_loose(
    session: AsyncSession, world: SchoolWorld, throttle: Throttle
) -> None:
    creds = await issue(session, world)
    # One chat trying many logins is paused after CHAT_FREE attempts, whatever the logins.
    spray = [
        await _password(session, throttle, f"guess.{n}", "x", "400") for n in range(CHAT_FREE + 1)
    ]
    assert spray == ["signin.password_invalid"] * CHAT_FREE + ["signin.locked"]
    # Many chats, a few attempts each, for one login: only after LOGIN_FREE attempts in all is
    # the login itself paused (a stranger's single chat is stopped at FREE_FAILURES).
    chats = LOGIN_FREE // FREE_FAILURES
    for chat in range(chats):
        for _ in range(FREE_FAILURES):
            await _password(session, throttle, creds.login, "bad", f"5{chat:03d}")
    assert await _password(session, throttle, creds.login, creds.password, "600") == (
        "signin.locked"
    )
    # The owner's invite link is never stopped by that.
    result = await by_invite(session, creds.invite_token, "600", throttle)
    assert result.actor.person_id == world.parent.id


@pytest.mark.committed
async def test_concurrent_guessers(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    world: SchoolWorld,
    throttle: Throttle,
) -> None:
    """12 guesses at the same moment from one chat: only FREE_FAILURES passwords are checked."""
    creds = await issue(session, world)

    async def guess(n: int) -> str:
        async with session_factory() as own:
            return await _password(own, throttle, creds.login, f"bad{n}", "700")

    results = await asyncio.gather(*(guess(n) for n in range(12)))
    assert sorted(results) == sorted(
        ["signin.password_invalid"] * FREE_FAILURES + ["signin.locked"] * (12 - FREE_FAILURES)
    )
    checked = (await audit_actions(session)).count("signin.password_failed")
    assert checked == FREE_FAILURES


@pytest.mark.committed
async def test_concurrent_attempts_count_exactly(
    session_factory: async_sessionmaker[AsyncSession], redis_client: object
) -> None:
    """The counters themselves, without passwords: 30 attempts at once on each backend."""
    prefix = redis_client.test_prefix  # type: ignore[attr-defined]
    for throttle in (DatabaseThrottle(session_factory), RedisThrottle(redis_client, prefix=prefix)):
        limits = [Limit("race:key", 7)]
        waits = await asyncio.gather(*(throttle.attempt(limits, NOW) for _ in range(30)))
        assert sum(1 for w in waits if w == 0) == 7
        assert all(w >= 60 for w in waits if w)


async def test_invite_guessing_is_throttled(
    session: AsyncSession, world: SchoolWorld, throttle: Throttle
) -> None:
    creds = await issue(session, world)
    answers = []
    for n in range(60):
        try:
            await by_invite(session, f"guess{n:04d}-aaaaaaaaaaaaaaaaaaaaaaaaaa", "800", throttle)
        except DomainError as exc:
            answers.append(exc.code)
    assert answers == ["signin.invite_invalid"] * INVITE_FREE + ["signin.locked"] * (
        60 - INVITE_FREE
    )
    # The guessing chat is paused, the owner's link from their own chat still works.
    result = await by_invite(session, creds.invite_token, "801", throttle)
    assert result.actor.person_id == world.parent.id


async def test_success_resets_the_counters(
    session: AsyncSession, session_factory: async_sessionmaker[AsyncSession], world: SchoolWorld
) -> None:
    throttle = DatabaseThrottle(session_factory)
    creds = await issue(session, world)
    keys_user = "42"
    for _ in range(3):
        with pytest.raises(DomainError):
            await by_password(session, creds.login, "bad", keys_user, throttle)
    await by_password(session, creds.login, creds.password, keys_user, throttle)
    from services.models import SigninThrottle

    assert await session.scalar(select(func.count()).select_from(SigninThrottle)) == 0


@pytest.mark.parametrize(
    ("actor_name", "target", "allowed"),
    [
        ("admin", "teacher", True),
        ("admin", "parent", True),
        ("class_teacher", "parent", True),  # parent of a 7А student
        ("class_teacher", "parent2", True),  # has a child in 7А and one in 8Б
        ("class_teacher", "first_student", False),  # 1А is not their class
        ("class_teacher", "other_student", False),
        ("class_teacher", "colleague", False),  # staff get credentials from the admin
        ("teacher", "parent", False),
        ("deputy", "parent", False),
        ("parent", "parent2", False),
    ],
)
async def test_who_issues_credentials(
    session: AsyncSession, world: SchoolWorld, actor_name: str, target: str, allowed: bool
) -> None:
    from services.errors import AccessDenied

    person = getattr(world, target)
    if allowed:
        creds = await accounts.issue_for(session, world.actors[actor_name], person.id, now=NOW)
        result = await by_password(session, creds.login, creds.password, "77")
        assert result.actor.person_id == person.id
    else:
        with pytest.raises(AccessDenied):
            await accounts.issue_for(session, world.actors[actor_name], person.id, now=NOW)


async def test_revoke_and_block(session: AsyncSession, world: SchoolWorld) -> None:
    from services.errors import AccessDenied

    admin = world.actors["admin"]
    creds = await accounts.issue_for(session, world.actors["class_teacher"], world.parent.id)
    await redeem(session, creds.invite_token, "8", now=None)
    await accounts.revoke_for(session, world.actors["class_teacher"], world.parent.id)
    assert await resolve_actor(session, TG, "8") is None
    with pytest.raises(AccessDenied):
        await accounts.set_blocked(
            session, world.actors["class_teacher"], world.parent.id, blocked=True, reason="x"
        )
    await accounts.set_blocked(session, admin, world.parent.id, blocked=True, reason="утеря")
    fresh = await accounts.issue_for(session, admin, world.parent.id)
    with pytest.raises(DomainError):
        await redeem(session, fresh.invite_token, "9", now=None)
    assert "account.block" in await audit_actions(session)


async def test_credentials_of_a_signed_in_account_are_not_handed_to_staff(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bind_chats(session, world, {"parent": 901})
    for actor_name in ("class_teacher", "admin"):
        with pytest.raises(DomainError) as refused:
            await accounts.issue_for(session, world.actors[actor_name], world.parent.id, now=NOW)
        assert refused.value.code == "invite.signed_in"
    account = await parent_account(session, world)
    with pytest.raises(DomainError) as cli_refused:
        await accounts.cli_issue(session, login=account.login)
    assert cli_refused.value.code == "invite.signed_in_cli"
    assert await session.scalar(select(func.count()).select_from(Invite)) == 0
    ended = await accounts.revoke_for(session, world.actors["class_teacher"], world.parent.id)
    assert [(b.messenger, b.chat_id) for b in ended] == [(TG, "901")]
    creds = await accounts.issue_for(session, world.actors["class_teacher"], world.parent.id)
    assert creds.password


async def test_binding_a_chat_to_a_second_account_ends_the_first(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await bind_chats(session, world, {"teacher": 950})
    creds = await issue(session, world)  # the parent's
    result = await by_invite(session, creds.invite_token, "950")
    assert result.replaced == (f"{world.teacher.first_name} {world.teacher.last_name}",)
    live = (
        await session.scalars(
            select(MessengerBinding.account_id).where(
                MessengerBinding.external_user_id == "950", MessengerBinding.ended_at.is_(None)
            )
        )
    ).all()
    assert list(live) == [result.actor.account_id]


async def test_demo_credentials_work_only_in_the_demo_school(
    session: AsyncSession, world: SchoolWorld
) -> None:
    from services.tools import app_settings, demo

    await app_settings.put(session, app_settings.DEMO_SECRET, "demo-secret")
    account = await parent_account(session, world)
    keys = await demo.candidate_keys(session, world.school)
    assert len(keys) == 2  # derived from the school row (old demos) and from the stored secret
    for n, key in enumerate(keys):
        password, token = demo.demo_credentials(key, account.login)
        # Written the way the demo writes its sample credentials.
        account.password_hash = accounts.hash_password(password)
        account.password_expires_at = NOW + dt.timedelta(days=1)
        session.add(
            Invite(
                school_id=world.school.id,
                account_id=account.id,
                token_hash=accounts.hash_token(token),
                created_at=NOW,
                expires_at=NOW + dt.timedelta(days=1),
            )
        )
        await session.commit()
        with pytest.raises(DomainError) as refused:
            await by_password(session, account.login, password, f"96{n}")
        assert refused.value.code == "signin.demo_refused"
        with pytest.raises(DomainError) as by_link:
            await by_invite(session, token, f"97{n}")
        assert by_link.value.code == "signin.demo_refused"
    assert await resolve_actor(session, TG, "960") is None
    assert (await audit_actions(session)).count("signin.demo_refused") == 4
    # In the school marked as the demo they are what they are for.
    world.school.is_demo = True
    await session.commit()
    result = await by_password(session, account.login, password, "980")
    assert result.actor.person_id == world.parent.id
