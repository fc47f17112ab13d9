"""JSON control endpoints under ``/_control/`` mirroring the in-process API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from testkit.common import control as common

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


FAULT_PARAMS = frozenset(
    {"method", "chat_id", "kind", "times", "retry_after", "delay", "status", "description"}
)


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

    async def send(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        if "text" not in body:
            return common.error(400, "text is required")
        try:
            return common.ok(
                await user_of(request, body).send(str(body["text"]), chat=chat_of(body))
            )
        except LookupError as e:
            return common.error(404, str(e))

    async def command(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        if "command" not in body:
            return common.error(400, "command is required")
        user = user_of(request, body)
        try:
            return common.ok(
                await user.command(str(body["command"]), body.get("args"), chat_of(body))
            )
        except LookupError as e:
            return common.error(404, str(e))

    async def press(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        user = user_of(request, body)
        try:
            query_id = await user.press(
                int(body["message_id"]),
                body.get("data"),
                text=body.get("text"),
                chat=chat_of(body),
            )
        except KeyError:
            return common.error(400, "message_id is required")
        except LookupError as e:
            return common.error(404, str(e))
        except ValueError as e:
            return common.error(400, str(e))
        return common.ok({"callback_query_id": query_id})

    async def upload(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        user = user_of(request, body)
        try:
            data = common.upload_data(body)
        except ValueError as e:
            return common.error(400, str(e))
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
            return common.error(404, str(e))
        return common.ok(result)

    async def group(request: web.Request) -> web.Response:
        body = await common.read_body(request)
        try:
            chat = server.group_chat(
                int(body["chat_id"]), str(body.get("title", "Group")), body.get("type")
            )
        except (KeyError, ValueError):
            return common.error(400, "chat_id is required")
        return common.ok(chat.as_dict())

    async def commands(request: web.Request) -> web.Response:
        scope: dict[str, Any] = {"type": request.query.get("scope", "default")}
        for key in ("chat_id", "user_id"):
            if key in request.query:
                scope[key] = int(request.query[key])
        return common.ok(server.commands(scope, request.query.get("language_code", "")))

    r = app.router
    r.add_post("/_control/users/{user_id}/send", send)
    r.add_post("/_control/users/{user_id}/command", command)
    r.add_post("/_control/users/{user_id}/press", press)
    r.add_post("/_control/users/{user_id}/upload", upload)
    common.add_block_routes(app, user_of)
    r.add_post("/_control/groups", group)
    common.add_message_routes(app, server, "/_control/chats/{chat_id}")
    r.add_get("/_control/commands", commands)
    common.add_routes(
        app,
        server,
        endpoints=ENDPOINTS,
        fault_params=FAULT_PARAMS,
        fixed_limits=frozenset({"rate_limited_methods"}),
    )
