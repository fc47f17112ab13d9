"""/invite: the admin (anyone in the school) and a class teacher (their class's students and
families) issue a one-time password and invite link, re-issue it, or end a person's sign-in.

Every id in a button is checked again by the services' access policy: a forged button for
another class or family is refused and logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

import i18n
from handlers.common.gate import private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Handler, Turn, with_turn
from i18n import Translator
from screens.bounds import typed_query
from screens.common.actions import InviteCb
from screens.common.invite import (
    classes_screen,
    issued_screen,
    people_screen,
    person_screen,
    students_screen,
)
from screens.common.render import text_screen
from services.enums import Messenger, Role
from services.people import accounts, bots, roster
from services.people.identity import Actor

log = logging.getLogger(__name__)


class CredentialSettings(Protocol):
    """What issuing credentials reads of the bot's settings (bot.config.Settings has it)."""

    credential_ttl_days: int


class InviteSearch(StatesGroup):
    query = State()


async def invite_command(
    message: Message, actor: Actor | None, session: AsyncSession, state: FSMContext, t: Translator
) -> None:
    if actor is None or not actor.has(Role.CLASS_TEACHER, Role.ADMIN):
        await message.answer(t("invite.not_allowed"))
        return
    classes = await roster.classes_of_class_teacher(session, actor)
    admin = actor.has(Role.ADMIN)
    if admin:
        await state.set_state(InviteSearch.query)
    if len(classes) == 1 and not admin:
        (only,) = classes
        rows = await roster.class_students(session, actor, only.id)
        screen = students_screen(t, rows, class_name=only.name, class_id=only.id, replace=False)
        await send_screen(message, screen)
        return
    await send_screen(message, classes_screen(t, classes, admin=admin))


async def search_query(
    message: Message, actor: Actor | None, session: AsyncSession, t: Translator
) -> None:
    if actor is None:
        return
    rows = await roster.search(session, actor, typed_query(message.text or ""))
    if not rows:
        await send_screen(message, text_screen(t, "invite.nothing_found"))
        return
    await send_screen(message, people_screen(t, "invite.found", rows, replace=False))


class SignedInPress(BaseMiddleware):
    """The invite screens' buttons do nothing for a guest or on a message too old to edit;
    anyone else's press reaches its handler with ``me`` (and ``turn``)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor = data.get("actor")
        if actor is None or not isinstance(getattr(event, "message", None), Message):
            return None
        data["me"] = actor
        return await handler(event, data)


async def on_class(query: CallbackQuery, callback_data: InviteCb, turn: Turn) -> None:
    rows = await roster.class_students(turn.session, turn.me, callback_data.id)
    screen = students_screen(turn.t, rows, class_id=callback_data.id, page=callback_data.page)
    await show_screen(query, screen)


async def on_student(query: CallbackQuery, callback_data: InviteCb, turn: Turn) -> None:
    rows = await roster.student_family(turn.session, turn.me, callback_data.id)
    await show_screen(query, people_screen(turn.t, "invite.pick_person", rows, replace=True))


async def on_person(query: CallbackQuery, callback_data: InviteCb, turn: Turn) -> None:
    signed_in = await accounts.is_signed_in(turn.session, turn.me, callback_data.id)
    await show_screen(query, person_screen(turn.t, callback_data.id, signed_in=signed_in))


async def on_issue(
    query: CallbackQuery,
    callback_data: InviteCb,
    turn: Turn,
    bot_username: str,
    settings: CredentialSettings,
    invite_bots: Mapping[str, str] | None = None,
) -> None:
    ttl = dt.timedelta(days=settings.credential_ttl_days)
    creds = await accounts.issue_for(turn.session, turn.me, callback_data.id, ttl=ttl)
    # A school with a bot of its own (python -m bot school-bot): its people sign in there.
    usernames = await bots.invite_usernames(
        turn.session, turn.me.school_id, invite_bots or {"telegram": bot_username}
    )
    links = accounts.invite_links(creds.invite_token, usernames)
    days = (creds.expires_at - accounts.utcnow()).days + 1
    await show_screen(query, issued_screen(turn.t, creds.login, creds.password, links, days))


async def on_revoke(
    query: CallbackQuery,
    callback_data: InviteCb,
    turn: Turn,
    bot: Bot,
    messenger_bots: Mapping[str, Bot] | None = None,
    telegram_bots: Mapping[str, Bot] | None = None,
) -> None:
    ended = await accounts.revoke_for(turn.session, turn.me, callback_data.id)
    await tell_ended_sign_ins(
        messenger_bots or {Messenger.TELEGRAM: bot}, ended, telegram_bots=telegram_bots
    )
    await show_screen(query, text_screen(turn.t, "invite.revoked", replace=True))


async def tell_ended_sign_ins(
    bots: Mapping[str, Bot],
    ended: list[accounts.EndedBinding],
    *,
    telegram_bots: Mapping[str, Bot] | None = None,
) -> None:
    """The holder learns at once, in each chat that lost access (in each messenger the bot runs
    in: ``bots``, each messenger's default bot; a chat with another Telegram bot of the
    deployment through that bot, from ``telegram_bots`` by id), that the school ended it (and is
    asked to tell the school if they did not ask for it); its menu is reset."""
    for binding in ended:
        bot = None
        if binding.bot_id is not None and binding.messenger == Messenger.TELEGRAM:
            bot = (telegram_bots or {}).get(binding.bot_id)
            if bot is None:
                log.info("the chat's bot does not run in this process: not told")
                continue
        bot = bot or bots.get(str(binding.messenger))
        if bot is None:
            continue
        try:
            chat_id = int(binding.chat_id)
            await bot.send_message(
                chat_id, i18n.t(i18n.pick_lang(binding.language, None), "login.revoked_by_school")
            )
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
        except (TelegramAPIError, ValueError):
            log.info("could not tell the chat that its sign-in was ended")


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(invite_command, Command("invite"))
    router.message.register(
        search_query, StateFilter(InviteSearch.query), F.text & ~F.text.startswith("/")
    )
    buttons = Router(name=f"{__name__}.buttons")
    buttons.callback_query.middleware(SignedInPress())
    with_turn(buttons)
    buttons.callback_query.register(on_class, on(InviteCb, F.action.in_({"cls", "page"})))
    buttons.callback_query.register(on_student, on(InviteCb, F.action == "stu"))
    buttons.callback_query.register(on_person, on(InviteCb, F.action == "per"))
    buttons.callback_query.register(on_issue, on(InviteCb, F.action == "issue"))
    buttons.callback_query.register(on_revoke, on(InviteCb, F.action == "revoke"))
    router.include_router(buttons)
    return router
