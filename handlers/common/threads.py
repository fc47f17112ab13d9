"""/messages: teacher ↔ family messages in the bot (services/family_messages; the screens:
screens/common/threads.py). The list of one's threads, a thread's page (opening it is the
"read" mark), writing — a text, a photo or a file — to one of the child's teachers or in a
thread, the teacher's "close" and "reopen", a message's file. A typed message in the compose
step is relayed by the bot under the sender's name only; every id from a button is checked
again by the service (a forged one is refused).

:func:`build_offer_router` is included just before the fallback: a parent's text that no
conversation waits for is offered to the child's teachers (kept as the draft) instead of
"Не понял сообщение"; anyone else still gets the hint.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate, private
from handlers.common.screens import answer_screen, on, send_screen, show_screen
from handlers.common.turn import Clock, Turn
from i18n import Translator
from screens.common.render import text_screen
from screens.common.threads import (
    ThreadCb,
    ThreadNewCb,
    compose_screen,
    list_screen,
    sent_screen,
    teachers_screen,
    thread_screen,
)
from services.errors import DomainError
from services.family_messages import reads, threads
from services.models import utcnow
from services.people.context import chat_context
from services.people.identity import Actor

DRAFT = "thread_draft"


class Compose(StatesGroup):
    """Waiting for the message (text, photo or file): ``thread`` or ``student`` + ``teacher``
    in the state's data."""

    message = State()


async def _list(turn: Turn, *, replace: bool = False) -> Any:
    items = await reads.thread_list(turn.session, turn.me, now=turn.now())
    children = await reads.writable_children(turn.session, turn.me)
    return list_screen(turn.t, items, children, replace=replace)


async def messages_command(message: Message, turn: Turn) -> None:
    await turn.state.set_state(None)
    await send_screen(message, await _list(turn))


async def _thread(turn: Turn, thread_id: int, page: int = 0) -> Any:
    view = await reads.open_thread(turn.session, turn.me, thread_id, page, now=turn.now())
    return thread_screen(turn.t, view, messenger=turn.me.messenger)


async def thread_button(query: CallbackQuery, callback_data: ThreadCb, turn: Turn) -> None:
    op, thread_id = callback_data.op, callback_data.id
    if op == "list":
        await show_screen(query, await _list(turn, replace=True))
    elif op == "open":
        await show_screen(query, await _thread(turn, thread_id, callback_data.p))
    elif op == "cancel":
        await turn.state.set_state(None)
        await show_screen(query, text_screen(turn.t, "threads.cancelled"))
    elif op in ("close", "reopen"):
        await threads.set_closed(turn.session, turn.me, thread_id, op == "close", now=turn.now())
        await show_screen(query, await _thread(turn, thread_id))
    elif op == "reply":
        view = await reads.open_thread(turn.session, turn.me, thread_id, now=turn.now())
        if not view.can_write:
            if view.ended is not None:
                raise DomainError(
                    f"threads.ended_{view.ended}",
                    teacher=view.teacher,
                    child=view.child,
                    class_name=view.class_name,
                )
            raise DomainError("threads.closed")
        teacher = view.role == "teacher"
        await turn.state.set_state(Compose.message)
        await turn.state.update_data(thread=thread_id)
        to = view.child if teacher else view.teacher
        await answer_screen(query, compose_screen(turn.t, to, teacher=teacher))
    elif op == "file":
        await _send_file(query, turn, thread_id)


async def _send_file(query: CallbackQuery, turn: Turn, message_id: int) -> None:
    file = await reads.message_file(turn.session, turn.me, message_id)
    target = query.message
    if file.messenger is not None and file.messenger != turn.me.messenger:
        # File ids are the messenger's own: one sent in MAX cannot be shown in Telegram.
        where = turn.t(f"threads.messenger.{file.messenger}")
        raise DomainError("threads.file_elsewhere", messenger=where)
    if not isinstance(target, Message):
        return
    if file.kind == "photo":
        await target.answer_photo(file.ref)
    else:
        await target.answer_document(file.ref)


