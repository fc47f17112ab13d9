"""Recording bot session for handler tests (no network).

    bot = RecordingBot()
    await dp.feed_update(bot, make_message_update(1001, "/start"))
    assert bot.session.sent_texts(1001) == ["Привет!"]

Every API call is recorded (``bot.session.requests``) and answered with a plausible
default result, unless a response was queued with :meth:`RecordingSession.add_result_for`.
"""

from __future__ import annotations

import itertools
import json
import time
import typing
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChat,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardMarkup, InputFile, TelegramObject, Update

from testkit.botapi.models import chat_full_info

TEST_TOKEN = "42:TEST_TOKEN_recording_session"
TEST_BOT_ID = 42

M = TypeVar("M", bound=TelegramMethod[Any])

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)


def _chat_dict(chat_id: int | str, user: dict[str, Any] | None = None) -> dict[str, Any]:
    if isinstance(chat_id, str):
        return {"id": -1, "type": "channel", "title": chat_id, "username": chat_id.lstrip("@")}
    if chat_id > 0:
        chat: dict[str, Any] = {"id": chat_id, "type": "private"}
        chat["first_name"] = (user or {}).get("first_name", "Test")
        return chat
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": "Test group"}


@dataclass(frozen=True)
class QueuedResponse:
    ok: bool
    result: Any
    error_code: int
    description: str | None
    retry_after: int | None
    migrate_to_chat_id: int | None


