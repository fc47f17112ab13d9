"""The local Bot API server: an aiohttp app imitating api.telegram.org."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from testkit.botapi.faults import Fault, Faults
from testkit.botapi.html import HTMLParseError, parse_html, utf16_length
from testkit.botapi.limits import Limits, RateLimiter
from testkit.botapi.models import (
    ApiError,
    CallbackQueryRecord,
    FileRecord,
    RequestRecord,
    SentMessage,
    Stats,
    UploadedFile,
    bad_request,
    chat_full_info,
)
from testkit.botapi.state import BotState, ChatState, Webhook, allowed, queue_key
from testkit.common.server import LocalServer
from testkit.common.users import SimulatedUser

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "scope",
        "commands",
        "allowed_updates",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "from_chat_id",
        "user_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "drop_pending_updates",
        "show_alert",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class HasMessageId(Protocol):
    @property
    def message_id(self) -> int: ...


# a message id, a SentMessage, a Message dict, or anything with .message_id (aiogram Message)
MessageRef = int | SentMessage | dict[str, Any] | HasMessageId
Handler = Callable[[BotState, dict[str, Any]], Awaitable[Any]]


# methods Telegram does not run when a webhook's answer names them
WEBHOOK_REPLY_REFUSED = frozenset({"setwebhook", "deletewebhook", "close", "logout"})


def _allowed_in_webhook_reply(method: str) -> bool:
    name = method.lower()
    return name not in WEBHOOK_REPLY_REFUSED and not name.startswith("get")


def _max_connections(value: Any) -> int:
    """setWebhook's max_connections: 40 when absent, else an integer 1..100 (400 otherwise)."""
    if value is None or value == "":
        return 40
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_request('field "max_connections" must be a valid Number') from None
    if isinstance(value, bool) or not 1 <= number <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    return number


def _coerce(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in INT_FIELDS or key == "chat_id":
                stripped = value.strip()
                if stripped.lstrip("-").isdigit():
                    value = int(stripped)
                elif key in INT_FIELDS:
                    raise bad_request(f'field "{key}" must be a valid Number')
            elif key in BOOL_FIELDS:
                value = value.strip().lower() in ("true", "1")
        out[key] = value
    return out


class GroupChat:
    """A group/supergroup chat users can write in (``server.group_chat(...)``)."""

    def __init__(self, chat_id: int, title: str, chat_type: str) -> None:
        self.id = chat_id
        self.title = title
        self.type = chat_type

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}

    def __repr__(self) -> str:
        return f"GroupChat({self.id}, {self.title!r})"


