"""What the alerts bring back: a parent's reason for an absence, "Ознакомлен" on news, the user
blocking or unblocking the bot; /settings for alerts; /broadcast for class events and news.

Alerts themselves are rendered and sent by the notification worker (notifications/), never here.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated, Any

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.render import answer_long
from handlers.common.screens import on
from screens.actions import Action
from screens.bounds import MAX_ID, OneOf, OptId
from services.attendance import absence_reasons
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.messages import broadcasts
from services.notifications import prefs as notifications_prefs
from services.people import policy, roster
from services.people.identity import Actor

log = logging.getLogger(__name__)

ABSENCE_RE = re.compile(r"^abs:(\d{1,12}):(ill|excused|unknown)$")
NEWS_ACK_RE = re.compile(r"^news:ack:(\d{1,12})$")

TOGGLES = ("absences", "marks", "homework_tomorrow", "weekly_summary", "news", "reminders")
MARK_MODES = ("instant", "hourly", "evening")
DIGEST_HOURS = (17, 18, 19, 20)
QUIET_PRESETS: dict[str, tuple[dt.time, dt.time] | None] = {
    "21-08": (dt.time(21, 0), dt.time(8, 0)),
    "22-07": (dt.time(22, 0), dt.time(7, 0)),
    "20-09": (dt.time(20, 0), dt.time(9, 0)),
    "off": None,
}


class PrefCb(Action, prefix="pref"):
    field: Annotated[str, OneOf(*TOGGLES, "mode", "digest", "quiet")]
    value: str


class BroadcastCb(Action, prefix="bc"):
    action: Annotated[str, OneOf("cls", "school", "send", "cancel", "stats")]
    id: OptId = 0


class BroadcastForm(StatesGroup):
    text = State()
    confirm = State()


# --------------------------------------------------------------------------- alert buttons


def _alert_id(query: CallbackQuery, pattern: re.Pattern[str]) -> int:
    """The id in an alert's button; one beyond any row's range is refused like a forgery."""
    match = pattern.match(query.data or "")
    value = int(match[1]) if match is not None else 0
    if not 1 <= value <= MAX_ID:
        log.warning("refused button", extra={"prefix": (query.data or "").split(":", 1)[0]})
        raise AccessDenied()
    return value


async def absence_reason(
    query: CallbackQuery,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    match = ABSENCE_RE.match(query.data or "")
    reason = match[2] if match is not None else ""
    saved = await absence_reasons.record_family_reason(
        session, actor, _alert_id(query, ABSENCE_RE), reason
    )
    callback_answer.text = t("alerts.reason_saved")
    if isinstance(query.message, Message):
        text = (query.message.html_text or "") + "\n\n" + t(f"alerts.reason_{saved.reason}")
        await query.message.edit_text(text, reply_markup=None)


async def news_ack(
    query: CallbackQuery,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    await broadcasts.acknowledge_news(session, actor, _alert_id(query, NEWS_ACK_RE))
    callback_answer.text = t("alerts.news_acknowledged")
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def membership(event: ChatMemberUpdated, session: AsyncSession) -> None:
    """The user blocked the bot (kicked) or came back (member): alerts stop or resume."""
    status = event.new_chat_member.status
    reachable = status not in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT)
    await notifications_prefs.set_reachable(session, str(event.chat.id), reachable)


# --------------------------------------------------------------------------- /settings


def _settings_view(
    prefs: notifications_prefs.Prefs, roles: frozenset[Role], t: Translator
) -> tuple[str, Any]:
    family = bool(roles & {Role.PARENT, Role.TRUSTED, Role.STUDENT})
    staff = bool(roles - {Role.PARENT, Role.TRUSTED, Role.STUDENT})
    kb = InlineKeyboardBuilder()
    lines = [t("alerts.settings_title")]
    shown = [
        f
        for f in TOGGLES
        if (f != "reminders" or staff)
        and (f not in ("absences", "marks", "homework_tomorrow", "weekly_summary") or family)
    ]
    for field in shown:
        on = bool(getattr(prefs, field))
        mark = "✅" if on else "▫️"
        lines.append(f"{mark} {t(f'alerts.pref_{field}')}")
        kb.button(
            text=f"{mark} {t(f'alerts.pref_{field}')}",
            callback_data=PrefCb(field=field, value="0" if on else "1"),
        )
    if family:
        lines.append(t("alerts.marks_mode", mode=t(f"alerts.mode_{prefs.marks_mode}")))
        for mode in MARK_MODES:
            mark = "● " if prefs.marks_mode == mode else ""
            kb.button(
                text=mark + t(f"alerts.mode_{mode}"), callback_data=PrefCb(field="mode", value=mode)
            )
        lines.append(t("alerts.digest_time", time=f"{prefs.digest_time:%H:%M}"))
        for hour in DIGEST_HOURS:
            slot = f"{hour:02d}:00"
            mark = "● " if prefs.digest_time == dt.time(hour, 0) else ""
            kb.button(
                text=f"{mark}🕕 {slot}", callback_data=PrefCb(field="digest", value=str(hour))
            )
    if prefs.quiet_from is not None and prefs.quiet_to is not None:
        quiet = f"{prefs.quiet_from:%H:%M}–{prefs.quiet_to:%H:%M}"
    else:
        quiet = t("alerts.quiet_off")
    lines.append(t("alerts.quiet", hours=quiet))
    for key, value in QUIET_PRESETS.items():
        label = f"{value[0]:%H}–{value[1]:%H}" if value else t("alerts.quiet_off")
        kb.button(text="🌙 " + label, callback_data=PrefCb(field="quiet", value=key))
    kb.adjust(*([1] * len(shown)), *([3, len(DIGEST_HOURS)] if family else []), 4)
    return "\n".join(lines), kb.as_markup()


async def settings_command(
    message: Message, actor: Actor | None, session: AsyncSession, t: Translator
) -> None:
    if actor is None:
        await message.answer(t("signin.required"))
        return
    prefs = await notifications_prefs.get_prefs(session, actor)
    text, markup = _settings_view(prefs, actor.roles, t)
    await message.answer(text, reply_markup=markup)


async def settings_changed(
    query: CallbackQuery,
    callback_data: PrefCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
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
    else:
        callback_answer.text = t("fallback.stale_button")
        callback_answer.show_alert = True
        return
    prefs = await notifications_prefs.update_prefs(session, actor, **change)
    if isinstance(query.message, Message):
        text, markup = _settings_view(prefs, actor.roles, t)
        await query.message.edit_text(text, reply_markup=markup)


# --------------------------------------------------------------------------- /broadcast


def _confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("alerts.broadcast_send"), callback_data=BroadcastCb(action="send"))
    kb.button(text=t("alerts.broadcast_cancel"), callback_data=BroadcastCb(action="cancel"))
    return kb.as_markup()


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
    kb = InlineKeyboardBuilder()
    if actor.has(Role.ADMIN, Role.DIRECTOR, Role.DEPUTY):
        kb.button(text=t("alerts.broadcast_school"), callback_data=BroadcastCb(action="school"))
    classes = await roster.classes_of_class_teacher(session, actor)
    if actor.has(Role.DIRECTOR, Role.DEPUTY) and not actor.has(Role.ADMIN):
        classes = []  # leadership sends school news; class events are the class teacher's
    for cls in classes:
        kb.button(text=cls.name, callback_data=BroadcastCb(action="cls", id=cls.id))
    kb.adjust(1, 4)
    await message.answer(t("alerts.broadcast_pick"), reply_markup=kb.as_markup())


async def broadcast_target(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    class_id = callback_data.id if callback_data.action == "cls" else None
    if actor is None:
        raise DomainError("signin.required")
    # The same rule as sending: a replayed or forged button opens no composer.
    await policy.ensure_can_broadcast(session, actor, class_id)
    await state.set_state(BroadcastForm.text)
    await state.update_data(class_id=class_id)
    if isinstance(query.message, Message):
        await query.message.edit_text(t("alerts.broadcast_write"))


async def broadcast_text(message: Message, state: FSMContext, t: Translator) -> None:
    attachment: dict[str, str] | None = None
    if message.photo:
        attachment = {"kind": "photo", "file_ref": message.photo[-1].file_id}
    elif message.document:
        attachment = {"kind": "document", "file_ref": message.document.file_id}
    # The sender's formatting is kept as the checked HTML subset (services.richtext): the
    # preview and every recipient show it as it is, never escaped a second time.
    text = broadcasts.broadcast_body(message.html_text, with_attachment=attachment is not None)
    await state.update_data(text=text, attachment=attachment)
    await state.set_state(BroadcastForm.confirm)
    preview = t("alerts.broadcast_preview", text=text)
    if attachment:
        preview += "\n" + t("alerts.broadcast_with_file")
    await answer_long(message, preview, _confirm_keyboard(t))


async def broadcast_send(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    data = await state.get_data()
    await state.clear()
    if not isinstance(query.message, Message):
        return
    if callback_data.action == "cancel" or actor is None or "text" not in data:
        await query.message.edit_text(t("login.cancelled"))
        return
    attachment = data.get("attachment")
    news = await broadcasts.create_broadcast(
        session,
        actor,
        class_id=data.get("class_id"),
        text=str(data["text"]),
        attachment=broadcasts.BroadcastAttachment(**attachment) if attachment else None,
    )
    stats = await broadcasts.broadcast_stats(session, actor, news.id)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("alerts.broadcast_refresh"), callback_data=BroadcastCb(action="stats", id=news.id)
    )
    await query.message.edit_text(_stats_text(stats, t), reply_markup=kb.as_markup())


def _stats_text(stats: broadcasts.BroadcastStats, t: Translator) -> str:
    """The state first: still going out, or finished (delivered N of M), then the counts."""
    header = t(
        "alerts.broadcast_queued" if stats.pending else "alerts.broadcast_done",
        delivered=stats.delivered,
        recipients=stats.recipients,
    )
    return (
        header
        + "\n"
        + t(
            "alerts.broadcast_stats",
            recipients=stats.recipients,
            delivered=stats.delivered,
            read=stats.read,
            failed=stats.failed,
            pending=stats.pending,
            not_connected=stats.not_connected,
        )
    )


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
    text = _stats_text(stats, t)
    if text != (query.message.html_text or ""):
        await query.message.edit_text(text, reply_markup=query.message.reply_markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(absence_reason, F.data.regexp(ABSENCE_RE))
    router.callback_query.register(news_ack, F.data.regexp(NEWS_ACK_RE))
    router.my_chat_member.register(membership)
    router.message.register(settings_command, Command("settings"))
    router.callback_query.register(settings_changed, on(PrefCb))
    router.message.register(broadcast_command, Command("broadcast"))
    router.callback_query.register(
        broadcast_target, on(BroadcastCb, F.action.in_({"cls", "school"}))
    )
    router.callback_query.register(
        broadcast_send, on(BroadcastCb, F.action.in_({"send", "cancel"}))
    )
    router.callback_query.register(broadcast_stats, on(BroadcastCb, F.action == "stats"))
    router.message.register(
        broadcast_text,
        StateFilter(BroadcastForm.text),
        ~F.text.startswith("/"),
    )
    return router
