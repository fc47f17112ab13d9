"""The bot's state: its update log and marker, webhook subscriptions, dialogs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from testkit.common.state import UpdateSignal
from testkit.maxapi.models import CallbackRecord, SentMessage


@dataclass
class Subscription:
    url: str
    time: int  # ms
    update_types: list[str] | None = None
    secret: str | None = None
    next_seq: int = 1  # the first update this subscription has not delivered yet
    delivered: int = 0
    failures: int = 0
    given_up: int = 0
    last_error: str | None = None
    task: asyncio.Task[None] | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url, "time": self.time}
        if self.update_types:
            data["update_types"] = self.update_types
        return data


class Dialog:
    """One user's dialog with the bot: the bot's messages and the user's."""

    def __init__(self, chat_id: int, user_id: int) -> None:
        self.chat_id = chat_id
        self.user_id = user_id
        self.bot_messages: dict[str, SentMessage] = {}
        self.user_messages: dict[str, dict[str, Any]] = {}
        # append-only log of bot message changes (new/edited/deleted), for wait_for cursors
        self.changes: list[SentMessage] = []
        # index into ``changes`` at the time of the latest user action in this dialog
        self.mark = 0
        self.stopped = False
        self.last_event_time = 0


@dataclass
class LoggedUpdate:
    seq: int
    update: dict[str, Any]
    created: float  # monotonic clock, for the webhook's max age

    @property
    def type(self) -> str:
        return str(self.update.get("update_type", ""))


@dataclass
class BotState(UpdateSignal):
    user_id: int
    name: str = "Test Bot"
    username: str = "test_bot"
    description: str | None = None
    commands: list[dict[str, Any]] = field(default_factory=list)
    log: list[LoggedUpdate] = field(default_factory=list)
    next_seq: int = 1
    committed: int = 1  # updates with seq < committed are never returned again
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def me(self, now_ms: int) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "first_name": self.name,
            "last_name": None,
            "name": self.name,
            "username": self.username,
            "is_bot": True,
            "last_activity_time": now_ms,
            "description": self.description,
            "avatar_url": None,
            "full_avatar_url": None,
            "commands": list(self.commands) or None,
        }

    def sender(self, now_ms: int) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "first_name": self.name,
            "name": self.name,
            "username": self.username,
            "is_bot": True,
            "last_activity_time": now_ms,
        }

    # --- updates -------------------------------------------------------------------

    def push(self, update: dict[str, Any], created: float) -> LoggedUpdate:
        logged = LoggedUpdate(self.next_seq, update, created)
        self.next_seq += 1
        self.log.append(logged)
        self.notify()
        return logged

    def commit(self, marker: int) -> None:
        if marker > self.committed:
            self.committed = min(marker, self.next_seq)

    def pending(self) -> list[LoggedUpdate]:
        return [u for u in self.log if u.seq >= self.committed]

    def after(self, seq: int) -> list[LoggedUpdate]:
        return [u for u in self.log if u.seq >= seq]
