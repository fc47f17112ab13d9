"""The admin's user tools: find a person (surname or login), their card (roles, signed in,
blocked) and what to do with it: issue a one-time sign-in, revoke it, block or unblock the
account (with a reason, typed), see the audit log of a student."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate, private
from handlers.common.invite import tell_ended_sign_ins
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from i18n import Translator
from screens.admin import users as screens
from screens.admin.actions import OfficeCb, UserCb
from screens.bounds import typed_query
from screens.screen import Screen
from services.enums import Messenger, Role
from services.errors import DomainError
from services.people import accounts, bots, roster, user_cards
from services.people.identity import Actor

MAX_REASON = 500


class UserForm(StatesGroup):
    query = State()
    reason = State()  # block / unblock: the reason, typed


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


async def find_prompt(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(UserForm.query)
    await show_screen(query, screens.ask_screen(t))


async def search_typed(message: Message, me: Actor, session: AsyncSession, t: Translator) -> None:
    rows = await roster.search(session, me, typed_query(message.text or ""))
    await send_screen(message, screens.found_screen(t, rows))


async def card(
    session: AsyncSession, actor: Actor, person_id: int, t: Translator, note: str = ""
) -> Screen:
    return screens.card_screen(t, await user_cards.user_card(session, actor, person_id), note)


async def user_action(
    query: CallbackQuery,
    callback_data: UserCb,
    turn: Turn,
    bot_username: str,
    bot: Bot,
    invite_bots: Mapping[str, str] | None = None,
    messenger_bots: Mapping[str, Bot] | None = None,
    telegram_bots: Mapping[str, Bot] | None = None,
) -> None:
    session, me, state, t = turn.session, turn.me, turn.state, turn.t
    pid = callback_data.id
    action = callback_data.action
    if action == "card":
        await state.clear()
        await show_screen(query, await card(session, me, pid, t))
    elif action == "issue":
        creds = await accounts.issue_for(session, me, pid)
        usernames = await bots.invite_usernames(
            session, me.school_id, invite_bots or {"telegram": bot_username}
        )
        links = accounts.invite_links(creds.invite_token, usernames)
        await show_screen(query, screens.issued_screen(t, pid, creds, links, turn.now()))
    elif action == "revoke":
        ended = await accounts.revoke_for(session, me, pid)
        await tell_ended_sign_ins(
            messenger_bots or {Messenger.TELEGRAM: bot}, ended, telegram_bots=telegram_bots
        )
        await show_screen(query, await card(session, me, pid, t, t("office.users.revoked")))
    elif action in ("block", "unblock"):
        person = await user_cards.user_card(session, me, pid)
        await state.set_state(UserForm.reason)
        await state.set_data({"person_id": pid, "blocked": action == "block"})
        await show_screen(query, screens.ask_reason_screen(t, person, block=action == "block"))
    else:
        raise DomainError("error.invalid")


async def reason_typed(
    message: Message, me: Actor, session: AsyncSession, state: FSMContext, t: Translator
) -> None:
    data = await state.get_data()
    reason = (message.text or "").strip()
    if not reason or len(reason) > MAX_REASON:
        limit = MAX_REASON if reason else 0
        await send_screen(message, screens.reason_refused_screen(t, limit=limit))
        return
    pid = int(data.get("person_id", 0))
    blocked = bool(data.get("blocked"))
    await accounts.set_blocked(session, me, pid, blocked=blocked, reason=reason)
    await state.clear()
    note = t("office.users.blocked_done" if blocked else "office.users.unblocked_done")
    await send_screen(message, await card(session, me, pid, t, note))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(find_prompt, on(OfficeCb, F.action == "find"))
    router.callback_query.register(user_action, on(UserCb))
    router.message.register(search_typed, StateFilter(UserForm.query), F.text, F.func(not_command))
    router.message.register(reason_typed, StateFilter(UserForm.reason), F.text, F.func(not_command))
    return router
