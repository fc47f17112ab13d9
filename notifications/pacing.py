"""Pacing: a global rate and per-chat rates, shared by every process that sends.

Telegram allows a bot about 30 messages a second in bulk, about one a second to one chat and
20 a minute to a group. Each limit is a GCRA bucket (the "virtual scheduling" form of a token
bucket): one number per key, the theoretical arrival time (TAT) of the next send. A send needs
the global bucket and its chat's bucket at once; if either refuses, nothing is consumed and the
caller learns how long to wait.

- :class:`MemoryPacer`: one process (tests, SQLite single-process deployments);
- :class:`RedisPacer`: the same algorithm in a Lua script, atomic in Redis and timed by Redis'
  own clock, so several workers together stay under the limits;
- :class:`FallbackPacer`: the Redis one while Redis is reachable, the process's own while it
  is away (the bot's wiring).

``block`` pushes a chat's TAT forward after the messenger answered 429 ``retry_after``: no
process sends to that chat before the time is up.

Each messenger's bot has its own budget: the worker holds one pacer per messenger
(:func:`pacing_for` gives its limits), and the Redis keys of each live under their own prefix
(:func:`pace_prefix`: the messenger and the bot), so a Telegram chat 123 and a MAX chat 123 are
different chats, and two bots of one messenger do not share one budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from services.enums import Messenger
from services.redis_link import RedisGate


@dataclass(frozen=True)
class PacingConfig:
    global_per_second: float = 25.0
    global_burst: int = 5
    private_per_second: float = 1.0
    private_burst: int = 1
    group_per_minute: float = 20.0
    group_burst: int = 1

    def chat_rate(self, is_group: bool) -> tuple[float, int]:
        if is_group:
            return self.group_per_minute / 60.0, self.group_burst
        return self.private_per_second, self.private_burst


# MAX allows a bot about 30 requests a second (all of them: the bot's answers too), and keeps
# Telegram's order of one message a second to one chat.
MAX_PACING = PacingConfig(global_per_second=25.0)


def pacing_for(messenger: Messenger, global_per_second: float | None = None) -> PacingConfig:
    """The limits of one bot of ``messenger``; ``global_per_second`` overrides its bulk rate."""
    base = MAX_PACING if messenger == Messenger.MAX else PacingConfig()
    if global_per_second is None:
        return base
    return replace(base, global_per_second=float(global_per_second))


def pace_prefix(
    messenger: Messenger, bot: str | None = None, *, root: str = "schoolbot:pace"
) -> str:
    """The Redis prefix of one bot's buckets: ``<root>:<messenger>[:<bot>]``."""
    return f"{root}:{messenger.value}" + (f":{bot}" if bot else "")


def is_group_chat(chat_id: str) -> bool:
    """Telegram groups and channels have negative ids."""
    return chat_id.startswith("-")


class Pacer(Protocol):
    async def try_acquire(self, chat_id: str) -> float:
        """0 when the send may go now (and is counted); else the seconds to wait."""
        ...

    async def block(self, chat_id: str, seconds: float) -> None:
        """Nothing goes to ``chat_id`` for ``seconds`` (after a 429)."""
        ...


async def acquire(pacer: Pacer, chat_id: str, *, max_wait: float | None = None) -> float:
    """Wait until a send to ``chat_id`` is allowed. Returns 0 when acquired; when the wait
    would exceed ``max_wait``, returns that wait without acquiring (the caller defers)."""
    while True:
        wait = await pacer.try_acquire(chat_id)
        if wait <= 0:
            return 0.0
        if max_wait is not None and wait > max_wait:
            return wait
        await asyncio.sleep(wait)


def _gcra(tat: float, now: float, rate: float, burst: int) -> tuple[float, float]:
    """(wait, new_tat) for one bucket."""
    interval = 1.0 / rate
    tolerance = interval * (max(burst, 1) - 1)
    tat = max(tat, now)
    allow_at = tat - tolerance
    if now < allow_at:
        return allow_at - now, tat
    return 0.0, tat + interval


