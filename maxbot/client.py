"""A thin client of the MAX Bot API (https://platform-api2.max.ru) on aiohttp.

The official OpenAPI schema (``../shared/reference/max-bot-api-schema.yaml``, v0.0.33) is the
reference: the token goes in the ``Authorization`` header, bodies and answers are JSON, an error
answers ``{"code": ..., "message": ...}`` with its HTTP status. Only what the journal uses is
here: the bot's profile and commands, messages (send, edit, delete, read), answers to button
presses, updates by long polling, webhook subscriptions, uploads and chat actions.

Why not a library: the two maintained ones (maxo 0.10, maxapi 1.2, both of October 2026) each
bring a dispatcher, filters and FSM of their own — the journal already routes every update
through one dispatcher (docs/max.md) — and maxo adds adaptix and unihttp to the dependencies.
What the journal needs from MAX is a dozen HTTP calls and their errors, which this module is.

Errors are mapped once, so the adapter and the alert transport decide on them alike:

- 429 → :class:`MaxRetryAfter` (``Retry-After`` seconds when given, else 1);
- 403 → :class:`MaxForbidden` (the user stopped the bot, or the chat is closed to it);
- 5xx → :class:`MaxServerError`; a refused connection → :class:`MaxNotSent` (certainly not
  sent); a timeout or a connection dropped mid-request → :class:`MaxOutcomeUnknown`;
- any other status → :class:`MaxBadRequest` (400 bad body, 404 unknown message…).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

DEFAULT_API_URL = "https://platform-api2.max.ru"
# The schema's limits.
TEXT_LIMIT = 4000
PAYLOAD_LIMIT = 1024
BUTTON_TEXT_LIMIT = 128
DEEP_LINK_LIMIT = 128


class MaxError(Exception):
    """An answer of the MAX Bot API other than success."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class MaxBadRequest(MaxError):
    """400, 404 and the like: the request itself is wrong; repeating it does not help."""


class MaxUnauthorized(MaxError):
    """401: the token is wrong."""


class MaxForbidden(MaxError):
    """403: the user stopped the bot or the chat is closed to it."""


class MaxRetryAfter(MaxError):
    """429: too many requests; wait ``seconds``."""

    def __init__(self, status: int, code: str, message: str, seconds: float) -> None:
        super().__init__(status, code, message)
        self.seconds = seconds


class MaxServerError(MaxError):
    """5xx: not done; worth retrying later."""


class MaxNotSent(MaxError):
    """The request never reached the server (refused connection, DNS)."""


class MaxOutcomeUnknown(MaxError):
    """The request left but its answer was lost (a timeout, a dropped connection)."""


def _error(status: int, body: Any, headers: Mapping[str, str]) -> MaxError:
    code, message = "error", ""
    if isinstance(body, dict):
        code = str(body.get("code") or body.get("error") or code)
        message = str(body.get("message") or "")
    elif isinstance(body, str):
        message = body[:200]
    if status == 429:
        try:
            seconds = float(headers.get("Retry-After", "1"))
        except ValueError:
            seconds = 1.0
        return MaxRetryAfter(status, code, message, max(seconds, 0.0))
    if status == 401:
        return MaxUnauthorized(status, code, message)
    if status == 403:
        return MaxForbidden(status, code, message)
    if status >= 500:
        return MaxServerError(status, code, message)
    return MaxBadRequest(status, code, message)


