"""MAX's identifiers in aiogram's shapes, and back.

MAX names a message by a string (``mid.…``); aiogram's ``Message.message_id`` is an int. The int
of a mid is 62 bits of its BLAKE2b digest: every process maps a mid to the same int, with no
shared table. The way back (int → mid), needed to edit or delete a message, is a bounded
in-memory map filled from every update converted and every message sent; an int it no longer
holds is refused like an unknown message (the handlers then send anew).

The same bounded memory keeps what the bridge learns from updates and needs for a later call:

- a file's download URL by its token (a file id ``max:<token>``: the token alone is what MAX
  takes to send the file again; the URL is what downloads it);
- the dialog ``chat_id`` of a user (the aiogram chat id of a dialog is the user's id, see
  :mod:`maxbot.updates`; a chat action needs the dialog's own id);
- a group chat's MAX ``chat_id`` by its aiogram id (a group's aiogram id is negative).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_CAPACITY = 100_000
_MASK = (1 << 62) - 1


class Lru(Generic[K, V]):
    """A bounded map that forgets the least recently used entry first."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def __len__(self) -> int:
        return len(self._items)


def message_int(mid: str) -> int:
    """The aiogram message id of a MAX mid: deterministic, positive, below 2**62."""
    digest = hashlib.blake2b(mid.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return (int.from_bytes(digest, "big") & _MASK) or 1


class MessageIds:
    """The bridge's memory of MAX ids (bounded; one per process)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._mids: Lru[int, str] = Lru(capacity)
        self._files: Lru[str, str] = Lru(capacity)
        self._dialogs: Lru[int, int] = Lru(capacity)
        self._groups: Lru[int, int] = Lru(capacity)

    # ------------------------------------------------------------------ messages

    def to_int(self, mid: str) -> int:
        """The int of ``mid``, remembered for the way back."""
        n = message_int(mid)
        self._mids.put(n, mid)
        return n

    def to_mid(self, n: int) -> str | None:
        """The mid of an int seen before (None when unknown or forgotten)."""
        return self._mids.get(n)

    # ------------------------------------------------------------------ files

    def remember_file(self, token: str, url: str) -> None:
        self._files.put(token, url)

    def file_url(self, token: str) -> str | None:
        return self._files.get(token)

    # ------------------------------------------------------------------ chats

    def remember_dialog(self, user_id: int, chat_id: int) -> None:
        self._dialogs.put(user_id, chat_id)

    def dialog_of(self, user_id: int) -> int | None:
        return self._dialogs.get(user_id)

    def remember_group(self, aiogram_chat_id: int, max_chat_id: int) -> None:
        self._groups.put(aiogram_chat_id, max_chat_id)

    def group_of(self, aiogram_chat_id: int) -> int | None:
        return self._groups.get(aiogram_chat_id)


def group_chat_id(max_chat_id: int) -> int:
    """The aiogram id of a MAX group chat: negative like Telegram's groups (MAX's group chat
    ids are negative already; a positive one is negated so it never meets a user's id)."""
    return max_chat_id if max_chat_id < 0 else -max_chat_id
