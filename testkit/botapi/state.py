"""Per-token bot state: update queue, chats, callback queries, commands, webhook."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from testkit.botapi.models import CallbackQueryRecord, SentMessage
from testkit.common.state import UpdateSignal

DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)


def update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


def allowed(update: dict[str, Any], allowed_updates: list[str] | None) -> bool:
    kind = update_type(update)
    if not allowed_updates:
        return kind not in DEFAULT_UPDATE_TYPES_EXCLUDED
    return kind in allowed_updates


def queue_key(update: dict[str, Any]) -> Hashable:
    """The webhook queue an update belongs to: its chat, else its user, else its own.

    Like Telegram's server, the webhook has at most one update of a queue in flight, so the
    updates of one chat reach the bot in order while other chats' updates go in parallel.
    """
    body = update.get(update_type(update))
    if isinstance(body, dict):
        chat = body.get("chat")
        message = body.get("message")
        if not isinstance(chat, dict) and isinstance(message, dict):
            chat = message.get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        user = body.get("from") or body.get("user")
        if isinstance(user, dict) and "id" in user:
            return ("user", user["id"])
    return ("update", update.get("update_id"))


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0
    task: asyncio.Task[None] | None = None
    # update_id -> the task posting it; an update leaves the queue only when delivered
    in_flight: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    # update_id -> loop time before which a failed update is not sent again
    retry_at: dict[int, float] = field(default_factory=dict)


class ChatState:
    """Messages of one chat as seen by one bot."""

    def __init__(self, chat: dict[str, Any]) -> None:
        self.chat = chat
        self.id: int = chat["id"]
        self.is_private = chat.get("type") == "private"
        self._next_message_id = 1
        self.bot_messages: dict[int, SentMessage] = {}
        self.user_messages: dict[int, dict[str, Any]] = {}
        self.deleted_user_messages: set[int] = set()
        # append-only log of bot message changes (new/edited/deleted), for wait_for cursors
        self.changes: list[SentMessage] = []
        # index into ``changes`` at the time of the latest user action in this chat
        self.mark = 0

    def next_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id


class BotState(UpdateSignal):
    def __init__(self, token: str | None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token else 0
        self.monotonic = monotonic
        self.updates: deque[dict[str, Any]] = deque()
        # update_id -> ``monotonic()`` when it was queued (pending updates expire)
        self.queued_at: dict[int, float] = {}
        self._next_update_id = 1
        self._event = asyncio.Event()
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.chats: dict[int, ChatState] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, int | None, int | None, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.chat_actions: list[dict[str, Any]] = []
        self.active_poll: object | None = None
        self.closed = False

    def adopt(self, token: str) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])

    @property
    def me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Test Bot",
            "username": f"test_{self.bot_id}_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def chat(self, chat: dict[str, Any]) -> ChatState:
        state = self.chats.get(chat["id"])
        if state is None:
            state = ChatState(chat)
            self.chats[chat["id"]] = state
        return state

    # --- updates -------------------------------------------------------------------

    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self.updates.append(update)
        self.queued_at[update["update_id"]] = self.monotonic()
        self.notify()
        return update

    def forget(self, update: dict[str, Any]) -> None:
        """Remove one update (delivered to the webhook, or expired) wherever it is queued."""
        update_id = update["update_id"]
        for i, queued in enumerate(self.updates):
            if queued["update_id"] == update_id:
                del self.updates[i]
                break
        self.queued_at.pop(update_id, None)

    def age(self, update: dict[str, Any]) -> float:
        """Seconds the update has been waiting (``monotonic`` clock)."""
        return self.monotonic() - self.queued_at.get(update["update_id"], self.monotonic())

    def confirm(self, offset: int) -> None:
        """Forget updates with ``update_id < offset`` (negative: keep the last -offset)."""
        if offset < 0:
            keep = -offset
            while len(self.updates) > keep:
                self.queued_at.pop(self.updates.popleft()["update_id"], None)
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self.queued_at.pop(self.updates.popleft()["update_id"], None)

    def take(self, limit: int, allowed_updates: list[str] | None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for update in self.updates:
            if allowed(update, allowed_updates):
                result.append(update)
                if len(result) >= limit:
                    break
        return result

    def clear_updates(self) -> None:
        self.updates.clear()
        self.queued_at.clear()

    @staticmethod
    def now() -> int:
        return int(time.time())
