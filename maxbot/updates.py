"""MAX updates as aiogram updates, for the one Dispatcher (docs/max.md).

:func:`to_updates` turns one MAX ``Update`` (a dict as the API sends it) into the aiogram
updates the handlers already understand:

- ``message_created`` → a ``message`` (none for a message of a bot, the journal's own
  included, as Telegram never delivers those): its ``message_id`` is the int of the MAX mid
  (:mod:`maxbot.ids`), its date the MAX timestamp (milliseconds) in seconds, its text and
  formatting (MAX ``markup`` as Telegram entities, so ``html_text`` works), a file as a
  ``document`` and an image as a ``photo`` whose file id is ``max:<token>`` (the token sends the
  file again; the download URL is remembered by the token);
- ``message_callback`` → a ``callback_query``: its id is MAX's ``callback_id``, its data the
  button's payload (no more trusted than Telegram's callback data: the handlers' filters unpack
  and bound-check it, the fallback refuses what does not fit), its message the pressed message;
- ``bot_started`` → a ``my_chat_member`` (status ``member``: the user is reachable again, which
  is harmless if they never left) followed by a ``message`` "/start <payload>" ("/start" without
  a payload);
- ``bot_stopped`` → a ``my_chat_member`` with status ``kicked`` (alerts to the user stop);
- anything else (edits, removals, dialog and membership events, channels) → nothing.

Chats. A MAX dialog is a private chat whose aiogram id is the **user's id**, not the dialog's
``chat_id``: a reply goes back with ``user_id=`` and a binding's ``chat_id`` is the user's id, as
for Telegram, where a private chat's id is the user's id. A group chat (``chat_type`` "chat")
is a ``group`` whose id is negative (:func:`maxbot.ids.group_chat_id`). Channels are ignored.

Forged or malformed input (a missing field, a wrong type, an overlong payload) never raises:
the update is dropped, or converted with the doubtful part left out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    PhotoSize,
    Update,
    User,
)

from maxbot.client import PAYLOAD_LIMIT
from maxbot.ids import MessageIds, group_chat_id, message_int

log = logging.getLogger(__name__)

MAX_REF = "max:"
# A deep-link payload of bot_started: the schema's limit.
START_PAYLOAD_LIMIT = 512
# More than MAX sends in a message: a longer text is forged.
TEXT_LIMIT = 16_000

_MARKUP_ENTITY = {
    "strong": "bold",
    "emphasized": "italic",
    "monospaced": "code",
    "strikethrough": "strikethrough",
    "underline": "underline",
    "link": "text_link",
}


# ---------------------------------------------------------------------- typed reads


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if not -(2**63) <= value < 2**63:
        return None
    return value


def _str(value: Any, limit: int | None = None) -> str | None:
    if not isinstance(value, str):
        return None
    if limit is not None and len(value) > limit:
        return None
    return value


def _dict(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def date_of(ms: Any) -> dt.datetime:
    """A MAX timestamp (milliseconds since the epoch) as an aware datetime; the epoch when
    missing or absurd."""
    value = _int(ms)
    if value is None or value < 0 or value > 10**14:
        value = 0
    return dt.datetime.fromtimestamp(value // 1000, dt.UTC)


def language_of(locale: Any) -> str | None:
    """``"ru-RU"`` → ``"ru"``; None for anything that is not a language tag."""
    text = _str(locale, 35)
    if not text:
        return None
    lang = text.replace("_", "-").split("-", 1)[0].lower()
    if not (2 <= len(lang) <= 8 and lang.isascii() and lang.isalpha()):
        return None
    return lang


def user_of(raw: Any, locale: Any = None) -> User | None:
    """A MAX ``User`` as aiogram's (``first_name``/``last_name``/``username``; older payloads
    carry one ``name``)."""
    data = _dict(raw)
    if data is None:
        return None
    user_id = _int(data.get("user_id"))
    if user_id is None or user_id <= 0:
        return None
    first = _str(data.get("first_name"), 256) or _str(data.get("name"), 256) or ""
    return User(
        id=user_id,
        is_bot=data.get("is_bot") is True,
        first_name=first,
        last_name=_str(data.get("last_name"), 256) or None,
        username=_str(data.get("username"), 64) or None,
        language_code=language_of(locale),
    )


def private_chat(user: User) -> Chat:
    return Chat(
        id=user.id,
        type="private",
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
    )


# ---------------------------------------------------------------------- messages


def _entities(markup: Any, text: str) -> list[MessageEntity] | None:
    if not isinstance(markup, list):
        return None
    size = len(text.encode("utf-16-le")) // 2
    found: list[MessageEntity] = []
    for item in markup[:100]:
        element = _dict(item)
        if element is None:
            continue
        kind = _MARKUP_ENTITY.get(str(element.get("type")))
        start, length = _int(element.get("from")), _int(element.get("length"))
        if kind is None or start is None or length is None:
            continue
        if start < 0 or length <= 0 or start + length > size:
            continue
        url = None
        if kind == "text_link":
            url = _str(element.get("url"), 2048)
            if not url:
                continue
        found.append(MessageEntity(type=kind, offset=start, length=length, url=url))
    return found or None


def _keyboard(attachment: Mapping[str, Any]) -> InlineKeyboardMarkup | None:
    payload = _dict(attachment.get("payload"))
    rows = payload.get("buttons") if payload is not None else None
    if not isinstance(rows, list):
        return None
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows[:30]:
        if not isinstance(row, list):
            continue
        buttons: list[InlineKeyboardButton] = []
        for item in row[:7]:
            b = _dict(item)
            if b is None:
                continue
            text = _str(b.get("text"), 128) or ""
            if b.get("type") == "callback" and _str(b.get("payload"), PAYLOAD_LIMIT):
                buttons.append(InlineKeyboardButton(text=text, callback_data=b["payload"]))
            elif b.get("type") == "link" and _str(b.get("url"), 2048):
                buttons.append(InlineKeyboardButton(text=text, url=b["url"]))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(inline_keyboard=keyboard) if keyboard else None


def _uploaded(
    attachment: Mapping[str, Any], ids: MessageIds
) -> tuple[Mapping[str, Any], str] | None:
    """A file attachment's payload and token; its download URL is remembered by the token."""
    payload = _dict(attachment.get("payload"))
    if payload is None:
        return None
    token = _str(payload.get("token"), 2048)
    if not token:
        return None
    url = _str(payload.get("url"), 4096)
    if url:
        ids.remember_file(token, url)
    return payload, token


