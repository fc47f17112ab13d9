"""The handlers' Bot API calls, made in MAX: an aiogram session over :class:`MaxClient`.

The MAX front end feeds MAX updates (:mod:`maxbot.updates`) to the one Dispatcher with a Bot
made by :func:`create_max_bot`. Its session, :class:`MaxSession`, does not call Telegram: each
Bot API method a handler calls becomes MAX Bot API calls, and the answer comes back as the
aiogram type the handler expects (a ``Message`` with the mapped int id, ``True``, a ``User``,
a ``File``). Request middlewares (retry on 429, …) wrap it as they wrap Telegram's session.

- Text: HTML goes as ``format: "html"`` (the screens' tags are a subset of MAX's); a text over
  MAX's 4000 characters (counted as sent, tags included) is shortened with its tags balanced.
- Buttons: an inline keyboard becomes MAX's ``inline_keyboard`` attachment (callback data → a
  ``callback`` button's payload, a url → a ``link`` button); a row wider than MAX takes (7, or
  3 with a link) continues in the next row; more than MAX's 30 rows or 210 buttons is refused.
- Chats: a positive chat id is a user (a dialog is addressed by ``user_id=``, see
  :mod:`maxbot.updates`); a negative one a group chat (``chat_id=``).
- Messages: edits and deletions find the MAX mid of an int id in :class:`MessageIds`; an id it
  does not know is refused like Telegram's "message to edit not found".
- Button answers: a text → ``POST /answers`` with a notification; no text → no request (MAX
  wants a notification or a message), so a press is answered once either way.
- Files: bytes (``BufferedInputFile``/``FSInputFile``) are uploaded then sent (again, after a
  short wait, while MAX answers that the upload is still processed); a ``max:<token>``
  file id is MAX's own token; anything else is refused. ``GetFile`` of a ``max:`` id gives the
  download URL remembered from the update as the file path, which :meth:`stream_content` fetches.
- Commands: the default scope sets the bot's MAX commands (``PATCH /me``); a per-chat or
  per-language menu does not exist in MAX: nothing is called.
- Errors: 429 → ``TelegramRetryAfter``, 403 → ``TelegramForbiddenError``, 401 →
  ``TelegramUnauthorizedError``, 400/404 → ``TelegramBadRequest``, 5xx →
  ``TelegramServerError``, not sent or no answer → ``TelegramNetworkError``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any, cast

import aiohttp
from aiogram import Bot
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    BotCommandScopeDefault,
    BufferedInputFile,
    Chat,
    File,
    FSInputFile,
    InlineKeyboardMarkup,
    Message,
    User,
)

from maxbot.client import (
    BUTTON_TEXT_LIMIT,
    PAYLOAD_LIMIT,
    TEXT_LIMIT,
    MaxBadRequest,
    MaxClient,
    MaxError,
    MaxForbidden,
    MaxNotSent,
    MaxOutcomeUnknown,
    MaxRetryAfter,
    MaxServerError,
    MaxUnauthorized,
)
from maxbot.ids import MessageIds
from maxbot.render import MAX_BUTTONS, MAX_ROW_BUTTONS, MAX_ROWS
from maxbot.updates import MAX_REF, message_of
from services.richtext import shorten_html, utf16_length

log = logging.getLogger(__name__)

# Requests never reach Telegram: the API "server" only shapes the file path into the URL that
# stream_content fetches (GetFile's file_path is the MAX download URL itself).
MAX_API = TelegramAPIServer(base="max://bot/{method}", file="{path}")

# dev.max.ru: a row holding a link button takes at most 3 buttons.
MAX_LINK_ROW_BUTTONS = 3
# A file just uploaded may still be processed: MAX refuses to send it for a moment.
NOT_READY = "attachment.not.ready"
NOT_READY_WAITS = (0.5, 1.0, 2.0, 4.0)

_ACTIONS = {
    "typing": "typing_on",
    "upload_photo": "sending_photo",
    "upload_video": "sending_video",
    "record_video": "sending_video",
    "upload_voice": "sending_audio",
    "record_voice": "sending_audio",
    "upload_document": "sending_file",
}


def fit_text(text: str, html: bool, limit: int = TEXT_LIMIT) -> str:
    """``text`` within MAX's ``limit`` as sent (tags and entities count): HTML shortened with
    its tags balanced and never cut inside one, plain text cut, an ellipsis where cut."""
    if utf16_length(text) <= limit:
        return text
    if not html:
        cut = text[: limit - 1]
        while utf16_length(cut) > limit - 1:
            cut = cut[:-1]
        return cut + "…"
    # The longest visible cut whose text as sent fits (tags weigh differently in each part).
    low, high = 1, limit
    best = shorten_html(text, 1)
    while low <= high:
        middle = (low + high) // 2
        short = shorten_html(text, middle)
        if utf16_length(short) <= limit:
            best, low = short, middle + 1
        else:
            high = middle - 1
    return best


def _button(b: Any) -> dict[str, Any]:
    text = b.text[:BUTTON_TEXT_LIMIT]
    if b.callback_data is not None:
        if len(b.callback_data) > PAYLOAD_LIMIT:
            raise ValueError(f"a button's payload exceeds {PAYLOAD_LIMIT} characters")
        return {"type": "callback", "text": text, "payload": b.callback_data}
    if b.url is not None:
        return {"type": "link", "text": text, "url": b.url}
    raise ValueError("MAX shows callback and link buttons only")


def keyboard(markup: Any) -> dict[str, Any] | None:
    """An aiogram inline keyboard as MAX's ``inline_keyboard`` attachment (None for none).

    A row wider than MAX takes (7 buttons; 3 when one is a link) continues in the next row,
    so a Telegram keyboard of 8 a row still shows; beyond MAX's rows or buttons, or for a
    button MAX cannot show, it is refused with ValueError."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    out: list[list[dict[str, Any]]] = []
    for row in markup.inline_keyboard:
        buttons = [_button(b) for b in row]
        width = MAX_LINK_ROW_BUTTONS if any(b["type"] == "link" for b in buttons) else None
        width = width or MAX_ROW_BUTTONS
        out.extend(buttons[i : i + width] for i in range(0, len(buttons), width))
    if not out:
        return None
    if len(out) > MAX_ROWS:
        raise ValueError(f"a keyboard holds at most {MAX_ROWS} rows in MAX")
    if sum(len(row) for row in out) > MAX_BUTTONS:
        raise ValueError(f"a keyboard holds at most {MAX_BUTTONS} buttons")
    return {"type": "inline_keyboard", "payload": {"buttons": out}}


