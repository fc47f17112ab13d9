"""The control API's helpers and the routes both servers have under ``/_control/``.

Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}`` with an
HTTP status.  The routes here: the index, the faults, the counters, the request log, the
callback answers, the limits, the reset, blocking and unblocking the bot, and a chat's
(dialog's) messages, changes and waits.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from aiohttp import web

from testkit.common.stats import Stats


def error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def read_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object ({} without a body); 400 for anything else."""
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError as e:
        raise web.HTTPBadRequest(text=f"invalid JSON: {e}") from e
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="JSON object expected")
    return data


def upload_data(body: dict[str, Any]) -> bytes:
    """An upload's bytes: ``content_base64``, else ``content`` as UTF-8; ValueError if the
    base64 is bad."""
    if "content_base64" in body:
        try:
            return base64.b64decode(str(body["content_base64"]), validate=True)
        except (binascii.Error, ValueError) as e:
            raise ValueError(f"bad base64: {e}") from e
    return str(body.get("content", "")).encode()


class _Dictable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class _Request(Protocol):
    @property
    def method(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


class _Faults(Protocol):
    @property
    def active(self) -> Sequence[_Dictable]: ...

    @property
    def inject(self) -> Callable[..., _Dictable]: ...

    def clear(self) -> None: ...


class _RateLimiter(Protocol):
    def reset(self) -> None: ...


class Controlled(Protocol):
    """What the shared control routes use of a server."""

    @property
    def faults(self) -> _Faults: ...

    @property
    def stats(self) -> Stats: ...

    @property
    def requests(self) -> Sequence[_Request]: ...

    @property
    def limits(self) -> Any: ...  # a limits dataclass

    @property
    def rate_limiter(self) -> _RateLimiter: ...

    def reset(self) -> None: ...

    def callback_answers(self, *, user_id: int | None = None) -> list[dict[str, Any]]: ...


class _User(Protocol):
    def block_bot(self, notify: bool = True) -> None: ...

    def unblock_bot(self, notify: bool = True) -> None: ...


def add_routes(
    app: web.Application,
    server: Controlled,
    *,
    endpoints: Mapping[str, str],
    fault_params: frozenset[str],
    fixed_limits: frozenset[str] = frozenset(),
) -> None:
    """The index (``endpoints``), faults, stats, requests, callback answers, limits and
    reset routes.

    A fault is injected from the POSTed ``fault_params``; the limits in ``fixed_limits``
    are shown (sorted) but cannot be set.
    """

    async def index(request: web.Request) -> web.Response:
        return ok(endpoints)

    async def faults_get(request: web.Request) -> web.Response:
        return ok([f.to_dict() for f in server.faults.active])

    async def faults_post(request: web.Request) -> web.Response:
        body = await read_body(request)
        try:
            fault = server.faults.inject(**{k: v for k, v in body.items() if k in fault_params})
        except (TypeError, ValueError) as e:
            return error(400, str(e))
        return ok(fault.to_dict())

    async def faults_delete(request: web.Request) -> web.Response:
        server.faults.clear()
        return ok(True)

    async def stats(request: web.Request) -> web.Response:
        return ok(server.stats.to_dict())

    async def requests(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        method = request.query.get("method")
        records = server.requests[since:]
        return ok(
            {
                "next": len(server.requests),
                "requests": [r.to_dict() for r in records if method is None or r.method == method],
            }
        )

    async def answers(request: web.Request) -> web.Response:
        user_id = request.query.get("user_id")
        return ok(server.callback_answers(user_id=int(user_id) if user_id else None))

    async def limits_get(request: web.Request) -> web.Response:
        data = dataclasses.asdict(server.limits)
        for name in fixed_limits:
            data[name] = sorted(data[name])
        return ok(data)

    async def limits_post(request: web.Request) -> web.Response:
        body = await read_body(request)
        names = {f.name for f in dataclasses.fields(server.limits)} - fixed_limits
        for key, value in body.items():
            if key not in names:
                return error(400, f"unknown limit {key!r}")
            setattr(server.limits, key, value)
        server.rate_limiter.reset()
        return await limits_get(request)

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return ok(True)

    r = app.router
    r.add_get("/_control", index)
    r.add_get("/_control/", index)
    r.add_get("/_control/faults", faults_get)
    r.add_post("/_control/faults", faults_post)
    r.add_delete("/_control/faults", faults_delete)
    r.add_get("/_control/stats", stats)
    r.add_get("/_control/requests", requests)
    r.add_get("/_control/callback_answers", answers)
    r.add_get("/_control/limits", limits_get)
    r.add_post("/_control/limits", limits_post)
    r.add_post("/_control/reset", reset)


def add_block_routes(
    app: web.Application, user_of: Callable[[web.Request, dict[str, Any]], _User]
) -> None:
    """``POST /_control/users/{user_id}/block`` and ``…/unblock``."""

    async def block(request: web.Request) -> web.Response:
        user_of(request, {}).block_bot()
        return ok(True)

    async def unblock(request: web.Request) -> web.Response:
        user_of(request, {}).unblock_bot()
        return ok(True)

    app.router.add_post("/_control/users/{user_id}/block", block)
    app.router.add_post("/_control/users/{user_id}/unblock", unblock)


class _Message(Protocol):
    @property
    def content(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


class _Chats(Protocol):
    """A server's in-process API for one chat (dialog) by its key."""

    def sent_to(self, key: int, include_deleted: bool = True) -> Sequence[_Message]: ...

    def changes_cursor(self, key: int) -> int: ...

    async def wait_changes(self, key: int, cursor: int, wait_seconds: float) -> int: ...

    async def wait_for(
        self,
        key: int,
        predicate: Callable[[Any], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int | None = None,
    ) -> _Message: ...

    def _changed_between(self, key: int, start: int, end: int) -> Sequence[_Message]: ...


def add_message_routes(app: web.Application, server: _Chats, chat: str) -> None:
    """``GET {chat}/messages``, ``GET {chat}/changes`` (long poll) and ``POST {chat}/wait``.

    ``chat`` is the path of one chat (dialog) with its key, e.g.
    ``/_control/chats/{chat_id}``: the key is passed to ``server.sent_to``,
    ``server.changes_cursor``, ``server.wait_changes`` and ``server.wait_for``.
    """
    key = chat.rsplit("{", 1)[1].rstrip("}")

    async def messages(request: web.Request) -> web.Response:
        chat_key = int(request.match_info[key])
        include_deleted = request.query.get("include_deleted", "1") not in ("0", "false")
        return ok([m.to_dict() for m in server.sent_to(chat_key, include_deleted)])

    async def changes(request: web.Request) -> web.Response:
        chat_key = int(request.match_info[key])
        cursor = int(request.query.get("cursor", "0"))
        timeout = min(float(request.query.get("timeout", "0")), 60.0)
        if cursor < 0:
            return ok({"cursor": server.changes_cursor(chat_key), "messages": []})
        new_cursor = await server.wait_changes(chat_key, cursor, timeout)
        changed = server._changed_between(chat_key, cursor, new_cursor)
        return ok({"cursor": new_cursor, "messages": [m.to_dict() for m in changed]})

    async def wait(request: web.Request) -> web.Response:
        chat_key = int(request.match_info[key])
        body = await read_body(request)
        contains = body.get("contains")
        try:
            message = await server.wait_for(
                chat_key,
                (lambda m: str(contains) in m.content) if contains else None,
                float(body.get("timeout", 5.0)),
                since=body.get("since"),
            )
        except TimeoutError as e:
            return error(408, str(e))
        return ok(message.to_dict())

    app.router.add_get(f"{chat}/messages", messages)
    app.router.add_get(f"{chat}/changes", changes)
    app.router.add_post(f"{chat}/wait", wait)
