"""Records kept by the local MAX Bot API server (messages, files, requests, stats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from testkit.common.stats import Stats as CommonStats


class ApiError(Exception):
    """A MAX-shaped error answer: HTTP ``status`` and ``{"code": ..., "message": ...}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def bad_request(message: str, code: str = "proto.payload") -> ApiError:
    return ApiError(400, code, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not.found", message)


def dialog_suspended() -> ApiError:
    """What MAX answers a send to a user who stopped the bot."""
    return ApiError(403, "chat.denied", "error.dialog.suspended")


@dataclass
class FileRecord:
    """An uploaded file (by the bot through /uploads, or by a user)."""

    token: str
    type: str  # image | video | audio | file
    data: bytes | None = None
    filename: str | None = None
    content_type: str | None = None
    photo_id: int | None = None
    url: str | None = None
    # sends with this token still refused as "attachment.not.ready" (the file processing)
    not_ready: int = 0

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass
class SentMessage:
    """A bot message in a dialog in its *current* state (edits applied, ``deleted`` flagged).

    Convenience names follow ``testkit.botapi.models.SentMessage`` so end-to-end tests
    written for Telegram keep working: ``content``, ``raw_text``, ``buttons`` (each with a
    ``callback_data`` alias of ``payload``), ``inline_keyboard``, ``message_id``.
    """

    mid: str
    seq: int
    chat_id: int
    user_id: int | None
    timestamp: int
    sender: dict[str, Any]
    text: str | None = None
    raw_text: str | None = None
    format: str | None = None
    markup: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    notify: bool = True
    link: dict[str, Any] | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    edited_at: int | None = None
    deleted: bool = False

    @property
    def message_id(self) -> str:
        return self.mid

    @property
    def content(self) -> str:
        """The text as the user reads it (markup parsed; '' if none)."""
        return self.text or ""

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        for attachment in self.attachments:
            if attachment.get("type") == "inline_keyboard":
                rows: list[list[dict[str, Any]]] = attachment["payload"]["buttons"]
                return rows
        return []

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Buttons flattened row by row; ``callback_data`` is an alias of ``payload``."""
        flat: list[dict[str, Any]] = []
        for row in self.inline_keyboard:
            for button in row:
                item = dict(button)
                if "payload" in button:
                    item["callback_data"] = button["payload"]
                flat.append(item)
        return flat

    @property
    def document(self) -> dict[str, Any] | None:
        """The file attachment: ``{"file_name", "file_size", "token", "url"}`` or None."""
        for attachment in self.attachments:
            if attachment.get("type") == "file":
                return {
                    "file_name": attachment.get("filename"),
                    "file_size": attachment.get("size"),
                    "token": attachment["payload"].get("token"),
                    "url": attachment["payload"].get("url"),
                }
        return None

    @property
    def images(self) -> list[dict[str, Any]]:
        return [a["payload"] for a in self.attachments if a.get("type") == "image"]

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "raw_text": self.raw_text,
            "format": self.format,
            "markup": list(self.markup),
            "attachments": list(self.attachments),
            "edited_at": self.edited_at,
        }

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"mid": self.mid, "seq": self.seq, "text": self.text or ""}
        if self.attachments:
            data["attachments"] = self.attachments
        if self.markup:
            data["markup"] = self.markup
        return data

    def payload(self) -> dict[str, Any]:
        """The MAX ``Message`` object."""
        data: dict[str, Any] = {
            "sender": self.sender,
            "recipient": {"chat_id": self.chat_id, "chat_type": "dialog", "user_id": self.user_id},
            "timestamp": self.timestamp,
            "body": self.body(),
        }
        if self.link is not None:
            data["link"] = self.link
        return data

    def to_dict(self) -> dict[str, Any]:
        return {
            "mid": self.mid,
            "message_id": self.mid,
            "seq": self.seq,
            "chat_id": self.chat_id,
            "user_id": self.user_id,
            "timestamp": self.timestamp,
            "text": self.text,
            "raw_text": self.raw_text,
            "format": self.format,
            "markup": self.markup,
            "attachments": self.attachments,
            "buttons": self.buttons,
            "notify": self.notify,
            "link": self.link,
            "edits": self.edits,
            "edited_at": self.edited_at,
            "deleted": self.deleted,
        }


@dataclass
class RequestRecord:
    method: str  # the schema's operationId, e.g. "sendMessage"
    http: str  # e.g. "POST /messages"
    params: dict[str, Any]
    body: Any
    status: int
    time: float
    duration: float
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "http": self.http,
            "params": self.params,
            "body": self.body,
            "status": self.status,
            "time": self.time,
            "duration": self.duration,
            "code": self.code,
        }


@dataclass
class CallbackRecord:
    callback_id: str
    user_id: int
    chat_id: int
    mid: str
    payload: str
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class Stats(CommonStats):
    """The common counters and the updates a webhook gave up on (too old to retry)."""

    webhook_given_up: int = 0
