"""The wake-up both servers' bot states give their long polls and webhook loops."""

from __future__ import annotations

import asyncio
import contextlib


class UpdateSignal:
    """``notify()`` wakes every ``wait()`` parked on the bot's ``_event`` (a new update, a
    reset, a stop); a waiter that comes later waits for the next one."""

    _event: asyncio.Event

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        event = self._event
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