class RecordingSession(BaseSession):
    """A :class:`BaseSession` that records requests and fakes Telegram's answers."""

    def __init__(self, api: TelegramAPIServer = PRODUCTION) -> None:
        super().__init__(api=api)
        self.requests: list[TelegramMethod[Any]] = []
        self.files: dict[str, bytes] = {}
        self.closed = False
        self._queued: dict[type[TelegramMethod[Any]], deque[QueuedResponse]] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._file_ids = itertools.count(1)

    # --- configuration -------------------------------------------------------------

    def add_result_for(
        self,
        method: type[TelegramMethod[Any]],
        ok: bool = True,
        result: Any = None,
        error_code: int | None = None,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Queue the next response for ``method`` (FIFO per method type).

        ``ok=False`` makes the call raise like aiogram would for that answer, e.g.
        ``error_code=400`` → TelegramBadRequest, ``403`` → TelegramForbiddenError,
        ``429`` with ``retry_after`` → TelegramRetryAfter, ``5xx`` → TelegramServerError.
        """
        if error_code is None:
            error_code = 200 if ok else 400
        if not ok and description is None:
            description = f"Error {error_code}"
            if retry_after is not None:
                description = f"Too Many Requests: retry after {retry_after}"
        self._queued.setdefault(method, deque()).append(
            QueuedResponse(ok, result, error_code, description, retry_after, migrate_to_chat_id)
        )

    def add_file(self, file_id: str, data: bytes) -> str:
        """Make ``bot.download(file_id)`` return ``data``; returns the file path."""
        path = f"files/{file_id}"
        self.files[path] = data
        return path

    # --- inspection ----------------------------------------------------------------

    def requests_of(self, method: type[M]) -> list[M]:
        return [r for r in self.requests if isinstance(r, method)]

    @property
    def last_request(self) -> TelegramMethod[Any] | None:
        return self.requests[-1] if self.requests else None

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of sendMessage and captions of sendDocument/sendPhoto, in order."""
        texts: list[str] = []
        for request in self.requests:
            if isinstance(request, SendMessage):
                text: Any = request.text
            elif isinstance(request, (SendDocument, SendPhoto)):
                text = request.caption
            else:
                continue
            if chat_id is not None and str(request.chat_id) != str(chat_id):
                continue
            if isinstance(text, str):
                texts.append(text)
        return texts

    def clear(self) -> None:
        """Forget recorded requests and queued responses."""
        self.requests.clear()
        self._queued.clear()

    # --- BaseSession ---------------------------------------------------------------

    async def close(self) -> None:
        self.closed = True

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.requests.append(method)
        queue = self._queued.get(type(method))
        if queue:
            queued = queue.popleft()
            if not queued.ok:
                payload: dict[str, Any] = {
                    "ok": False,
                    "error_code": queued.error_code,
                    "description": queued.description,
                }
                parameters: dict[str, Any] = {}
                if queued.retry_after is not None:
                    parameters["retry_after"] = queued.retry_after
                if queued.migrate_to_chat_id is not None:
                    parameters["migrate_to_chat_id"] = queued.migrate_to_chat_id
                if parameters:
                    payload["parameters"] = parameters
                self.check_response(bot, method, queued.error_code, json.dumps(payload))
                raise AssertionError("unreachable: check_response must raise")  # pragma: no cover
            return self._convert(bot, method, queued.result)
        return self._convert(bot, method, self._default_result(bot, method))

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        for path, data in self.files.items():
            if url.endswith("/" + path):
                yield data
                return
        yield b""

    # --- default results -----------------------------------------------------------

    @staticmethod
    def _convert(bot: Bot, method: TelegramMethod[Any], result: Any) -> Any:
        if isinstance(result, TelegramObject):
            return result.as_(bot)
        if isinstance(result, list) and all(isinstance(x, TelegramObject) for x in result):
            return [x.as_(bot) for x in result]
        returning = method.__returning__
        response = Response[returning].model_validate(  # type: ignore[valid-type]
            {"ok": True, "result": result}, context={"bot": bot}
        )
        return response.result

    def _message(
        self, bot: Bot, chat_id: int | str, message_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        if message_id is None:
            message_id = self._next_message_id.get(chat_id, 1)
            self._next_message_id[chat_id] = message_id + 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat_dict(chat_id),
            "from": {"id": bot.id, "is_bot": True, "first_name": "Test Bot"},
        }
        markup = extra.pop("reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            message["reply_markup"] = markup
        message.update({k: v for k, v in extra.items() if v is not None})
        return message

    def _file_name(self, value: Any) -> tuple[str, str | None]:
        if isinstance(value, InputFile):
            return f"recorded-file-{next(self._file_ids)}", value.filename
        return str(value), None

    def _default_result(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage):
            return self._message(
                bot, method.chat_id, text=method.text, reply_markup=method.reply_markup
            )
        if isinstance(method, SendDocument):
            file_id, name = self._file_name(method.document)
            document = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name}
            caption = method.caption if isinstance(method.caption, str) else None
            return self._message(
                bot,
                method.chat_id,
                document=document,
                caption=caption,
                reply_markup=method.reply_markup,
            )
        if isinstance(method, SendPhoto):
            file_id, _ = self._file_name(method.photo)
            photo = [
                {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 320, "height": 240}
            ]
            caption = method.caption if isinstance(method.caption, str) else None
            return self._message(
                bot, method.chat_id, photo=photo, caption=caption, reply_markup=method.reply_markup
            )
        if isinstance(method, (EditMessageText, EditMessageCaption, EditMessageReplyMarkup)):
            if method.inline_message_id or method.chat_id is None or method.message_id is None:
                return True
            extra: dict[str, Any] = {"edit_date": int(time.time())}
            if isinstance(method, EditMessageText):
                extra["text"] = method.text
            elif isinstance(method, EditMessageCaption):
                extra["caption"] = method.caption
            return self._message(
                bot,
                method.chat_id,
                method.message_id,
                reply_markup=method.reply_markup,
                **extra,
            )
        if isinstance(method, CopyMessage):
            next_id = self._next_message_id.get(method.chat_id, 1)
            self._next_message_id[method.chat_id] = next_id + 1
            return {"message_id": next_id}
        if isinstance(method, GetMe):
            return {
                "id": bot.id,
                "is_bot": True,
                "first_name": "Test Bot",
                "username": "test_bot",
            }
        if isinstance(method, GetFile):
            path = f"files/{method.file_id}"
            return {
                "file_id": method.file_id,
                "file_unique_id": f"u-{method.file_id}",
                "file_size": len(self.files.get(path, b"")),
                "file_path": path,
            }
        if isinstance(method, GetChat):
            return chat_full_info(_chat_dict(method.chat_id))
        returning = method.__returning__
        if returning is bool:
            return True
        if typing.get_origin(returning) is list:
            return []
        raise NotImplementedError(
            f"RecordingSession has no default result for {type(method).__name__}; "
            f"queue one with session.add_result_for({type(method).__name__}, result=...)"
        )


class RecordingBot(Bot):
    """A :class:`Bot` with a :class:`RecordingSession` and a fixed test token."""

    session: RecordingSession

    def __init__(self, token: str = TEST_TOKEN, **kwargs: Any) -> None:
        super().__init__(token, session=RecordingSession(), **kwargs)


# --- update builders ---------------------------------------------------------------


def _user(
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def _base_message(
    user: dict[str, Any], chat_id: int | None, message_id: int | None
) -> dict[str, Any]:
    chat = _chat_dict(chat_id if chat_id is not None else user["id"], user)
    return {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user,
    }


def make_message_update(
    user_id: int,
    text: str,
    chat_id: int | None = None,
    language_code: str | None = "ru",
    *,
    first_name: str = "Test",
    last_name: str | None = None,
    username: str | None = None,
    message_id: int | None = None,
    entities: list[dict[str, Any]] | None = None,
    update_id: int | None = None,
) -> Update:
    """A ``message`` update with ``text`` (a ``/command`` gets a bot_command entity)."""
    user = _user(user_id, first_name, last_name, username, language_code)
    message = _base_message(user, chat_id, message_id)
    message["text"] = text
    if entities is None and text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    return Update.model_validate({"update_id": update_id or next(_update_ids), "message": message})


def make_document_update(
    user_id: int,
    file_id: str = "document-file-id",
    file_name: str = "file.bin",
    mime_type: str = "application/octet-stream",
    file_size: int = 0,
    caption: str | None = None,
    chat_id: int | None = None,
    language_code: str | None = "ru",
    *,
    first_name: str = "Test",
    message_id: int | None = None,
    update_id: int | None = None,
) -> Update:
    """A ``message`` update carrying a document (pair with ``session.add_file``)."""
    user = _user(user_id, first_name, None, None, language_code)
    message = _base_message(user, chat_id, message_id)
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": file_size,
    }
    if caption is not None:
        message["caption"] = caption
    return Update.model_validate({"update_id": update_id or next(_update_ids), "message": message})


def make_callback_update(
    user_id: int,
    data: str,
    message_id: int = 1,
    message_text: str = "…",
    chat_id: int | None = None,
    language_code: str | None = "ru",
    *,
    first_name: str = "Test",
    reply_markup: dict[str, Any] | InlineKeyboardMarkup | None = None,
    bot_id: int = TEST_BOT_ID,
    query_id: str | None = None,
    update_id: int | None = None,
) -> Update:
    """A ``callback_query`` update for a button with ``data`` on a bot message."""
    user = _user(user_id, first_name, None, None, language_code)
    message = _base_message(user, chat_id, message_id)
    message["from"] = {"id": bot_id, "is_bot": True, "first_name": "Test Bot"}
    message["text"] = message_text
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    query = {
        "id": query_id or f"cbq-{next(_query_ids)}",
        "from": user,
        "message": message,
        "chat_instance": f"instance-{message['chat']['id']}",
        "data": data,
    }
    return Update.model_validate(
        {"update_id": update_id or next(_update_ids), "callback_query": query}
    )
