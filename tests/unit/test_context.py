"""The chat context: active role and chosen child, kept on the binding."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import Role
from services.errors import AccessDenied
from services.people import context
from services.people.identity import actor_for_account
from tests.factories import as_parent, bind_chats, build_school


async def test_parent_with_two_children_picks_one(session: AsyncSession) -> None:
    world = await build_school(session)
    parent2 = world.actors["parent2"]
    await bind_chats(session, world, {"parent2": 1})
    ctx = await context.chat_context(session, parent2)
    assert [s.name for s in ctx.students] == ["Петрова Анна", "Чужой Кирилл"]
    assert ctx.student is not None and ctx.student.name == "Петрова Анна"
    assert ctx.student.class_name == "7А"
    ctx = await context.set_student(session, parent2, world.other_student.id)
    assert ctx.student is not None and ctx.student.id == world.other_student.id
    # Survives a new request: it is stored on the binding.
    again = await context.chat_context(session, parent2)
    assert again.student is not None and again.student.id == world.other_student.id
    with pytest.raises(AccessDenied):
        await context.set_student(session, parent2, world.students[0].id)


async def test_teacher_who_is_a_parent_switches_role(session: AsyncSession) -> None:
    world = await build_school(session)
    session.add_all(as_parent(world, world.teacher, world.students[3]))
    await bind_chats(session, world, {"teacher": 2})
    actor = await actor_for_account(session, world.actors["teacher"].account_id)
    assert actor is not None
    ctx = await context.chat_context(session, actor)
    assert ctx.role == Role.TEACHER and ctx.roles == (Role.TEACHER, Role.PARENT)
    ctx = await context.set_role(session, actor, Role.PARENT)
    assert ctx.role == Role.PARENT and ctx.student is not None
    with pytest.raises(AccessDenied):
        await context.set_role(session, actor, Role.ADMIN)
