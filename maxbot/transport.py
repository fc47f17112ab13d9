"""MAX delivery of alerts: :class:`notifications.transport.Transport` over :class:`MaxClient`.

The worker hands it an alert as a neutral :class:`screens.screen.Screen` of one message; it goes
as one ``POST /messages?user_id=`` with the text in MAX's HTML and the screen's buttons
(:mod:`maxbot.render`). A file given as bytes is uploaded first and attached; a file given by
reference is attached only if the reference is MAX's own (``max:<token>``) — a Telegram file id
means nothing to MAX, so such an alert goes as its text alone (the file stays in the diary).

The chat id the worker passes is the binding's ``chat_id``: for MAX the user's id (a dialog is
addressed by ``user_id``). Errors map to the neutral delivery errors like Telegram's:

- 429 → :class:`RetryAfter`; 403 (the user stopped the bot) → :class:`Blocked`;
- 5xx, a refused connection → :class:`TransientError` (certainly not delivered);
- a timeout, a dropped connection → :class:`OutcomeUnknown`;
- 400 and the rest → :class:`PermanentError`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from maxbot import render
from maxbot.client import (
    MaxBadRequest,
    MaxClient,
    MaxError,
    MaxForbidden,
    MaxNotSent,
    MaxOutcomeUnknown,
    MaxRetryAfter,
    MaxServerError,
)
from notifications.transport import (
    Blocked,
    OutcomeUnknown,
    PermanentError,
    RetryAfter,
    TransientError,
)
from screens.screen import Screen

log = logging.getLogger(__name__)

MAX_REF = "max:"


def _delivery_error(exc: MaxError) -> Exception:
    if isinstance(exc, MaxRetryAfter):
        return RetryAfter(exc.seconds, exc.message)
    if isinstance(exc, MaxForbidden):
        return Blocked(f"{exc.code}: {exc.message}")
    if isinstance(exc, (MaxServerError, MaxNotSent)):
        return TransientError(f"{exc.code}: {exc.message}")
    if isinstance(exc, MaxOutcomeUnknown):
        return OutcomeUnknown(f"{exc.code}: {exc.message}")
    return PermanentError(f"{exc.status} {exc.code}: {exc.message}")


# MAX answers a message with a file it is still processing "attachment.not.ready": sent again
# after these pauses, then left to the worker's retry (a transient error).
NOT_READY = "attachment.not.ready"
NOT_READY_PAUSES = (0.5, 1.0, 2.0, 4.0)


class MaxTransport:
    def __init__(
        self,
        client: MaxClient,
        *,
        request_timeout: float | None = 15.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.request_timeout = request_timeout
        self.sleep = sleep

    async def _send(self, body: dict[str, Any], user_id: int, *, uploaded: bool) -> dict[str, Any]:
        pauses = iter(NOT_READY_PAUSES if uploaded else ())
        while True:
            try:
                return await self.client.send_message(
                    body, user_id=user_id, request_timeout=self.request_timeout
                )
            except MaxBadRequest as exc:
                if exc.code != NOT_READY:
                    raise
                pause = next(pauses, None)
                if pause is None:
                    raise TransientError(f"{exc.code}: {exc.message}") from exc
                await self.sleep(pause)

    async def send(self, chat_id: str, screen: Screen, *, silent: bool = False) -> str:
        if len(screen.texts) != 1 or len(screen.attachments) > 1:
            raise PermanentError("an alert is one message (with at most one file)")
        try:
            user_id = int(chat_id)
        except ValueError as exc:
            raise PermanentError(f"not a MAX user id: {chat_id!r}") from exc
        files: list[dict[str, Any]] = []
        try:
            if screen.attachments:
                item = screen.attachments[0]
                kind = "image" if item.kind == "photo" else "file"
                if item.ref is None:
                    payload = await self.client.upload(kind, item.data, item.filename)
                    files.append({"type": kind, "payload": payload})
                elif item.ref.startswith(MAX_REF):
                    files.append({"type": kind, "payload": {"token": item.ref[len(MAX_REF) :]}})
                else:
                    log.info("a file known to another messenger is left out of a MAX alert")
            sent = await self._send(
                render.body(screen.texts[0], screen, attachments=files, notify=not silent),
                user_id,
                uploaded=bool(files),
            )
        except MaxError as exc:
            raise _delivery_error(exc) from exc
        body = sent.get("body") or {}
        return str(body.get("mid") or "")
