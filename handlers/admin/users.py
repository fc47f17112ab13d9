"""The admin's user tools: find a person (surname or login), their card (roles, signed in,
blocked) and what to do with it: issue a one-time sign-in, revoke it, block or unblock the
account (with a reason, typed), see the audit log of a student."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.admin.common import Clock, now_of, require, show, when
from handlers.admin.menu import home_button
from handlers.common.invite import tell_ended_sign_ins
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.render import roles_text
from handlers.common.screens import on
from screens.admin.actions import AuditCb, OfficeCb, UserCb
from screens.bounds import typed_query
from services.enums import Role
from services.errors import DomainError
from services.people import accounts, roster, user_cards
from services.people.identity import Actor

MAX_REASON = 500


class UserForm(StatesGroup):
    query = State()
    reason = State()  # block / unblock: the reason, typed


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


async def find_prompt(
    query: CallbackQuery, actor: Actor | None, state: FSMContext, t: Translator
) -> None:
    require(actor, Role.ADMIN)
    await state.set_state(UserForm.query)
    kb = InlineKeyboardBuilder()
    home_button(kb, t)
    await show(query, t("office.users.ask"), kb.as_markup())


def _status(row: roster.PersonRow) -> str:
    if row.blocked:
        return "⛔"
    return "✅" if row.signed_in else "▫️"


async def search_typed(
    message: Message, actor: Actor | None, session: AsyncSession, t: Translator
) -> None:
    me = require(actor, Role.ADMIN)
    rows = await roster.search(session, me, typed_query(message.text or ""))
    if not rows:
        await message.answer(t("office.users.nothing"))
        return
    kb = InlineKeyboardBuilder()
    for row in rows:
        kb.button(text=f"{_status(row)} {row.name}", callback_data=UserCb(action="card", id=row.id))
    kb.adjust(1)
    home_button(kb, t)
    await message.answer(t("office.users.found", count=len(rows)), reply_markup=kb.as_markup())


def card_text(card: user_cards.UserCard, lang: str, t: Translator) -> str:
    if card.blocked:
        status = t("office.users.status.blocked")
    elif card.signed_in:
        status = t("office.users.status.signed_in")
    else:
        status = t("office.users.status.not_signed_in")
    lines = [
        f"<b>{escape(card.name)}</b>",
        t("office.users.roles", roles=escape(roles_text(lang, card.roles))),
        t("office.users.login", login=escape(card.login or "—")),
    ]
    if card.classes:
        lines.append(t("office.users.classes", classes=escape(", ".join(card.classes))))
    lines.append(t("office.users.status.line", status=status))
    if card.credentials_pending:
        lines.append(t("office.users.pending"))
    lines.append(t("office.users.last_seen", at=when(card.last_seen_at)))
    return "\n".join(lines)


def card_markup(card: user_cards.UserCard, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    pid = card.person_id
    kb.button(text=t("office.users.issue"), callback_data=UserCb(action="issue", id=pid))
    kb.button(text=t("office.users.revoke"), callback_data=UserCb(action="revoke", id=pid))
    if card.blocked:
        kb.button(text=t("office.users.unblock"), callback_data=UserCb(action="unblock", id=pid))
    else:
        kb.button(text=t("office.users.block"), callback_data=UserCb(action="block", id=pid))
    if card.is_student:
        kb.button(text=t("office.users.audit"), callback_data=AuditCb(what="stu", id=pid))
    kb.button(text=t("office.users.again"), callback_data=OfficeCb(action="find"))
    kb.adjust(1)
    home_button(kb, t)
    return kb.as_markup()


async def _card(
    session: AsyncSession, actor: Actor, person_id: int, lang: str, t: Translator, note: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    card = await user_cards.user_card(session, actor, person_id)
    text = card_text(card, lang, t)
    return (f"{note}\n\n{text}" if note else text), card_markup(card, t)


async def user_action(
    query: CallbackQuery,
    callback_data: UserCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    bot_username: str,
    bot: Bot,
    lang: str,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, Role.ADMIN)
    pid = callback_data.id
    action = callback_data.action
    if action == "card":
        await state.clear()
        await show(query, *await _card(session, me, pid, lang, t))
    elif action == "issue":
        creds = await accounts.issue_for(session, me, pid)
        kb = InlineKeyboardBuilder()
        kb.button(text=t("office.users.to_card"), callback_data=UserCb(action="card", id=pid))
        text = t(
            "office.users.issued",
            login=escape(creds.login),
            password=escape(creds.password),
            link=escape(accounts.invite_link(bot_username, creds.invite_token)),
            days=max(1, (creds.expires_at - now_of(clock)).days + 1),
        )
        await show(query, text, kb.as_markup())
    elif action == "revoke":
        await tell_ended_sign_ins(bot, await accounts.revoke_for(session, me, pid))
        await show(query, *await _card(session, me, pid, lang, t, t("office.users.revoked")))
    elif action in ("block", "unblock"):
        card = await user_cards.user_card(session, me, pid)
        await state.set_state(UserForm.reason)
        await state.set_data({"person_id": pid, "blocked": action == "block"})
        kb = InlineKeyboardBuilder()
        kb.button(text=t("office.cancel"), callback_data=UserCb(action="card", id=pid))
        key = "office.users.ask_block" if action == "block" else "office.users.ask_unblock"
        await show(query, t(key, name=escape(card.name)), kb.as_markup())
    else:
        raise DomainError("error.invalid")


async def reason_typed(
    message: Message,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    lang: str,
    t: Translator,
) -> None:
    me = require(actor, Role.ADMIN)
    data = await state.get_data()
    reason = (message.text or "").strip()
    if not reason:
        await message.answer(t("office.users.reason_empty"))
        return
    if len(reason) > MAX_REASON:
        await message.answer(t("office.users.reason_long", limit=MAX_REASON))
        return
    pid = int(data.get("person_id", 0))
    blocked = bool(data.get("blocked"))
    await accounts.set_blocked(session, me, pid, blocked=blocked, reason=reason)
    await state.clear()
    note = t("office.users.blocked_done" if blocked else "office.users.unblocked_done")
    text, markup = await _card(session, me, pid, lang, t, note)
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(find_prompt, on(OfficeCb, F.action == "find"))
    router.callback_query.register(user_action, on(UserCb))
    router.message.register(search_typed, StateFilter(UserForm.query), F.text, F.func(not_command))
    router.message.register(reason_typed, StateFilter(UserForm.reason), F.text, F.func(not_command))
    return router
