"""The chat's command menu follows the person's roles and the role they act in."""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from services.enums import STAFF_ROLES, Role
from services.people import context
from services.people.identity import Actor


def menu_roles(active: Role, roles: tuple[Role, ...] | frozenset[Role]) -> set[Role]:
    """Staff roles go together (a class teacher is a teacher too); so do family roles."""
    if active in STAFF_ROLES:
        return {r for r in roles if r in STAFF_ROLES}
    return {r for r in roles if r not in STAFF_ROLES}


async def refresh_menu(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor, lang: str
) -> context.ChatContext:
    ctx = await context.chat_context(session, actor)
    await set_chat_commands(bot, chat_id, menu_roles(ctx.role, ctx.roles), lang)
    return ctx
