"""Sign-in by login and one-time password, sign-out, language and role switching.

The typed steps (login, then password) are the conversation of screens/common/signin.py, run on
aiogram's FSM. The password message is deleted as soon as it is read, before it is checked, so a
reusable secret never stays in the chat. Failures are throttled per login and per messenger user.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

import i18n
from handlers.common.conversation import ConversationRunner
from handlers.common.gate import gate, private
from handlers.common.menu import refresh_menu
from handlers.common.screens import on, send_screen, show_screen
from i18n import Translator
from screens.common.actions import LangCb, RoleCb
from screens.common.render import roles_text, text_screen
from screens.common.signin import (
    SIGN_IN,
    language_screen,
    language_set_screen,
    role_screen,
    role_set_screen,
)
from screens.common.start import already_signed_in_screen, signed_in_screen
from services.enums import Messenger
from services.people import accounts, context
from services.people.bots import ReceivingBot
from services.people.identity import Actor
from services.people.throttle import Throttle

log = logging.getLogger(__name__)


async def ask_login(message: Message, state: FSMContext, t: Translator) -> None:
    await RUNNER.ask(message, state, t, "login")


async def login_command(
    message: Message, state: FSMContext, actor: Actor | None, t: Translator
) -> None:
    if actor is not None:
        await send_screen(message, already_signed_in_screen(t, actor.display_name))
        return
    await ask_login(message, state, t)


async def got_password(
    message: Message,
    values: dict[str, Any],
    session: AsyncSession,
    bot: Bot,
    throttle: Throttle,
    t: Translator,
    messenger: Messenger,
    receiving_bot: ReceivingBot | None = None,
) -> None:
    assert message.from_user is not None
    # Delete first: whatever happens next, the password does not stay in the chat.
    deleted = True
    try:
        await message.delete()
    except TelegramAPIError:
        deleted = False
        log.warning("could not delete the password message")
    await message.answer(t("login.password_deleted" if deleted else "login.delete_it_yourself"))
    result = await accounts.sign_in_with_password(
        session,
        login=str(values.get("login", "")),
        password=values["password"],
        messenger=messenger,
        external_user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        throttle=throttle,
        bot=receiving_bot,
    )
    await signed_in(message, bot, session, result, message.from_user.language_code)


RUNNER = ConversationRunner(SIGN_IN, finish={"password": got_password})


async def signed_in(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    result: accounts.SignInResult,
    tg_language: str | None,
) -> None:
    """After any sign-in: the menu, the greeting, and a word to the chat that lost access."""
    actor = result.actor
    lang = i18n.pick_lang(actor.language, tg_language)
    await refresh_menu(bot, message.chat.id, session, actor, lang)
    t = i18n.translator(lang)
    await send_screen(
        message, signed_in_screen(t, actor.display_name, actor.roles, result.replaced)
    )
    if result.previous_chat_id is not None:
        try:
            await bot.send_message(int(result.previous_chat_id), t("login.moved_elsewhere"))
            await bot.delete_my_commands(
                scope=BotCommandScopeChat(chat_id=int(result.previous_chat_id))
            )
        except (TelegramAPIError, ValueError):
            log.info("could not tell the previous chat about the new sign-in")


async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await send_screen(message, text_screen(t, "login.cancelled"))


async def logout(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    state: FSMContext,
    t: Translator,
    messenger: Messenger,
    receiving_bot: ReceivingBot | None = None,
) -> None:
    assert message.from_user is not None
    await state.clear()
    # Only this bot's sign-in: the same user's sign-ins through other bots stay.
    ended = await accounts.end_binding(
        session,
        messenger=messenger,
        external_user_id=str(message.from_user.id),
        bot_id=receiving_bot.key if receiving_bot is not None else None,
    )
    if ended:
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=message.chat.id))
        except TelegramAPIError:
            log.info("could not reset the chat's menu")
    await send_screen(message, text_screen(t, "logout.done" if ended else "logout.not_signed_in"))


async def language_command(message: Message, t: Translator) -> None:
    await send_screen(message, language_screen(t, i18n.SUPPORTED_LANGS))


async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    me: Actor,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.code not in i18n.SUPPORTED_LANGS:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    await context.set_language(session, me, callback_data.code)
    if isinstance(query.message, Message):
        await refresh_menu(bot, query.message.chat.id, session, me, callback_data.code)
        await show_screen(query, language_set_screen(i18n.translator(callback_data.code)))


async def role_command(message: Message, me: Actor, session: AsyncSession, t: Translator) -> None:
    ctx = await context.chat_context(session, me)
    if len(ctx.roles) < 2:
        only = roles_text(t.lang, ctx.roles)
        await send_screen(message, text_screen(t, "rolesw.only_one", role=only))
        return
    await send_screen(message, role_screen(t, ctx.roles, ctx.role))


async def role_chosen(
    query: CallbackQuery,
    callback_data: RoleCb,
    me: Actor,
    session: AsyncSession,
    bot: Bot,
    lang: str,
    t: Translator,
) -> None:
    ctx = await context.set_role(session, me, callback_data.role)
    if isinstance(query.message, Message):
        await refresh_menu(bot, query.message.chat.id, session, me, lang)
        await show_screen(query, role_set_screen(t, ctx.role))


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(cancel, Command("cancel"))
    router.message.register(login_command, Command("login"))
    router.message.register(logout, Command("logout"))
    RUNNER.register(router)  # the typed login and password
    # The language and the role: for the signed-in only (a guest is asked to sign in).
    settings = private(gate(Router(name=f"{__name__}.settings")))
    settings.message.register(language_command, Command("language"))
    settings.message.register(role_command, Command("role"))
    settings.callback_query.register(language_chosen, on(LangCb))
    settings.callback_query.register(role_chosen, on(RoleCb))
    router.include_router(settings)
    return router
