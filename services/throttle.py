"""Throttling of failed sign-ins: after a few failures a pause that grows with each one.

Counters live in Redis when it is configured (shared by every process), in the database
otherwise. Keys name both the login tried and the messenger user, so guessing passwords for one
login from many accounts and many logins from one account are both slowed down. Unknown logins
are counted like known ones: the answer never reveals whether a login exists.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.models import SigninThrottle, utcnow

FREE_FAILURES = 5
BASE_PAUSE = dt.timedelta(minutes=1)
MAX_PAUSE = dt.timedelta(hours=1)
# Counters are forgotten after a day without failures.
COUNTER_TTL = dt.timedelta(days=1)


def pause_after(failures: int) -> dt.timedelta:
    """No pause for the first FREE_FAILURES - 1 failures; then 1, 2, 4 ... minutes, at most 1 h."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    pause = BASE_PAUSE * (2 ** min(failures - FREE_FAILURES, 12))
    return min(pause, MAX_PAUSE)


class Throttle(Protocol):
    async def locked_for(self, keys: list[str], now: dt.datetime | None = None) -> int:
        """Seconds until every key may try again (0: free)."""

    async def failed(self, keys: list[str], now: dt.datetime | None = None) -> None: ...

    async def succeeded(self, keys: list[str]) -> None: ...


class DatabaseThrottle:
    """Counters in the ``signin_throttle`` table; each call is its own short transaction."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def locked_for(self, keys: list[str], now: dt.datetime | None = None) -> int:
        now = now or utcnow()
        async with self._sessions() as s:
            rows = (
                await s.scalars(select(SigninThrottle).where(SigninThrottle.key.in_(keys)))
            ).all()
        wait = max(
            ((r.locked_until - now).total_seconds() for r in rows if r.locked_until), default=0
        )
        return max(0, math.ceil(wait))

    async def failed(self, keys: list[str], now: dt.datetime | None = None) -> None:
        now = now or utcnow()
        async with self._sessions() as s:
            for key in keys:
                row = await s.get(SigninThrottle, key, with_for_update=True)
                if row is None:
                    row = SigninThrottle(key=key, failures=0)
                    s.add(row)
                elif now - row.updated_at > COUNTER_TTL:
                    row.failures = 0
                row.failures += 1
                row.updated_at = now
                pause = pause_after(row.failures)
                row.locked_until = now + pause if pause else None
            await s.commit()

    async def succeeded(self, keys: list[str]) -> None:
        async with self._sessions() as s:
            await s.execute(delete(SigninThrottle).where(SigninThrottle.key.in_(keys)))
            await s.commit()


class RedisThrottle:
    """Counters in Redis: ``<prefix>:fail:<key>`` (count) and ``<prefix>:lock:<key>`` (TTL)."""

    def __init__(self, redis: object, prefix: str = "schoolbot:signin") -> None:
        self._r = redis
        self._prefix = prefix

    async def locked_for(self, keys: list[str], now: dt.datetime | None = None) -> int:
        wait = 0
        for key in keys:
            ttl = await self._r.pttl(f"{self._prefix}:lock:{key}")  # type: ignore[attr-defined]
            if ttl and ttl > 0:
                wait = max(wait, math.ceil(ttl / 1000))
        return wait

    async def failed(self, keys: list[str], now: dt.datetime | None = None) -> None:
        for key in keys:
            counter = f"{self._prefix}:fail:{key}"
            failures = int(await self._r.incr(counter))  # type: ignore[attr-defined]
            await self._r.expire(counter, int(COUNTER_TTL.total_seconds()))  # type: ignore[attr-defined]
            pause = pause_after(failures)
            if pause:
                await self._r.set(  # type: ignore[attr-defined]
                    f"{self._prefix}:lock:{key}", "1", px=int(pause.total_seconds() * 1000)
                )

    async def succeeded(self, keys: list[str]) -> None:
        names = [f"{self._prefix}:{kind}:{key}" for key in keys for kind in ("fail", "lock")]
        await self._r.delete(*names)  # type: ignore[attr-defined]


def signin_keys(login: str | None, messenger: str, external_user_id: str) -> list[str]:
    keys = [f"user:{messenger}:{external_user_id}"]
    if login:
        keys.append(f"login:{login.strip().lower()[:64]}")
    return keys
