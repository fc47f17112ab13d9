"""JSON control endpoints under ``/_control/`` mirroring the in-process API."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from testkit.botapi.server import BotAPIServer, GroupChat, User

ENDPOINTS = {
    "GET /_control": "this index",
    "POST /_control/users/{user_id}/send": '{"text", "chat_id"?, "first_name"?, ...}',
    "POST /_control/users/{user_id}/command": '{"command", "args"?, "chat_id"?}',
    "POST /_control/users/{user_id}/press": '{"message_id", "data"? | "text"?, "chat_id"?}',
    "POST /_control/users/{user_id}/upload": (
        '{"filename", "content_base64" | "content", "caption"?, "mime_type"?, '
        '"kind": "document"|"photo"}'
    ),
    "POST /_control/users/{user_id}/block": "{}",
    "POST /_control/users/{user_id}/unblock": "{}",
    "POST /_control/groups": '{"chat_id", "title", "type"?}',
    "GET /_control/chats/{chat_id}/messages": "?include_deleted=0|1",
    "GET /_control/chats/{chat_id}/changes": "?cursor=N&timeout=SECONDS (long-poll)",
    "POST /_control/chats/{chat_id}/wait": '{"timeout"?, "contains"?}',
    "GET /_control/faults": "active faults",
    "POST /_control/faults": '{"kind", "method"?, "chat_id"?, "times"?, "retry_after"?, "delay"?}',
    "DELETE /_control/faults": "clear all faults",
    "GET /_control/stats": "counters",
    "GET /_control/requests": "?since=N&method=NAME",
    "GET /_control/commands": "?scope=default|all_private_chats|chat&chat_id=&language_code=",
    "GET /_control/callback_answers": "?user_id=",
    "GET /_control/limits": "current limits",
    "POST /_control/limits": '{"rate_limits": false, ...}',
    "POST /_control/reset": "forget everything",
}

PROFILE_KEYS = ("first_name", "last_name", "username", "language_code")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError as e:
        raise web.HTTPBadRequest(text=f"invalid JSON: {e}") from e
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="JSON object expected")
    return data


def add_control_routes(app: web.Application, server: BotAPIServer) -> None:
    def user_of(request: web.Request, body: dict[str, Any]) -> User:
        user_id = int(request.match_info["user_id"])
        existing = server.get_user(user_id)
        profile = {k: body[k] for k in PROFILE_KEYS if k in body}
        if existing is not None and not profile:
            return existing
        return server.user(user_id, **profile)

    def chat_of(body: dict[str, Any]) -> GroupChat | int | None:
        chat_id = body.get("chat_id")
        if chat_id is None:
            return None
        return int(chat_id)

    async def index(request: web.Request) -> web.Response:
        return _ok(ENDPOINTS)

    async def send(request: web.Request) -> web.Response:
        body = await _body(request)
        if "text" not in body:
            return _error(400, "text is required")
        try:
            return _ok(await user_of(request, body).send(str(body["text"]), chat=chat_of(body)))
        except LookupError as e:
            return _error(404, str(e))

    async def command(request: web.Request) -> web.Response:
        body = await _body(request)
        if "command" not in body:
            return _error(400, "command is required")
        user = user_of(request, body)
        try:
            return _ok(await user.command(str(body["command"]), body.get("args"), chat_of(body)))
        except LookupError as e:
            return _error(404, str(e))

    async def press(request: web.Request) -> web.Response:
        body = await _body(request)
        user = user_of(request, body)
        try:
            query_id = await user.press(
                int(body["message_id"]),
                body.get("data"),
                text=body.get("text"),
                chat=chat_of(body),
            )
        except KeyError:
            return _error(400, "message_id is required")
        except LookupError as e:
            return _error(404, str(e))
        except ValueError as e:
            return _error(400, str(e))
        return _ok({"callback_query_id": query_id})

    async def upload(request: web.Request) -> web.Response:
        body = await _body(request)
        user = user_of(request, body)
        if "content_base64" in body:
            try:
                data = base64.b64decode(str(body["content_base64"]), validate=True)
            except (binascii.Error, ValueError) as e:
                return _error(400, f"bad base64: {e}")
        else:
            data = str(body.get("content", "")).encode()
        try:
            if body.get("kind", "document") == "photo":
                result = await user.upload_photo(data, body.get("caption"), chat=chat_of(body))
            else:
                result = await user.upload_document(
                    data,
                    str(body.get("filename") or "file.bin"),
                    body.get("caption"),
                    str(body.get("mime_type") or "application/octet-stream"),
                    chat=chat_of(body),
                )
        except LookupError as e:
            return _error(404, str(e))
        return _ok(result)

    async def block(request: web.Request) -> web.Response:
        user_of(request, {}).block_bot()
        return _ok(True)

    async def unblock(request: web.Request) -> web.Response:
        user_of(request, {}).unblock_bot()
        return _ok(True)

    async def group(request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            chat = server.group_chat(
                int(body["chat_id"]), str(body.get("title", "Group")), body.get("type")
            )
        except (KeyError, ValueError):
            return _error(400, "chat_id is required")
        return _ok(chat.as_dict())

    async def messages(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        include_deleted = request.query.get("include_deleted", "1") not in ("0", "false")
        return _ok([m.to_dict() for m in server.sent_to(chat_id, include_deleted)])

    async def changes(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        cursor = int(request.query.get("cursor", "0"))
        timeout = min(float(request.query.get("timeout", "0")), 60.0)
        if cursor < 0:
            return _ok({"cursor": server.changes_cursor(chat_id), "messages": []})
        new_cursor = await server.wait_changes(chat_id, cursor, timeout)
        chat = server.bot.chats.get(chat_id)
        changed: dict[int, Any] = {}
        if chat is not None and new_cursor > cursor:
            for message in chat.changes[cursor:new_cursor]:
                changed[message.message_id] = message
        return _ok({"cursor": new_cursor, "messages": [m.to_dict() for m in changed.values()]})

    async def wait(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        body = await _body(request)
        contains = body.get("contains")
        try:
            message = await server.wait_for(
                chat_id,
                (lambda m: str(contains) in m.content) if contains else None,
                float(body.get("timeout", 5.0)),
                since=body.get("since"),
            )
        except TimeoutError as e:
            return _error(408, str(e))
        return _ok(message.to_dict())

    async def faults_get(request: web.Request) -> web.Response:
        return _ok([f.to_dict() for f in server.faults.active])

    async def faults_post(request: web.Request) -> web.Response:
        body = await _body(request)
        allowed = {
            "method",
            "chat_id",
            "kind",
            "times",
            "retry_after",
            "delay",
            "status",
            "description",
        }
        try:
            fault = server.faults.inject(**{k: v for k, v in body.items() if k in allowed})
        except (TypeError, ValueError) as e:
            return _error(400, str(e))
        return _ok(fault.to_dict())

    async def faults_delete(request: web.Request) -> web.Response:
        server.faults.clear()
        return _ok(True)

    async def stats(request: web.Request) -> web.Response:
        return _ok(server.stats.to_dict())

    async def requests(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        method = request.query.get("method")
        records = server.requests[since:]
        return _ok(
            {
                "next": len(server.requests),
                "requests": [r.to_dict() for r in records if method is None or r.method == method],
            }
        )

    async def commands(request: web.Request) -> web.Response:
        scope: dict[str, Any] = {"type": request.query.get("scope", "default")}
        for key in ("chat_id", "user_id"):
            if key in request.query:
                scope[key] = int(request.query[key])
        return _ok(server.commands(scope, request.query.get("language_code", "")))

    async def callback_answers(request: web.Request) -> web.Response:
        user_id = request.query.get("user_id")
        return _ok(server.callback_answers(user_id=int(user_id) if user_id else None))

    async def limits_get(request: web.Request) -> web.Response:
        data = dataclasses.asdict(server.limits)
        data["rate_limited_methods"] = sorted(data["rate_limited_methods"])
        return _ok(data)

    async def limits_post(request: web.Request) -> web.Response:
        body = await _body(request)
        names = {f.name for f in dataclasses.fields(server.limits)} - {"rate_limited_methods"}
        for key, value in body.items():
            if key not in names:
                return _error(400, f"unknown limit {key!r}")
            setattr(server.limits, key, value)
        server.rate_limiter.reset()
        return await limits_get(request)

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return _ok(True)

    r = app.router
    r.add_get("/_control", index)
    r.add_get("/_control/", index)
    r.add_post("/_control/users/{user_id}/send", send)
    r.add_post("/_control/users/{user_id}/command", command)
    r.add_post("/_control/users/{user_id}/press", press)
    r.add_post("/_control/users/{user_id}/upload", upload)
    r.add_post("/_control/users/{user_id}/block", block)
    r.add_post("/_control/users/{user_id}/unblock", unblock)
    r.add_post("/_control/groups", group)
    r.add_get("/_control/chats/{chat_id}/messages", messages)
    r.add_get("/_control/chats/{chat_id}/changes", changes)
    r.add_post("/_control/chats/{chat_id}/wait", wait)
    r.add_get("/_control/faults", faults_get)
    r.add_post("/_control/faults", faults_post)
    r.add_delete("/_control/faults", faults_delete)
    r.add_get("/_control/stats", stats)
    r.add_get("/_control/requests", requests)
    r.add_get("/_control/commands", commands)
    r.add_get("/_control/callback_answers", callback_answers)
    r.add_get("/_control/limits", limits_get)
    r.add_post("/_control/limits", limits_post)
    r.add_post("/_control/reset", reset)
