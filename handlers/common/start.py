"""/start: greeting, and sign-in by a one-time invite link (t.me/<bot>?start=<token>).

A guest's /start offers the ways in as buttons (the invite link explained, login and password,
where to get credentials) and does not take the next message as a login: a question typed by a
guest ("Здравствуйте, как войти?") is answered with how to get credentials from the school; a
plausible login typed right away is still taken as one (the "guest" step of the sign-in
conversation, screens/common/signin.py).
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import private
from handlers.common.screens import on, send_screen
from handlers.common.signin import RUNNER, ask_login, signed_in
from i18n import Translator
from screens.common.actions import GuestCb
from screens.common.render import text_screen
from screens.common.start import already_signed_in_screen, guest_screen, welcome_back_screen
from services.enums import Messenger
from services.people import accounts
from services.people.bots import ReceivingBot
from services.people.identity import Actor
from services.people.throttle import Throttle


async def start_with_invite(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    throttle: Throttle,
    state: FSMContext,
    messenger: Messenger,
    receiving_bot: ReceivingBot | None = None,
) -> None:
    """Redeem the invite token; a DomainError is answered by the error middleware.

    Tokens are throttled per chat like passwords: a guessing chat is paused, nobody else. The
    binding is made through the bot that received the token; a school bound to another bot
    refuses it with that bot's link (the token stays valid)."""
    assert message.from_user is not None  # private chats always have a sender
    await state.clear()
    result = await accounts.sign_in_with_invite(
        session,
        token=(command.args or "").strip(),
        messenger=messenger,
        external_user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        throttle=throttle,
        bot=receiving_bot,
    )
    await signed_in(message, bot, session, result, message.from_user.language_code)


async def start(message: Message, actor: Actor | None, t: Translator, state: FSMContext) -> None:
    if actor is None:
        # Without an invite link: the ways in as buttons; the next message is not a login.
        await RUNNER.ask(message, state, t, "guest")
        return
    await send_screen(message, welcome_back_screen(t, actor.display_name, actor.roles))


async def guest_choice(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor | None,
    state: FSMContext,
    t: Translator,
) -> None:
    if not isinstance(query.message, Message):
        return
    if actor is not None:
        await send_screen(query.message, already_signed_in_screen(t, actor.display_name))
        return
    if callback_data.action == "login":
        await ask_login(query.message, state, t)
    elif callback_data.action == "link":
        await send_screen(query.message, text_screen(t, "guest.link_explained"))
    else:
        await send_screen(query.message, guest_screen(t, "guest.how_to_get"))


def build_router() -> Router:
    router = private(Router(name=__name__))
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.callback_query.register(guest_choice, on(GuestCb))
    return router