def _file(attachment: Mapping[str, Any], ids: MessageIds) -> Document | None:
    uploaded = _uploaded(attachment, ids)
    if uploaded is None:
        return None
    _payload, token = uploaded
    size = _int(attachment.get("size"))
    return Document(
        file_id=MAX_REF + token,
        file_unique_id=token[:64],
        file_name=_str(attachment.get("filename"), 1024) or None,
        file_size=size if size is not None and size >= 0 else None,
    )


def _image(attachment: Mapping[str, Any], ids: MessageIds) -> list[PhotoSize] | None:
    uploaded = _uploaded(attachment, ids)
    if uploaded is None:
        return None
    payload, token = uploaded
    photo_id = _int(payload.get("photo_id"))
    unique = str(photo_id) if photo_id is not None else token[:64]
    return [PhotoSize(file_id=MAX_REF + token, file_unique_id=unique, width=0, height=0)]


def chat_of(message: Mapping[str, Any], sender: User | None, ids: MessageIds) -> Chat | None:
    """The aiogram chat of a MAX message: a dialog is the private chat of the user in it
    (the sender, unless the bot sent it), a group chat a group; a channel none."""
    recipient = _dict(message.get("recipient"))
    if recipient is None:
        return None
    kind = recipient.get("chat_type")
    max_chat_id = _int(recipient.get("chat_id"))
    if kind == "dialog":
        user_id = sender.id if sender is not None and not sender.is_bot else None
        if user_id is None:
            user_id = _int(recipient.get("user_id"))
        if user_id is None or user_id <= 0:
            return None
        if max_chat_id is not None:
            ids.remember_dialog(user_id, max_chat_id)
        if sender is not None and sender.id == user_id:
            return private_chat(sender)
        return Chat(id=user_id, type="private")
    if kind == "chat":
        if not max_chat_id:
            return None
        chat_id = group_chat_id(max_chat_id)
        ids.remember_group(chat_id, max_chat_id)
        return Chat(id=chat_id, type="group", title=_str(recipient.get("title"), 256))
    return None


