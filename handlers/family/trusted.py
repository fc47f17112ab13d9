"""/trusted: a parent names a trusted person (a grandparent, a nanny) for the chosen child, says
what they may see, changes it, revokes them (seed 000 §1.3). The screens are in
screens/family/trusted.py; every step is checked again by services/people/trusted.py."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import private
from handlers.common.invite import tell_ended_sign_ins
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from handlers.family.common import family_gate
from screens.family import trusted as screens
from screens.family.trusted import TrustedCb
from screens.screen import Screen
from services.enums import Messenger, Role
from services.errors import DomainError, NotFound
from services.people import accounts, bots, family, policy, trusted
from services.people.context import StudentRef


class TrustedForm(StatesGroup):
    name = State()  # the new person's surname and name, typed


async def _list(turn: Turn, child: StudentRef, note: str = "") -> Screen:
    rows = await trusted.trusted_of(turn.session, turn.me, child.id)
    return screens.list_screen(turn.t, child, rows, note)


async def _row(turn: Turn, child: StudentRef, person_id: int) -> trusted.TrustedRow:
    for row in await trusted.trusted_of(turn.session, turn.me, child.id):
        if row.person_id == person_id:
            return row
    raise NotFound("trusted.not_found")


async def trusted_command(message: Message, turn: Turn) -> None:
    if not turn.me.has(Role.PARENT):
        await message.answer(turn.t("trusted.parents_only"))
        return
    await turn.state.clear()
    child = await family.family_student(turn.session, turn.me)
    await send_screen(message, await _list(turn, child))


async def trusted_button(
    query: CallbackQuery,
    callback_data: TrustedCb,
    turn: Turn,
    bot: Bot,
    bot_username: str = "",
    invite_bots: Mapping[str, str] | None = None,
    messenger_bots: Mapping[str, Bot] | None = None,
    telegram_bots: Mapping[str, Bot] | None = None,
) -> None:
    session, me, t, cb = turn.session, turn.me, turn.t, callback_data
    child = await family.family_student(session, me, cb.s)
    # Only a parent of this child: checked before any prompt or toggle is shown.
    await policy.ensure_can_name_trusted(session, me, child.id)
    if cb.a == "list":
        await turn.state.clear()
        await show_screen(query, await _list(turn, child))
    elif cb.a == "add":
        await turn.state.set_state(TrustedForm.name)
        await turn.state.set_data({"s": child.id})
        await show_screen(query, screens.ask_name_screen(t, child))
    elif cb.a == "tog":
        name = str((await turn.state.get_data()).get("name") or "")
        if not name:
            raise DomainError("trusted.expired")
        await show_screen(query, _replace(screens.choose_screen(t, child, name, cb.m)))
    elif cb.a == "new":
        data = await turn.state.get_data()
        name = str(data.get("name") or "")
        if not name or data.get("s") != child.id:
            raise DomainError("trusted.expired")
        _, creds = await trusted.name_trusted(
            session, me, child.id, name, screens.scopes_of(cb.m), now=turn.now()
        )
        await turn.state.clear()
        usernames = await bots.invite_usernames(
            session, me.school_id, invite_bots or {"telegram": bot_username}
        )
        links = accounts.invite_links(creds.invite_token, usernames)
        days = max(1, (creds.expires_at - turn.now()).days + 1)
        await show_screen(query, screens.issued_screen(t, child, name, creds, links, days))
    elif cb.a == "card":
        await show_screen(query, screens.card_screen(t, child, await _row(turn, child, cb.p)))
    elif cb.a == "set":
        if not cb.m:
            raise DomainError("trusted.no_scopes")
        await trusted.set_scopes(
            session, me, child.id, cb.p, screens.scopes_of(cb.m), now=turn.now()
        )
        row = await _row(turn, child, cb.p)
        await show_screen(query, screens.card_screen(t, child, row, t("trusted.changed")))
    elif cb.a == "rev":
        row = await _row(turn, child, cb.p)
        await show_screen(query, screens.confirm_revoke_screen(t, child, row))
    elif cb.a == "rvy":
        revoked = await trusted.revoke_trusted(session, me, child.id, cb.p, now=turn.now())
        await tell_ended_sign_ins(
            messenger_bots or {Messenger.TELEGRAM: bot}, revoked.ended, telegram_bots=telegram_bots
        )
        note = t("trusted.revoked", name=revoked.name)
        await show_screen(query, await _list(turn, child, note))


def _replace(screen: Screen) -> Screen:
    """A toggle changes the choice in place."""
    return Screen(screen.texts, screen.rows)


async def name_typed(message: Message, turn: Turn) -> None:
    data = await turn.state.get_data()
    child = await family.family_student(turn.session, turn.me, int(data.get("s") or 0) or None)
    await policy.ensure_can_name_trusted(turn.session, turn.me, child.id)
    text = " ".join((message.text or "").split())
    try:
        last, first = trusted.parse_name(text)
    except DomainError:
        await send_screen(message, screens.name_refused_screen(turn.t))
        return
    name = f"{last} {first}"
    await turn.state.set_data({"s": child.id, "name": name})
    await turn.state.set_state(None)
    await send_screen(message, screens.choose_screen(turn.t, child, name, 0))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    router.message.register(trusted_command, Command("trusted"))
    router.callback_query.register(trusted_button, on(TrustedCb))
    router.message.register(
        name_typed, StateFilter(TrustedForm.name), F.text, ~F.text.startswith("/")
    )
    return router
