"""The part of a local messenger server that does not depend on the messenger.

``LocalServer`` holds the aiohttp life cycle (listen on 127.0.0.1, stop, ``async with``),
the interruptible sleep, the injected faults' common effects, and the bookkeeping behind
``wait_for`` / ``wait_changes``: every chat (Telegram) or dialog (MAX) keeps an append-only
log of the bot's message changes, and waiters park on one event set at each change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, Protocol, Self, TypeVar

import aiohttp
from aiohttp import web


class Message(Protocol):
    """A bot message as the change log keeps it."""

    @property
    def message_id(self) -> Hashable: ...

    @property
    def deleted(self) -> bool: ...

    @property
    def content(self) -> str: ...


M = TypeVar("M", bound=Message)


class ChangeLog(Protocol[M]):
    """A chat's (or dialog's) bot messages and the log of their changes."""

    @property
    def bot_messages(self) -> Mapping[Any, M]: ...

    @property
    def changes(self) -> list[M]: ...  # new, edited and deleted, in order

    @property
    def mark(self) -> int: ...  # len(changes) at the latest user action


class Fault(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def delay(self) -> float: ...


F = TypeVar("F", bound=Fault)


class LocalServer(Generic[F, M]):
    """Base of ``BotAPIServer`` (chats by chat id) and ``MaxAPIServer`` (dialogs by user id)."""

    base_url: str | None = None
    _runner: web.AppRunner | None = None
    _client: aiohttp.ClientSession | None = None
    _msg_event: asyncio.Event | None = None

    def __init__(self, max_upload_size: int) -> None:
        self.max_upload_size = max_upload_size
        self._closing = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> str:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    def _app(self) -> web.Application:
        return web.Application(client_max_size=self.max_upload_size)

    async def _listen(self, app: web.Application, port: int) -> str:
        """Serve ``app`` on 127.0.0.1:``port`` (0 = random); return the base URL."""
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        address = self._runner.addresses[0]
        self.base_url = f"http://127.0.0.1:{address[1]}"
        self._client = aiohttp.ClientSession()
        return self.base_url

    @staticmethod
    async def _cancel(task: asyncio.Task[None] | None) -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _close(self) -> None:
        """Stop listening and close the webhook client."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _sleep(self, delay: float) -> None:
        """Sleep ``delay`` seconds, or until the server stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), delay)

    # ------------------------------------------------------------------ faults

    def _fault_error(self, fault: F) -> Exception:
        """The API's error answer for a ``5xx``, ``429`` or ``403`` fault."""
        raise NotImplementedError

    async def _apply_fault(self, fault: F, request: web.Request) -> web.StreamResponse | None:
        """Apply ``fault``: None to go on (``slow``), a dropped connection's response
        (``timeout`` after its delay, ``disconnect``); the error answers are raised."""
        if fault.kind == "slow":
            await self._sleep(fault.delay)
            return None
        if fault.kind in ("5xx", "429", "403"):
            raise self._fault_error(fault)
        if fault.kind == "timeout":
            await self._sleep(fault.delay)
        # timeout (after the delay) and disconnect: drop the connection without an answer
        if request.transport is not None:
            request.transport.close()
        response = web.Response(status=500)
        response.force_close()
        return response

    # ------------------------------------------------------------------ change logs

    def _log(self, key: int) -> ChangeLog[M] | None:
        """The change log of the chat (dialog) ``key`` if there is one yet."""
        raise NotImplementedError

    def _sent(self, key: int, include_deleted: bool) -> list[M]:
        log = self._log(key)
        if log is None:
            return []
        return [m for m in log.bot_messages.values() if include_deleted or not m.deleted]

    def _cursor(self, key: int) -> int:
        log = self._log(key)
        return len(log.changes) if log else 0

    def _changed_between(self, key: int, start: int, end: int) -> list[M]:
        """The messages changed from cursor ``start`` to ``end``, each once, in order."""
        log = self._log(key)
        changed: dict[Hashable, M] = {}
        if log is not None and end > start:
            for message in log.changes[start:end]:
                changed[message.message_id] = message
        return list(changed.values())

    def _notify_messages(self) -> None:
        if self._msg_event is not None:
            self._msg_event.set()
            self._msg_event = None

    def _changed(self, log: ChangeLog[M], message: M) -> None:
        log.changes.append(message)
        self._notify_messages()

    async def _wait_messages(self, seconds: float) -> None:
        """Wait until a bot message changes somewhere (or ``seconds`` pass)."""
        if self._msg_event is None:
            self._msg_event = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._msg_event.wait(), seconds)

    async def _wait_for(
        self,
        log_of: Callable[[], ChangeLog[M]],
        predicate: Callable[[M], bool] | None,
        timeout: float,  # noqa: ASYNC109
        since: int | None,
        where: str,
    ) -> M:
        """The first change after ``since`` (default: the log's mark) that is not a deletion
        and matches ``predicate``; ``log_of`` is asked again after each wait (a reset
        replaces the logs).  Raises ``TimeoutError`` naming ``where``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        log = log_of()
        cursor = log.mark if since is None else since
        while True:
            log = log_of()
            while cursor < len(log.changes):
                message = log.changes[cursor]
                cursor += 1
                if not message.deleted and (predicate is None or predicate(message)):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                texts = [m.content for m in log.bot_messages.values()][-5:]
                raise TimeoutError(
                    f"no matching bot message {where} within {timeout}s; last messages: {texts!r}"
                )
            await self._wait_messages(remaining)

    async def _wait_cursor(
        self, cursor_of: Callable[[], int], cursor: int, wait_seconds: float
    ) -> int:
        """Wait until ``cursor_of()`` differs from ``cursor``; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            current = cursor_of()
            if current != cursor:
                return current
            remaining = deadline - loop.time()
            if remaining <= 0:
                return current
            await self._wait_messages(remaining)
