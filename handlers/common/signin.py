"""Sign-in by login and one-time password, sign-out, language and role switching.

The password message is deleted as soon as it is read, before it is checked, so a reusable
secret never stays in the chat. Failures are throttled per login and per messenger user.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.i18n import Translator
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.menu import refresh_menu
from handlers.common.render import name_html, roles_text
from handlers.common.screens import on
from screens.actions import Action
from services.enums import Messenger, Role
from services.people import accounts, context
from services.people.identity import Actor
from services.people.throttle import Throttle

log = logging.getLogger(__name__)


class LoginForm(StatesGroup):
    guest = State()  # after a guest's /start: a plausible login is taken, a question answered
    login = State()
    password = State()


class LangCb(Action, prefix="lang"):
    code: str


class RoleCb(Action, prefix="role"):
    role: Role


async def ask_login(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(LoginForm.login)
    await message.answer(t("login.ask_login"))


async def login_command(
    message: Message, state: FSMContext, actor: Actor | None, t: Translator
) -> None:
    if actor is not None:
        await message.answer(t("signin.already_signed_in", name=name_html(actor.display_name)))
        return
    await ask_login(message, state, t)


async def got_login(message: Message, state: FSMContext, t: Translator) -> None:
    login = (message.text or "").strip()
    if not accounts.plausible_login(login):
        # A question or a greeting ("Здравствуйте, как войти?"), not a login: say how to get
        # one from the school; the ways in stay on the buttons.
        from handlers.common.start import guest_keyboard

        await message.answer(t("guest.how_to_get"), reply_markup=guest_keyboard(t))
        return
    await state.update_data(login=login)
    await state.set_state(LoginForm.password)
    await message.answer(t("login.ask_password"))


async def got_password(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    throttle: Throttle,
    t: Translator,
) -> None:
    assert message.from_user is not None
    password = message.text or ""
    # Delete first: whatever happens next, the password does not stay in the chat.
    deleted = True
    try:
        await message.delete()
    except TelegramAPIError:
        deleted = False
        log.warning("could not delete the password message")
    data = await state.get_data()
    await state.clear()
    await message.answer(t("login.password_deleted" if deleted else "login.delete_it_yourself"))
    result = await accounts.sign_in_with_password(
        session,
        login=str(data.get("login", "")),
        password=password,
        messenger=Messenger.TELEGRAM,
        external_user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        throttle=throttle,
    )
    await signed_in(message, bot, session, result, message.from_user.language_code)


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
    await message.answer(
        i18n.t(
            lang,
            "start.signed_in",
            name=name_html(actor.display_name),
            roles=roles_text(lang, actor.roles),
        )
    )
    if result.replaced:
        # One chat, one account: the accounts this chat was signed in to before are ended.
        await message.answer(
            i18n.t(
                lang,
                "login.replaced",
                names=", ".join(name_html(n) for n in result.replaced),
                name=name_html(actor.display_name),
            )
        )
    if result.previous_chat_id is not None:
        try:
            await bot.send_message(
                int(result.previous_chat_id), i18n.t(lang, "login.moved_elsewhere")
            )
            await bot.delete_my_commands(
                scope=BotCommandScopeChat(chat_id=int(result.previous_chat_id))
            )
        except (TelegramAPIError, ValueError):
            log.info("could not tell the previous chat about the new sign-in")


async def cancel(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("login.cancelled"))


async def logout(
    message: Message, session: AsyncSession, bot: Bot, state: FSMContext, t: Translator
) -> None:
    assert message.from_user is not None
    await state.clear()
    ended = await accounts.end_binding(
        session, messenger=Messenger.TELEGRAM, external_user_id=str(message.from_user.id)
    )
    if ended:
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=message.chat.id))
        except TelegramAPIError:
            log.info("could not reset the chat's menu")
    await message.answer(t("logout.done" if ended else "logout.not_signed_in"))


async def language_command(message: Message, actor: Actor | None, t: Translator) -> None:
    if actor is None:
        await message.answer(t("signin.required"))
        return
    kb = InlineKeyboardBuilder()
    for code in i18n.SUPPORTED_LANGS:
        kb.button(text=i18n.t(code, "lang.name"), callback_data=LangCb(code=code))
    await message.answer(t("lang.choose"), reply_markup=kb.as_markup())


async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    actor: Actor | None,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if actor is None or callback_data.code not in i18n.SUPPORTED_LANGS:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    await context.set_language(session, actor, callback_data.code)
    if isinstance(query.message, Message):
        await refresh_menu(bot, query.message.chat.id, session, actor, callback_data.code)
        await query.message.edit_text(i18n.t(callback_data.code, "lang.set"))


async def role_command(
    message: Message, actor: Actor | None, session: AsyncSession, lang: str, t: Translator
) -> None:
    if actor is None:
        await message.answer(t("signin.required"))
        return
    ctx = await context.chat_context(session, actor)
    if len(ctx.roles) < 2:
        await message.answer(t("rolesw.only_one", role=roles_text(lang, ctx.roles)))
        return
    kb = InlineKeyboardBuilder()
    for role in ctx.roles:
        mark = "✅ " if role == ctx.role else ""
        kb.button(text=mark + i18n.t(lang, f"role.{role.value}"), callback_data=RoleCb(role=role))
    kb.adjust(1)
    await message.answer(
        t("rolesw.choose", role=roles_text(lang, [ctx.role])), reply_markup=kb.as_markup()
    )


async def role_chosen(
    query: CallbackQuery,
    callback_data: RoleCb,
    actor: Actor | None,
    session: AsyncSession,
    bot: Bot,
    lang: str,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if actor is None:
        callback_answer.text = t("signin.required")
        callback_answer.show_alert = True
        return
    ctx = await context.set_role(session, actor, callback_data.role)
    if isinstance(query.message, Message):
        await refresh_menu(bot, query.message.chat.id, session, actor, lang)
        await query.message.edit_text(t("rolesw.set", role=roles_text(lang, [ctx.role])))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(cancel, Command("cancel"))
    router.message.register(login_command, Command("login"))
    router.message.register(logout, Command("logout"))
    router.message.register(language_command, Command("language"))
    router.message.register(role_command, Command("role"))
    not_a_command = F.text & ~F.text.startswith("/")
    router.message.register(got_login, StateFilter(LoginForm.guest, LoginForm.login), not_a_command)
    router.message.register(got_password, StateFilter(LoginForm.password), not_a_command)
    router.callback_query.register(language_chosen, on(LangCb))
    router.callback_query.register(role_chosen, on(RoleCb))
    return router
