"""JSON control endpoints under ``/_control/`` mirroring the in-process API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from testkit.common import control as common

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


FAULT_PARAMS = frozenset(
    {"method", "chat_id", "kind", "times", "delay", "status", "code", "message"}
)


def add_control_routes(app: web.Application, server: MaxAPIServer) -> None:
    def user_of(request: web.Request, body: dict[str, Any]) -> MaxUser:
        user_id = int(request.match_info["user_id"])
        profile = {k: body[k] for k in PROFILE_KEYS if k in body}
        return server.user(user_id, **profile)

    async def send(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        if "text" not in body:
            return common.error(400, "text is required")
        return common.ok(await user_of(request, body).send(str(body["text"])))

    async def command(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        if "command" not in body:
            return common.error(400, "command is required")
        user = user_of(request, body)
        return common.ok(await user.command(str(body["command"]), body.get("args")))

    async def start(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        return common.ok(await user_of(request, body).start(body.get("payload")))

    async def press(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        user = user_of(request, body)
        mid = body.get("mid") or body.get("message_id")
        if not mid:
            return common.error(400, "mid is required")
        try:
            callback_id = await user.press(
                str(mid), body.get("payload") or body.get("data"), text=body.get("text")
            )
        except LookupError as e:
            return common.error(404, str(e))
        except ValueError as e:
            return common.error(400, str(e))
        return common.ok({"callback_id": callback_id})

    async def upload(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        user = user_of(request, body)
        try:
            data = common.upload_data(body)
        except ValueError as e:
            return common.error(400, str(e))
        if body.get("kind") in ("image", "photo"):
            return common.ok(await user.upload_photo(data, body.get("caption")))
        return common.ok(
            await user.upload_document(
                data,
                str(body.get("filename") or "file.bin"),
                body.get("caption"),
                str(body.get("content_type") or "application/octet-stream"),
            )
        )

    async def file(request: web.Request) -> web.StreamResponse:
        record = server.file(request.match_info["token"])
        if record is None or record.data is None:
            return common.error(404, "no such file")
        return web.Response(
            body=record.data, content_type=record.content_type or "application/octet-stream"
        )

    async def commands(request: web.Request) -> web.Response:
        return common.ok(server.commands())

    async def subscriptions(request: web.Request) -> web.Response:
        return common.ok(
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
        return common.ok(server.pending_updates())

    r = app.router
    r.add_post("/_control/users/{user_id}/send", send)
    r.add_post("/_control/users/{user_id}/command", command)
    r.add_post("/_control/users/{user_id}/start", start)
    r.add_post("/_control/users/{user_id}/press", press)
    r.add_post("/_control/users/{user_id}/upload", upload)
    common.add_block_routes(app, user_of)
    common.add_message_routes(app, server, "/_control/users/{user_id}")
    r.add_get("/_control/files/{token}", file)
    r.add_get("/_control/commands", commands)
    r.add_get("/_control/subscriptions", subscriptions)
    r.add_get("/_control/updates", updates)
    common.add_routes(
        app,
        server,
        endpoints=ENDPOINTS,
        fault_params=FAULT_PARAMS,
    )
