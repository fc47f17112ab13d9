"""/start: greeting, and sign-in by a one-time invite link (t.me/<bot>?start=<token>)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.commands import set_chat_commands
from bot.i18n import Translator
from handlers.common.render import name_html, roles_text
from services import accounts
from services.enums import Messenger
from services.identity import Actor


async def start_with_invite(
    message: Message, command: CommandObject, session: AsyncSession, bot: Bot
) -> None:
    """Redeem the invite token; a DomainError is answered by the error middleware."""
    assert message.from_user is not None  # private chats always have a sender
    actor = await accounts.redeem_invite(
        session,
        token=(command.args or "").strip(),
        messenger=Messenger.TELEGRAM,
        external_user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
    )
    lang = i18n.pick_lang(actor.language, message.from_user.language_code)
    # The menu first, so that it is in place when the greeting (which mentions it) arrives.
    await set_chat_commands(bot, message.chat.id, actor.roles, lang)
    await message.answer(
        i18n.t(
            lang,
            "start.signed_in",
            name=name_html(actor.display_name),
            roles=roles_text(lang, actor.roles),
        )
    )


async def start(message: Message, actor: Actor | None, lang: str, t: Translator) -> None:
    if actor is None:
        await message.answer(t("start.guest"))
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
