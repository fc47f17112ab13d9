"""/start: greeting, and sign-in by a one-time invite link (t.me/<bot>?start=<token>)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.render import name_html, roles_text
from handlers.common.signin import ask_login, signed_in
from services import accounts
from services.enums import Messenger
from services.identity import Actor


async def start_with_invite(
    message: Message, command: CommandObject, session: AsyncSession, bot: Bot
) -> None:
    """Redeem the invite token; a DomainError is answered by the error middleware."""
    assert message.from_user is not None  # private chats always have a sender
    result = await accounts.sign_in_with_invite(
        session,
        token=(command.args or "").strip(),
        messenger=Messenger.TELEGRAM,
        external_user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
    )
    await signed_in(message, bot, session, result, message.from_user.language_code)


async def start(
    message: Message,
    actor: Actor | None,
    lang: str,
    t: Translator,
    state: FSMContext,
) -> None:
    if actor is None:
        # Without an invite link: sign in step by step with login and one-time password.
        await message.answer(t("start.guest"))
        await ask_login(message, state, t)
        return
    await message.answer(
        t(
            "start.welcome_back",
            name=name_html(actor.display_name),
            roles=roles_text(lang, actor.roles),
        )
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(start_with_invite, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    return router
