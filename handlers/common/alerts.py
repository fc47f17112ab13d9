"""What the alerts bring back: a parent's reason for an absence, "Ознакомлен" on news, the user
blocking or unblocking the bot; /settings for alerts; /broadcast for class events and news.

Alerts themselves are rendered and sent by the notification worker (notifications/), never here.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, TypeVar

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Clock, Turn
from i18n import Translator
from screens.actions import Action
from screens.bounds import RefusedButton
from screens.common import alerts as screens
from screens.common.alerts import (
    QUIET_PRESETS,
    TOGGLES,
    AbsenceReasonAction,
    BroadcastCb,
    NewsAckAction,
    PrefCb,
)
from services.attendance import absence_reasons
from services.calendar import school_today
from services.enums import Messenger, Role
from services.errors import AccessDenied, ValidationFailed
from services.messages import broadcasts
from services.models import School, utcnow
from services.notifications import prefs as notifications_prefs
from services.notifications.prefs import CHANNELS
from services.people import policy, roster
from services.people.identity import Actor

log = logging.getLogger(__name__)

__all__ = ["BroadcastCb", "BroadcastForm", "PrefCb", "build_router"]

A = TypeVar("A", bound=Action)


class BroadcastForm(StatesGroup):
    text = State()
    date = State()
    confirm = State()


# --------------------------------------------------------------------------- alert buttons


def _alert_action(query: CallbackQuery, cls: type[A]) -> A:
    """The action of an alert's button; one that does not fit (an id beyond any row's range, an
    unknown answer) is refused like a forgery."""
    try:
        return cls.unpack(query.data or "")
    except RefusedButton:
        log.warning("refused button", extra={"prefix": (query.data or "").split(":", 1)[0]})
        raise AccessDenied() from None


async def absence_reason(query: CallbackQuery, turn: Turn, callback_answer: CallbackAnswer) -> None:
    action = _alert_action(query, AbsenceReasonAction)
    saved = await absence_reasons.record_family_reason(
        turn.session, turn.me, action.id, action.reason
    )
    callback_answer.text = turn.t("alerts.reason_saved")
    if isinstance(query.message, Message):
        alert = query.message.html_text or ""
        await show_screen(query, screens.reason_saved_screen(turn.t, alert, str(saved.reason)))


async def news_ack(query: CallbackQuery, turn: Turn, callback_answer: CallbackAnswer) -> None:
    action = _alert_action(query, NewsAckAction)
    await broadcasts.acknowledge_news(turn.session, turn.me, action.id)
    callback_answer.text = turn.t("alerts.news_acknowledged")
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def membership(event: ChatMemberUpdated, session: AsyncSession, messenger: Messenger) -> None:
    """The user blocked the bot (kicked; in MAX: stopped it) or came back (member): alerts to
    that messenger's binding stop or resume."""
    status = event.new_chat_member.status
    reachable = status not in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT)
    await notifications_prefs.set_reachable(
        session, str(event.chat.id), reachable, messenger=messenger
    )


# --------------------------------------------------------------------------- /settings


async def settings_command(message: Message, turn: Turn) -> None:
    seen = await notifications_prefs.alert_settings(turn.session, turn.me)
    await send_screen(
        message, screens.settings_screen(turn.t, seen.prefs, turn.me.roles, seen.messengers)
    )