class User(SimulatedUser[SentMessage]):
    """A simulated Telegram user talking to the bot (``server.user(...)``)."""

    server: BotAPIServer

    def __init__(
        self,
        server: BotAPIServer,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        super().__init__(server, user_id, first_name, last_name, username, language_code)
        self.blocked = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def open_chat(self) -> None:
        """Make the private chat known (as if the user pressed Start) without an update."""
        self.server._open_private(self)

    async def send(
        self,
        text: str,
        chat: int | GroupChat | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Send a text message to the bot; returns the Message dict."""
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        if reply_to is not None:
            extra["reply_to_message_id"] = reply_to
        return self.server._user_message(self, chat, extra)

    async def command(
        self, command: str, args: str | None = None, chat: int | GroupChat | None = None
    ) -> dict[str, Any]:
        """Send ``/command args`` with a ``bot_command`` entity."""
        if not command.startswith("/"):
            command = "/" + command
        text = f"{command} {args}" if args else command
        entity = {
            "type": "bot_command",
            "offset": 0,
            "length": len(command.encode("utf-16-le")) // 2,
        }
        return self.server._user_message(self, chat, {"text": text, "entities": [entity]})

    async def press(
        self,
        message: MessageRef,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        chat: int | GroupChat | None = None,
        strict: bool = True,
    ) -> str:
        """Press an inline button (by ``callback_data`` or button ``text``) on a bot message.

        Returns the callback query id.  With ``strict`` the button must exist.
        """
        return self.server._press(self, message, callback_data, text, chat, strict)

    async def upload_document(
        self,
        data: bytes,
        filename: str = "file.bin",
        caption: str | None = None,
        mime_type: str = "application/octet-stream",
        chat: int | GroupChat | None = None,
    ) -> dict[str, Any]:
        record = self.server._store_file(data, "documents", filename, mime_type)
        extra: dict[str, Any] = {
            "document": {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": record.file_size,
            }
        }
        if caption is not None:
            extra["caption"] = caption
        return self.server._user_message(self, chat, extra)

    async def upload_photo(
        self,
        data: bytes,
        caption: str | None = None,
        width: int = 640,
        height: int = 480,
        chat: int | GroupChat | None = None,
    ) -> dict[str, Any]:
        record = self.server._store_file(data, "photos", "photo.jpg", "image/jpeg")
        extra: dict[str, Any] = {"photo": [self.server._photo_size(record, width, height)]}
        if caption is not None:
            extra["caption"] = caption
        return self.server._user_message(self, chat, extra)

    def block_bot(self, notify: bool = True) -> None:
        """Block the bot: sends to this user answer 403 (and a my_chat_member update)."""
        self.blocked = True
        if notify:
            self.server._member_update(self, "member", "kicked")

    def unblock_bot(self, notify: bool = True) -> None:
        self.blocked = False
        if notify:
            self.server._member_update(self, "kicked", "member")


class BotAPIServer(LocalServer[Fault, SentMessage]):
    """Local imitation of the Telegram Bot API (see docs/local-bot-api.md)."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 10.0,
        webhook_per_chat_order: bool = True,
        webhook_max_age: float = 24 * 3600.0,
        monotonic: Callable[[], float] = time.monotonic,
        max_upload_size: int = 50 * 1024 * 1024,
        max_download_size: int = 20 * 1024 * 1024,
    ) -> None:
        super().__init__(max_upload_size)
        self.limits = limits or Limits()
        self.faults = Faults()
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        # True (as Telegram): one update of a chat in flight at a time; False: any update of
        # any chat may be in flight at once (up to max_connections), to stress the bot
        self.webhook_per_chat_order = webhook_per_chat_order
        # an update not delivered within this many seconds is dropped (Telegram: 24 h)
        self.webhook_max_age = webhook_max_age
        self.monotonic = monotonic
        self.max_download_size = max_download_size
        self._methods: dict[str, Handler] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "getfile": self._get_file,
            "getchat": self._get_chat,
            "setmydescription": self._true,
            "setmyshortdescription": self._true,
            "setmyname": self._true,
        }
        self._init_state()

    # ------------------------------------------------------------------ state

    def _init_state(self) -> None:
        self.rate_limiter = RateLimiter(self.limits)
        self.stats = Stats()
        self.requests: list[RequestRecord] = []
        self._bots: dict[str, BotState] = {}
        self._default: BotState | None = None
        self._users: dict[int, User] = {}
        self._groups: dict[int, GroupChat] = {}
        self._chat_infos: dict[int, dict[str, Any]] = {}
        self._files: dict[str, FileRecord] = {}
        self._files_by_path: dict[str, FileRecord] = {}
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(1)
        self._msg_event: asyncio.Event | None = None

    def reset(self) -> None:
        """Forget everything (bots, users, chats, files, logs, faults, rate buckets)."""
        for state in self._bots.values():
            state.closed = True
            if state.webhook and state.webhook.task:
                state.webhook.task.cancel()
            state.notify()
        if self._default is not None:
            self._default.notify()
        self.faults.clear()
        self._init_state()
        self._notify_messages()

    @property
    def bot(self) -> BotState:
        """State of the bot users talk to (the first token seen, or a placeholder)."""
        if self._default is None:
            self._default = BotState(None, self.monotonic)
        return self._default

    def bot_state(self, token: str) -> BotState:
        state = self._bots.get(token)
        if state is None:
            if self._default is not None and self._default.token is None:
                state = self._default
                state.adopt(token)
            else:
                state = BotState(token, self.monotonic)
                if self._default is None:
                    self._default = state
            self._bots[token] = state
        return state

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | _Unset | None = UNSET,
        username: str | _Unset | None = UNSET,
        language_code: str | _Unset | None = UNSET,
    ) -> User:
        """Get or create a simulated user.

        New users default to first_name="Test", language_code="ru"; for an existing user
        only the attributes passed explicitly are changed.
        """
        user = self._users.get(user_id)
        if user is None:
            user = User(
                self,
                user_id,
                first_name or "Test",
                None if isinstance(last_name, _Unset) else last_name,
                None if isinstance(username, _Unset) else username,
                "ru" if isinstance(language_code, _Unset) else language_code,
            )
            self._users[user_id] = user
            return user
        if first_name is not None:
            user.first_name = first_name
        if not isinstance(last_name, _Unset):
            user.last_name = last_name
        if not isinstance(username, _Unset):
            user.username = username
        if not isinstance(language_code, _Unset):
            user.language_code = language_code
        return user

    def get_user(self, user_id: int) -> User | None:
        return self._users.get(user_id)

    def group_chat(self, chat_id: int, title: str = "Group", type: str | None = None) -> GroupChat:
        group = self._groups.get(chat_id)
        if group is None:
            chat_type = type or ("supergroup" if str(chat_id).startswith("-100") else "group")
            group = GroupChat(chat_id, title, chat_type)
            self._groups[chat_id] = group
            self._chat_infos[chat_id] = group.as_dict()
        return group

    def sent_to(self, chat_id: int, include_deleted: bool = True) -> list[SentMessage]:
        """Bot messages in the chat, in current state, in sending order."""
        return self._sent(chat_id, include_deleted)

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        chat = self.bot.chats.get(chat_id)
        return chat.bot_messages.get(message_id) if chat else None

    def changes_cursor(self, chat_id: int) -> int:
        return self._cursor(chat_id)

    def _log(self, key: int) -> ChatState | None:
        return self.bot.chats.get(key)

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int | None = None,
    ) -> SentMessage:
        """Wait for a bot message (new or edited, not deleted) in ``chat_id`` matching.

        Only changes after the latest user action in that chat are considered unless
        ``since`` (a change index, e.g. 0 = everything, or ``changes_cursor()``) is given.
        Raises ``TimeoutError``.
        """
        return await self._wait_for(
            lambda: self.bot.chat(self._chat_info(chat_id)),
            predicate,
            timeout,
            since,
            f"in chat {chat_id}",
        )

    async def wait_changes(self, chat_id: int, cursor: int, wait_seconds: float) -> int:
        """Wait until the chat has changes after ``cursor``; return the new cursor."""
        return await self._wait_cursor(lambda: self.changes_cursor(chat_id), cursor, wait_seconds)

    def callback_answers(
        self, query_id: str | None = None, user_id: int | None = None
    ) -> list[dict[str, Any]]:
        return [
            a
            for a in self.bot.callback_answers
            if (query_id is None or a["callback_query_id"] == query_id)
            and (user_id is None or a["user_id"] == user_id)
        ]

    def commands(self, scope: Any = None, language_code: str = "") -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for a scope (None/"default", type name, dict,
        or an aiogram BotCommandScope object)."""
        if scope is not None and not isinstance(scope, (str, dict)):
            scope = scope.model_dump(mode="json", exclude_none=True)
        if isinstance(scope, str):
            scope = {"type": scope}
        return list(self.bot.commands.get(self._scope_key(scope, language_code), []))

    def chat_actions(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [a for a in self.bot.chat_actions if chat_id is None or a["chat_id"] == chat_id]

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any] | None:
        return self.bot.menu_buttons.get(chat_id)

    def file_data(self, file_id: str) -> bytes | None:
        record = self._files.get(file_id)
        return record.data if record else None

    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.bot.updates)

    @property
    def webhook(self) -> Webhook | None:
        return self.bot.webhook

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1:``port`` (0 = random); return the base URL."""
        app = self._app()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        from testkit.botapi.control import add_control_routes

        add_control_routes(app, self)
        return await self._listen(app, port)

    async def stop(self) -> None:
        self._closing.set()
        for state in self._bots.values():
            state.closed = True
            state.notify()
            if state.webhook:
                await self._cancel(state.webhook.task)
        await self._close()

    # ------------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as e:
                    raise bad_request("can't parse JSON object") from e
                if isinstance(body, dict):
                    params.update(body)
            else:
                post = await request.post()
                for key, value in post.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    else:
                        params[key] = value
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                name = value[len("attach://") :]
                if name in files:
                    params[key] = files[name]
        for key, upload in files.items():
            params.setdefault(key, upload)
        return _coerce(params)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        token = request.match_info["token"]
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        bot_id: int | None = None
        try:
            if not TOKEN_RE.match(token):
                raise ApiError(401, "Unauthorized")
            state = self.bot_state(token)
            bot_id = state.bot_id
            params = await self._read_params(request)
            key = method.lower()
            handler = self._methods.get(key)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            fault = self.faults.take(key, params.get("chat_id"))
            if fault is not None:
                self.stats.faults_injected += 1
                dropped = await self._apply_fault(fault, request)
                if dropped is not None:
                    self._record(method, params, 0, started, bot_id, "connection dropped")
                    return dropped
            result = await handler(state, params)
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as e:
            status, payload = e.code, e.payload()
        self._record(method, params, status, started, bot_id, payload.get("description"))
        return web.json_response(payload, status=status)

    def _fault_error(self, fault: Fault) -> ApiError:
        if fault.kind == "5xx":
            return ApiError(fault.status, fault.description or "Bad Gateway")
        if fault.kind == "429":
            return ApiError(
                429,
                fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                retry_after=fault.retry_after,
            )
        return ApiError(403, fault.description or "Forbidden: bot was blocked by the user")

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        started: float,
        bot_id: int | None,
        description: str | None,
    ) -> None:
        self.requests.append(
            RequestRecord(
                method=method,
                params=params,
                status=status,
                time=time.time(),
                duration=time.monotonic() - started,
                bot_id=bot_id,
                description=None if status == 200 else description,
            )
        )
        self.stats.count_request(method, status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.match(token):
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        record = self._files_by_path.get(request.match_info["path"])
        if record is None or record.data is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=record.data, content_type=record.mime_type or "application/octet-stream"
        )

    async def call(self, method: str, params: dict[str, Any], token: str | None = None) -> Any:
        """Run a Bot API method in-process (used for webhook replies); raises ApiError."""
        state = self.bot_state(token) if token else self.bot
        handler = self._methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        started = time.monotonic()
        try:
            result = await handler(state, _coerce(params))
        except ApiError as e:
            self._record(method, params, e.code, started, state.bot_id, e.description)
            raise
        self._record(method, params, 200, started, state.bot_id, None)
        return result

    # ------------------------------------------------------------------ users' side

    def _chat_info(self, chat_id: int) -> dict[str, Any]:
        info = self._chat_infos.get(chat_id)
        if info is not None:
            return info
        user = self._users.get(chat_id)
        if user is not None:
            return user.chat_dict()
        return {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "?"}

    def _open_private(self, user: User) -> None:
        if user.id not in self._chat_infos:
            self._chat_infos[user.id] = user.chat_dict()

    def _target_chat(self, user: User, chat: int | GroupChat | None) -> ChatState:
        if chat is None:
            self._open_private(user)
            return self.bot.chat(self._chat_infos[user.id])
        chat_id = chat.id if isinstance(chat, GroupChat) else chat
        if chat_id == user.id:
            self._open_private(user)
        info = self._chat_infos.get(chat_id)
        if info is None:
            raise LookupError(f"unknown chat {chat_id}; create it with server.group_chat()")
        return self.bot.chat(info)

    def _user_message(
        self, user: User, chat: int | GroupChat | None, extra: dict[str, Any]
    ) -> dict[str, Any]:
        state = self._target_chat(user, chat)
        message: dict[str, Any] = {
            "message_id": state.next_message_id(),
            "from": user.as_dict(),
            "chat": state.chat,
            "date": int(time.time()),
        }
        reply_to = extra.pop("reply_to_message_id", None)
        if reply_to is not None:
            replied = state.bot_messages.get(reply_to)
            if replied is not None:
                message["reply_to_message"] = replied.payload()
            elif reply_to in state.user_messages:
                message["reply_to_message"] = state.user_messages[reply_to]
        message.update(extra)
        state.user_messages[message["message_id"]] = message
        state.mark = len(state.changes)
        self.bot.push_update({"message": message})
        self.stats.updates_created += 1
        return message

    def _press(
        self,
        user: User,
        message: MessageRef,
        data: str | None,
        text: str | None,
        chat: int | GroupChat | None,
        strict: bool,
    ) -> str:
        state = self._target_chat(user, chat)
        if isinstance(message, SentMessage):
            message_id = message.message_id
        elif isinstance(message, dict):
            message_id = int(message["message_id"])
        elif isinstance(message, int):
            message_id = message
        else:
            message_id = int(message.message_id)
        sent = state.bot_messages.get(message_id)
        if sent is None or sent.deleted:
            raise LookupError(f"no bot message {message_id} in chat {state.id}")
        if text is not None or strict:
            buttons = [b for b in sent.buttons if "callback_data" in b]
            match = [
                b
                for b in buttons
                if (data is None or b["callback_data"] == data)
                and (text is None or b["text"] == text)
            ]
            if not match:
                available = [(b["text"], b["callback_data"]) for b in buttons]
                raise ValueError(
                    f"no button data={data!r} text={text!r} on message {message_id}; "
                    f"available: {available!r}"
                )
            data = match[0]["callback_data"]
        if data is None:
            raise ValueError("callback data or button text is required")
        query_id = f"{self.bot.bot_id or 0}{next(self._query_counter):012d}"
        self.bot.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id, user_id=user.id, chat_id=state.id, message_id=message_id, data=data
        )
        state.mark = len(state.changes)
        self.bot.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.as_dict(),
                    "message": sent.payload(),
                    "chat_instance": str(abs(hash((state.id, "instance")))),
                    "data": data,
                }
            }
        )
        self.stats.updates_created += 1
        return query_id

    def _member_update(self, user: User, old: str, new: str) -> None:
        self._open_private(user)
        bot_user = self.bot.me
        now = int(time.time())
        self.bot.push_update(
            {
                "my_chat_member": {
                    "chat": user.chat_dict(),
                    "from": user.as_dict(),
                    "date": now,
                    "old_chat_member": self._member(bot_user, old, now),
                    "new_chat_member": self._member(bot_user, new, now),
                }
            }
        )
        self.stats.updates_created += 1

    @staticmethod
    def _member(bot_user: dict[str, Any], status: str, now: int) -> dict[str, Any]:
        data: dict[str, Any] = {"user": bot_user, "status": status}
        if status == "kicked":
            data["until_date"] = 0
        return data

    def _store_file(
        self,
        data: bytes | None,
        folder: str,
        filename: str | None,
        mime_type: str | None,
        url: str | None = None,
    ) -> FileRecord:
        n = next(self._file_counter)
        ext = ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1][:10]
        record = FileRecord(
            file_id=f"BQAC{n:08d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AgAD{n:08d}",
            file_path=f"{folder}/file_{n}{ext}",
            data=data,
            file_name=filename,
            mime_type=mime_type,
            url=url,
        )
        self._files[record.file_id] = record
        self._files_by_path[record.file_path] = record
        return record

    @staticmethod
    def _photo_size(record: FileRecord, width: int, height: int) -> dict[str, Any]:
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "width": width,
            "height": height,
            "file_size": record.file_size,
        }

    # ------------------------------------------------------------------ validation helpers

    def _resolve_chat(self, state: BotState, params: dict[str, Any]) -> ChatState:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            raise bad_request("chat not found")
        info = self._chat_infos.get(chat_id)
        if info is None:
            raise bad_request("chat not found")
        user = self._users.get(chat_id)
        if info.get("type") == "private" and user is not None and user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return state.chat(info)

    def _format(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        caption: bool,
    ) -> tuple[str, list[dict[str, Any]]]:
        limits = self.limits
        text = "" if text is None else str(text)
        plain = text
        result_entities: list[dict[str, Any]] = entities if isinstance(entities, list) else []
        mode = str(parse_mode).lower() if parse_mode else ""
        if mode == "html":
            if limits.on(limits.check_html):
                try:
                    plain, result_entities = parse_html(text)
                except HTMLParseError as e:
                    raise bad_request(f"can't parse entities: {e}") from e
            else:
                with contextlib.suppress(HTMLParseError):
                    plain, result_entities = parse_html(text)
        elif mode not in ("", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        if caption:
            max_len = limits.max_caption_length
            if limits.on(max_len) and max_len is not None and utf16_length(plain) > max_len:
                raise bad_request("message caption is too long")
        else:
            if limits.on(limits.reject_empty_text) and not plain.strip():
                raise bad_request("message text is empty")
            max_len = limits.max_text_length
            if limits.on(max_len) and max_len is not None and utf16_length(plain) > max_len:
                raise bad_request("message is too long")
        return plain, result_entities

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        limits = self.limits
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict):
                    raise bad_request(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if limits.on(limits.check_button_text) and not str(button.get("text", "")).strip():
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if "callback_data" in button:
                    size = len(str(button["callback_data"]).encode("utf-8"))
                    max_bytes = limits.max_callback_data_bytes
                    if (
                        limits.on(max_bytes)
                        and max_bytes is not None
                        and not 1 <= size <= max_bytes
                    ):
                        raise bad_request("BUTTON_DATA_INVALID")
                elif limits.enforce and len(button) <= 1:
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
        return markup

    def _rate_limit(self, state: BotState, method: str, chat: ChatState) -> None:
        if method not in self.limits.rate_limited_methods:
            return
        retry_after = self.rate_limiter.check(state.bot_id, chat.id, chat.is_private)
        if retry_after is not None:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def _find_bot_message(
        self, state: BotState, params: dict[str, Any], missing: str
    ) -> tuple[ChatState, SentMessage]:
        chat_id = params.get("chat_id")
        message_id = params.get("message_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        chat = state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self._chat_infos:
                raise bad_request(missing)
            raise bad_request("chat not found")
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
                raise bad_request("message can't be edited")
            raise bad_request(missing)
        return chat, message

    def _new_message(
        self,
        state: BotState,
        chat: ChatState,
        method: str,
        params: dict[str, Any],
        **fields: Any,
    ) -> dict[str, Any]:
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if reply_to is None and isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id")
        message = SentMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.id,
            method=method,
            date=int(time.time()),
            from_user=state.me,
            chat=chat.chat,
            parse_mode=params.get("parse_mode") or None,
            reply_to_message_id=reply_to,
            **fields,
        )
        chat.bot_messages[message.message_id] = message
        self.stats.sent_messages += 1
        self._changed(chat, message)
        return message.payload()

    # ------------------------------------------------------------------ methods

    async def _true(self, state: BotState, params: dict[str, Any]) -> Any:
        return True

    async def _get_me(self, state: BotState, params: dict[str, Any]) -> Any:
        return state.me

    async def _get_updates(self, state: BotState, params: dict[str, Any]) -> Any:
        if state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        timeout = max(0, int(params.get("timeout") or 0))
        if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
            state.allowed_updates = params["allowed_updates"] or None
        if offset:
            state.confirm(int(offset))
        token = object()
        if state.active_poll is not None:
            state.active_poll = token
            state.notify()  # the older long poll answers 409
        state.active_poll = token
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = state.take(limit, state.allowed_updates)
            remaining = deadline - loop.time()
            if result or state.closed or self._closing.is_set() or remaining <= 0:
                if state.active_poll is token:
                    state.active_poll = None
                return result
            await state.wait(remaining)
            if state.active_poll is not token:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )

    async def _set_webhook(self, state: BotState, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(state, params)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret and not SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        max_connections = _max_connections(params.get("max_connections"))
        if params.get("drop_pending_updates"):
            state.clear_updates()
        allowed_updates = params.get("allowed_updates")
        if isinstance(allowed_updates, list):
            state.allowed_updates = allowed_updates or None
        old = state.webhook
        state.webhook = None
        if old is not None:
            await self._cancel(old.task)  # its deliveries in flight end before new ones start
        hook = Webhook(
            url=url,
            secret_token=str(secret) if secret else None,
            max_connections=max_connections,
            allowed_updates=state.allowed_updates,
        )
        state.webhook = hook
        state.notify()  # wake a pending getUpdates
        hook.task = asyncio.create_task(self._webhook_loop(state, hook))
        return True

    async def _delete_webhook(self, state: BotState, params: dict[str, Any]) -> Any:
        hook = state.webhook
        state.webhook = None
        if hook is not None:
            await self._cancel(hook.task)  # and with it every delivery in flight
        if params.get("drop_pending_updates"):
            state.clear_updates()
        return True

    async def _get_webhook_info(self, state: BotState, params: dict[str, Any]) -> Any:
        hook = state.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def _webhook_loop(self, state: BotState, hook: Webhook) -> None:
        """Keep up to ``hook.max_connections`` deliveries in flight until the hook is gone.

        An update stays queued (and counted by getWebhookInfo) until its delivery succeeds; a
        failed one is sent again after ``webhook_retry_delay`` without holding the others.
        With ``webhook_per_chat_order`` only the oldest update of a chat is in flight or
        waiting for its retry; the chat's later updates wait behind it.
        """
        loop = asyncio.get_running_loop()
        try:
            while state.webhook is hook and not state.closed and not self._closing.is_set():
                await state.wait(self._start_deliveries(state, hook, loop.time()))
        finally:
            tasks = list(hook.in_flight.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            hook.in_flight.clear()

    def _start_deliveries(self, state: BotState, hook: Webhook, now: float) -> float:
        """Start the deliveries that may start now; return the seconds until one may be due."""
        wake = 30.0
        queues: set[Hashable] = set()
        for update in list(state.updates):
            if len(hook.in_flight) >= hook.max_connections:
                break  # a delivery that ends wakes the loop
            if not allowed(update, hook.allowed_updates):
                state.forget(update)  # Telegram does not keep what the webhook did not ask for
                continue
            update_id = update["update_id"]
            if self.webhook_per_chat_order:
                key = queue_key(update)
                if key in queues:
                    continue  # an older update of this chat goes first
                queues.add(key)
            if update_id in hook.in_flight:
                continue
            due = hook.retry_at.get(update_id)
            if due is not None and due > now:
                wake = min(wake, due - now)
                continue
            hook.in_flight[update_id] = asyncio.create_task(self._webhook_send(state, hook, update))
        return wake

    async def _webhook_send(self, state: BotState, hook: Webhook, update: dict[str, Any]) -> None:
        """One delivery: forget the update when it succeeds, schedule its retry when not."""
        update_id = update["update_id"]
        try:
            error = await self._deliver(state, hook, update)
            if error is None:
                hook.retry_at.pop(update_id, None)
                state.forget(update)
                hook.delivered += 1
                self.stats.webhook_deliveries += 1
                return
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            self.stats.webhook_failures += 1
            if state.age(update) + self.webhook_retry_delay >= self.webhook_max_age:
                log.warning("webhook: update %s dropped after %s", update_id, error)
                hook.retry_at.pop(update_id, None)
                state.forget(update)
                self.stats.webhook_given_up += 1
                return
            hook.retry_at[update_id] = asyncio.get_running_loop().time() + self.webhook_retry_delay
        finally:
            if hook.in_flight.get(update_id) is asyncio.current_task():
                del hook.in_flight[update_id]
            state.notify()  # the loop starts the next delivery

    async def _deliver(self, state: BotState, hook: Webhook, update: dict[str, Any]) -> str | None:
        assert self._client is not None
        headers = {}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        reply: dict[str, Any] | None = None
        try:
            async with self._client.post(
                hook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                if not 200 <= resp.status < 300:
                    return f"Wrong response from the webhook: {resp.status} {resp.reason}"
                reply = await self._read_webhook_reply(resp)
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as e:
            return f"Connection failed: {type(e).__name__}"
        if reply and isinstance(reply.get("method"), str):
            method = reply.pop("method")
            if not _allowed_in_webhook_reply(method):
                return None  # Telegram ignores these in a webhook's answer
            with contextlib.suppress(ApiError):
                await self.call(method, reply, state.token)
        return None

    @staticmethod
    async def _read_webhook_reply(resp: aiohttp.ClientResponse) -> dict[str, Any] | None:
        ctype = resp.content_type
        if ctype == "application/json":
            with contextlib.suppress(ValueError):
                data = await resp.json()
                return data if isinstance(data, dict) else None
            return None
        if ctype.startswith("multipart/"):
            reader = aiohttp.MultipartReader.from_response(resp)
            fields: dict[str, Any] = {}
            while True:
                part = await reader.next()
                if part is None:
                    break
                if isinstance(part, aiohttp.BodyPartReader) and part.name:
                    if part.filename:
                        fields[part.name] = UploadedFile(
                            part.filename, "application/octet-stream", await part.read()
                        )
                    else:
                        fields[part.name] = await part.text()
            for key, value in list(fields.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    fields[key] = fields.get(value[len("attach://") :], value)
            return fields
        return None

    async def _send_message(self, state: BotState, params: dict[str, Any]) -> Any:
        chat = self._resolve_chat(state, params)
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._check_markup(params.get("reply_markup"))
        self._rate_limit(state, "sendmessage", chat)
        return self._new_message(
            state,
            chat,
            "sendMessage",
            params,
            text=text,
            raw_text=str(params.get("text")),
            entities=entities,
            reply_markup=markup,
        )

    def _input_file(self, params: dict[str, Any], field_name: str, folder: str) -> FileRecord:
        value = params.get(field_name)
        if value is None or value == "":
            raise bad_request(f"there is no {field_name} in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            return self._store_file(value.data, folder, value.filename, value.content_type)
        value = str(value)
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self._store_file(None, folder, name, None, url=value)
        record = self._files.get(value)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return record

    async def _send_media(
        self, state: BotState, params: dict[str, Any], kind: str
    ) -> dict[str, Any]:
        chat = self._resolve_chat(state, params)
        record = self._input_file(params, kind, "documents" if kind == "document" else "photos")
        caption_raw = params.get("caption")
        caption: str | None = None
        entities: list[dict[str, Any]] = []
        if caption_raw is not None and caption_raw != "":
            caption, entities = self._format(
                caption_raw,
                params.get("parse_mode"),
                params.get("caption_entities"),
                caption=True,
            )
        markup = self._check_markup(params.get("reply_markup"))
        method = "send" + kind.capitalize()
        self._rate_limit(state, method.lower(), chat)
        fields: dict[str, Any] = {
            "caption": caption,
            "raw_text": None if caption_raw is None else str(caption_raw),
            "entities": entities,
            "reply_markup": markup,
        }
        if kind == "document":
            fields["document"] = {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_name": record.file_name or "file",
                "mime_type": record.mime_type or "application/octet-stream",
                "file_size": record.file_size,
            }
        else:
            fields["photo"] = [self._photo_size(record, 320, 240)]
        return self._new_message(state, chat, method, params, **fields)

    async def _send_document(self, state: BotState, params: dict[str, Any]) -> Any:
        return await self._send_media(state, params, "document")

    async def _send_photo(self, state: BotState, params: dict[str, Any]) -> Any:
        return await self._send_media(state, params, "photo")

    def _apply_edit(
        self,
        chat: ChatState,
        message: SentMessage,
        *,
        text: str | None = None,
        caption: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        markup: dict[str, Any] | None,
        parse_mode: str | None = None,
        raw_text: str | None = None,
    ) -> dict[str, Any]:
        new_text = message.text if text is None else text
        new_caption = message.caption if caption is None else caption
        new_entities = message.entities if entities is None else entities
        limits = self.limits
        if (
            limits.on(limits.check_not_modified)
            and new_text == message.text
            and new_caption == message.caption
            and new_entities == message.entities
            and (markup or {}).get("inline_keyboard")
            == (message.reply_markup or {}).get("inline_keyboard")
        ):
            raise bad_request(NOT_MODIFIED)
        message.edits.append(message.snapshot())
        message.text, message.caption, message.entities = new_text, new_caption, new_entities
        message.reply_markup = markup
        if text is not None or caption is not None:
            message.parse_mode = parse_mode
            message.raw_text = raw_text
        message.edit_date = int(time.time())
        self.stats.edited_messages += 1
        self._changed(chat, message)
        return message.payload()

    async def _edit_message_text(self, state: BotState, params: dict[str, Any]) -> Any:
        return self._edit_body(state, params, caption=False)

    async def _edit_message_caption(self, state: BotState, params: dict[str, Any]) -> Any:
        return self._edit_body(state, params, caption=True)

    def _edit_body(self, state: BotState, params: dict[str, Any], *, caption: bool) -> Any:
        """editMessageText (``caption=False``) or editMessageCaption: the new text or caption
        is formatted and checked as a sent one is, an inline message's too."""
        kind = "caption" if caption else "text"
        raw = (params.get("caption") or "") if caption else params.get("text")
        parse_mode = params.get("parse_mode")
        given = params.get("caption_entities" if caption else "entities")
        if params.get("inline_message_id"):
            self._format(raw, parse_mode, given, caption)
            return True
        chat, message = self._find_bot_message(state, params, "message to edit not found")
        if (message.text is not None) is caption:
            raise bad_request(f"there is no {kind} in the message to edit")
        body, entities = self._format(raw, parse_mode, given, caption=caption)
        markup = self._check_markup(params.get("reply_markup"))
        return self._apply_edit(
            chat,
            message,
            text=None if caption else body,
            caption=body if caption else None,
            entities=entities,
            markup=markup,
            parse_mode=parse_mode or None,
            raw_text=str(raw),
        )

    async def _edit_message_reply_markup(self, state: BotState, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        chat, message = self._find_bot_message(state, params, "message to edit not found")
        markup = self._check_markup(params.get("reply_markup"))
        return self._apply_edit(chat, message, markup=markup)

    async def _delete_message(self, state: BotState, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        message_id = params.get("message_id")
        chat = state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self._chat_infos:
                raise bad_request("message to delete not found")
            raise bad_request("chat not found")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = chat.bot_messages.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            self.stats.deleted_messages += 1
            self._changed(chat, message)
            return True
        if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
            chat.deleted_user_messages.add(message_id)
            return True
        raise bad_request("message to delete not found")

    async def _answer_callback_query(self, state: BotState, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        query = state.callback_queries.get(query_id)
        ttl = self.limits.callback_query_ttl
        expired = (
            query is not None
            and self.limits.on(ttl)
            and ttl is not None
            and time.monotonic() - query.created > ttl
        )
        if query is None or query.answered or expired:
            raise bad_request(QUERY_TOO_OLD)
        query.answered = True
        answer = {
            "callback_query_id": query_id,
            "user_id": query.user_id,
            "chat_id": query.chat_id,
            "message_id": query.message_id,
            "data": query.data,
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert")),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
            "time": time.time(),
        }
        query.answer = answer
        state.callback_answers.append(answer)
        return True

    async def _send_chat_action(self, state: BotState, params: dict[str, Any]) -> Any:
        chat = self._resolve_chat(state, params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        state.chat_actions.append({"chat_id": chat.id, "action": action, "time": time.time()})
        return True

    @staticmethod
    def _scope_key(
        scope: dict[str, Any] | None, language_code: str | None
    ) -> tuple[str, int | None, int | None, str]:
        scope = scope or {}
        chat_id = scope.get("chat_id")
        user_id = scope.get("user_id")
        return (
            str(scope.get("type") or "default"),
            int(chat_id) if chat_id is not None else None,
            int(user_id) if user_id is not None else None,
            str(language_code or ""),
        )

    def _command_scope(self, params: dict[str, Any]) -> tuple[str, int | None, int | None, str]:
        scope = params.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        key = self._scope_key(scope, params.get("language_code"))
        if key[1] is not None and self.limits.enforce and key[1] not in self._chat_infos:
            raise bad_request("chat not found")
        language = key[3]
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return key

    async def _set_my_commands(self, state: BotState, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand")
            name = str(command.get("command", "")).lstrip("/")
            description = str(command.get("description", ""))
            if self.limits.enforce and not COMMAND_RE.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if self.limits.enforce and not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": description})
        key = self._command_scope(params)
        if clean:
            state.commands[key] = clean
        else:
            state.commands.pop(key, None)
        return True

    async def _get_my_commands(self, state: BotState, params: dict[str, Any]) -> Any:
        return state.commands.get(self._command_scope(params), [])

    async def _delete_my_commands(self, state: BotState, params: dict[str, Any]) -> Any:
        state.commands.pop(self._command_scope(params), None)
        return True

    async def _set_chat_menu_button(self, state: BotState, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id is not None and chat_id != "":
            self._resolve_chat(state, params)
        else:
            chat_id = None
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or "type" not in button:
            raise bad_request("can't parse menu button")
        state.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, state: BotState, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        button = state.menu_buttons.get(chat_id if isinstance(chat_id, int) else None)
        return button or {"type": "commands"}

    async def _get_file(self, state: BotState, params: dict[str, Any]) -> Any:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise bad_request("invalid file_id")
        if record.file_size > self.max_download_size:
            raise bad_request("file is too big")
        return record.as_file()

    async def _get_chat(self, state: BotState, params: dict[str, Any]) -> Any:
        chat = self._resolve_chat(state, params)
        return chat_full_info(chat.chat)
