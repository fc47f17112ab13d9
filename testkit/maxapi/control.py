"""JSON control endpoints under ``/_control/`` mirroring the in-process API."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from testkit.maxapi.server import MaxAPIServer, MaxUser

ENDPOINTS = {
    "GET /_control": "this index",
    "POST /_control/users/{user_id}/send": '{"text", "first_name"?, ...}',
    "POST /_control/users/{user_id}/command": '{"command", "args"?}',
    "POST /_control/users/{user_id}/start": '{"payload"?}',
    "POST /_control/users/{user_id}/press": '{"mid", "payload"? | "text"?}',
    "POST /_control/users/{user_id}/upload": '{"filename", "content_base64" | "content", '
    '"caption"?, "kind": "file"|"image"}',
    "POST /_control/users/{user_id}/block": "{} (stop the bot: bot_stopped)",
    "POST /_control/users/{user_id}/unblock": "{} (bot_started again)",
    "GET /_control/users/{user_id}/messages": "?include_deleted=0|1",
    "GET /_control/users/{user_id}/changes": "?cursor=N&timeout=SECONDS (long-poll)",
    "POST /_control/users/{user_id}/wait": '{"timeout"?, "contains"?, "since"?}',
    "GET /_control/files/{token}": "the file's bytes",
    "GET /_control/faults": "active faults",
    "POST /_control/faults": '{"kind", "method"?, "chat_id"?, "times"?, "delay"?, "status"?}',
    "DELETE /_control/faults": "clear all faults",
    "GET /_control/stats": "counters",
    "GET /_control/requests": "?since=N&method=NAME",
    "GET /_control/commands": "the bot's commands",
    "GET /_control/callback_answers": "?user_id=",
    "GET /_control/subscriptions": "webhook subscriptions and their delivery counters",
    "GET /_control/updates": "updates not committed yet",
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


def add_control_routes(app: web.Application, server: MaxAPIServer) -> None:
    def user_of(request: web.Request, body: dict[str, Any]) -> MaxUser:
        user_id = int(request.match_info["user_id"])
        profile = {k: body[k] for k in PROFILE_KEYS if k in body}
        return server.user(user_id, **profile)

    async def index(request: web.Request) -> web.Response:
        return _ok(ENDPOINTS)

    async def send(request: web.Request) -> web.Response:
        body = await _body(request)
        if "text" not in body:
            return _error(400, "text is required")
        return _ok(await user_of(request, body).send(str(body["text"])))

    async def command(request: web.Request) -> web.Response:
        body = await _body(request)
        if "command" not in body:
            return _error(400, "command is required")
        user = user_of(request, body)
        return _ok(await user.command(str(body["command"]), body.get("args")))

    async def start(request: web.Request) -> web.Response:
        body = await _body(request)
        return _ok(await user_of(request, body).start(body.get("payload")))

    async def press(request: web.Request) -> web.Response:
        body = await _body(request)
        user = user_of(request, body)
        mid = body.get("mid") or body.get("message_id")
        if not mid:
            return _error(400, "mid is required")
        try:
            callback_id = await user.press(
                str(mid), body.get("payload") or body.get("data"), text=body.get("text")
            )
        except LookupError as e:
            return _error(404, str(e))
        except ValueError as e:
            return _error(400, str(e))
        return _ok({"callback_id": callback_id})

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
        if body.get("kind") in ("image", "photo"):
            return _ok(await user.upload_photo(data, body.get("caption")))
        return _ok(
            await user.upload_document(
                data,
                str(body.get("filename") or "file.bin"),
                body.get("caption"),
                str(body.get("content_type") or "application/octet-stream"),
            )
        )

    async def block(request: web.Request) -> web.Response:
        user_of(request, {}).block_bot()
        return _ok(True)

    async def unblock(request: web.Request) -> web.Response:
        user_of(request, {}).unblock_bot()
        return _ok(True)

    async def messages(request: web.Request) -> web.Response:
        user_id = int(request.match_info["user_id"])
        include_deleted = request.query.get("include_deleted", "1") not in ("0", "false")
        return _ok([m.to_dict() for m in server.sent_to(user_id, include_deleted)])

    async def changes(request: web.Request) -> web.Response:
        user_id = int(request.match_info["user_id"])
        cursor = int(request.query.get("cursor", "0"))
        timeout = min(float(request.query.get("timeout", "0")), 60.0)
        if cursor < 0:
            return _ok({"cursor": server.changes_cursor(user_id), "messages": []})
        new_cursor = await server.wait_changes(user_id, cursor, timeout)
        dialog = server._dialogs.get(server.dialog_chat_id(user_id))
        changed: dict[str, Any] = {}
        if dialog is not None and new_cursor > cursor:
            for message in dialog.changes[cursor:new_cursor]:
                changed[message.mid] = message
        return _ok({"cursor": new_cursor, "messages": [m.to_dict() for m in changed.values()]})

    async def wait(request: web.Request) -> web.Response:
        user_id = int(request.match_info["user_id"])
        body = await _body(request)
        contains = body.get("contains")
        try:
            message = await server.wait_for(
                user_id,
                (lambda m: str(contains) in m.content) if contains else None,
                float(body.get("timeout", 5.0)),
                since=body.get("since"),
            )
        except TimeoutError as e:
            return _error(408, str(e))
        return _ok(message.to_dict())

    async def file(request: web.Request) -> web.StreamResponse:
        record = server.file(request.match_info["token"])
        if record is None or record.data is None:
            return _error(404, "no such file")
        return web.Response(
            body=record.data, content_type=record.content_type or "application/octet-stream"
        )

    async def faults_get(request: web.Request) -> web.Response:
        return _ok([f.to_dict() for f in server.faults.active])

    async def faults_post(request: web.Request) -> web.Response:
        body = await _body(request)
        allowed = {"method", "chat_id", "kind", "times", "delay", "status", "code", "message"}
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
        return _ok(server.commands())

    async def callback_answers(request: web.Request) -> web.Response:
        user_id = request.query.get("user_id")
        return _ok(server.callback_answers(user_id=int(user_id) if user_id else None))

    async def subscriptions(request: web.Request) -> web.Response:
        return _ok(
            [
                {
                    **s.as_dict(),
                    "delivered": s.delivered,
                    "failures": s.failures,
                    "given_up": s.given_up,
                    "last_error": s.last_error,
                }
                for s in server.subscriptions
            ]
        )

    async def updates(request: web.Request) -> web.Response:
        return _ok(server.pending_updates())

    async def limits_get(request: web.Request) -> web.Response:
        return _ok(dataclasses.asdict(server.limits))

    async def limits_post(request: web.Request) -> web.Response:
        body = await _body(request)
        names = {f.name for f in dataclasses.fields(server.limits)}
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
    r.add_post("/_control/users/{user_id}/start", start)
    r.add_post("/_control/users/{user_id}/press", press)
    r.add_post("/_control/users/{user_id}/upload", upload)
    r.add_post("/_control/users/{user_id}/block", block)
    r.add_post("/_control/users/{user_id}/unblock", unblock)
    r.add_get("/_control/users/{user_id}/messages", messages)
    r.add_get("/_control/users/{user_id}/changes", changes)
    r.add_post("/_control/users/{user_id}/wait", wait)
    r.add_get("/_control/files/{token}", file)
    r.add_get("/_control/faults", faults_get)
    r.add_post("/_control/faults", faults_post)
    r.add_delete("/_control/faults", faults_delete)
    r.add_get("/_control/stats", stats)
    r.add_get("/_control/requests", requests)
    r.add_get("/_control/commands", commands)
    r.add_get("/_control/callback_answers", callback_answers)
    r.add_get("/_control/subscriptions", subscriptions)
    r.add_get("/_control/updates", updates)
    r.add_get("/_control/limits", limits_get)
    r.add_post("/_control/limits", limits_post)
    r.add_post("/_control/reset", reset)