class MaxClient:
    """One bot's calls. ``base_url``: the API (MAX_API_URL; a local server in tests)."""

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        *,
        timeout: float = 15.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.token = token
        self.base_url = (base_url or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout
        self._session = session
        self._own_session = session is None

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        request_timeout: float | None = None,
    ) -> Any:
        """One call; the parsed JSON answer, or a :class:`MaxError`."""
        client = await self._client()
        query = {
            k: (str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in (params or {}).items()
            if v is not None
        }
        wait = aiohttp.ClientTimeout(
            total=request_timeout if request_timeout is not None else self.timeout
        )
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Authorization": self.token}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            async with client.request(
                method, self.base_url + path, params=query, data=data, headers=headers, timeout=wait
            ) as resp:
                raw = await resp.read()
                status, resp_headers = resp.status, resp.headers
        except aiohttp.ClientConnectorError as exc:
            raise MaxNotSent(0, "connection", str(exc)[:200]) from exc
        except TimeoutError as exc:
            raise MaxOutcomeUnknown(0, "timeout", "no answer in time") from exc
        except aiohttp.ClientError as exc:
            raise MaxOutcomeUnknown(0, "connection", str(exc)[:200]) from exc
        try:
            parsed: Any = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        if status != 200:
            raise _error(status, parsed, resp_headers)
        if not isinstance(parsed, (dict, list)):
            raise MaxOutcomeUnknown(status, "decode", "the answer is not JSON")
        return parsed

    # ------------------------------------------------------------------ the bot

    async def get_me(self) -> dict[str, Any]:
        me: dict[str, Any] = await self.request("GET", "/me")
        return me

    async def set_commands(self, commands: Sequence[Mapping[str, str]]) -> dict[str, Any]:
        """The bot's command list (``PATCH /me``): ``[{"name", "description"}]``."""
        done: dict[str, Any] = await self.request(
            "PATCH", "/me", body={"commands": [dict(c) for c in commands]}
        )
        return done

    # ------------------------------------------------------------------ messages

    async def send_message(
        self,
        body: Mapping[str, Any],
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        disable_link_preview: bool | None = None,
        request_timeout: float | None = None,
    ) -> dict[str, Any]:
        """``POST /messages``; the sent Message (``body.mid`` is its id)."""
        if (user_id is None) == (chat_id is None):
            raise ValueError("exactly one of user_id and chat_id")
        answer = await self.request(
            "POST",
            "/messages",
            params={
                "user_id": user_id,
                "chat_id": chat_id,
                "disable_link_preview": disable_link_preview,
            },
            body=dict(body),
            request_timeout=request_timeout,
        )
        message: dict[str, Any] = answer["message"]
        return message

    async def edit_message(self, mid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        done: dict[str, Any] = await self.request(
            "PUT", "/messages", params={"message_id": mid}, body=dict(body)
        )
        return done

    async def delete_message(self, mid: str) -> dict[str, Any]:
        done: dict[str, Any] = await self.request("DELETE", "/messages", params={"message_id": mid})
        return done

    async def get_message(self, mid: str) -> dict[str, Any]:
        message: dict[str, Any] = await self.request("GET", f"/messages/{mid}")
        return message

    async def answer_callback(
        self,
        callback_id: str,
        *,
        notification: str | None = None,
        message: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``POST /answers``: a one-time notification, a new body of the pressed message, or
        both (MAX refuses an answer with neither)."""
        answer: dict[str, Any] = {}
        if notification:
            answer["notification"] = notification
        if message is not None:
            answer["message"] = dict(message)
        done: dict[str, Any] = await self.request(
            "POST", "/answers", params={"callback_id": callback_id}, body=answer
        )
        return done

    async def send_action(self, chat_id: int, action: str = "typing_on") -> None:
        await self.request("POST", f"/chats/{chat_id}/actions", body={"action": action})

    # ------------------------------------------------------------------ updates

    async def get_updates(
        self,
        marker: int | None = None,
        *,
        poll_seconds: int = 30,
        limit: int = 100,
        types: Sequence[str] | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Long polling: the updates after ``marker`` (committing those before it) and the
        marker to pass next."""
        answer = await self.request(
            "GET",
            "/updates",
            params={
                "marker": marker,
                "timeout": poll_seconds,
                "limit": limit,
                "types": ",".join(types) if types else None,
            },
            request_timeout=poll_seconds + 10.0,
        )
        updates: list[dict[str, Any]] = list(answer.get("updates") or [])
        next_marker = answer.get("marker")
        return updates, int(next_marker) if next_marker is not None else marker

    async def subscriptions(self) -> list[dict[str, Any]]:
        answer = await self.request("GET", "/subscriptions")
        found: list[dict[str, Any]] = list(answer.get("subscriptions") or [])
        return found

    async def subscribe(
        self, url: str, *, secret: str | None = None, update_types: Sequence[str] | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"url": url}
        if secret:
            body["secret"] = secret
        if update_types:
            body["update_types"] = list(update_types)
        done: dict[str, Any] = await self.request("POST", "/subscriptions", body=body)
        return done

    async def unsubscribe(self, url: str) -> dict[str, Any]:
        done: dict[str, Any] = await self.request("DELETE", "/subscriptions", params={"url": url})
        return done

    # ------------------------------------------------------------------ files

    async def upload(self, kind: str, data: bytes, filename: str) -> dict[str, Any]:
        """Upload one file (``kind``: file, image, video, audio) and return the attachment
        payload to send it with (``{"token": ...}``, or an image's ``{"photos": ...}``)."""
        endpoint = await self.request("POST", "/uploads", params={"type": kind})
        url = str(endpoint["url"])
        client = await self._client()
        form = aiohttp.FormData()
        form.add_field("data", data, filename=filename)
        wait = aiohttp.ClientTimeout(total=max(self.timeout, 60.0))
        try:
            async with client.post(
                url, data=form, headers={"Authorization": self.token}, timeout=wait
            ) as resp:
                raw = await resp.read()
                status, headers = resp.status, resp.headers
        except aiohttp.ClientConnectorError as exc:
            raise MaxNotSent(0, "connection", str(exc)[:200]) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise MaxOutcomeUnknown(0, "upload", str(exc)[:200]) from exc
        try:
            uploaded: Any = json.loads(raw) if raw else {}
        except ValueError:
            uploaded = {}
        if status != 200:
            raise _error(status, uploaded, headers)
        if endpoint.get("token"):  # video and audio: the token comes with the URL
            return {"token": endpoint["token"]}
        if isinstance(uploaded, dict) and uploaded.get("token"):
            return {"token": uploaded["token"]}
        if isinstance(uploaded, dict) and uploaded.get("photos"):
            return {"photos": uploaded["photos"]}
        raise MaxBadRequest(status, "upload", "no token in the upload's answer")