class MaxSession(BaseSession):
    """An aiogram session whose requests are MAX Bot API calls (see the module's text)."""

    def __init__(
        self,
        client: MaxClient,
        me: Mapping[str, Any],
        ids: MessageIds | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(api=MAX_API)
        self.client = client
        self.me = dict(me)
        self.ids = ids if ids is not None else MessageIds()
        self.sleep = sleep
        self._downloads: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Closes the downloads' connections; the client is its owner's to close (the alert
        transport may share it)."""
        if self._downloads is not None and not self._downloads.closed:
            await self._downloads.close()

    # ------------------------------------------------------------------ files

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """The bytes at a MAX download URL (a file path given by ``GetFile``). The bot's token
        is not sent: MAX's download links carry their own signature."""
        if not url.startswith(("https://", "http://")):
            raise TelegramBadRequest(GetFile(file_id=url[:64]), "Bad Request: invalid file path")
        if self._downloads is None or self._downloads.closed:
            self._downloads = aiohttp.ClientSession()
        wait = aiohttp.ClientTimeout(total=timeout)
        try:
            async with self._downloads.get(
                url, headers=headers, timeout=wait, raise_for_status=raise_for_status
            ) as resp:
                async for chunk in resp.content.iter_chunked(chunk_size):
                    yield chunk
        except aiohttp.ClientResponseError as exc:
            method = GetFile(file_id=url[:64])
            raise TelegramBadRequest(
                method, f"Bad Request: file download failed: {exc.status}"
            ) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            method = GetFile(file_id=url[:64])
            raise TelegramNetworkError(
                method, f"file download failed: {type(exc).__name__}"
            ) from exc

    # ------------------------------------------------------------------ requests

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        try:
            result = await self._call(bot, method)
        except MaxError as exc:
            raise _aiogram_error(method, exc) from exc
        return cast(TelegramType, result)

    async def _call(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage):
            return await self._send_message(bot, method)
        if isinstance(method, EditMessageText):
            return await self._edit_text(bot, method)
        if isinstance(method, EditMessageReplyMarkup):
            return await self._edit_markup(method)
        if isinstance(method, EditMessageCaption):
            return await self._edit_caption(bot, method)
        if isinstance(method, DeleteMessage):
            await self.client.delete_message(self._mid(method, method.message_id, "delete"))
            return True
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                await self.client.answer_callback(
                    method.callback_query_id, notification=method.text
                )
            return True
        if isinstance(method, (SendDocument, SendPhoto)):
            return await self._send_file(bot, method)
        if isinstance(method, SendChatAction):
            return await self._chat_action(method)
        if isinstance(method, SetMyCommands):
            if _default_scope(method.scope) and not method.language_code:
                await self.client.set_commands(
                    [{"name": c.command, "description": c.description} for c in method.commands]
                )
            return True
        if isinstance(method, DeleteMyCommands):
            if _default_scope(method.scope) and not method.language_code:
                await self.client.set_commands([])
            return True
        if isinstance(method, GetMe):
            return self._me()
        if isinstance(method, GetFile):
            return self._get_file(method)
        if isinstance(method, SetChatMenuButton):
            return True
        raise TelegramBadRequest(method, f"Bad Request: {type(method).__name__} is not in MAX")

    # ------------------------------------------------------------------ pieces

    def _me(self) -> User:
        return User(
            id=int(self.me["user_id"]),
            is_bot=True,
            first_name=str(self.me.get("first_name") or self.me.get("name") or ""),
            last_name=self.me.get("last_name") or None,
            username=self.me.get("username") or None,
        )

    def _target(self, method: TelegramMethod[Any], chat_id: Any) -> dict[str, int]:
        """``user_id=`` for a user's dialog (a positive id), ``chat_id=`` for a group chat."""
        try:
            n = int(chat_id)
        except (TypeError, ValueError):
            raise TelegramBadRequest(method, "Bad Request: chat not found") from None
        if n > 0:
            return {"user_id": n}
        if n < 0:
            return {"chat_id": self.ids.group_of(n) or n}
        raise TelegramBadRequest(method, "Bad Request: chat not found")

    def _mid(self, method: TelegramMethod[Any], message_id: Any, verb: str) -> str:
        mid = self.ids.to_mid(message_id) if isinstance(message_id, int) else None
        if mid is None:
            raise TelegramBadRequest(method, f"Bad Request: message to {verb} not found")
        return mid

    @staticmethod
    def _html(bot: Bot, parse_mode: Any) -> bool:
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        value = getattr(parse_mode, "value", parse_mode)  # ParseMode is a str Enum
        return isinstance(value, str) and value.lower() == ParseMode.HTML.value.lower()

    def _text_body(self, bot: Bot, text: str, parse_mode: Any) -> dict[str, Any]:
        html = self._html(bot, parse_mode)
        body: dict[str, Any] = {"text": fit_text(text, html)}
        if html:
            body["format"] = "html"
        return body

    def _sent(self, method: TelegramMethod[Any], sent: Mapping[str, Any], chat_id: int) -> Message:
        chat = Chat(id=chat_id, type="private" if chat_id > 0 else "group")
        message = message_of(sent, self.ids, chat=chat)
        if message is None:  # an answer without a mid: the message cannot be edited later
            log.warning("MAX sent a message without an id", extra={"method": type(method).__name__})
            return Message(
                message_id=0, date=dt.datetime.fromtimestamp(0, dt.UTC), chat=chat, text=""
            )
        if message.from_user is None or message.from_user.is_bot:
            message = message.model_copy(update={"from_user": self._me()})
        return message

    async def _send_message(self, bot: Bot, method: SendMessage) -> Message:
        body = self._text_body(bot, method.text, method.parse_mode)
        kb = self._keyboard(method, method.reply_markup)
        if kb is not None:
            body["attachments"] = [kb]
        if method.disable_notification is True:
            body["notify"] = False
        target = self._target(method, method.chat_id)
        sent = await self.client.send_message(
            body,
            user_id=target.get("user_id"),
            chat_id=target.get("chat_id"),
            disable_link_preview=_no_preview(method),
        )
        return self._sent(method, sent, int(method.chat_id))

    async def _edit_text(self, bot: Bot, method: EditMessageText) -> bool:
        mid = self._mid(method, method.message_id, "edit")
        body = self._text_body(bot, method.text or "", method.parse_mode)
        kb = self._keyboard(method, method.reply_markup)
        # Telegram's edit without a keyboard removes it: in MAX an empty list does.
        body["attachments"] = [kb] if kb is not None else []
        await self.client.edit_message(mid, body)
        return True

    async def _edit_markup(self, method: EditMessageReplyMarkup) -> bool:
        mid = self._mid(method, method.message_id, "edit")
        kb = self._keyboard(method, method.reply_markup)
        await self.client.edit_message(mid, {"attachments": [kb] if kb is not None else []})
        return True

    async def _edit_caption(self, bot: Bot, method: EditMessageCaption) -> bool:
        mid = self._mid(method, method.message_id, "edit")
        # The file stays (attachments left out); a file message carries no keyboard in MAX.
        body = self._text_body(bot, method.caption or "", method.parse_mode)
        await self.client.edit_message(mid, body)
        return True

    def _keyboard(self, method: TelegramMethod[Any], markup: Any) -> dict[str, Any] | None:
        try:
            return keyboard(markup)
        except ValueError as exc:
            raise TelegramBadRequest(method, f"Bad Request: {exc}") from None

    async def _send_file(self, bot: Bot, method: SendDocument | SendPhoto) -> Message:
        kind = "image" if isinstance(method, SendPhoto) else "file"
        given = method.photo if isinstance(method, SendPhoto) else method.document
        target = self._target(method, method.chat_id)
        if isinstance(given, str):
            if not given.startswith(MAX_REF) or len(given) == len(MAX_REF):
                raise TelegramBadRequest(method, "Bad Request: wrong file identifier")
            payload: dict[str, Any] = {"token": given[len(MAX_REF) :]}
        elif isinstance(given, (BufferedInputFile, FSInputFile)):
            data = b"".join([chunk async for chunk in given.read(bot)])
            payload = await self.client.upload(kind, data, given.filename or "file")
        else:
            raise TelegramBadRequest(method, "Bad Request: MAX takes a file's bytes or max: id")
        attachments: list[dict[str, Any]] = [{"type": kind, "payload": payload}]
        kb = self._keyboard(method, method.reply_markup)
        if kb is not None:
            if kind == "file":  # MAX: a file is the only attachment of its message
                log.info("a document's keyboard is left out in MAX")
            else:
                attachments.append(kb)
        body: dict[str, Any] = {"attachments": attachments}
        if method.caption:
            body.update(self._text_body(bot, method.caption, method.parse_mode))
        if method.disable_notification is True:
            body["notify"] = False
        for wait in (*NOT_READY_WAITS, None):
            try:
                sent = await self.client.send_message(
                    body, user_id=target.get("user_id"), chat_id=target.get("chat_id")
                )
                break
            except MaxBadRequest as exc:
                if exc.code != NOT_READY or wait is None:
                    raise
                await self.sleep(wait)
        return self._sent(method, sent, int(method.chat_id))

    async def _chat_action(self, method: SendChatAction) -> bool:
        target = self._target(method, method.chat_id)
        chat_id = target.get("chat_id")
        if chat_id is None:
            chat_id = self.ids.dialog_of(target["user_id"])
        if chat_id is None:  # a dialog not seen in an update yet: the action is only cosmetic
            return True
        await self.client.send_action(chat_id, _ACTIONS.get(str(method.action), "typing_on"))
        return True

    def _get_file(self, method: GetFile) -> File:
        file_id = method.file_id
        token = file_id[len(MAX_REF) :] if file_id.startswith(MAX_REF) else ""
        url = self.ids.file_url(token) if token else None
        if url is None:
            raise TelegramBadRequest(method, "Bad Request: invalid file_id")
        return File(file_id=file_id, file_unique_id=token[:64], file_path=url)


def _default_scope(scope: Any) -> bool:
    return scope is None or isinstance(scope, (BotCommandScopeDefault, Default))


def _no_preview(method: SendMessage) -> bool | None:
    options = method.link_preview_options
    if options is not None and not isinstance(options, Default) and options.is_disabled:
        return True
    if method.disable_web_page_preview is True:
        return True
    return None


def _aiogram_error(method: TelegramMethod[Any], exc: MaxError) -> Exception:
    text = f"{exc.code}: {exc.message}" if exc.message else exc.code
    if isinstance(exc, MaxRetryAfter):
        seconds = max(1, math.ceil(exc.seconds))
        return TelegramRetryAfter(method, f"Too Many Requests: {text}", seconds)
    if isinstance(exc, MaxForbidden):
        return TelegramForbiddenError(method, f"Forbidden: {text}")
    if isinstance(exc, MaxUnauthorized):
        return TelegramUnauthorizedError(method, f"Unauthorized: {text}")
    if isinstance(exc, MaxServerError):
        return TelegramServerError(method, f"Server error: {text}")
    if isinstance(exc, (MaxNotSent, MaxOutcomeUnknown)):
        return TelegramNetworkError(method, f"{type(exc).__name__}: {text}")
    if exc.status == 404 and isinstance(
        method, (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)
    ):
        return TelegramBadRequest(method, f"Bad Request: message to edit not found ({text})")
    if exc.status == 404 and isinstance(method, DeleteMessage):
        return TelegramBadRequest(method, f"Bad Request: message to delete not found ({text})")
    return TelegramBadRequest(method, f"Bad Request: {text}")


def create_max_bot(
    client: MaxClient,
    me: Mapping[str, Any],
    ids: MessageIds | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Bot:
    """An aiogram Bot whose calls go to MAX. Its token is synthetic (``<MAX bot id>:max``, the
    shape aiogram checks): ``bot.id`` is the MAX bot's user id, so FSM keys (which include it)
    stay apart from the Telegram bot's; the real MAX token stays in ``client``. HTML is the
    default parse mode, as for the Telegram bot."""
    session = MaxSession(client, me, ids, sleep=sleep)
    return Bot(
        token=f"{int(me['user_id'])}:max",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
