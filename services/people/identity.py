"""Who is acting: a messenger user resolved to a school account, person and roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Row, Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.actor import Actor
from services.enums import Messenger
from services.models import Account, MessengerBinding, Person, RoleGrant, School

# Actor is the kernel's type (services.actor), still importable from here.
__all__ = ["PINNED", "Actor", "actor_for_account", "pin", "resolve_actor"]

# The session's pinned objects: the identity map holds objects weakly, so the actor's school
# would be read again by every ``session.get(School, ...)`` of the update once the first read
# dropped it; pinned here it is read once per session (one update in the bot).
PINNED = "schoolbot.pinned"


def pin(session: AsyncSession, *objects: object) -> None:
    """Keep ``objects`` alive (and so in the identity map) for the session's lifetime."""
    session.info.setdefault(PINNED, []).extend(objects)


def _actor_select(first: Any = Account) -> Select[*tuple[Any, ...]]:
    """The account, its person, its school and each of the person's roles (one row a role,
    or one row with no role): an actor in one statement. ``first``: the table read first
    (the accounts, or the bindings joined to them)."""
    query = select(
        Account.id,
        Account.school_id,
        Account.is_blocked,
        Account.language,
        Account.login,
        Person.id,
        Person.first_name,
        Person.last_name,
        School,
        RoleGrant.role,
    ).select_from(first)
    if first is not Account:
        query = query.join(Account, Account.id == MessengerBinding.account_id)
    return (
        query.join(Person, Person.id == Account.person_id)
        .join(School, School.id == Account.school_id)
        .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
    )


# Built once: a statement object keeps its cache key, so running it again neither builds the
# statement nor computes the key (together more CPU than PostgreSQL spends on the query);
# the values come as parameters.
_BY_ACCOUNT = _actor_select().where(Account.id == bindparam("account_id"))

# The user's newest live binding through the bot that received the update, with its actor and
# the chat's chosen role and child, in one statement (an index scan of
# ``ix_messenger_bindings_user``: messenger, user, bot). One live binding per account and
# messenger: the binding the chat context reads. Each bot sees only its own bindings (the same
# user may be signed in to school A through bot A and to school B through bot B); NULL is the
# messenger's default bot.
_LIVE = aliased(MessengerBinding, name="live")


def _by_user(default_bot: bool) -> Select[*tuple[Any, ...]]:
    newest = (
        select(_LIVE.id)
        .where(
            _LIVE.messenger == bindparam("messenger"),
            _LIVE.external_user_id == bindparam("external_user_id"),
            _LIVE.bot_id.is_(None) if default_bot else _LIVE.bot_id == bindparam("bot_id"),
            _LIVE.ended_at.is_(None),
        )
        .order_by(_LIVE.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        _actor_select(MessengerBinding)
        .add_columns(
            MessengerBinding.active_role,
            MessengerBinding.active_student_id,
            MessengerBinding.id,
            MessengerBinding.last_seen_at,
        )
        .where(MessengerBinding.id == newest)
    )


_BY_USER = _by_user(default_bot=True)
_BY_USER_BOT = _by_user(default_bot=False)


def _row_actor(session: AsyncSession, rows: Sequence[Row[*tuple[Any, ...]]]) -> Actor | None:
    if not rows:
        return None
    account_id, school_id, is_blocked, language, login, person_id, first, last, school = rows[0][:9]
    if is_blocked:
        return None
    pin(session, school)
    return Actor(
        account_id=account_id,
        person_id=person_id,
        school_id=school_id,
        roles=frozenset(row[9] for row in rows if row[9] is not None),
        language=language,
        display_name=f"{first} {last}",
        timezone=school.timezone,
        login=login,
    )


async def actor_for_account(session: AsyncSession, account_id: int) -> Actor | None:
    rows = (await session.execute(_BY_ACCOUNT, {"account_id": account_id})).all()
    return _row_actor(session, rows)


async def resolve_actor(
    session: AsyncSession,
    messenger: Messenger,
    external_user_id: str,
    bot_id: str | None = None,
) -> Actor | None:
    """The signed-in account of a messenger user talking to the bot ``bot_id`` (None: the
    messenger's default bot), or None (unknown, ended or blocked).

    One statement: the user's newest live binding through that bot, its account, person,
    school and roles, and the chat's chosen role and child (kept for the chat context of this
    session)."""
    params = {"messenger": messenger, "external_user_id": external_user_id}
    if bot_id is None:
        rows = (await session.execute(_BY_USER, params)).all()
    else:
        rows = (await session.execute(_BY_USER_BOT, {**params, "bot_id": bot_id})).all()
    actor = _row_actor(session, rows)
    if actor is not None:
        from services.people.context import remember_binding_choice

        actor = replace(actor, messenger=str(messenger))

        active_role, active_student_id, binding_id, last_seen = rows[0][10:14]
        remember_binding_choice(session, actor, active_role, active_student_id)
        session.info[SEEN] = (binding_id, last_seen, actor, active_role, active_student_id)
    return actor


# What resolve_actor read of the binding's last use, for :func:`mark_seen`.
SEEN = "schoolbot.binding_seen"
# The binding's last use is written at most this often (one UPDATE per user and interval).
SEEN_EVERY = dt.timedelta(minutes=5)


async def mark_seen(session: AsyncSession, now: dt.datetime) -> bool:
    """Record that the binding :func:`resolve_actor` found was used now — which messenger a
    person bound in two used last decides where their alerts go — at most every
    :data:`SEEN_EVERY`; commits that one change. True if written."""
    seen = session.info.pop(SEEN, None)
    if seen is None:
        return False
    binding_id, last_seen, actor, active_role, active_student_id = seen
    if last_seen is not None:
        if last_seen.tzinfo is None:
            last_seen = last_seen.replace(tzinfo=dt.UTC)
        if now - last_seen < SEEN_EVERY:
            return False
    await session.execute(
        update(MessengerBinding).where(MessengerBinding.id == binding_id).values(last_seen_at=now)
    )
    await session.commit()
    # The commit forgot the chat context's cache; what the identity read is still true.
    from services.people.context import remember_binding_choice

    remember_binding_choice(session, actor, active_role, active_student_id)
    return True
