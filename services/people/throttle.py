"""Throttling of sign-in attempts: after a few attempts a pause that grows with each one.

Counters live in Redis when it is configured (shared by every process), in the database
otherwise. Every attempt is counted *before* the secret is checked, atomically (a Lua script
in Redis; an ``UPDATE … RETURNING`` under the row's lock in the database), so guessers who
try at the same moment cannot all slip in before the first counter lands.

Who is slowed down, and how much (see ``password_limits`` and ``invite_limits``):

- one chat trying one login: strictly (a few attempts, then 1, 2, 4 … minutes);
- one chat trying any logins or invite tokens: strictly as well;
- one login tried from anywhere: only loosely, with a threshold many times the per-chat one.
  A stranger's chat is stopped long before it could lock the owner out, and the owner's own
  invite link is never throttled by what other chats did.

Unknown logins are counted like known ones: the answer never reveals whether a login exists.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.models import SigninThrottle, utcnow

# Attempts of one chat for one login before the first pause.
FREE_FAILURES = 5
# Attempts of one chat, whatever login or invite token it tries, before the first pause.
CHAT_FREE = 10
# Invite tokens tried by one chat before the first pause (a real link works the first time).
INVITE_FREE = 5
# Attempts for one login from every chat together: loose, so that strangers cannot lock the
# owner out; it only stops a guessing campaign spread over many messenger accounts.
LOGIN_FREE = 50
BASE_PAUSE = dt.timedelta(minutes=1)
MAX_PAUSE = dt.timedelta(hours=1)
# Counters are forgotten after a day without attempts.
COUNTER_TTL = dt.timedelta(days=1)


def pause_after(attempts: int, free: int = FREE_FAILURES) -> dt.timedelta:
    """No pause for the first ``free - 1`` attempts; then 1, 2, 4 ... minutes, at most 1 h."""
    if attempts < free:
        return dt.timedelta(0)
    pause = BASE_PAUSE * (2 ** min(attempts - free, 12))
    return min(pause, MAX_PAUSE)


@dataclass(frozen=True)
class Limit:
    """One counter: its key and how many attempts it allows before the first pause."""

    key: str
    free: int


class Throttle(Protocol):
    async def attempt(self, limits: Sequence[Limit], now: dt.datetime | None = None) -> int:
        """Count one attempt on every counter, atomically, before anything is checked.

        0: go ahead (the attempt is counted). Otherwise the seconds until a pause ends; the
        attempt is then refused and no counter moves.
        """

    async def succeeded(self, keys: Sequence[str]) -> None:
        """Forget the counters of a successful sign-in."""


class DatabaseThrottle:
    """Counters in the ``signin_throttle`` table; each call is its own short transaction.

    Per key, ``INSERT … ON CONFLICT DO NOTHING`` makes sure the row exists, then one
    ``UPDATE … WHERE not paused RETURNING attempts`` counts the attempt and locks the row until
    commit (PostgreSQL re-checks the condition after waiting for a concurrent update; SQLite
    has one writer at a time). Keys are taken in a fixed order, and a refused attempt rolls
    back, so no counter moves for it.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    @staticmethod
    def _insert(dialect: str) -> Any:
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(SigninThrottle)

    async def attempt(self, limits: Sequence[Limit], now: dt.datetime | None = None) -> int:
        now = now or utcnow()
        stale = now - COUNTER_TTL
        async with self._sessions() as s:
            dialect = s.get_bind().dialect.name
            for limit in sorted(limits, key=lambda x: x.key):
                await s.execute(
                    self._insert(dialect)
                    .values(key=limit.key, failures=0, locked_until=None, updated_at=now)
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                counted = await s.scalar(
                    update(SigninThrottle)
                    .where(
                        SigninThrottle.key == limit.key,
                        (SigninThrottle.locked_until.is_(None))
                        | (SigninThrottle.locked_until <= now),
                    )
                    .values(
                        failures=case(
                            (SigninThrottle.updated_at < stale, 1),
                            else_=SigninThrottle.failures + 1,
                        ),
                        updated_at=now,
                    )
                    .returning(SigninThrottle.failures)
                )
                if counted is None:
                    until = await s.scalar(
                        select(SigninThrottle.locked_until).where(SigninThrottle.key == limit.key)
                    )
                    await s.rollback()
                    wait = (until - now).total_seconds() if until is not None else 1
                    return max(1, math.ceil(wait))
                pause = pause_after(counted, limit.free)
                if pause:
                    await s.execute(
                        update(SigninThrottle)
                        .where(SigninThrottle.key == limit.key)
                        .values(locked_until=now + pause)
                    )
            await s.commit()
        return 0

    async def succeeded(self, keys: Sequence[str]) -> None:
        async with self._sessions() as s:
            await s.execute(delete(SigninThrottle).where(SigninThrottle.key.in_(list(keys))))
            await s.commit()


# KEYS: pairs of (counter, pause) keys. ARGV: counter TTL (ms), base pause (ms), max pause (ms),
# then the free attempts of each pair. Any pause running: its remaining ms, nothing counted.
# Otherwise every counter is incremented and a pause set where it reached its threshold; 0.
_ATTEMPT_LUA = """
local wait = 0
for i = 1, #KEYS, 2 do
  local left = redis.call('PTTL', KEYS[i + 1])
  if left > wait then wait = left end
end
if wait > 0 then return wait end
local ttl = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
for i = 1, #KEYS, 2 do
  local n = redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ttl)
  local free = tonumber(ARGV[4 + (i - 1) / 2])
  if n >= free then
    local pause = base
    local steps = math.min(n - free, 12)
    for _ = 1, steps do pause = pause * 2 end
    if pause > max then pause = max end
    redis.call('SET', KEYS[i + 1], '1', 'PX', pause)
  end
end
return 0
"""


class RedisThrottle:
    """Counters in Redis: ``<prefix>:fail:<key>`` (count) and ``<prefix>:lock:<key>`` (TTL).

    One Lua script checks the pauses and counts the attempt on every key: atomic across
    processes. Pauses run on Redis's clock.
    """

    def __init__(self, redis: Any, prefix: str = "schoolbot:signin") -> None:
        self._r = redis
        self._prefix = prefix
        self._script: Any = None

    async def attempt(self, limits: Sequence[Limit], now: dt.datetime | None = None) -> int:
        keys: list[str] = []
        for limit in limits:
            keys += [f"{self._prefix}:fail:{limit.key}", f"{self._prefix}:lock:{limit.key}"]
        args = [
            int(COUNTER_TTL.total_seconds() * 1000),
            int(BASE_PAUSE.total_seconds() * 1000),
            int(MAX_PAUSE.total_seconds() * 1000),
            *(limit.free for limit in limits),
        ]
        if self._script is None:
            self._script = self._r.register_script(_ATTEMPT_LUA)
        wait_ms = int(await self._script(keys=keys, args=args))
        return math.ceil(wait_ms / 1000) if wait_ms > 0 else 0

    async def succeeded(self, keys: Sequence[str]) -> None:
        names = [f"{self._prefix}:{kind}:{key}" for key in keys for kind in ("fail", "lock")]
        if names:
            await self._r.delete(*names)


def _login(login: str) -> str:
    return login.strip().lower()[:64]


def password_limits(login: str, messenger: str, chat_id: str) -> list[Limit]:
    """Login and password from a chat: strict per (login, chat) and per chat, loose per login."""
    login = _login(login)
    return [
        Limit(f"lc:{messenger}:{chat_id}:{login}", FREE_FAILURES),
        Limit(f"chat:{messenger}:{chat_id}", CHAT_FREE),
        Limit(f"login:{login}", LOGIN_FREE),
    ]


def invite_limits(messenger: str, chat_id: str) -> list[Limit]:
    """Invite tokens from a chat: strict per chat. Nothing keyed by the account: a stranger's
    wrong tokens never stop the owner's real link."""
    return [Limit(f"invite:{messenger}:{chat_id}", INVITE_FREE)]