class MemoryPacer:
    def __init__(
        self, config: PacingConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config or PacingConfig()
        self._clock = clock
        self._tat: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def try_acquire(self, chat_id: str) -> float:
        cfg = self.config
        now = self._clock()
        chat_rate, chat_burst = cfg.chat_rate(is_group_chat(chat_id))
        gkey, ckey = "global", f"chat:{chat_id}"
        async with self._lock:
            gwait, gtat = _gcra(
                self._tat.get(gkey, now), now, cfg.global_per_second, cfg.global_burst
            )
            cwait, ctat = _gcra(self._tat.get(ckey, now), now, chat_rate, chat_burst)
            wait = max(gwait, cwait)
            if wait > 0:
                return wait
            self._tat[gkey] = gtat
            self._tat[ckey] = ctat
            if len(self._tat) > 100_000:
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            return 0.0

    async def block(self, chat_id: str, seconds: float) -> None:
        cfg = self.config
        rate, burst = cfg.chat_rate(is_group_chat(chat_id))
        tolerance = (max(burst, 1) - 1) / rate
        key = f"chat:{chat_id}"
        async with self._lock:
            until = self._clock() + seconds + tolerance
            self._tat[key] = max(self._tat.get(key, 0.0), until)


# KEYS: global bucket, chat bucket. ARGV: global rate, global burst, chat rate, chat burst.
# Returns the wait in microseconds (0 = acquired). Times in microseconds from Redis TIME.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local waits = {}
local tats = {}
local intervals = {}
local maxwait = 0
for i = 1, 2 do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local interval = 1000000 / rate
  local tolerance = interval * (burst - 1)
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local allow_at = tat - tolerance
  if now < allow_at and allow_at - now > maxwait then maxwait = allow_at - now end
  tats[i] = tat + interval
  intervals[i] = interval
end
if maxwait > 0 then return math.ceil(maxwait) end
for i = 1, 2 do
  local ttl = math.ceil((tats[i] - now) / 1000) + 1000
  redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', ttl)
end
return 0
"""

# KEYS: chat bucket. ARGV: seconds, chat rate, chat burst.
_BLOCK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = 1000000 / tonumber(ARGV[2])
local tolerance = interval * (tonumber(ARGV[3]) - 1)
local untilv = now + tonumber(ARGV[1]) * 1000000 + tolerance
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if untilv > tat then
  local ttl = math.ceil((untilv - now) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', untilv), 'PX', ttl)
end
return 0
"""


class RedisPacer:
    """The same buckets in Redis, shared by every process using ``prefix``."""

    def __init__(
        self, redis: Any, config: PacingConfig | None = None, *, prefix: str = "schoolbot:pace"
    ) -> None:
        self.redis = redis
        self.config = config or PacingConfig()
        self.prefix = prefix
        self._acquire = redis.register_script(_ACQUIRE)
        self._block = redis.register_script(_BLOCK)

    async def try_acquire(self, chat_id: str) -> float:
        cfg = self.config
        chat_rate, chat_burst = cfg.chat_rate(is_group_chat(chat_id))
        micros = await self._acquire(
            keys=[f"{self.prefix}:global", f"{self.prefix}:chat:{chat_id}"],
            args=[cfg.global_per_second, max(cfg.global_burst, 1), chat_rate, max(chat_burst, 1)],
        )
        return int(micros) / 1_000_000

    async def block(self, chat_id: str, seconds: float) -> None:
        rate, burst = self.config.chat_rate(is_group_chat(chat_id))
        await self._block(
            keys=[f"{self.prefix}:chat:{chat_id}"], args=[seconds, rate, max(burst, 1)]
        )


class FallbackPacer:
    """``primary`` (the shared :class:`RedisPacer`) while Redis is reachable; this process's
    own ``fallback`` (a :class:`MemoryPacer` at the same rates) while it is away. The switch is
    logged once each way by the gate, not per message; while Redis is away several processes
    each keep to the limits on their own (Telegram's 429 ``retry_after`` still applies)."""

    def __init__(self, primary: Pacer, fallback: Pacer, gate: RedisGate) -> None:
        self.primary = primary
        self.fallback = fallback
        self.gate = gate

    async def try_acquire(self, chat_id: str) -> float:
        return await self.gate.call(
            lambda: self.primary.try_acquire(chat_id),
            lambda: self.fallback.try_acquire(chat_id),
            "pacing",
        )

    async def block(self, chat_id: str, seconds: float) -> None:
        # Both: whichever serves the next send to this chat must know of the 429.
        await self.fallback.block(chat_id, seconds)
        await self.gate.call(lambda: self.primary.block(chat_id, seconds), _nothing, "pacing")


async def _nothing() -> None:
    return None
