"""Accounts and credentials the school issues: one-time passwords and invite links.

Nothing reusable passes through the chat: the password and the invite token are both spent by
the first successful sign-in, tokens are random (192 bits) and stored only as SHA-256 hashes,
passwords only as scrypt hashes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NoReturn

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import app_settings, audit
from services.enums import Messenger, Role
from services.errors import DomainError, NotFound
from services.models import (
    Account,
    Invite,
    MessengerBinding,
    Person,
    RoleGrant,
    School,
    utcnow,
)
from services.people import policy
from services.people.bots import ReceivingBot, bot_link, school_bot, through_bot, username_of
from services.people.identity import Actor, actor_for_account
from services.people.throttle import Limit, Throttle, invite_limits, password_limits
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_CREDENTIAL_TTL = dt.timedelta(days=7)
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
PASSWORD_LENGTH = 10
# Logins are stored lower-case, so the case-insensitive sign-in lookup is unambiguous.
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_TRANSLIT = {
    c: ("" if lat == "-" else lat) for c, lat in zip(_CYRILLIC, _LATIN.split(), strict=True)
}


# What a person may type as a login: the stored form in any case (no spaces, no Cyrillic).
_TYPED_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")


def plausible_login(text: str) -> bool:
    """Could this be a login at all? A sentence, a question or a Cyrillic word cannot."""
    return _TYPED_LOGIN_RE.match(text.strip()) is not None


@dataclass(frozen=True)
class IssuedCredentials:
    login: str
    password: str
    invite_token: str
    expires_at: dt.datetime
    # The account's school (its bot's link: services.people.bots.school_bot_username).
    school_id: int | None = None


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def max_invite_link(bot_username: str, token: str) -> str:
    """MAX's deep link: the token arrives with the ``bot_started`` update (≤ 128 characters)."""
    return f"https://max.ru/{bot_username}?start={token}"


