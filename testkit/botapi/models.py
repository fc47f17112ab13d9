"""Records kept by the local Bot API server (messages, files, requests, stats)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from testkit.common.stats import Stats as CommonStats

__all__ = [
    "ApiError",
    "CallbackQueryRecord",
    "FileRecord",
    "RequestRecord",
    "SentMessage",
    "Stats",
    "UploadedFile",
    "bad_request",
    "chat_full_info",
]


class ApiError(Exception):
    """A Telegram-shaped error answer."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


@dataclass
class Stats(CommonStats):
    # pending updates dropped because no delivery succeeded within webhook_max_age
    webhook_given_up: int = 0


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def chat_full_info(chat: dict[str, Any]) -> dict[str, Any]:
    """getChat's answer: the chat with the fields a ``ChatFullInfo`` requires."""
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.data) if self.data is not None else 0

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class SentMessage:
    """A message in a chat in its *current* state (edits applied, ``deleted`` flagged)."""

    message_id: int
    chat_id: int
    method: str
    date: int
    from_user: dict[str, Any]
    chat: dict[str, Any]
    text: str | None = None
    caption: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    raw_text: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    reply_to_message_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def content(self) -> str:
        """Text or caption ('' if neither)."""
        if self.text is not None:
            return self.text
        return self.caption or ""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            rows: list[list[dict[str, Any]]] = self.reply_markup["inline_keyboard"]
            return rows
        return []

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons flattened row by row."""
        return [button for row in self.inline_keyboard for button in row]

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "caption": self.caption,
            "entities": list(self.entities),
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
        }

    def payload(self) -> dict[str, Any]:
        """The Bot API ``Message`` object."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.from_user,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.document is not None:
            data["document"] = self.document
        if self.photo is not None:
            data["photo"] = self.photo
        if self.caption is not None:
            data["caption"] = self.caption
            if self.entities:
                data["caption_entities"] = self.entities
        if self.inline_keyboard:
            data["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        return data

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "method": self.method,
            "date": self.date,
            "text": self.text,
            "caption": self.caption,
            "entities": self.entities,
            "parse_mode": self.parse_mode,
            "raw_text": self.raw_text,
            "reply_markup": self.reply_markup,
            "document": self.document,
            "photo": self.photo,
            "reply_to_message_id": self.reply_to_message_id,
            "edits": self.edits,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
        }


@dataclass
class RequestRecord:
    method: str
    params: dict[str, Any]
    status: int
    time: float
    duration: float
    bot_id: int | None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_dict(self) -> dict[str, Any]:
        params = {
            k: (f"<file {v.filename} {len(v.data)} bytes>" if isinstance(v, UploadedFile) else v)
            for k, v in self.params.items()
        }
        return {
            "method": self.method,
            "params": params,
            "status": self.status,
            "time": self.time,
            "duration": self.duration,
            "bot_id": self.bot_id,
            "description": self.description,
        }


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float = field(default_factory=time.monotonic)
    answered: bool = False
    answer: dict[str, Any] | None = None
