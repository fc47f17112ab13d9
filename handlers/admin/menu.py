"""/admin: the office's menu for the admin and the deputy (each sees their own tools)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from i18n import Translator
from screens.admin.actions import OfficeCb
from screens.admin.menu import menu_screen
from services.people.identity import Actor


async def admin_command(message: Message, me: Actor, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await send_screen(message, menu_screen(t, me, replace=False))


async def home(query: CallbackQuery, me: Actor, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await show_screen(query, menu_screen(t, me))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *OFFICE))
    router.message.register(admin_command, Command("admin"))
    router.callback_query.register(home, on(OfficeCb, F.action == "home"))
    return router