def invite_links(token: str, bots: Mapping[str, str]) -> list[tuple[str, str]]:
    """(messenger, link) for each messenger the bot runs in (``bots``: messenger → the bot's
    username), Telegram first."""
    makers = {"telegram": invite_link, "max": max_invite_link}
    return [(m, makers[m](bots[m], token)) for m in ("telegram", "max") if bots.get(m)]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def transliterate(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(_TRANSLIT.get(ch, ch))
    return re.sub(r"[^a-z0-9]", "", "".join(out))


async def generate_login(session: AsyncSession, last_name: str, first_name: str) -> str:
    base = (transliterate(last_name) or "user")[:20]
    initial = transliterate(first_name)[:1]
    stem = f"{base}.{initial}" if initial else base
    taken = set(
        (
            await session.scalars(
                select(Account.login).where(
                    (Account.login == stem) | Account.login.like(f"{stem}%")
                )
            )
        ).all()
    )
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


async def ensure_account(
    session: AsyncSession, person: Person, login: str | None = None
) -> Account:
    account = await session.scalar(select(Account).where(Account.person_id == person.id))
    if account is None:
        account = Account(
            school_id=person.school_id,
            person_id=person.id,
            login=login or await generate_login(session, person.last_name, person.first_name),
        )
        session.add(account)
        await session.flush()
    return account


async def issue_credentials(
    session: AsyncSession,
    account: Account,
    *,
    actor: Actor | None,
    ttl: dt.timedelta = DEFAULT_CREDENTIAL_TTL,
    source: str = "bot",
    now: dt.datetime | None = None,
) -> IssuedCredentials:
    """A fresh one-time password and invite token; earlier unused invites are revoked.

    Adds rows to the caller's transaction; does not commit.
    """
    now = now or utcnow()
    expires = now + ttl
    await _revoke_unused(session, account, now)
    password = new_password()
    token = secrets.token_urlsafe(24)
    account.password_hash = hash_password(password)
    account.password_expires_at = expires
    session.add(
        Invite(
            school_id=account.school_id,
            account_id=account.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=expires,
            created_by_account_id=actor.account_id if actor else None,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="credentials.issue",
        entity="account",
        entity_id=account.id,
        school_id=account.school_id,
        after={"login": account.login, "expires_at": expires},
        source=source,
    )
    return IssuedCredentials(account.login, password, token, expires, account.school_id)


@dataclass(frozen=True)
class SignInResult:
    actor: Actor
    # The chat of a binding this sign-in ended (the user moved to a new messenger account).
    previous_chat_id: str | None
    # Other accounts this messenger user was signed in to: one chat, one account, so they
    # were signed out (display names, to tell the user).
    replaced: tuple[str, ...] = ()


def _record_by_account(
    session: AsyncSession,
    account_id: int,
    *,
    action: str,
    entity_id: int,
    school_id: int,
    after: dict[str, object] | None = None,
) -> None:
    """The audit entry of a change to an account made in a messenger account's name (signing
    in or out happens before, or without, an actor)."""
    audit.record(
        session,
        actor=None,
        actor_label=f"account:{account_id}",
        action=action,
        entity="account",
        entity_id=entity_id,
        school_id=school_id,
        after=after,
    )


async def _end_other_accounts(
    session: AsyncSession,
    account: Account,
    *,
    messenger: Messenger,
    external_user_id: str,
    now: dt.datetime,
    bot_id: str | None = None,
) -> tuple[str, ...]:
    """One messenger user, one account: binding a chat to an account signs it out of any other
    (through the same bot: another bot of the deployment is another chat).

    A person with several roles (a teacher who is a parent) has one account with several role
    grants and switches roles with /role; two live accounts in one chat would mix two people's
    menus, alerts and rights, so the newer sign-in wins and the user is told.
    """
    others = (
        await session.execute(
            select(MessengerBinding, Person)
            .join(Account, Account.id == MessengerBinding.account_id)
            .join(Person, Person.id == Account.person_id)
            .where(
                MessengerBinding.messenger == messenger,
                MessengerBinding.external_user_id == external_user_id,
                MessengerBinding.account_id != account.id,
                through_bot(bot_id),
                MessengerBinding.ended_at.is_(None),
            )
            .order_by(MessengerBinding.id)
        )
    ).all()
    for binding, _person in others:
        binding.ended_at = now
        binding.end_reason = "replaced"
        _record_by_account(
            session,
            account.id,
            action="binding.replaced",
            entity_id=binding.account_id,
            school_id=binding.school_id,
            after={"by_account_id": account.id},
        )
    if others:
        await session.flush()
    return tuple(f"{p.first_name} {p.last_name}" for _, p in others)


async def _bind(
    session: AsyncSession,
    account: Account,
    *,
    messenger: Messenger,
    external_user_id: str,
    chat_id: str,
    method: str,
    now: dt.datetime,
    bot_id: str | None = None,
) -> tuple[str | None, tuple[str, ...]]:
    replaced = await _end_other_accounts(
        session,
        account,
        messenger=messenger,
        external_user_id=external_user_id,
        now=now,
        bot_id=bot_id,
    )
    # The account's binding in this messenger is replaced; one in another messenger stays (a
    # person may use Telegram and MAX both).
    previous = await session.scalar(
        select(MessengerBinding).where(
            MessengerBinding.account_id == account.id,
            MessengerBinding.messenger == messenger,
            MessengerBinding.ended_at.is_(None),
        )
    )
    previous_chat: str | None = None
    if previous is not None:
        previous.ended_at = now
        previous.end_reason = "rebound"
        if previous.external_user_id != external_user_id or previous.bot_id != bot_id:
            previous_chat = previous.chat_id
        await session.flush()
    session.add(
        MessengerBinding(
            school_id=account.school_id,
            account_id=account.id,
            messenger=messenger,
            external_user_id=external_user_id,
            chat_id=chat_id,
            created_at=now,
            last_seen_at=now,
            bot_id=bot_id,
        )
    )
    # Both one-time credentials are spent by a successful sign-in.
    await _revoke_unused(session, account, now)
    account.password_expires_at = None
    account.last_seen_at = now
    _record_by_account(
        session,
        account.id,
        action=f"signin.{method}",
        entity_id=account.id,
        school_id=account.school_id,
        after={
            "messenger": messenger,
            "external_user_id": external_user_id,
            **({"bot_id": bot_id} if bot_id is not None else {}),
        },
    )
    return previous_chat, replaced


def demo_school_secret(school: School) -> bytes:
    """The key of demos built before the secret was stored: reproducible from the school row."""
    return f"{school.id}:{school.code}:{school.created_at.isoformat()}".encode()


async def demo_candidate_keys(session: AsyncSession, school: School) -> list[bytes]:
    """Every key demo credentials for this school could come from (legacy and stored)."""
    keys = [demo_school_secret(school)]
    stored = await app_settings.get(session, app_settings.DEMO_SECRET)
    if stored is not None:
        keys.append(f"{school.id}:{stored}".encode())
    return keys


def demo_credentials(key: bytes, login: str) -> tuple[str, str]:
    """The sample user's password and invite token, derived from the demo's key."""
    pw = hmac.new(key, b"password:" + login.encode(), hashlib.sha256).digest()
    alphabet = PASSWORD_ALPHABET
    password = "".join(alphabet[b % len(alphabet)] for b in pw[:PASSWORD_LENGTH])
    tok = hmac.new(key, b"invite:" + login.encode(), hashlib.sha256).digest()
    token = base64.urlsafe_b64encode(tok[:24]).decode().rstrip("=")
    return password, token


async def _refuse_demo_credentials(
    session: AsyncSession,
    account: Account,
    *,
    actor_label: str,
    password: str | None = None,
    token: str | None = None,
) -> None:
    """Credentials the demo could print are accepted only in a school marked as the demo.

    The demo's sample credentials can be printed again by anyone who can run ``demo`` on the
    database (and, for demos built before its secret was stored, computed from the school row).
    Should a school that is not the demo ever hold them, they are refused and the refusal is
    audited and logged: a real school never starts with them.
    """
    school = await session.get(School, account.school_id)
    if school is None or school.is_demo:
        return
    for key in await demo_candidate_keys(session, school):
        derived_password, derived_token = demo_credentials(key, account.login)
        if (password is not None and hmac.compare_digest(password, derived_password)) or (
            token is not None and hmac.compare_digest(token, derived_token)
        ):
            log.warning(
                "demo credentials refused outside the demo school",
                extra={"account_id": account.id, "school_id": account.school_id},
            )
            await _refuse(
                session,
                actor_label=actor_label,
                action="signin.demo_refused",
                entity="account",
                entity_id=account.id,
                school_id=account.school_id,
                error=DomainError("signin.demo_refused"),
            )


async def redeem_invite(
    session: AsyncSession,
    *,
    token: str,
    messenger: Messenger,
    external_user_id: str,
    chat_id: str,
    now: dt.datetime | None = None,
) -> Actor:
    result = await sign_in_with_invite(
        session,
        token=token,
        messenger=messenger,
        external_user_id=external_user_id,
        chat_id=chat_id,
        now=now,
    )
    return result.actor


async def _refuse(
    session: AsyncSession,
    *,
    actor_label: str,
    action: str,
    entity: str,
    entity_id: int | str | None = None,
    school_id: int | None = None,
    error: DomainError,
) -> NoReturn:
    """A refused sign-in: its audit entry is committed (it outlives the refusal), then
    ``error`` goes to the user."""
    audit.record(
        session,
        actor=None,
        actor_label=actor_label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        school_id=school_id,
    )
    await session.commit()
    raise error


@dataclass(frozen=True)
class _Attempt:
    """One sign-in attempt from a chat: who tries, where, the throttle's limits it counts
    against, and when."""

    messenger: Messenger
    external_user_id: str
    chat_id: str
    throttle: Throttle | None
    limits: list[Limit]
    now: dt.datetime
    # The bot the attempt came through (None: the messenger's default bot, one-bot callers).
    bot: ReceivingBot | None = None

    @property
    def bot_key(self) -> str | None:
        return self.bot.key if self.bot is not None else None

    @property
    def label(self) -> str:
        return f"{self.messenger.value}:{self.external_user_id}"

    async def count(
        self, session: AsyncSession, *, entity: str, entity_id: str | None = None
    ) -> None:
        """With a throttle, count the attempt before anything is looked up; refuse it
        (audited) while a pause lasts."""
        if self.throttle is None:
            return
        wait = await self.throttle.attempt(self.limits, self.now)
        if wait:
            await _refuse(
                session,
                actor_label=self.label,
                action="signin.throttled",
                entity=entity,
                entity_id=entity_id,
                error=DomainError("signin.locked", minutes=max(1, -(-wait // 60))),
            )

    async def failed(
        self,
        session: AsyncSession,
        action: str,
        entity: str,
        row: Invite | Account | None,
        error: DomainError,
    ) -> NoReturn:
        """Refuse the attempt (audited): ``row`` is the invite or account it named, if any."""
        await _refuse(
            session,
            actor_label=self.label,
            action=action,
            entity=entity,
            entity_id=row.id if row is not None else None,
            school_id=row.school_id if row is not None else None,
            error=error,
        )

    async def through_school_bot(
        self, session: AsyncSession, account: Account, token: str | None = None
    ) -> None:
        """A school's people sign in through its bot: through another bot the attempt is
        refused (audited) with the right bot's link — with the invite token when there is one,
        which stays unused — before anything is spent."""
        if self.bot is None:
            return
        expected = await school_bot(session, account.school_id, self.messenger)
        if self.bot.serves(expected):
            return
        username = await username_of(session, self.messenger, self.bot.school_bot_id(expected))
        error = (
            DomainError("signin.wrong_bot", link=bot_link(self.messenger, username, token))
            if username
            else DomainError("signin.wrong_bot_unknown")
        )
        await _refuse(
            session,
            actor_label=self.label,
            action="signin.wrong_bot",
            entity="account",
            entity_id=account.id,
            school_id=account.school_id,
            error=error,
        )

    async def signed_in(
        self, session: AsyncSession, account: Account, *, method: str
    ) -> SignInResult:
        """Bind the chat to the account and commit; the throttle forgets the chat's
        failures."""
        previous_chat, replaced = await _bind(
            session,
            account,
            messenger=self.messenger,
            external_user_id=self.external_user_id,
            chat_id=self.chat_id,
            method=method,
            now=self.now,
            bot_id=self.bot_key,
        )
        await session.commit()
        if self.throttle is not None:
            await self.throttle.succeeded([x.key for x in self.limits])
        actor = await actor_for_account(session, account.id)
        assert actor is not None
        return SignInResult(replace(actor, messenger=str(self.messenger)), previous_chat, replaced)


async def sign_in_with_invite(
    session: AsyncSession,
    *,
    token: str,
    messenger: Messenger,
    external_user_id: str,
    chat_id: str,
    throttle: Throttle | None = None,
    now: dt.datetime | None = None,
    bot: ReceivingBot | None = None,
) -> SignInResult:
    """Bind a messenger account by a one-time invite token; commits.

    With a ``throttle``, tokens tried by one chat are counted before they are looked up, like
    passwords; only the guessing chat is slowed down, never the owner of a real link. ``bot``:
    the bot the token came through; a school bound to another bot refuses it with that bot's
    link and the token stays valid.
    """
    now = now or utcnow()
    limits = invite_limits(messenger.value, chat_id)
    attempt = _Attempt(messenger, external_user_id, chat_id, throttle, limits, now, bot)
    await attempt.count(session, entity="invite")
    invite = await session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
    account = await session.get(Account, invite.account_id) if invite is not None else None
    if (
        invite is None
        or account is None
        or invite.used_at is not None
        or invite.revoked_at is not None
        or invite.expires_at <= now
        or account.is_blocked
    ):
        await attempt.failed(
            session, "signin.invite_failed", "invite", invite, DomainError("signin.invite_invalid")
        )
    await attempt.through_school_bot(session, account, token)
    await _refuse_demo_credentials(session, account, token=token, actor_label=attempt.label)
    invite.used_at = now
    await session.flush()
    return await attempt.signed_in(session, account, method="invite")


async def sign_in_with_password(
    session: AsyncSession,
    *,
    login: str,
    password: str,
    messenger: Messenger,
    external_user_id: str,
    chat_id: str,
    throttle: Throttle | None = None,
    now: dt.datetime | None = None,
    bot: ReceivingBot | None = None,
) -> SignInResult:
    """Bind by login and one-time password; commits. Never says whether the login exists.
    ``bot``: as for :func:`sign_in_with_invite` (the password stays valid when refused).

    With a ``throttle``, every attempt is counted before the password is checked (strictly per
    login and chat and per chat, loosely per login: see services.people.throttle); during a pause
    even the right password is refused, and the attempt is still audited.
    """
    now = now or utcnow()
    limits = password_limits(login, messenger.value, chat_id)
    attempt = _Attempt(messenger, external_user_id, chat_id, throttle, limits, now, bot)
    await attempt.count(session, entity="login", entity_id=login.strip().lower()[:64])
    account = await session.scalar(
        select(Account).where(func.lower(Account.login) == login.strip().lower())
    )
    ok = (
        account is not None
        and not account.is_blocked
        and account.password_hash is not None
        and (account.password_expires_at is None or account.password_expires_at > now)
        and verify_password(password.strip(), account.password_hash)
    )
    if not ok or account is None:
        await attempt.failed(
            session,
            "signin.password_failed",
            "account",
            account,
            DomainError("signin.password_invalid"),
        )
    await attempt.through_school_bot(session, account)
    await _refuse_demo_credentials(
        session, account, password=password.strip(), actor_label=attempt.label
    )
    return await attempt.signed_in(session, account, method="password")


async def end_binding(
    session: AsyncSession,
    *,
    messenger: Messenger,
    external_user_id: str,
    reason: str = "logout",
    bot_id: str | None = None,
) -> bool:
    """/logout: end the user's live bindings through the bot ``bot_id`` (None: the default
    bot; the user's sign-ins through the deployment's other bots stay); commits. True if there
    was one."""
    now = utcnow()
    bindings = (
        await session.scalars(
            select(MessengerBinding).where(
                MessengerBinding.messenger == messenger,
                MessengerBinding.external_user_id == external_user_id,
                through_bot(bot_id),
                MessengerBinding.ended_at.is_(None),
            )
        )
    ).all()
    for b in bindings:
        b.ended_at = now
        b.end_reason = reason
        _record_by_account(
            session,
            b.account_id,
            action=f"binding.{reason}",
            entity_id=b.account_id,
            school_id=b.school_id,
        )
    await session.commit()
    return bool(bindings)


async def create_admin(
    session: AsyncSession,
    *,
    school_code: str | None,
    last_name: str,
    first_name: str,
    login: str | None = None,
    ttl: dt.timedelta = DEFAULT_CREDENTIAL_TTL,
) -> IssuedCredentials:
    """CLI: an administrator for a school (the only school when there is one); commits."""
    if school_code:
        school = await session.scalar(select(School).where(School.code == school_code))
    else:
        schools = (await session.scalars(select(School).limit(2))).all()
        school = schools[0] if len(schools) == 1 else None
        if len(schools) > 1:
            raise DomainError("cli.school_required")
    if school is None:
        raise NotFound("cli.school_not_found", school=school_code or "")
    if login is not None:
        login = login.strip().lower()
        if not LOGIN_RE.match(login):
            raise DomainError("cli.login_invalid", login=login)
    taken = select(Account.id).where(Account.login == login)
    if login is not None and await session.scalar(taken) is not None:
        raise DomainError("cli.login_taken", login=login)
    person = Person(school_id=school.id, last_name=last_name.strip(), first_name=first_name.strip())
    session.add(person)
    await session.flush()
    session.add(RoleGrant(school_id=school.id, person_id=person.id, role=Role.ADMIN))
    account = await ensure_account(session, person, login)
    audit.record(
        session,
        actor=None,
        action="account.create_admin",
        entity="account",
        entity_id=account.id,
        school_id=school.id,
        after={"login": account.login, "person_id": person.id},
        source="cli",
    )
    creds = await issue_credentials(session, account, actor=None, ttl=ttl, source="cli")
    await session.commit()
    return creds


# --------------------------------------------------------------------------- managed by staff


async def _account_of(session: AsyncSession, person_id: int) -> Account:
    person = await session.get(Person, person_id)
    assert person is not None
    return await ensure_account(session, person)


async def issue_for(
    session: AsyncSession,
    actor: Actor,
    person_id: int,
    *,
    ttl: dt.timedelta = DEFAULT_CREDENTIAL_TTL,
    now: dt.datetime | None = None,
) -> IssuedCredentials:
    """The admin (anyone) or a class teacher (their class's families) issues a one-time
    password and invite link; earlier unused ones stop working. Commits.

    Refused while the account is signed in somewhere (``invite.signed_in``): the new password
    would be shown to the issuer, who could sign in with it from their own messenger account
    and read everything the holder may (a parent's other children in other classes included).
    Staff cannot tell whether a request for new credentials comes from the holder, and a
    holder who lost the device cannot confirm anything from it, so staff may only end the
    sign-in (the holder's chat is told at once, see ``revoke_for``) and issue afterwards: no
    takeover happens silently, and each step is audited.
    """
    async with UnitOfWork(session, actor, now) as uow:
        await policy.ensure_can_manage_credentials(session, actor, person_id)
        account = await _account_of(session, person_id)
        if await live_binding(session, account.id) is not None:
            raise DomainError("invite.signed_in")
        creds = await issue_credentials(session, account, actor=actor, ttl=ttl, now=uow.now)
        return creds


async def live_binding(session: AsyncSession, account_id: int) -> MessengerBinding | None:
    """A live messenger binding of the account (the newest), if it is signed in anywhere."""
    return await session.scalar(
        select(MessengerBinding)
        .where(MessengerBinding.account_id == account_id, MessengerBinding.ended_at.is_(None))
        .order_by(MessengerBinding.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class EndedBinding:
    messenger: Messenger
    chat_id: str
    language: str | None
    # The bot the chat talks to (None: the messenger's default bot): tell it through that one.
    bot_id: str | None = None


# A link to bind one's own account in another messenger works this long.
LINK_TTL = dt.timedelta(minutes=30)


async def issue_link(
    session: AsyncSession, actor: Actor, *, now: dt.datetime | None = None
) -> tuple[str, dt.datetime]:
    """A signed-in person binds their account in another messenger (MAX beside Telegram):
    a one-time invite of their own account, short-lived, without a new password; opening it in
    the other messenger binds that messenger and keeps this one. Audited; commits. Returns the
    token and when it expires."""
    async with UnitOfWork(session, actor, now) as uow:
        account = await session.get(Account, actor.account_id)
        if account is None or account.is_blocked:
            raise DomainError("link.unavailable")
        token = secrets.token_urlsafe(24)
        expires = uow.now + LINK_TTL
        session.add(
            Invite(
                school_id=account.school_id,
                account_id=account.id,
                token_hash=hash_token(token),
                created_at=uow.now,
                expires_at=expires,
                created_by_account_id=actor.account_id,
            )
        )
        uow.record(
            action="binding.link_issued",
            entity="account",
            entity_id=account.id,
            after={"from": actor.messenger, "expires_at": expires},
        )
    return token, expires


async def _revoke_unused(session: AsyncSession, account: Account, now: dt.datetime) -> None:
    """The account's unused invites stop working and its one-time password is cleared."""
    await session.execute(
        update(Invite)
        .where(
            Invite.account_id == account.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    account.password_hash = None


async def _end_live_bindings(
    session: AsyncSession, account: Account, now: dt.datetime
) -> Sequence[MessengerBinding]:
    """The account's live bindings end now, revoked by the school."""
    bindings = (
        await session.scalars(
            select(MessengerBinding).where(
                MessengerBinding.account_id == account.id, MessengerBinding.ended_at.is_(None)
            )
        )
    ).all()
    for b in bindings:
        b.ended_at = now
        b.end_reason = "revoked"
    return bindings


async def revoke_for(session: AsyncSession, actor: Actor, person_id: int) -> list[EndedBinding]:
    """Revoke unused credentials and end the live binding of a person's account. Commits.

    Returns the chats that lost access, for the front end to tell them at once."""
    async with UnitOfWork(session, actor) as uow:
        await policy.ensure_can_manage_credentials(session, actor, person_id)
        account = await _account_of(session, person_id)
        await _revoke_unused(session, account, uow.now)
        account.password_expires_at = None
        bindings = await _end_live_bindings(session, account, uow.now)
        uow.record(
            action="credentials.revoke",
            entity="account",
            entity_id=account.id,
            after={"bindings_ended": len(bindings)},
        )
        return [EndedBinding(b.messenger, b.chat_id, account.language, b.bot_id) for b in bindings]


async def set_blocked(
    session: AsyncSession, actor: Actor, person_id: int, *, blocked: bool, reason: str
) -> None:
    """The admin blocks or unblocks an account; a blocked one is refused on its next update."""
    async with UnitOfWork(session, actor) as uow:
        policy.ensure_can_block(actor)
        await policy.load(session, actor, Person, person_id)
        if not reason.strip():
            raise DomainError("journal.reason_required")
        account = await _account_of(session, person_id)
        before = account.is_blocked
        account.is_blocked = blocked
        uow.record(
            action="account.block" if blocked else "account.unblock",
            entity="account",
            entity_id=account.id,
            before={"is_blocked": before},
            after={"is_blocked": blocked},
            reason=reason.strip()[:500],
        )


async def ensure_can_manage(session: AsyncSession, actor: Actor, person_id: int) -> None:
    """For the front end: may this actor issue or revoke this person's credentials?"""
    await policy.ensure_can_manage_credentials(session, actor, person_id)


async def is_signed_in(session: AsyncSession, actor: Actor, person_id: int) -> bool:
    """For the front end, after the same check as ``ensure_can_manage``: is the person's
    account signed in to a messenger (new credentials only after the sign-in is ended)?"""
    await policy.ensure_can_manage_credentials(session, actor, person_id)
    account = await _account_of(session, person_id)
    return await live_binding(session, account.id) is not None


async def cli_issue(
    session: AsyncSession,
    *,
    login: str | None = None,
    external_id: str | None = None,
    school_code: str | None = None,
    revoke: bool = False,
    ttl: dt.timedelta = DEFAULT_CREDENTIAL_TTL,
) -> IssuedCredentials | None:
    """`python -m bot invite`: the school office issues (or revokes) a person's sign-in.

    Found by login, or by register id within a school. Commits; audited with source "cli".
    """
    person: Person | None = None
    if login:
        account = await session.scalar(select(Account).where(Account.login == login.lower()))
        person = await session.get(Person, account.person_id) if account else None
    elif external_id:
        q = select(Person).where(Person.external_id == external_id)
        if school_code:
            q = q.join(School, School.id == Person.school_id).where(School.code == school_code)
        found = (await session.scalars(q.limit(2))).all()
        if len(found) > 1:
            raise DomainError("cli.school_required")
        person = found[0] if found else None
    if person is None:
        raise NotFound("cli.person_not_found")
    account = await ensure_account(session, person)
    if revoke:
        await _revoke_unused(session, account, utcnow())
        await _end_live_bindings(session, account, utcnow())
        audit.record(
            session,
            actor=None,
            action="credentials.revoke",
            entity="account",
            entity_id=account.id,
            school_id=account.school_id,
            source="cli",
        )
        await session.commit()
        return None
    if await live_binding(session, account.id) is not None:
        # The same rule as in the bot (see issue_for): end the sign-in first (--revoke).
        raise DomainError("invite.signed_in_cli")
    creds = await issue_credentials(session, account, actor=None, ttl=ttl, source="cli")
    await session.commit()
    return creds
