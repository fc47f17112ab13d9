"""What a gated handler works with, as one parameter: ``turn: Turn`` — the update's database
session, the checked actor (the gate's ``me``), the user's translator, the chat's FSM state
and the clock of its audience (tests and demos fix "now" through the dispatcher's workflow
data: ``clock`` for the staff's routers, ``family_clock`` for the family's).

:func:`handlers.common.gate.gate` puts it into the handler's data after the role check, so a
handler's signature names only what its update brings (the message or the pressed button and
its action) and ``turn``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import Translator
from services.models import utcnow
from services.people.identity import Actor

Clock = Callable[[], dt.datetime]
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Turn:
    session: AsyncSession
    me: Actor
    t: Translator
    state: FSMContext
    clock: Clock | None = None

    def now(self) -> dt.datetime:
        """The current time (the dispatcher's clock when one is given)."""
        return self.clock() if self.clock is not None else utcnow()


class TurnMiddleware(BaseMiddleware):
    """Inner, after the role gate: the handler's ``turn``."""

    def __init__(self, clock: str) -> None:
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["turn"] = Turn(
            session=data["session"],
            me=data["me"],
            t=data["t"],
            state=data["state"],
            clock=data.get(self.clock),
        )
        return await handler(event, data)


def with_turn(router: Router, clock: str = "clock") -> Router:
    """The router's message and button handlers get ``turn`` (after its gate's middleware)."""
    middleware = TurnMiddleware(clock)
    router.message.middleware(middleware)
    router.callback_query.middleware(middleware)
    return router
