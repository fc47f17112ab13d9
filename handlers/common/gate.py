"""Role gates: an audience router checks who may use it once, not in every handler.

``gate(router, Role.TEACHER, …)`` puts an inner middleware on the router's message and button
observers: it runs after a handler of that router matched (filters passed), so updates meant
for other routers are untouched. A guest gets ``signin.required``, a person without one of the
roles ``error.forbidden`` — the same refusals each handler once raised itself, shown by
the dispatcher's error middleware in the user's language. The handler receives the checked
actor as ``me: Actor`` and what it works with as ``turn`` (handlers/common/turn.py). Every
service call re-checks access for the ids it is given: a gate keeps people out of screens, the
policy keeps them out of data.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.enums import ChatType
from aiogram.types import TelegramObject

from handlers.common.turn import Handler, with_turn
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.people.identity import Actor


def checked_actor(
    actor: Actor | None, roles: tuple[Role, ...], refusal: str | None = None
) -> Actor:
    """The signed-in actor holding one of ``roles`` (any role when none are given); a person
    without them is refused with ``refusal`` (a locale key) or ``error.forbidden``."""
    if actor is None:
        raise DomainError("signin.required")
    if roles and not actor.has(*roles):
        raise DomainError(refusal) if refusal is not None else AccessDenied()
    return actor


class RoleGate(BaseMiddleware):
    def __init__(self, roles: tuple[Role, ...], refusal: str | None = None) -> None:
        self.roles = roles
        self.refusal = refusal

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["me"] = checked_actor(data.get("actor"), self.roles, self.refusal)
        return await handler(event, data)


def gate(router: Router, *roles: Role, clock: str = "clock") -> Router:
    """Only signed-in people with one of ``roles`` reach the router's message and button
    handlers (any signed-in person when no role is given); they get ``me`` and ``turn`` (its
    clock the workflow data's ``clock``)."""
    middleware = RoleGate(roles)
    router.message.middleware(middleware)
    router.callback_query.middleware(middleware)
    return with_turn(router, clock)


def private(router: Router) -> Router:
    """Only private chats reach the router's message handlers (groups get the group reply)."""
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    return router
