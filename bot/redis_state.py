"""FSM storage, event isolation and sign-in throttling over the process's one Redis client,
each with an in-process fallback used while Redis is away (see :mod:`services.redis_link`).

While Redis is away the bot keeps answering, degraded: a conversation's state lives in this
process's memory (a half-finished dialogue may be forgotten at the switch), updates of one chat
are still serialised inside the process, and failed sign-ins are counted in the database.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, KeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from redis.asyncio import Redis
from redis.exceptions import LockError

from services.redis_link import REDIS_DOWN_ERRORS, RedisGate

log = logging.getLogger(__name__)

StateType = str | State | None

# An update holds its chat's lock at most this long in Redis (aiogram's default): a process
# that dies holding it does not block the chat for longer.
LOCK_TIMEOUT_SECONDS = 60


class FallbackStorage(BaseStorage):
    """``primary`` (Redis) while it is reachable, ``fallback`` (memory) while it is not."""

    def __init__(self, primary: BaseStorage, gate: RedisGate, fallback: BaseStorage | None = None):
        self.primary = primary
        self.fallback = fallback if fallback is not None else MemoryStorage()
        self.gate = gate

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self.gate.call(
            lambda: self.primary.set_state(key, state),
            lambda: self.fallback.set_state(key, state),
            "fsm",
        )

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.gate.call(
            lambda: self.primary.get_state(key), lambda: self.fallback.get_state(key), "fsm"
        )

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.gate.call(
            lambda: self.primary.set_data(key, data),
            lambda: self.fallback.set_data(key, data),
            "fsm",
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self.gate.call(
            lambda: self.primary.get_data(key), lambda: self.fallback.get_data(key), "fsm"
        )

    async def close(self) -> None:
        # The Redis client is the process's, shared: its owner closes it (bot.app.run_polling).
        await self.fallback.close()


class LocalIsolation(BaseEventIsolation):
    """One update at a time per chat inside this process; a chat's lock is forgotten when
    nobody holds or waits for it (aiogram's SimpleEventIsolation keeps every chat's lock)."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            # close() may have forgotten every lock while this update was still running.
            entry = self._locks.get(key)
            if entry is not None and entry[0] is lock:
                if entry[1] <= 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, entry[1] - 1)

    async def close(self) -> None:
        self._locks.clear()


class FallbackIsolation(BaseEventIsolation):
    """One update at a time per chat across processes: first this process's own lock (so
    updates of one chat in one process wait here, not by polling Redis), then the chat's lock
    in Redis while Redis is reachable. While it is away the process lock alone serialises."""

    def __init__(self, redis: Redis, key_builder: KeyBuilder, gate: RedisGate) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self.gate = gate
        self.local = LocalIsolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self.local.lock(key):
            held = None
            if self.gate.available():
                candidate = self.redis.lock(
                    name=self.key_builder.build(key, "lock"), timeout=LOCK_TIMEOUT_SECONDS
                )
                try:
                    await candidate.acquire()
                except REDIS_DOWN_ERRORS as exc:
                    self.gate.failed(exc, "isolation")
                else:
                    self.gate.succeeded()
                    held = candidate
            try:
                yield
            finally:
                if held is not None:
                    try:
                        await held.release()
                    except REDIS_DOWN_ERRORS as exc:
                        # The lock expires by itself after LOCK_TIMEOUT_SECONDS.
                        self.gate.failed(exc, "isolation")
                    except LockError:
                        log.warning("chat lock expired before the update was handled")

    async def close(self) -> None:
        await self.local.close()


class FallbackThrottle:
    """The sign-in throttle in Redis while it is reachable, in the database while it is not.
    Every coroutine method of ``primary`` is routed through the gate to the same method of
    ``fallback``; other attributes are ``primary``'s."""

    def __init__(self, primary: Any, fallback: Any, gate: RedisGate) -> None:
        self.primary = primary
        self.fallback = fallback
        self.gate = gate

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("primary", "fallback", "gate"):
            raise AttributeError(name)
        first = getattr(self.primary, name)
        if not inspect.iscoroutinefunction(first):
            return first
        second = getattr(self.fallback, name)

        async def gated(*args: Any, **kwargs: Any) -> Any:
            return await self.gate.call(
                lambda: first(*args, **kwargs), lambda: second(*args, **kwargs), "throttle"
            )

        return gated
