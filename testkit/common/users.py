"""What a simulated user is in both servers: a name, a language, its chat with the bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

M = TypeVar("M")


class _Chats(Protocol[M]):
    def sent_to(self, key: int, include_deleted: bool = True) -> list[M]: ...

    async def wait_for(
        self,
        key: int,
        predicate: Callable[[M], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int | None = None,
    ) -> M: ...


class SimulatedUser(Generic[M]):
    """A user of the messenger talking to the bot (``server.user(...)``)."""

    def __init__(
        self,
        server: _Chats[M],
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def messages(self) -> list[M]:
        """The bot's messages in this user's private chat (MAX: dialog)."""
        return self.server.sent_to(self.id)

    async def wait_reply(
        self,
        predicate: Callable[[M], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> M:
        return await self.server.wait_for(self.id, predicate, timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id}, {self.first_name!r})"
