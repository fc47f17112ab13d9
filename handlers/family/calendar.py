"""/calendar: a parent's (or a student's) private calendar link per child; the feed itself is
served over HTTP (bot/calendar_http.py) at PUBLIC_BASE_URL."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from handlers.family.common import family_gate
from screens.family.calendar import (
    CalendarCb,
    children_screen,
    feed_url,
    link_screen,
    no_address_screen,
    revoked_screen,
)
from services.calendar_feed import links
from services.people import policy


def _base(settings: Any) -> str | None:
    base = getattr(settings, "public_base_url", None)
    return str(base) if base else None


async def calendar_command(message: Message, turn: Turn, settings: Any = None) -> None:
    if _base(settings) is None:
        await send_screen(message, no_address_screen(turn.t))
        return
    children = await links.calendar_children(turn.session, turn.me)
    await send_screen(message, children_screen(turn.t, children, turn.me.timezone))


async def calendar_button(
    callback: CallbackQuery,
    callback_data: CalendarCb,
    turn: Turn,
    callback_answer: CallbackAnswer,
    settings: Any = None,
) -> None:
    base = _base(settings)
    if base is None:
        await show_screen(callback, no_address_screen(turn.t))
        return
    children = await links.calendar_children(turn.session, turn.me)
    child = next((c for c in children if c.student_id == callback_data.s), None)
    if child is None:  # another family's child, or a link the reader may no longer have
        raise policy.deny(turn.me, "calendar_link", student_id=callback_data.s)
    if callback_data.a == "off":
        had = await links.revoke_link(turn.session, turn.me, child.student_id, now=turn.now())
        await show_screen(callback, revoked_screen(turn.t, child, had_link=had))
        return
    token = await links.issue_link(turn.session, turn.me, child.student_id, now=turn.now())
    await show_screen(callback, link_screen(turn.t, child, feed_url(base, token)))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    router.message.register(calendar_command, Command("calendar"))
    router.callback_query.register(calendar_button, on(CalendarCb))
    return router
