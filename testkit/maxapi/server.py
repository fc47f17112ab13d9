"""The local MAX Bot API server: an aiohttp app imitating platform-api.max.ru.

Faithful to the official OpenAPI schema of the MAX Bot API (version 0.0.33); see
testkit/maxapi/README.md for the choices made where the schema is silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from testkit.common.server import LocalServer
from testkit.common.users import SimulatedUser
from testkit.maxapi.faults import Fault, Faults
from testkit.maxapi.html import HTMLParseError, parse_html
from testkit.maxapi.limits import Limits, RateLimiter
from testkit.maxapi.markdown import parse_markdown
from testkit.maxapi.models import (
    ApiError,
    CallbackRecord,
    FileRecord,
    RequestRecord,
    SentMessage,
    Stats,
    bad_request,
    dialog_suspended,
    not_found,
)
from testkit.maxapi.state import BotState, Dialog, LoggedUpdate, Subscription

log = logging.getLogger(__name__)

DIALOG_OFFSET = 9_000_000_000
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{5,256}$")
SENDER_ACTIONS = frozenset(
    {"typing_on", "sending_photo", "sending_video", "sending_audio", "sending_file", "mark_seen"}
)
UPDATE_TYPES = frozenset(
    {
        "message_created",
        "message_callback",
        "message_edited",
        "message_removed",
        "comment_created",
        "comment_edited",
        "comment_removed",
        "bot_added",
        "bot_removed",
        "user_added",
        "user_removed",
        "bot_started",
        "bot_stopped",
        "dialog_cleared",
        "dialog_removed",
        "dialog_muted",
        "dialog_unmuted",
        "chat_title_changed",
        "bot_admin_permissions_changed",
    }
)
BUTTON_TYPES = frozenset(
    {
        "callback",
        "link",
        "request_geo_location",
        "request_contact",
        "message",
        "open_app",
        "clipboard",
    }
)
WIDE_BUTTONS = frozenset({"link", "open_app", "request_geo_location", "request_contact"})
SINGLE_ATTACHMENTS = frozenset({"file", "audio", "contact", "sticker"})
UPLOAD_TYPES = frozenset({"image", "video", "audio", "file"})

Handler = Callable[[dict[str, str], Any, dict[str, str]], Awaitable[Any]]
# a mid, a SentMessage, or a Message dict
MessageRef = str | SentMessage | dict[str, Any]


def _success() -> dict[str, Any]:
    return {"success": True}


def _int_param(query: dict[str, str], name: str, required: bool = False) -> int | None:
    value = query.get(name)
    if value is None or value == "" or value == "null":
        if required:
            raise bad_request(f"Missing required parameter: {name}")
        return None
    try:
        return int(value)
    except ValueError as e:
        raise bad_request(f"Invalid value of parameter {name}: {value!r}") from e


class MaxUser(SimulatedUser[SentMessage]):
    """A simulated MAX user talking to the bot (``server.user(...)``)."""

    server: MaxAPIServer

    @property
    def chat_id(self) -> int:
        """The id of this user's dialog with the bot (differs from the user id)."""
        return self.server.dialog_chat_id(self.id)

    @property
    def blocked(self) -> bool:
        dialog = self.server._dialogs.get(self.chat_id)
        return dialog is not None and dialog.stopped

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "name": self.name,
            "username": self.username,
            "is_bot": False,
            "last_activity_time": self.server.now_ms(),
        }

    def open_chat(self) -> None:
        """Make the dialog known (as if the user pressed Start) without an update."""
        self.server._dialog(self)

    async def send(self, text: str, *, reply_to: MessageRef | None = None) -> dict[str, Any]:
        """Send a text message to the bot (a ``message_created`` update); returns the Message."""
        return self.server._user_message(self, text, [], reply_to)

    async def command(self, name: str, args: str | None = None) -> dict[str, Any]:
        """Send ``/name args``."""
        command = name if name.startswith("/") else "/" + name
        return self.server._user_message(self, f"{command} {args}" if args else command, [], None)

    async def start(self, payload: str | None = None) -> dict[str, Any]:
        """Press Start (a ``bot_started`` update; a deep-link payload over 128 is dropped)."""
        return self.server._bot_started(self, payload)

    async def press(
        self,
        message: MessageRef,
        payload: str | None = None,
        *,
        text: str | None = None,
        strict: bool = True,
    ) -> str:
        """Press a callback button (by ``payload`` or button ``text``); returns the callback_id.

        With ``strict`` the button must exist on the message.
        """
        return self.server._press(self, message, payload, text, strict)

    async def upload_document(
        self,
        data: bytes,
        filename: str = "file.bin",
        caption: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Send a file (a message with a ``file`` attachment); returns the Message."""
        record = self.server._store_file("file", data, filename, content_type)
        return self.server._user_message(
            self, caption or "", [self.server._file_attachment(record)], None
        )

    async def upload_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        record = self.server._store_file("image", data, "photo.jpg", "image/jpeg")
        return self.server._user_message(
            self, caption or "", [self.server._image_attachment(record)], None
        )

    def block_bot(self, notify: bool = True) -> None:
        """Stop the bot: a ``bot_stopped`` update; sends to this user answer 403."""
        self.server._bot_stopped(self, notify)

    def unblock_bot(self, notify: bool = True) -> None:
        """Start the bot again (a ``bot_started`` update without payload)."""
        dialog = self.server._dialog(self)
        dialog.stopped = False
        if notify:
            self.server._bot_started(self, None)


class MaxAPIServer(LocalServer[Fault, SentMessage]):
    """Local imitation of the MAX Bot API (see testkit/maxapi/README.md)."""

    def __init__(
        self,
        token: str | None = None,
        limits: Limits | None = None,
        *,
        bot_user_id: int = 700_000_001,
        bot_username: str = "test_bot",
        webhook_retry_initial: float = 1.0,
        webhook_retry_factor: float = 2.0,
        webhook_retry_max: float = 600.0,
        webhook_max_age: float = 8 * 3600.0,
        webhook_timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        max_upload_size: int = 64 * 1024 * 1024,
        attachment_not_ready: int = 0,
    ) -> None:
        super().__init__(max_upload_size)
        self.token = token
        self.limits = limits or Limits()
        self.faults = Faults()
        self.bot_user_id = bot_user_id
        self.bot_username = bot_username
        self.webhook_retry_initial = webhook_retry_initial
        self.webhook_retry_factor = webhook_retry_factor
        self.webhook_retry_max = webhook_retry_max
        self.webhook_max_age = webhook_max_age
        self.webhook_timeout = webhook_timeout
        self.clock = clock
        self.monotonic = monotonic
        # how many sends with a freshly uploaded file answer 400 attachment.not.ready
        self.attachment_not_ready = attachment_not_ready
        self._routes: list[tuple[str, str, str, Handler]] = [
            ("GET", "/me", "getMyInfo", self._get_me),
            ("PATCH", "/me", "editMyInfo", self._patch_me),
            ("PATCH", "/me/commands", "editMyCommands", self._patch_commands),
            ("GET", "/chats/{chatId}", "getChat", self._get_chat),
            ("POST", "/chats/{chatId}/actions", "sendAction", self._send_action),
            ("GET", "/subscriptions", "getSubscriptions", self._get_subscriptions),
            ("POST", "/subscriptions", "subscribe", self._subscribe),
            ("DELETE", "/subscriptions", "unsubscribe", self._unsubscribe),
            ("POST", "/uploads", "getUploadUrl", self._get_upload_url),
            ("GET", "/messages", "getMessages", self._get_messages),
            ("POST", "/messages", "sendMessage", self._send_message),
            ("PUT", "/messages", "editMessage", self._edit_message),
            ("DELETE", "/messages", "deleteMessage", self._delete_message),
            ("GET", "/messages/{messageId}", "getMessageById", self._get_message),
            ("POST", "/answers", "answerOnCallback", self._answer),
            ("GET", "/updates", "getUpdates", self._get_updates),
        ]
        self._init_state()

    # ------------------------------------------------------------------ state

    def _init_state(self) -> None:
        self.rate_limiter = RateLimiter(self.limits, self.monotonic)
        self.stats = Stats()
        self.requests: list[RequestRecord] = []
        # update sequence numbers and message seqs keep growing across reset(), so a bot's
        # marker and cached mids from before a reset never alias new ones
        previous: BotState | None = getattr(self, "bot", None)
        first_update = previous.next_seq if previous is not None else 1
        self.bot = BotState(
            self.bot_user_id,
            username=self.bot_username,
            next_seq=first_update,
            committed=first_update,
        )
        self._users: dict[int, MaxUser] = {}
        self._dialogs: dict[int, Dialog] = {}
        self._messages: dict[str, tuple[Dialog, SentMessage]] = {}
        self._files: dict[str, FileRecord] = {}
        self._uploads: dict[str, str] = {}  # upload id -> type
        if not hasattr(self, "_seq"):
            self._seq = itertools.count(1)
            self._counter = itertools.count(1)
        self._msg_event: asyncio.Event | None = None
        self.waiting_polls = 0  # long polls parked waiting for an update

    def reset(self) -> None:
        """Forget everything (users, dialogs, updates, files, logs, faults, subscriptions)."""
        self.bot.closed = True
        for sub in self.bot.subscriptions.values():
            if sub.task is not None:
                sub.task.cancel()
        self.bot.notify()
        self.faults.clear()
        self._init_state()
        self._notify_messages()

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def dialog_chat_id(self, user_id: int) -> int:
        """The dialog's chat id for a user id (a dialog chat id is returned unchanged)."""
        return user_id if user_id >= DIALOG_OFFSET else DIALOG_OFFSET + user_id

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> MaxUser:
        """Get or create a simulated user (new users: first_name "Test", language "ru");
        for an existing user only the attributes passed are changed."""
        user = self._users.get(user_id)
        if user is None:
            user = MaxUser(
                self, user_id, first_name or "Test", last_name, username, language_code or "ru"
            )
            self._users[user_id] = user
            return user
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name
        if username is not None:
            user.username = username
        if language_code is not None:
            user.language_code = language_code
        return user

    def get_user(self, user_id: int) -> MaxUser | None:
        return self._users.get(user_id)

    def sent_to(self, user_id: int, include_deleted: bool = True) -> list[SentMessage]:
        """The bot's messages in the user's dialog, current state, in sending order."""
        return self._sent(user_id, include_deleted)

    def message(self, mid: str) -> SentMessage | None:
        found = self._messages.get(mid)
        return found[1] if found else None

    def changes_cursor(self, user_id: int) -> int:
        return self._cursor(user_id)

    def _log(self, key: int) -> Dialog | None:
        return self._dialogs.get(self.dialog_chat_id(key))

    async def wait_for(
        self,
        user_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int | None = None,
    ) -> SentMessage:
        """Wait for a bot message (new or edited, not deleted) to ``user_id`` matching.

        Only changes after the user's latest action are considered unless ``since`` (a
        change index: 0 = everything, or ``changes_cursor()``) is given.  Raises
        ``TimeoutError``.
        """
        return await self._wait_for(
            lambda: self._dialog_of(user_id), predicate, timeout, since, f"to user {user_id}"
        )

    async def wait_changes(self, user_id: int, cursor: int, wait_seconds: float) -> int:
        """Wait until the dialog has changes after ``cursor``; return the new cursor."""
        return await self._wait_cursor(lambda: self.changes_cursor(user_id), cursor, wait_seconds)

    def callback_answers(
        self, callback_id: str | None = None, user_id: int | None = None
    ) -> list[dict[str, Any]]:
        return [
            a
            for a in self.bot.callback_answers
            if (callback_id is None or a["callback_id"] == callback_id)
            and (user_id is None or a["user_id"] == user_id)
        ]

    def commands(self) -> list[dict[str, Any]]:
        return list(self.bot.commands)

    def chat_actions(self, user_id: int | None = None) -> list[dict[str, Any]]:
        chat_id = None if user_id is None else self.dialog_chat_id(user_id)
        return [a for a in self.bot.chat_actions if chat_id is None or a["chat_id"] == chat_id]

    def file_data(self, token: str) -> bytes | None:
        """The bytes of an uploaded file by its token (or a SentMessage.document dict)."""
        record = self._files.get(token)
        return record.data if record else None

    def file(self, token: str) -> FileRecord | None:
        return self._files.get(token)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not committed by long polling (nor delivered by a webhook)."""
        return [u.update for u in self.bot.pending()]

    @property
    def subscriptions(self) -> list[Subscription]:
        return list(self.bot.subscriptions.values())

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1:``port`` (0 = random); return the base URL."""
        app = self._app()
        for verb, path, operation, handler in self._routes:
            app.router.add_route(verb, path, self._endpoint(verb, path, operation, handler))
        app.router.add_post("/_upload/{upload_id}", self._handle_upload)
        app.router.add_get("/_files/{token}", self._handle_file)
        from testkit.maxapi.control import add_control_routes

        add_control_routes(app, self)
        return await self._listen(app, port)

    async def stop(self) -> None:
        self._closing.set()
        self.bot.closed = True
        self.bot.notify()
        for sub in self.bot.subscriptions.values():
            await self._cancel(sub.task)
        await self._close()

    # ------------------------------------------------------------------ HTTP

    def _endpoint(
        self, verb: str, path: str, operation: str, handler: Handler
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            return await self._handle(request, verb, path, operation, handler)

        return endpoint

    def _authorized(self, request: web.Request) -> bool:
        given = request.headers.get("Authorization", "").strip()
        if given.lower().startswith("bearer "):
            given = given[7:].strip()
        if not given:
            given = request.query.get("access_token", "").strip()
        if not given:
            return False
        return self.token is None or secrets.compare_digest(given, self.token)

    def _fault_chat_ids(self, query: dict[str, str], match: dict[str, str]) -> tuple[int, ...]:
        ids: list[int] = []
        for key in ("chat_id", "user_id"):
            with contextlib.suppress(KeyError, ValueError):
                ids.append(int(query[key]))
        with contextlib.suppress(KeyError, ValueError):
            ids.append(int(match["chatId"]))
        with contextlib.suppress(KeyError, ValueError):
            ids.append(self.dialog_chat_id(int(query["user_id"])))
        for key in ("message_id", "messageId"):
            mid = query.get(key) or match.get(key)
            if mid and mid in self._messages:
                dialog = self._messages[mid][0]
                ids.extend((dialog.chat_id, dialog.user_id))
        return tuple(ids)

    async def _handle(
        self, request: web.Request, verb: str, path: str, operation: str, handler: Handler
    ) -> web.StreamResponse:
        started = time.monotonic()
        query = dict(request.query)
        query.pop("access_token", None)
        match = dict(request.match_info)
        body: Any = None
        headers: dict[str, str] = {}
        try:
            if not self._authorized(request):
                raise ApiError(401, "verify.token", "Invalid access_token")
            retry_after = self.rate_limiter.check(self.token or "default")
            if retry_after is not None:
                if self.limits.retry_after_header:
                    headers["Retry-After"] = str(retry_after)
                raise ApiError(
                    429, "too.many.requests", "Too many requests. Try again later", headers
                )
            if request.body_exists:
                raw = await request.read()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError as e:
                        raise bad_request(f"Invalid JSON: {e}") from e
            names = (operation.lower(), path.lower(), f"{verb} {path}".lower())
            fault = self.faults.take(names, self._fault_chat_ids(query, match))
            if fault is not None:
                self.stats.faults_injected += 1
                dropped = await self._apply_fault(fault, request)
                if dropped is not None:
                    self._record(operation, verb, path, query, body, 0, started, "dropped")
                    return dropped
            result = await handler(query, body, match)
            status, payload = 200, result
        except ApiError as e:
            status, payload = e.status, e.payload()
            headers.update(e.headers)
        self._record(
            operation,
            verb,
            path,
            query,
            body,
            status,
            started,
            None if status == 200 else payload.get("code"),
        )
        return web.json_response(payload, status=status, headers=headers)

    def _fault_error(self, fault: Fault) -> ApiError:
        if fault.kind == "5xx":
            return ApiError(
                fault.status, fault.code or "internal.error", fault.message or "Internal error"
            )
        if fault.kind == "429":
            headers = {"Retry-After": "1"} if self.limits.retry_after_header else {}
            return ApiError(
                429,
                fault.code or "too.many.requests",
                fault.message or "Too many requests. Try again later",
                headers,
            )
        return ApiError(403, fault.code or "chat.denied", fault.message or "error.dialog.suspended")

    def _record(
        self,
        operation: str,
        verb: str,
        path: str,
        query: dict[str, str],
        body: Any,
        status: int,
        started: float,
        code: str | None,
    ) -> None:
        self.requests.append(
            RequestRecord(
                method=operation,
                http=f"{verb} {path}",
                params=query,
                body=body,
                status=status,
                time=self.clock(),
                duration=time.monotonic() - started,
                code=code,
            )
        )
        self.stats.count_request(operation, status)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        kind = self._uploads.get(request.match_info["upload_id"])
        if kind is None:
            return web.json_response(
                {"code": "not.found", "message": "Upload URL is invalid or expired"}, status=404
            )
        if not request.content_type.startswith("multipart/"):
            return web.json_response(
                {"code": "proto.payload", "message": "Expected multipart/form-data"}, status=400
            )
        post = await request.post()
        field = next((v for v in post.values() if isinstance(v, web.FileField)), None)
        if field is None:
            return web.json_response(
                {"code": "proto.payload", "message": "No file in the request"}, status=400
            )
        data = field.file.read()
        if not data:
            return web.json_response({"code": "proto.payload", "message": "Empty file"}, status=400)
        upload_id = request.match_info["upload_id"]
        record = self._store_file(kind, data, field.filename, field.content_type, upload_id)
        del self._uploads[upload_id]
        record.not_ready = self.attachment_not_ready
        if kind == "image":
            return web.json_response({"photos": {str(record.photo_id): {"token": record.token}}})
        if kind == "file":
            return web.json_response({"token": record.token})
        return web.json_response({"token": record.token, "fileId": record.photo_id})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        record = self._files.get(request.match_info["token"])
        if record is None or record.data is None:
            return web.json_response({"code": "not.found", "message": "Not found"}, status=404)
        return web.Response(
            body=record.data, content_type=record.content_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ users' side

    def _dialog(self, user: MaxUser) -> Dialog:
        chat_id = self.dialog_chat_id(user.id)
        dialog = self._dialogs.get(chat_id)
        if dialog is None:
            dialog = Dialog(chat_id, user.id)
            self._dialogs[chat_id] = dialog
        return dialog

    def _dialog_of(self, user_id: int) -> Dialog:
        if user_id >= DIALOG_OFFSET:
            user_id -= DIALOG_OFFSET
        return self._dialog(self.user(user_id))

    def _push(self, dialog: Dialog | None, update: dict[str, Any]) -> LoggedUpdate:
        if dialog is not None:
            dialog.mark = len(dialog.changes)
            dialog.last_event_time = update["timestamp"]
        self.stats.updates_created += 1
        return self.bot.push(update, self.monotonic())

    def _locale(self, user: MaxUser) -> str | None:
        return user.language_code

    def _user_message(
        self,
        user: MaxUser,
        text: str,
        attachments: list[dict[str, Any]],
        reply_to: MessageRef | None,
    ) -> dict[str, Any]:
        dialog = self._dialog(user)
        seq = next(self._seq)
        mid = self._mid(dialog.chat_id, seq)
        body: dict[str, Any] = {"mid": mid, "seq": seq, "text": text}
        if attachments:
            body["attachments"] = attachments
        now = self.now_ms()
        message: dict[str, Any] = {
            "sender": user.as_dict(),
            "recipient": {
                "chat_id": dialog.chat_id,
                "chat_type": "dialog",
                "user_id": self.bot.user_id,
            },
            "timestamp": now,
            "body": body,
        }
        if reply_to is not None:
            replied = self._message_dict(reply_to, dialog)
            if replied is not None:
                message["link"] = {
                    "type": "reply",
                    "sender": replied.get("sender"),
                    "chat_id": dialog.chat_id,
                    "message": replied["body"],
                }
        dialog.user_messages[mid] = message
        update: dict[str, Any] = {
            "update_type": "message_created",
            "timestamp": now,
            "message": message,
        }
        locale = self._locale(user)
        if locale:
            update["user_locale"] = locale
        self._push(dialog, update)
        return message

    def _message_dict(self, ref: MessageRef, dialog: Dialog) -> dict[str, Any] | None:
        mid = self._ref_mid(ref)
        if mid in dialog.bot_messages:
            return dialog.bot_messages[mid].payload()
        return dialog.user_messages.get(mid)

    @staticmethod
    def _ref_mid(ref: MessageRef) -> str:
        if isinstance(ref, SentMessage):
            return ref.mid
        if isinstance(ref, dict):
            return str(ref.get("body", ref).get("mid"))
        return str(ref)

    def _bot_started(self, user: MaxUser, payload: str | None) -> dict[str, Any]:
        dialog = self._dialog(user)
        dialog.stopped = False
        update: dict[str, Any] = {
            "update_type": "bot_started",
            "timestamp": self.now_ms(),
            "chat_id": dialog.chat_id,
            "user": user.as_dict(),
        }
        if payload is not None and len(payload) <= self.limits.max_start_payload:
            update["payload"] = payload
        locale = self._locale(user)
        if locale:
            update["user_locale"] = locale
        self._push(dialog, update)
        return update

    def _bot_stopped(self, user: MaxUser, notify: bool) -> None:
        dialog = self._dialog(user)
        dialog.stopped = True
        if not notify:
            return
        update: dict[str, Any] = {
            "update_type": "bot_stopped",
            "timestamp": self.now_ms(),
            "chat_id": dialog.chat_id,
            "user": user.as_dict(),
        }
        locale = self._locale(user)
        if locale:
            update["user_locale"] = locale
        self._push(dialog, update)

    def _press(
        self,
        user: MaxUser,
        message: MessageRef,
        payload: str | None,
        text: str | None,
        strict: bool,
    ) -> str:
        dialog = self._dialog(user)
        mid = self._ref_mid(message)
        sent = dialog.bot_messages.get(mid)
        if sent is None or sent.deleted:
            raise LookupError(f"no bot message {mid} in the dialog of user {user.id}")
        if text is not None or strict:
            buttons = [b for b in sent.buttons if b.get("type") == "callback"]
            match = [
                b
                for b in buttons
                if (payload is None or b["payload"] == payload)
                and (text is None or b["text"] == text)
            ]
            if not match:
                available = [(b["text"], b["payload"]) for b in buttons]
                raise ValueError(
                    f"no button payload={payload!r} text={text!r} on message {mid}; "
                    f"available: {available!r}"
                )
            payload = str(match[0]["payload"])
        if payload is None:
            raise ValueError("a payload or a button text is required")
        callback_id = f"cb.{next(self._counter):08x}{secrets.token_hex(8)}"
        self.bot.callbacks[callback_id] = CallbackRecord(
            callback_id=callback_id,
            user_id=user.id,
            chat_id=dialog.chat_id,
            mid=mid,
            payload=payload,
        )
        now = self.now_ms()
        update: dict[str, Any] = {
            "update_type": "message_callback",
            "timestamp": now,
            "callback": {
                "timestamp": now,
                "callback_id": callback_id,
                "payload": payload,
                "user": user.as_dict(),
            },
            "message": sent.payload(),
        }
        locale = self._locale(user)
        if locale:
            update["user_locale"] = locale
        self._push(dialog, update)
        return callback_id

    def _mid(self, chat_id: int, seq: int) -> str:
        return f"mid.{chat_id & 0xFFFFFFFFFFFFFFFF:016x}{seq:016x}"

    def _store_file(
        self,
        kind: str,
        data: bytes,
        filename: str | None,
        content_type: str | None,
        token: str | None = None,
    ) -> FileRecord:
        n = next(self._counter)
        token = token or f"{kind[0]}{n:06d}{secrets.token_urlsafe(16)}"
        record = FileRecord(
            token=token,
            type=kind,
            data=data,
            filename=filename,
            content_type=content_type,
            photo_id=n,
        )
        record.url = f"{self.base_url or 'http://127.0.0.1'}/_files/{token}"
        self._files[token] = record
        return record

    @staticmethod
    def _file_attachment(record: FileRecord) -> dict[str, Any]:
        return {
            "type": "file",
            "payload": {"url": record.url, "token": record.token},
            "filename": record.filename or "file",
            "size": record.size,
        }

    @staticmethod
    def _image_attachment(record: FileRecord) -> dict[str, Any]:
        return {
            "type": "image",
            "payload": {"photo_id": record.photo_id, "token": record.token, "url": record.url},
        }

    # ------------------------------------------------------------------ validation

    def _recipient(self, query: dict[str, str]) -> Dialog:
        user_id = _int_param(query, "user_id")
        chat_id = _int_param(query, "chat_id")
        if user_id is None and chat_id is None:
            raise bad_request("Either user_id or chat_id is required")
        if chat_id is None and user_id is not None:
            chat_id = self.dialog_chat_id(user_id)
        dialog = self._dialogs.get(chat_id) if chat_id is not None else None
        if dialog is None or (user_id is not None and dialog.user_id != user_id):
            raise ApiError(404, "chat.not.found", f"Chat {chat_id} not found")
        return dialog

    def _format_text(self, text: Any, fmt: Any) -> tuple[str, str, list[dict[str, Any]]]:
        """Return (raw text, visible text, markup) or raise a 400."""
        limits = self.limits
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise bad_request("Field 'text' must be a string")
        if fmt not in (None, "html", "markdown"):
            raise bad_request(f"Unknown text format {fmt!r}: expected html or markdown")
        max_len = limits.max_text_length
        if limits.on(max_len) and max_len is not None and len(text) > max_len:
            raise bad_request(f"text: size must be between 0 and {max_len}")
        if fmt == "html":
            try:
                parsed = parse_html(text, reject_unknown_tags=limits.on(limits.reject_unknown_tags))
            except HTMLParseError as e:
                if limits.on(limits.check_html):
                    raise bad_request(f"Invalid HTML markup: {e}") from e
                return text, text, []
            return text, parsed.text, parsed.markup
        if fmt == "markdown":
            parsed = parse_markdown(text)
            return text, parsed.text, parsed.markup
        return text, text, []

    def _over(self, limit: int | None, value: int) -> bool:
        return self.limits.on(limit) and limit is not None and value > limit

    def _check_keyboard(self, payload: Any) -> dict[str, Any]:
        limits = self.limits
        if not isinstance(payload, dict) or not isinstance(payload.get("buttons"), list):
            raise bad_request("inline_keyboard: payload.buttons must be an array of arrays")
        rows = payload["buttons"]
        if not all(isinstance(row, list) for row in rows):
            raise bad_request("inline_keyboard: payload.buttons must be an array of arrays")
        if limits.enforce and (not rows or any(not row for row in rows)):
            raise bad_request("inline_keyboard: rows must not be empty")
        if self._over(limits.max_rows, len(rows)):
            raise bad_request(f"inline_keyboard: more than {limits.max_rows} rows")
        total = sum(len(row) for row in rows)
        if self._over(limits.max_buttons, total):
            raise bad_request(f"inline_keyboard: more than {limits.max_buttons} buttons")
        for row in rows:
            wide = any(isinstance(b, dict) and b.get("type") in WIDE_BUTTONS for b in row)
            per_row = limits.max_wide_buttons_per_row if wide else limits.max_buttons_per_row
            if limits.on(per_row) and per_row is not None and len(row) > per_row:
                raise bad_request(f"inline_keyboard: more than {per_row} buttons in a row")
            for button in row:
                self._check_button(button)
        return {"type": "inline_keyboard", "payload": {"buttons": rows}}

    def _check_button(self, button: Any) -> None:
        limits = self.limits
        if not isinstance(button, dict):
            raise bad_request("inline_keyboard: a button must be an object")
        kind = button.get("type")
        if kind not in BUTTON_TYPES:
            raise bad_request(f"inline_keyboard: unknown button type {kind!r}")
        text = button.get("text")
        if not isinstance(text, str):
            raise bad_request("button.text: must not be null")
        max_text = limits.max_button_text
        if limits.enforce and not text:
            raise bad_request("button.text: size must be between 1 and 128")
        if limits.on(max_text) and max_text is not None and len(text) > max_text:
            raise bad_request(f"button.text: size must be between 1 and {max_text}")
        if kind in ("callback", "clipboard"):
            payload = button.get("payload")
            if not isinstance(payload, str):
                raise bad_request(f"{kind} button: payload is required")
            max_payload = limits.max_payload_length
            if limits.on(max_payload) and max_payload is not None and len(payload) > max_payload:
                raise bad_request(f"button.payload: size must be between 0 and {max_payload}")
        if kind == "link":
            url = button.get("url")
            if not isinstance(url, str) or not url:
                raise bad_request("link button: url is required")
            max_url = limits.max_url_length
            if limits.on(max_url) and max_url is not None and len(url) > max_url:
                raise bad_request(f"button.url: size must be between 1 and {max_url}")
        if kind == "open_app" and not button.get("web_app"):
            raise bad_request("Field 'webApp' cannot be null")

    def _resolve_file(self, kind: str, payload: Any) -> FileRecord:
        token = payload.get("token") if isinstance(payload, dict) else None
        if isinstance(payload, dict) and kind == "image" and token is None:
            photos = payload.get("photos")
            if isinstance(photos, dict) and photos:
                first = next(iter(photos.values()))
                token = first.get("token") if isinstance(first, dict) else None
        record = self._files.get(str(token)) if token else None
        if record is None:
            raise bad_request(f"{kind}: attachment token is invalid", "attachment.not.found")
        if record.not_ready > 0:
            record.not_ready -= 1
            raise bad_request(
                "Key: errors.process.attachment.file.not.processed", "attachment.not.ready"
            )
        return record

    def _check_attachments(self, attachments: Any) -> list[dict[str, Any]]:
        if not isinstance(attachments, list):
            raise bad_request("Field 'attachments' must be an array")
        result: list[dict[str, Any]] = []
        keyboards = 0
        for attachment in attachments:
            if not isinstance(attachment, dict) or "type" not in attachment:
                raise bad_request("An attachment must be an object with a type")
            kind = attachment["type"]
            payload = attachment.get("payload")
            if kind == "inline_keyboard":
                keyboards += 1
                result.append(self._check_keyboard(payload))
            elif kind == "file":
                result.append(self._file_attachment(self._resolve_file(kind, payload)))
            elif kind == "image":
                if isinstance(payload, dict) and payload.get("url") and not payload.get("token"):
                    result.append({"type": "image", "payload": {"url": payload["url"]}})
                else:
                    result.append(self._image_attachment(self._resolve_file(kind, payload)))
            elif kind in ("video", "audio"):
                record = self._resolve_file(kind, payload)
                result.append({"type": kind, "payload": {"url": record.url, "token": record.token}})
            elif kind in ("sticker", "contact", "location", "share"):
                result.append(dict(attachment))
            else:
                raise bad_request(f"Unknown attachment type {kind!r}")
        if keyboards > 1:
            raise bad_request("Only one inline_keyboard attachment is allowed")
        media = [a for a in result if a["type"] != "inline_keyboard"]
        if len(media) > 1 and any(a["type"] in SINGLE_ATTACHMENTS for a in media):
            raise bad_request("Must be only one file attachment in message")
        return result

    def _new_body(self, body: Any, *, edit: SentMessage | None = None) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("Request body must be a NewMessageBody object")
        fields: dict[str, Any] = {}
        if edit is None or body.get("text") is not None:
            raw, text, markup = self._format_text(body.get("text"), body.get("format"))
            fields.update(raw_text=raw, text=text, markup=markup, format=body.get("format"))
        attachments = body.get("attachments")
        if attachments is not None:
            fields["attachments"] = self._check_attachments(attachments)
        elif edit is None:
            fields["attachments"] = []
        if "notify" in body and body["notify"] is not None:
            fields["notify"] = bool(body["notify"])
        link = body.get("link")
        if link is not None:
            if not isinstance(link, dict) or link.get("type") not in ("reply", "forward"):
                raise bad_request("link: type must be reply or forward")
            fields["link"] = self._linked(str(link.get("mid")), str(link["type"]))
        text_after = fields.get("text", edit.text if edit else "")
        attachments_after = fields.get("attachments", edit.attachments if edit else [])
        forward = (fields.get("link") or {}).get("type") == "forward"
        empty = not (text_after or "").strip() and not attachments_after and not forward
        if self.limits.enforce and empty:
            raise bad_request("Message must have text or attachments")
        return fields

    def _linked(self, mid: str, kind: str) -> dict[str, Any]:
        found = self._messages.get(mid)
        if found is not None and not found[1].deleted:
            sender: Any = found[1].sender
            chat_id, body = found[0].chat_id, found[1].body()
        else:
            dialog = next((d for d in self._dialogs.values() if mid in d.user_messages), None)
            if dialog is None:
                raise not_found(f"Message {mid!r} not found")
            message = dialog.user_messages[mid]
            sender, chat_id, body = message["sender"], dialog.chat_id, message["body"]
        return {"type": kind, "sender": sender, "chat_id": chat_id, "message": body}

    def _own_message(self, mid: str | None) -> tuple[Dialog, SentMessage]:
        if not mid:
            raise bad_request("Missing required parameter: message_id")
        found = self._messages.get(mid)
        if found is None or found[1].deleted:
            for dialog in self._dialogs.values():
                if mid in dialog.user_messages:
                    raise ApiError(403, "access.denied", "Bot can edit only its own messages")
            raise not_found(f"Message {mid} not found")
        return found

    def _apply_edit(self, dialog: Dialog, message: SentMessage, fields: dict[str, Any]) -> None:
        message.edits.append(message.snapshot())
        for key, value in fields.items():
            setattr(message, key, value)
        message.edited_at = self.now_ms()
        self.stats.edited_messages += 1
        self._changed(dialog, message)

    # ------------------------------------------------------------------ Bot API methods

    async def _get_me(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        return self.bot.me(self.now_ms())

    def _check_commands(self, commands: Any) -> list[dict[str, Any]]:
        limits = self.limits
        if not isinstance(commands, list):
            raise bad_request("commands: must be an array")
        if self._over(limits.max_commands, len(commands)):
            raise bad_request(f"commands: size must be between 0 and {limits.max_commands}")
        clean: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("commands: a command must be an object")
            name = command.get("name")
            description = command.get("description")
            if not isinstance(name, str) or (limits.enforce and not 1 <= len(name) <= 64):
                raise bad_request("command.name: size must be between 1 and 64")
            if description is not None and (
                not isinstance(description, str)
                or (limits.enforce and not 1 <= len(description) <= 128)
            ):
                raise bad_request("command.description: size must be between 1 and 128")
            clean.append({"name": name, "description": description})
        return clean

    async def _patch_me(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        if not isinstance(body, dict):
            raise bad_request("Request body must be an object")
        if "commands" in body:
            self.bot.commands = self._check_commands(body["commands"] or [])
        if isinstance(body.get("name"), str):
            self.bot.name = body["name"]
        if "description" in body:
            self.bot.description = body["description"]
        return self.bot.me(self.now_ms())

    async def _patch_commands(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        if not isinstance(body, dict):
            raise bad_request("Request body must be a BotCommandsPatch object")
        self.bot.commands = self._check_commands(body.get("commands") or [])
        return {"commands": list(self.bot.commands) or None}

    def _chat(self, match: dict[str, str]) -> Dialog:
        try:
            chat_id = int(match["chatId"])
        except ValueError as e:
            raise bad_request("chatId must be a number") from e
        dialog = self._dialogs.get(chat_id)
        if dialog is None:
            raise ApiError(404, "chat.not.found", f"Chat {chat_id} not found")
        return dialog

    async def _get_chat(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        dialog = self._chat(match)
        user = self.user(dialog.user_id)
        return {
            "chat_id": dialog.chat_id,
            "type": "dialog",
            "status": "suspended" if dialog.stopped else "active",
            "title": None,
            "icon": None,
            "last_event_time": dialog.last_event_time,
            "participants_count": 2,
            "is_public": False,
            "link": None,
            "description": None,
            "dialog_with_user": {**user.as_dict(), "avatar_url": None, "full_avatar_url": None},
        }

    async def _send_action(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        dialog = self._chat(match)
        action = body.get("action") if isinstance(body, dict) else None
        if action not in SENDER_ACTIONS:
            raise bad_request(f"Unknown action {action!r}")
        if dialog.stopped:
            raise dialog_suspended()
        self.bot.chat_actions.append(
            {"chat_id": dialog.chat_id, "action": action, "time": self.now_ms()}
        )
        return _success()

    async def _get_subscriptions(
        self, query: dict[str, str], body: Any, match: dict[str, str]
    ) -> Any:
        return {"subscriptions": [s.as_dict() for s in self.bot.subscriptions.values()]}

    async def _subscribe(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        if not isinstance(body, dict):
            raise bad_request("Request body must be a SubscriptionRequestBody object")
        url = body.get("url")
        prefixes = (
            ("https://",)
            if self.limits.on(self.limits.webhook_require_https)
            else (
                "http://",
                "https://",
            )
        )
        if not isinstance(url, str) or not url.startswith(prefixes):
            raise bad_request("url: must start with https://")
        secret = body.get("secret")
        if secret is not None and (not isinstance(secret, str) or not SECRET_RE.match(secret)):
            raise bad_request("secret: must be 5-256 characters of A-Z, a-z, 0-9, _ and -")
        types = body.get("update_types")
        if types is not None and (
            not isinstance(types, list) or not all(isinstance(t, str) for t in types)
        ):
            raise bad_request("update_types: must be an array of strings")
        old = self.bot.subscriptions.pop(url, None)
        if old is not None and old.task is not None:
            old.task.cancel()
        sub = Subscription(
            url=url,
            time=self.now_ms(),
            update_types=list(types) if types else None,
            secret=secret,
            next_seq=self.bot.committed,
        )
        self.bot.subscriptions[url] = sub
        self.bot.notify()  # a pending long poll answers now
        sub.task = asyncio.create_task(self._webhook_loop(sub))
        return _success()

    async def _unsubscribe(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        url = query.get("url")
        if not url:
            raise bad_request("Missing required parameter: url")
        sub = self.bot.subscriptions.pop(url, None)
        if sub is not None and sub.task is not None:
            sub.task.cancel()
        return _success()

    async def _get_upload_url(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        kind = query.get("type")
        if kind not in UPLOAD_TYPES:
            raise bad_request(f"type: must be one of {sorted(UPLOAD_TYPES)}")
        upload_id = f"{kind[0]}{next(self._counter):06d}{secrets.token_urlsafe(16)}"
        self._uploads[upload_id] = kind
        result: dict[str, Any] = {"url": f"{self.base_url}/_upload/{upload_id}"}
        if kind in ("video", "audio"):
            result["token"] = upload_id
        return result

    async def _get_messages(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        count = _int_param(query, "count") or 50
        if not 1 <= count <= 100:
            raise bad_request("count: must be between 1 and 100")
        ids = [m for m in (query.get("message_ids") or "").split(",") if m.strip()]
        chat_id = _int_param(query, "chat_id")
        found: list[dict[str, Any]] = []
        if ids:
            for mid in (m.strip() for m in ids):
                for dialog in self._dialogs.values():
                    if chat_id is not None and dialog.chat_id != chat_id:
                        continue
                    sent = dialog.bot_messages.get(mid)
                    if sent is not None and not sent.deleted:
                        found.append(sent.payload())
                    elif mid in dialog.user_messages:
                        found.append(dialog.user_messages[mid])
            return {"messages": found}
        if chat_id is None:
            raise bad_request("Either chat_id or message_ids is required")
        target = self._dialogs.get(chat_id)
        if target is None:
            raise ApiError(404, "chat.not.found", f"Chat {chat_id} not found")
        every = [m.payload() for m in target.bot_messages.values() if not m.deleted]
        every += list(target.user_messages.values())
        every.sort(key=lambda m: m["body"]["seq"], reverse=True)
        return {"messages": every[:count]}

    async def _get_message(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        mid = match["messageId"]
        found = self._messages.get(mid)
        if found is not None and not found[1].deleted:
            return found[1].payload()
        for dialog in self._dialogs.values():
            if mid in dialog.user_messages:
                return dialog.user_messages[mid]
        raise not_found(f"Message {mid} not found")

    async def _send_message(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        dialog = self._recipient(query)
        fields = self._new_body(body)
        if dialog.stopped:
            raise dialog_suspended()
        seq = next(self._seq)
        now = self.now_ms()
        message = SentMessage(
            mid=self._mid(dialog.chat_id, seq),
            seq=seq,
            chat_id=dialog.chat_id,
            user_id=dialog.user_id,
            timestamp=now,
            sender=self.bot.sender(now),
            **fields,
        )
        dialog.bot_messages[message.mid] = message
        self._messages[message.mid] = (dialog, message)
        dialog.last_event_time = now
        self.stats.sent_messages += 1
        self._changed(dialog, message)
        return {"message": message.payload()}

    async def _edit_message(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        dialog, message = self._own_message(query.get("message_id"))
        fields = self._new_body(body, edit=message)
        if dialog.stopped:
            raise dialog_suspended()
        self._apply_edit(dialog, message, fields)
        return _success()

    async def _delete_message(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        mid = query.get("message_id")
        if not mid:
            raise bad_request("Missing required parameter: message_id")
        found = self._messages.get(mid)
        if found is not None and not found[1].deleted:
            dialog, message = found
            message.deleted = True
            self.stats.deleted_messages += 1
            self._changed(dialog, message)
            return _success()
        for dialog in self._dialogs.values():
            if dialog.user_messages.pop(mid, None) is not None:
                return _success()
        raise not_found(f"Message {mid} not found")

    async def _answer(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        callback_id = (query.get("callback_id") or "").strip()
        if not callback_id:
            raise bad_request("Missing required parameter: callback_id")
        record = self.bot.callbacks.get(callback_id)
        if record is None:
            raise not_found(f"Callback {callback_id} not found")
        if not isinstance(body, dict):
            raise bad_request("Request body must be a CallbackAnswer object")
        new_message = body.get("message")
        notification = body.get("notification")
        if new_message is None and not notification:
            raise bad_request("Either message or notification is required")
        if notification is not None and not isinstance(notification, str):
            raise bad_request("notification: must be a string")
        if record.answered:
            raise bad_request("Callback has already been answered", "callback.answered")
        found = self._messages.get(record.mid)
        fields: dict[str, Any] | None = None
        if new_message is not None:
            if found is None or found[1].deleted:
                raise not_found(f"Message {record.mid} not found")
            fields = self._new_body(new_message, edit=found[1])
        record.answered = True
        answer = {
            "callback_id": callback_id,
            "user_id": record.user_id,
            "chat_id": record.chat_id,
            "mid": record.mid,
            "payload": record.payload,
            "notification": notification,
            "message": new_message,
            "time": self.now_ms(),
        }
        record.answer = answer
        self.bot.callback_answers.append(answer)
        if fields is not None and found is not None:
            self._apply_edit(found[0], found[1], fields)
        return _success()

    async def _get_updates(self, query: dict[str, str], body: Any, match: dict[str, str]) -> Any:
        state = self.bot
        if state.subscriptions:
            raise ApiError(
                405,
                "method.not.allowed",
                "Long polling is not available while a webhook subscription exists; "
                "DELETE /subscriptions first",
            )
        limit = _int_param(query, "limit")
        limit = 100 if limit is None else limit
        if not 1 <= limit <= 1000:
            raise bad_request("limit: must be between 1 and 1000")
        timeout = _int_param(query, "timeout")
        timeout = 30 if timeout is None else timeout
        if not 0 <= timeout <= 90:
            raise bad_request("timeout: must be between 0 and 90")
        types_raw = query.get("types")
        types = {t.strip() for t in types_raw.split(",") if t.strip()} if types_raw else None
        marker = _int_param(query, "marker")
        if marker is not None:
            state.commit(marker)
        # a marker from the future (not one this server gave) counts as "from now on"
        start = (
            state.committed if marker is None else max(min(marker, state.next_seq), state.committed)
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found: list[dict[str, Any]] = []
            next_marker = start
            for logged in state.after(start):
                if len(found) >= limit:
                    break
                next_marker = logged.seq + 1
                if types is None or logged.type in types:
                    found.append(logged.update)
            remaining = deadline - loop.time()
            if (
                found
                or state.closed
                or self._closing.is_set()
                or remaining <= 0
                or state.subscriptions
            ):
                return {"updates": found, "marker": next_marker}
            self.waiting_polls += 1
            try:
                await state.wait(remaining)
            finally:
                self.waiting_polls -= 1

    # ------------------------------------------------------------------ webhook

    async def _webhook_loop(self, sub: Subscription) -> None:
        state = self.bot
        while state.subscriptions.get(sub.url) is sub and not self._closing.is_set():
            pending = state.after(sub.next_seq)
            if not pending:
                await state.wait(30.0)
                continue
            logged = pending[0]
            if sub.update_types and logged.type not in sub.update_types:
                sub.next_seq = logged.seq + 1
                continue
            delay = self.webhook_retry_initial
            while True:
                error = await self._deliver(sub, logged.update)
                if error is None:
                    sub.delivered += 1
                    self.stats.webhook_deliveries += 1
                    break
                sub.failures += 1
                sub.last_error = error
                self.stats.webhook_failures += 1
                if self.monotonic() - logged.created >= self.webhook_max_age:
                    sub.given_up += 1
                    self.stats.webhook_given_up += 1
                    break
                await self._sleep(min(delay, self.webhook_retry_max))
                delay *= self.webhook_retry_factor
                if state.subscriptions.get(sub.url) is not sub or self._closing.is_set():
                    return
            sub.next_seq = logged.seq + 1
            state.commit(sub.next_seq)

    async def _deliver(self, sub: Subscription, update: dict[str, Any]) -> str | None:
        assert self._client is not None
        headers = {"X-Max-Bot-Api-Secret": sub.secret} if sub.secret else {}
        try:
            async with self._client.post(
                sub.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                await resp.read()
                if resp.status != 200:
                    return f"HTTP {resp.status}"
        except TimeoutError:
            return "timeout"
        except aiohttp.ClientError as e:
            return f"connection failed: {type(e).__name__}"
        return None