def message_of(
    raw: Any,
    ids: MessageIds,
    *,
    locale: Any = None,
    chat: Chat | None = None,
    fallback_date: Any = None,
) -> Message | None:
    """A MAX ``Message`` as aiogram's (None when it lacks what a message needs). ``chat``:
    the chat to place it in when the caller knows it (a pressed or a sent message)."""
    message = _dict(raw)
    if message is None:
        return None
    body = _dict(message.get("body"))
    if body is None:
        return None
    mid = _str(body.get("mid"), 256)
    if not mid:
        return None
    sender = user_of(message.get("sender"), locale)
    if chat is None:
        chat = chat_of(message, sender, ids)
        if chat is None:
            return None
    text = _str(body.get("text"), TEXT_LIMIT) or None
    entities = _entities(body.get("markup"), text) if text else None
    document: Document | None = None
    photo: list[PhotoSize] | None = None
    reply_markup: InlineKeyboardMarkup | None = None
    attachments = body.get("attachments")
    for item in attachments[:20] if isinstance(attachments, list) else ():
        attachment = _dict(item)
        if attachment is None:
            continue
        kind = attachment.get("type")
        if kind == "file" and document is None and photo is None:
            document = _file(attachment, ids)
        elif kind == "image" and document is None and photo is None:
            photo = _image(attachment, ids)
        elif kind == "inline_keyboard" and reply_markup is None:
            reply_markup = _keyboard(attachment)
    timestamp = message.get("timestamp")
    media = document is not None or photo is not None
    return Message(
        message_id=ids.to_int(mid),
        date=date_of(timestamp if _int(timestamp) is not None else fallback_date),
        chat=chat,
        from_user=sender,
        text=None if media else text,
        entities=None if media else entities,
        caption=text if media else None,
        caption_entities=entities if media else None,
        document=document,
        photo=photo,
        reply_markup=reply_markup,
    )


# ---------------------------------------------------------------------- updates


def _member_update(
    user: User, date: dt.datetime, status: str, bot_id: int | None
) -> ChatMemberUpdated:
    me = User(id=bot_id or 0, is_bot=True, first_name="bot")
    member: ChatMemberMember | ChatMemberBanned
    old: ChatMemberMember | ChatMemberBanned
    if status == "member":
        member = ChatMemberMember(user=me)
        old = ChatMemberBanned(user=me, until_date=dt.datetime.fromtimestamp(0, dt.UTC))
    else:
        member = ChatMemberBanned(user=me, until_date=dt.datetime.fromtimestamp(0, dt.UTC))
        old = ChatMemberMember(user=me)
    return ChatMemberUpdated(
        chat=private_chat(user),
        from_user=user,
        date=date,
        old_chat_member=old,
        new_chat_member=member,
    )


def _message_created(raw: Mapping[str, Any], ids: MessageIds) -> list[Update]:
    message = message_of(
        raw.get("message"),
        ids,
        locale=raw.get("user_locale"),
        fallback_date=raw.get("timestamp"),
    )
    if message is None:
        return []
    if message.from_user is not None and message.from_user.is_bot:
        return []  # a bot's own message (or another bot's): Telegram never delivers those
    return [Update(update_id=0, message=message)]


