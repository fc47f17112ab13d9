"""A role gate refuses guests and people without the router's roles before its handler runs,
with the same refusal a handler's own check gave, and hands the handler the checked actor."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import TelegramObject

from handlers.common.gate import RoleGate, checked_actor
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.people.identity import Actor


def actor_with(*roles: Role) -> Actor:
    return Actor(
        account_id=1,
        person_id=1,
        school_id=1,
        roles=frozenset(roles),
        language="ru",
        display_name="Тест",
        timezone="Europe/Moscow",
    )


def test_checked_actor() -> None:
    with pytest.raises(DomainError) as guest:
        checked_actor(None, (Role.TEACHER,))
    assert guest.value.code == "signin.required"
    with pytest.raises(AccessDenied):
        checked_actor(actor_with(Role.PARENT), (Role.TEACHER, Role.DEPUTY))
    teacher = actor_with(Role.TEACHER)
    assert checked_actor(teacher, (Role.TEACHER, Role.DEPUTY)) is teacher
    assert checked_actor(teacher, ()) is teacher


async def test_gate_runs_the_handler_only_for_its_roles() -> None:
    gate = RoleGate((Role.DEPUTY,))
    seen: list[Any] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> str:
        seen.append(data["me"])
        return "done"

    event = TelegramObject()
    deputy = actor_with(Role.DEPUTY)
    assert await gate(handler, event, {"actor": deputy}) == "done"
    assert seen == [deputy]
    with pytest.raises(AccessDenied):
        await gate(handler, event, {"actor": actor_with(Role.TEACHER)})
    with pytest.raises(DomainError):
        await gate(handler, event, {})
    assert seen == [deputy]
