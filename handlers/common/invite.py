"""/invite: the admin (anyone in the school) and a class teacher (their class's students and
families) issue a one-time password and invite link, re-issue it, or end a person's sign-in.

Every id in a button is checked again by the services' access policy: a forged button for
another class or family is refused and logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BotCommandScopeChat, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.config import Settings
from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.actions import Action
from screens.bounds import OneOf, OptId, Page, typed_query
from services.enums import Messenger, Role
from services.people import accounts, roster
from services.people.identity import Actor

log = logging.getLogger(__name__)

PAGE = 16


class InviteCb(Action, prefix="inv"):
    action: Annotated[str, OneOf("cls", "stu", "per", "issue", "revoke", "page")]
    id: OptId = 0
    page: Page = 0


class InviteSearch(StatesGroup):
    query = State()


def _status(row: roster.PersonRow, t: Translator) -> str:
    if row.blocked:
        return "⛔"
    return "✅" if row.signed_in else "▫️"


def _people_keyboard(
    rows: list[roster.PersonRow], action: str, t: Translator, *, page: int = 0, class_id: int = 0
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    chunk = rows[page * PAGE : (page + 1) * PAGE]
    for row in chunk:
        kb.button(
            text=f"{_status(row, t)} {row.name}", callback_data=InviteCb(action=action, id=row.id)
        )
    kb.adjust(1)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text="◀", callback_data=InviteCb(action="page", id=class_id, page=page - 1))
    if (page + 1) * PAGE < len(rows):
        nav.button(text="▶", callback_data=InviteCb(action="page", id=class_id, page=page + 1))
    kb.attach(nav)
    return kb.as_markup()


async def invite_command(
    message: Message, actor: Actor | None, session: AsyncSession, state: FSMContext, t: Translator
) -> None:
    if actor is None or not actor.has(Role.CLASS_TEACHER, Role.ADMIN):
        await message.answer(t("invite.not_allowed"))
        return
    classes = await roster.classes_of_class_teacher(session, actor)
    if actor.has(Role.ADMIN):
        await state.set_state(InviteSearch.query)
    if len(classes) == 1 and not actor.has(Role.ADMIN):
        rows = await roster.class_students(session, actor, classes[0].id)
        await message.answer(
            t("invite.pick_student", cls=escape(classes[0].name)),
            reply_markup=_people_keyboard(rows, "stu", t, class_id=classes[0].id),
        )
        return
    kb = InlineKeyboardBuilder()
    for cls in classes:
        kb.button(text=cls.name, callback_data=InviteCb(action="cls", id=cls.id))
    kb.adjust(4)
    text = t("invite.admin_intro") if actor.has(Role.ADMIN) else t("invite.pick_class")
    await message.answer(text, reply_markup=kb.as_markup())


async def search_query(
    message: Message, actor: Actor | None, session: AsyncSession, t: Translator
) -> None:
    if actor is None:
        return
    rows = await roster.search(session, actor, typed_query(message.text or ""))
    if not rows:
        await message.answer(t("invite.nothing_found"))
        return
    await message.answer(t("invite.found"), reply_markup=_people_keyboard(rows, "per", t))


async def on_class(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    rows = await roster.class_students(session, actor, callback_data.id)
    await query.message.edit_text(
        t("invite.pick_student", cls=""),
        reply_markup=_people_keyboard(
            rows, "stu", t, page=callback_data.page, class_id=callback_data.id
        ),
    )


async def on_student(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    rows = await roster.student_family(session, actor, callback_data.id)
    await query.message.edit_text(
        t("invite.pick_person"), reply_markup=_people_keyboard(rows, "per", t)
    )


async def on_person(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    signed_in = await accounts.is_signed_in(session, actor, callback_data.id)
    kb = InlineKeyboardBuilder()
    if not signed_in:
        # A signed-in account gets new credentials only after its sign-in is ended (and its
        # holder told): shown to the issuer, they would hand the account over to the issuer.
        kb.button(
            text=t("invite.issue"), callback_data=InviteCb(action="issue", id=callback_data.id)
        )
    kb.button(text=t("invite.revoke"), callback_data=InviteCb(action="revoke", id=callback_data.id))
    kb.adjust(1)
    text = t("invite.person_signed_in") if signed_in else t("invite.person_actions")
    await query.message.edit_text(text, reply_markup=kb.as_markup())


async def on_issue(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor | None,
    session: AsyncSession,
    bot_username: str,
    settings: Settings,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    creds = await accounts.issue_for(
        session, actor, callback_data.id, ttl=dt.timedelta(days=settings.credential_ttl_days)
    )
    await query.message.edit_text(
        t(
            "invite.issued",
            login=escape(creds.login),
            password=escape(creds.password),
            link=escape(accounts.invite_link(bot_username, creds.invite_token)),
            days=(creds.expires_at - accounts.utcnow()).days + 1,
        )
    )


async def on_revoke(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor | None,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
) -> None:
    if actor is None or not isinstance(query.message, Message):
        return
    ended = await accounts.revoke_for(session, actor, callback_data.id)
    await tell_ended_sign_ins(bot, ended)
    await query.message.edit_text(t("invite.revoked"))


async def tell_ended_sign_ins(bot: Bot, ended: list[accounts.EndedBinding]) -> None:
    """The holder learns at once, in the chat that lost access, that the school ended it
    (and is asked to tell the school if they did not ask for it); its menu is reset."""
    for binding in ended:
        if binding.messenger != Messenger.TELEGRAM:
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
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(invite_command, Command("invite"))
    router.message.register(
        search_query, StateFilter(InviteSearch.query), F.text & ~F.text.startswith("/")
    )
    router.callback_query.register(on_class, on(InviteCb, F.action.in_({"cls", "page"})))
    router.callback_query.register(on_student, on(InviteCb, F.action == "stu"))
    router.callback_query.register(on_person, on(InviteCb, F.action == "per"))
    router.callback_query.register(on_issue, on(InviteCb, F.action == "issue"))
    router.callback_query.register(on_revoke, on(InviteCb, F.action == "revoke"))
    return router
