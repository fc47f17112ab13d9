"""The chat's command menu follows the person's roles and the role they act in
(screens.common.menu chooses the roles; Telegram's menu is set here)."""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.commands import set_chat_commands
from screens.common.menu import menu_roles
from services.people import context
from services.people.identity import Actor


async def refresh_menu(
    bot: Bot, chat_id: int, session: AsyncSession, actor: Actor, lang: str
) -> context.ChatContext:
    ctx = await context.chat_context(session, actor)
    await set_chat_commands(bot, chat_id, menu_roles(ctx.role, ctx.roles), lang)
    return ctx