def _message_callback(raw: Mapping[str, Any], ids: MessageIds) -> list[Update]:
    callback = _dict(raw.get("callback"))
    if callback is None:
        return []
    callback_id = _str(callback.get("callback_id"), 256)
    user = user_of(callback.get("user"), raw.get("user_locale"))
    if not callback_id or user is None:
        return []
    payload = _str(callback.get("payload"), PAYLOAD_LIMIT)
    pressed = message_of(
        raw.get("message"),
        ids,
        chat=private_chat(user),
        fallback_date=callback.get("timestamp"),
    )
    original = _dict(raw.get("message"))
    if original is not None and pressed is not None:
        recipient = _dict(original.get("recipient")) or {}
        if recipient.get("chat_type") == "chat":  # a button pressed in a group chat
            group = chat_of(original, None, ids)
            if group is None:
                return []
            pressed = pressed.model_copy(update={"chat": group})
        elif recipient.get("chat_type") not in ("dialog", None):
            return []
        dialog_id = _int(recipient.get("chat_id"))
        if recipient.get("chat_type") == "dialog" and dialog_id is not None:
            ids.remember_dialog(user.id, dialog_id)
    query = CallbackQuery(
        id=callback_id,
        from_user=user,
        chat_instance=str(pressed.chat.id) if pressed is not None else str(user.id),
        data=payload,
        message=pressed,
    )
    return [Update(update_id=0, callback_query=query)]


def _bot_started(raw: Mapping[str, Any], ids: MessageIds, bot_id: int | None) -> list[Update]:
    user = user_of(raw.get("user"), raw.get("user_locale"))
    if user is None:
        return []
    dialog_id = _int(raw.get("chat_id"))
    if dialog_id is not None:
        ids.remember_dialog(user.id, dialog_id)
    date = date_of(raw.get("timestamp"))
    payload = _str(raw.get("payload"), START_PAYLOAD_LIMIT)
    # A deep-link payload is one word after /start, as Telegram's is.
    payload = payload.strip() if payload else None
    if payload and any(c.isspace() for c in payload):
        payload = None
    text = f"/start {payload}" if payload else "/start"
    timestamp = _int(raw.get("timestamp")) or 0
    start = Message(
        # Not a MAX message: an id of its own, not kept for edits.
        message_id=message_int(f"bot_started:{user.id}:{timestamp}"),
        date=date,
        chat=private_chat(user),
        from_user=user,
        text=text,
        entities=[MessageEntity(type="bot_command", offset=0, length=len("/start"))],
    )
    return [
        Update(update_id=0, my_chat_member=_member_update(user, date, "member", bot_id)),
        Update(update_id=0, message=start),
    ]


def _bot_stopped(raw: Mapping[str, Any], bot_id: int | None) -> list[Update]:
    user = user_of(raw.get("user"), raw.get("user_locale"))
    if user is None:
        return []
    date = date_of(raw.get("timestamp"))
    return [Update(update_id=0, my_chat_member=_member_update(user, date, "kicked", bot_id))]


def to_updates(
    raw: Any, next_id: int, ids: MessageIds, *, bot_id: int | None = None
) -> list[Update]:
    """The aiogram updates of one MAX update, numbered from ``next_id`` (none for a kind the
    journal does not handle, or for malformed input). ``bot_id``: the MAX bot's user id, shown
    as the member in a ``my_chat_member`` update."""
    data = _dict(raw)
    if data is None:
        return []
    kind = data.get("update_type")
    try:
        if kind == "message_created":
            found = _message_created(data, ids)
        elif kind == "message_callback":
            found = _message_callback(data, ids)
        elif kind == "bot_started":
            found = _bot_started(data, ids, bot_id)
        elif kind == "bot_stopped":
            found = _bot_stopped(data, bot_id)
        else:
            return []
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        log.warning("a MAX update could not be converted", extra={"update_type": str(kind)[:40]})
        log.debug("conversion error: %s", exc)
        return []
    return [u.model_copy(update={"update_id": next_id + i}) for i, u in enumerate(found)]


def to_update(
    raw: Any, update_id: int, ids: MessageIds, *, bot_id: int | None = None
) -> Update | None:
    """The main aiogram update of one MAX update (for ``bot_started``: its "/start" message;
    use :func:`to_updates` to get every update it makes)."""
    found = to_updates(raw, update_id, ids, bot_id=bot_id)
    return found[-1] if found else None
