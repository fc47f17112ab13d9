"""/admin: the office's menu for the admin and the deputy (each sees their own tools)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import Translator
from handlers.admin.common import OFFICE, require, show
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.admin.actions import OfficeCb
from services.enums import Role
from services.imports import KINDS
from services.people.identity import Actor

ADMIN_ONLY = ("find", "dead")


def import_kinds(actor: Actor) -> list[str]:
    """The import kinds this actor may load (the deputy: the timetable and bell times)."""
    return [name for name, spec in KINDS.items() if actor.has(Role.ADMIN, *spec.also)]


def menu_markup(actor: Actor, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    items = []
    if import_kinds(actor):
        items.append("imp")
    if actor.has(Role.ADMIN):
        items += ["find"]
    items += ["aus", "aul", "sub", "cw", "unf", "chk"]
    if actor.has(Role.ADMIN):
        items.append("dead")
    for action in items:
        kb.button(text=t(f"office.menu.{action}"), callback_data=OfficeCb(action=action))
    kb.adjust(2)
    return kb.as_markup()


async def admin_command(
    message: Message, actor: Actor | None, state: FSMContext, t: Translator
) -> None:
    me = require(actor, *OFFICE)
    await state.clear()
    await message.answer(t("office.menu.title"), reply_markup=menu_markup(me, t))


async def home(query: CallbackQuery, actor: Actor | None, state: FSMContext, t: Translator) -> None:
    me = require(actor, *OFFICE)
    await state.clear()
    await show(query, t("office.menu.title"), menu_markup(me, t))


def home_button(kb: InlineKeyboardBuilder, t: Translator) -> None:
    row = InlineKeyboardBuilder()
    row.button(text=t("office.menu.home"), callback_data=OfficeCb(action="home"))
    kb.attach(row)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(admin_command, Command("admin"))
    router.callback_query.register(home, on(OfficeCb, F.action == "home"))
    return router
