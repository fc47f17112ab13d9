"""The office's student movement (seed 002 §5.1.9), from a student's card: departure (the
student's and the family's access ends; their chats are told at once), transfer to another class,
arrival; each under an order, its date and number typed. The rules are in
services/people/enrolment.py."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.invite import tell_ended_sign_ins
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin import movement as screens
from screens.admin.movement import MoveCb
from screens.common.dates import parse_day
from services.enums import Messenger, Role
from services.errors import DomainError
from services.models import SchoolClass
from services.people import enrolment, family, policy
from services.school import office_reads


class MoveForm(StatesGroup):
    details = State()  # the date, the order and the reason, typed


async def _card(turn: Turn, student_id: int) -> enrolment.MovementCard:
    today = await family.today_for(turn.session, turn.me, turn.now())
    return await enrolment.movement_card(turn.session, turn.me, student_id, today)


async def move_button(query: CallbackQuery, callback_data: MoveCb, turn: Turn) -> None:
    cb, t = callback_data, turn.t
    card = await _card(turn, cb.p)
    if cb.a == "menu":
        await turn.state.clear()
        await show_screen(query, screens.menu_screen(t, card))
        return
    if cb.a == "to" or (cb.a == "arrive" and not cb.c):
        classes = await office_reads.office_classes(turn.session, turn.me)
        arrival = cb.a == "arrive"
        await show_screen(query, screens.classes_screen(t, card, classes, arrival=arrival))
        return
    what = {"leave": "leave", "cls": "transfer", "arrive": "arrive"}[cb.a]
    to_class = None
    if cb.c:
        to_class = (await policy.load(turn.session, turn.me, SchoolClass, cb.c)).name
    await turn.state.set_state(MoveForm.details)
    await turn.state.set_data({"p": card.student_id, "what": what, "c": cb.c})
    await show_screen(query, screens.ask_details_screen(t, card, what, to_class))


def split_details(text: str) -> tuple[str, str, str | None] | None:
    """ "20.11.2026; № 45-у; переезд" → (date, order, reason); the reason may be left out, and
    without semicolons the first word is the date and the rest the order."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) == 1:
        head, _, rest = text.strip().partition(" ")
        parts = [head, rest.strip()]
    if len(parts) > 3 or len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1], (parts[2] if len(parts) == 3 else None) or None


async def details_typed(
    message: Message,
    turn: Turn,
    bot: Bot,
    messenger_bots: Mapping[str, Bot] | None = None,
    telegram_bots: Mapping[str, Bot] | None = None,
) -> None:
    session, me, t = turn.session, turn.me, turn.t
    data = await turn.state.get_data()
    student_id, what, class_id = int(data.get("p", 0)), str(data.get("what")), int(data.get("c", 0))
    parts = split_details(message.text or "")
    today = await family.today_for(session, me, turn.now())
    day = parse_day(parts[0], today) if parts else None
    if parts is None or day is None:
        await send_screen(message, screens.details_refused_screen(t))
        return
    _, order, reason = parts
    now = turn.now()
    if what == "leave":
        departure = await enrolment.leave_school(
            session, me, student_id, day, note=reason, order=order, now=now
        )
        await tell_ended_sign_ins(
            messenger_bots or {Messenger.TELEGRAM: bot},
            departure.ended,
            telegram_bots=telegram_bots,
        )
        note = t("movement.left", date=day.strftime("%d.%m.%Y"), order=order)
    elif what == "transfer":
        moved = await enrolment.transfer_student(
            session, me, student_id, class_id, day, note=reason, order=order, now=now
        )
        cls = await session.get(SchoolClass, moved.class_id)
        name = cls.name if cls else ""
        note = t("movement.transferred", date=day.strftime("%d.%m.%Y"), cls=name, order=order)
    elif what == "arrive":
        await enrolment.arrive(
            session, me, student_id, class_id, day, note=reason, order=order, now=now
        )
        cls = await session.get(SchoolClass, class_id)
        name = cls.name if cls else ""
        note = t("movement.arrived", date=day.strftime("%d.%m.%Y"), cls=name, order=order)
    else:
        raise DomainError("error.invalid")
    await turn.state.clear()
    card = await enrolment.movement_card(session, me, student_id, day)
    await send_screen(message, screens.menu_screen(t, card, note))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(move_button, on(MoveCb))
    router.message.register(
        details_typed, StateFilter(MoveForm.details), F.text, ~F.text.startswith("/")
    )
    return router
