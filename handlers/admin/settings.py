"""The school's settings in the office: the minimal personal data mode of alerts (the admin's;
the use case checks the role again and records the change in the audit log)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from handlers.common.gate import gate, private
from handlers.common.screens import on, show_screen
from handlers.common.turn import Turn
from screens.admin.actions import OfficeCb, SettingsCb
from screens.admin.settings import settings_screen
from services.enums import Role
from services.school import settings


async def show_settings(query: CallbackQuery, turn: Turn) -> None:
    await turn.state.clear()
    current = await settings.alert_settings(turn.session, turn.me)
    await show_screen(query, settings_screen(turn.t, current))


async def switch_minimal(query: CallbackQuery, callback_data: SettingsCb, turn: Turn) -> None:
    saved = await settings.set_minimal_alerts(
        turn.session, turn.me, callback_data.minimal == "on", now=turn.now()
    )
    await show_screen(query, settings_screen(turn.t, saved, saved=True))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(show_settings, on(OfficeCb, F.action == "set"))
    router.callback_query.register(switch_minimal, on(SettingsCb))
    return router