async def settings_changed(
    query: CallbackQuery, callback_data: PrefCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    t = turn.t
    change: dict[str, Any]
    if callback_data.field in TOGGLES:
        change = {callback_data.field: callback_data.value == "1"}
    elif callback_data.field == "mode":
        change = {"marks_mode": callback_data.value}
    elif callback_data.field == "digest" and callback_data.value.isdigit():
        change = {"digest_time": dt.time(int(callback_data.value) % 24, 0)}
    elif callback_data.field == "quiet" and callback_data.value in QUIET_PRESETS:
        preset = QUIET_PRESETS[callback_data.value]
        change = {
            "quiet_from": preset[0] if preset else None,
            "quiet_to": preset[1] if preset else None,
        }
    elif callback_data.field == "channel" and callback_data.value in CHANNELS:
        change = {"channel": callback_data.value}
    else:
        callback_answer.text = t("fallback.stale_button")
        callback_answer.show_alert = True
        return
    prefs = await notifications_prefs.update_prefs(turn.session, turn.me, **change)
    if isinstance(query.message, Message):
        messengers = await notifications_prefs.bound_messengers(turn.session, turn.me)
        await show_screen(query, screens.settings_screen(t, prefs, turn.me.roles, messengers))


# --------------------------------------------------------------------------- /broadcast


async def broadcast_command(
    message: Message,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    if actor is None or not actor.has(Role.CLASS_TEACHER, Role.ADMIN, Role.DIRECTOR, Role.DEPUTY):
        await message.answer(t("alerts.broadcast_not_allowed"))
        return
    await state.clear()
    school = actor.has(Role.ADMIN, Role.DIRECTOR, Role.DEPUTY)
    classes = await roster.classes_of_class_teacher(session, actor)
    if actor.has(Role.DIRECTOR, Role.DEPUTY) and not actor.has(Role.ADMIN):
        classes = []  # leadership sends school news; class events are the class teacher's
    targets = [(cls.id, cls.name) for cls in classes]
    await send_screen(message, screens.broadcast_targets_screen(t, school, targets))


async def broadcast_target(query: CallbackQuery, callback_data: BroadcastCb, turn: Turn) -> None:
    class_id = callback_data.id if callback_data.action == "cls" else None
    # The same rule as sending: a replayed or forged button opens no composer.
    await policy.ensure_can_broadcast(turn.session, turn.me, class_id)
    await turn.state.set_state(BroadcastForm.text)
    await turn.state.update_data(class_id=class_id)
    if isinstance(query.message, Message):
        await show_screen(query, screens.broadcast_write_screen(turn.t))


async def broadcast_text(message: Message, state: FSMContext, t: Translator) -> None:
    attachment: dict[str, str] | None = None
    if message.photo:
        attachment = {"kind": "photo", "file_ref": message.photo[-1].file_id}
    elif message.document:
        attachment = {"kind": "document", "file_ref": message.document.file_id}
    # The sender's formatting is kept as the checked HTML subset (services.richtext): the
    # preview and every recipient show it as it is, never escaped a second time.
    text = broadcasts.broadcast_body(message.html_text, with_attachment=attachment is not None)
    await state.update_data(text=text, attachment=attachment, event_at=None)
    await state.set_state(BroadcastForm.date)
    await send_screen(message, screens.broadcast_date_screen(t))


def _event_at(data: dict[str, Any]) -> dt.datetime | dt.date | None:
    """The event's date kept in the conversation: "2026-12-25T18:00:00" (school time) or
    "2026-12-25" (a whole day)."""
    raw = data.get("event_at")
    if not isinstance(raw, str):
        return None
    return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)


async def _show_preview(
    target: Message | CallbackQuery, data: dict[str, Any], t: Translator, *, edit: bool
) -> None:
    event_at = _event_at(data)
    screen = screens.broadcast_preview_screen(
        t,
        str(data["text"]),
        data.get("attachment") is not None,
        screens.event_at_label(t.lang, event_at) if event_at is not None else None,
    )
    if edit and isinstance(target, CallbackQuery):
        await show_screen(target, screen)
    elif isinstance(target, Message):
        await send_screen(target, screen)


async def broadcast_date(
    message: Message,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    """The event's date typed: "25.12 18:00" or "25.12" (a whole day). Input that is no date,
    a past date or one after the school year's end: the reason, and the question again."""
    data = await state.get_data()
    if actor is None or "text" not in data:
        await state.clear()
        await send_screen(message, screens.broadcast_cancelled_screen(t))
        return
    school = await session.get(School, actor.school_id)
    assert school is not None
    now = clock() if clock is not None else utcnow()
    try:
        event_at = screens.parse_event_at(message.text or "", school_today(school, now))
        if event_at is None:
            raise ValidationFailed("events.bad_input")
        # The same checks as sending: the past and beyond the school year are refused now.
        await broadcasts.event_moment(session, school, event_at, now)
    except ValidationFailed as e:
        await send_screen(message, screens.broadcast_date_screen(t, t(e.code, **e.params)))
        return
    await state.update_data(event_at=event_at.isoformat())
    await state.set_state(BroadcastForm.confirm)
    await _show_preview(message, {**data, "event_at": event_at.isoformat()}, t, edit=False)


async def broadcast_no_date(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    if not isinstance(query.message, Message):
        return
    if "text" not in data or await state.get_state() != BroadcastForm.date.state:
        await state.clear()
        await show_screen(query, screens.broadcast_cancelled_screen(t))
        return
    await state.update_data(event_at=None)
    await state.set_state(BroadcastForm.confirm)
    await _show_preview(query, {**data, "event_at": None}, t, edit=True)


async def broadcast_send(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    data = await state.get_data()
    await state.clear()
    if not isinstance(query.message, Message):
        return
    if callback_data.action == "cancel" or actor is None or "text" not in data:
        await show_screen(query, screens.broadcast_cancelled_screen(t))
        return
    attachment = data.get("attachment")
    news = await broadcasts.create_broadcast(
        session,
        actor,
        class_id=data.get("class_id"),
        text=str(data["text"]),
        attachment=broadcasts.BroadcastAttachment(**attachment) if attachment else None,
        event_at=_event_at(data),
        now=clock() if clock is not None else None,
    )
    stats = await broadcasts.broadcast_stats(session, actor, news.id)
    await show_screen(query, screens.broadcast_stats_screen(t, stats))


async def broadcast_stats(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    stats = await broadcasts.broadcast_stats(session, actor, callback_data.id)
    screen = screens.broadcast_stats_screen(t, stats)
    if screen.texts[0] != (query.message.html_text or ""):
        await show_screen(query, screen)


def build_router() -> Router:
    """Alerts' buttons, /settings and choosing a broadcast's audience for signed-in people (a
    guest is asked to sign in); the rest of /broadcast refuses or ends on its own."""
    router = private(Router(name=__name__))
    signed = gate(Router(name=f"{__name__}.signed"))
    # Routed by prefix and parsed in the handler, which refuses a forged one like a forgery.
    signed.callback_query.register(
        absence_reason, F.data.startswith(f"{AbsenceReasonAction.__prefix__}:")
    )
    signed.callback_query.register(news_ack, F.data.startswith(f"{NewsAckAction.__prefix__}:"))
    signed.message.register(settings_command, Command("settings"))
    signed.callback_query.register(settings_changed, on(PrefCb))
    signed.callback_query.register(
        broadcast_target, on(BroadcastCb, F.action.in_({"cls", "school"}))
    )
    router.my_chat_member.register(membership)
    router.message.register(broadcast_command, Command("broadcast"))
    router.callback_query.register(
        broadcast_send, on(BroadcastCb, F.action.in_({"send", "cancel"}))
    )
    router.callback_query.register(broadcast_stats, on(BroadcastCb, F.action == "stats"))
    router.callback_query.register(broadcast_no_date, on(BroadcastCb, F.action == "nodate"))
    router.message.register(
        broadcast_text,
        StateFilter(BroadcastForm.text),
        ~F.text.startswith("/"),
    )
    router.message.register(
        broadcast_date,
        StateFilter(BroadcastForm.date),
        F.text,
        ~F.text.startswith("/"),
    )
    router.include_router(signed)
    return router