async def new_button(query: CallbackQuery, callback_data: ThreadNewCb, turn: Turn) -> None:
    """A child's teachers; a teacher chosen: the compose step (or the draft sent)."""
    choice = await reads.child_teachers(turn.session, turn.me, callback_data.s, now=turn.now())
    if not callback_data.t:
        await show_screen(query, teachers_screen(turn.t, choice))
        return
    teacher = next((c for c in choice.teachers if c.teacher_id == callback_data.t), None)
    if teacher is None:
        # Not one of the child's teachers: the service refuses it (and logs it) like a forgery.
        await threads.write_to_teacher(
            turn.session, turn.me, callback_data.s, callback_data.t, "", now=turn.now()
        )
        return
    data = await turn.state.get_data()
    draft = data.get(DRAFT)
    if callback_data.d and isinstance(draft, str) and draft:
        now = turn.now()
        sent = await threads.write_to_teacher(
            turn.session, turn.me, callback_data.s, callback_data.t, draft, now=now
        )
        await turn.state.update_data({DRAFT: None})
        await show_screen(query, sent_screen(turn.t, sent, now, ZoneInfo(turn.me.timezone)))
        return
    await turn.state.set_state(Compose.message)
    await turn.state.update_data(thread=None, student=callback_data.s, teacher=callback_data.t)
    await answer_screen(query, compose_screen(turn.t, teacher.name))


def _content(message: Message, messenger: str | None) -> tuple[str, threads.Attachment | None]:
    """The text (or caption) and the file of a message: the largest photo, or a document."""
    if message.photo:
        ref = message.photo[-1].file_id
        return message.caption or "", threads.Attachment("photo", ref, None, messenger)
    if message.document is not None:
        doc = message.document
        return message.caption or "", threads.Attachment(
            "document", doc.file_id, doc.file_name, messenger
        )
    if message.text is not None:
        return message.text, None
    raise DomainError("threads.bad_file")


async def compose_message(message: Message, turn: Turn) -> None:
    """The message of the compose step: relayed, and the sender told when it arrives."""
    data = await turn.state.get_data()
    text, attachment = _content(message, turn.me.messenger)
    now = turn.now()
    thread_id = data.get("thread")
    if isinstance(thread_id, int) and thread_id:
        sent = await threads.write_in_thread(
            turn.session, turn.me, thread_id, text, attachment=attachment, now=now
        )
    else:
        sent = await threads.write_to_teacher(
            turn.session,
            turn.me,
            int(data.get("student") or 0),
            int(data.get("teacher") or 0),
            text,
            attachment=attachment,
            now=now,
        )
    await turn.state.set_state(None)
    await send_screen(message, sent_screen(turn.t, sent, now, ZoneInfo(turn.me.timezone)))


def build_router() -> Router:
    router = gate(private(Router(name=__name__)))
    router.message.register(messages_command, Command("messages"))
    router.callback_query.register(thread_button, on(ThreadCb))
    router.callback_query.register(new_button, on(ThreadNewCb))
    router.message.register(
        compose_message,
        StateFilter(Compose.message),
        F.text | F.photo | F.document,
        ~F.text.startswith("/"),
    )
    return router


# --------------------------------------------------------------------------- the offer


async def offer_text(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    family_clock: Clock | None = None,
) -> None:
    """A text nobody waited for: a parent is offered to send it to one of the child's teachers
    (the text kept as the draft); anyone else gets the fallback's hint."""
    children = await reads.writable_children(session, actor) if actor is not None else []
    if actor is None or not children or not message.text:
        await send_screen(message, text_screen(t, "fallback.unknown_text"))
        return
    ids = [c[0] for c in children]
    ctx = await chat_context(session, actor)
    student_id = ctx.student.id if ctx.student is not None and ctx.student.id in ids else ids[0]
    now = family_clock() if family_clock is not None else utcnow()
    choice = await reads.child_teachers(session, actor, student_id, now=now)
    draft = message.text.strip()[:4000]
    await state.update_data({DRAFT: draft})
    await send_screen(message, teachers_screen(t, choice, draft, replace=False))


def build_offer_router() -> Router:
    router = private(Router(name=f"{__name__}.offer"))
    router.message.register(offer_text, StateFilter(None), F.text, ~F.text.startswith("/"))
    return router
