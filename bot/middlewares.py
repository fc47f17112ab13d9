"""Dispatcher middlewares: logging, one DB session per update, identity and language, errors.

Order (outermost first), see :func:`setup_middlewares`:

* update (outer): :class:`UpdateLogMiddleware` → :class:`DbSessionMiddleware` →
  :class:`IdentityMiddleware`
* callback_query (inner): ``CallbackAnswerMiddleware`` → :class:`HandlerErrorMiddleware`
* message (inner): :class:`TypedTextMiddleware` → :class:`HandlerErrorMiddleware`
* every other event (inner): :class:`HandlerErrorMiddleware`

So a DomainError from a callback handler becomes the text of the one callback answer (an alert),
and every middleware returns what the handler returned. Handlers never answer a callback query
themselves: they set ``callback_answer.text`` (and ``show_alert``), which the
CallbackAnswerMiddleware sends, once, after the handler (Telegram refuses a second answer).
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.bases import CancelHandler, SkipHandler
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import DEFAULT_LANG, has_key, pick_lang, t, translator
from services.enums import Messenger
from services.errors import DomainError
from services.models import utcnow
from services.people.bots import DEFAULT_BOT_IDS, ReceivingBot
from services.people.identity import mark_seen, resolve_actor

log = logging.getLogger("bot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
LOG_CONTEXT_KEY = "log_context"


class UpdateLogMiddleware(BaseMiddleware):
    """One log line per update: update_id, user_id, handler, duration_ms (no message text)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        context: dict[str, Any] = {}
        data[LOG_CONTEXT_KEY] = context
        started = time.perf_counter()
        user: User | None = data.get("event_from_user")
        fields: dict[str, Any] = {
            "update_id": event.update_id if isinstance(event, Update) else None,
            "update_type": event.event_type if isinstance(event, Update) else None,
            "user_id": user.id if user else None,
        }
        try:
            result = await handler(event, data)
        except Exception:
            fields.update(context, duration_ms=_ms(started), outcome="error")
            log.exception("update failed", extra=fields)
            raise
        fields.update(
            context,
            duration_ms=_ms(started),
            outcome="unhandled" if context.get("handler") is None else "handled",
        )
        log.info("update", extra=fields)
        return result


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class DbSessionMiddleware(BaseMiddleware):
    """Opens one AsyncSession per update from ``session_factory`` in the workflow data.

    Handlers get it as ``session``; services commit what they change. Closing the session at
    the end rolls back anything left uncommitted, so a failure never leaves half-written rows.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession] | None = None) -> None:
        self.session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        factory: async_sessionmaker[AsyncSession] | None = self.session_factory or data.get(
            "session_factory"
        )
        if factory is None:
            raise RuntimeError("session_factory is missing from the dispatcher's workflow data")
        async with factory() as session:
            data["session"] = session
            try:
                return await handler(event, data)
            finally:
                if session.in_transaction():
                    await session.rollback()


class IdentityMiddleware(BaseMiddleware):
    """Resolves ``actor`` (or None) for the update's user and sets ``lang`` and ``t``.

    A deployment may run several bots of a messenger (one Dispatcher polls them all): the
    identity is the user's binding through the bot that received the update
    (``receiving_bot``: its id and the messenger's default bot's, from the workflow data's
    ``default_bot_ids``; without it the receiving bot is the default one)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        session: AsyncSession | None = data.get("session")
        # The messenger the update came from: MAX's feeder passes it (maxbot/), Telegram's
        # polling does not. Handlers take it as ``messenger`` (sign-in binds in it).
        messenger = Messenger(data.get("messenger") or Messenger.TELEGRAM)
        data["messenger"] = messenger
        bot = data.get("bot")
        receiving = ReceivingBot.of(messenger, getattr(bot, "id", None), data.get(DEFAULT_BOT_IDS))
        data["receiving_bot"] = receiving
        actor = None
        if user is not None and session is not None and not user.is_bot:
            # One statement; the actor's school stays in the session for the whole update
            # (``session.get(School, ...)`` reads no more), and so does the transaction: a
            # read begins no write on SQLite, and on PostgreSQL a rollback here would cost the
            # update a ROLLBACK, a BEGIN and a connection check-out more.
            actor = await resolve_actor(session, messenger, str(user.id), receiving.key)
            if actor is not None:
                await mark_seen(session, utcnow())
        lang = pick_lang(
            actor.language if actor is not None else None,
            user.language_code if user is not None else None,
        )
        data["actor"] = actor
        data["lang"] = lang
        data["t"] = translator(lang)
        return await handler(event, data)


def render_error(lang: str, err: DomainError) -> str:
    """The translated message of a domain error; string params are HTML-escaped."""
    params = {
        key: html.escape(value, quote=False) if isinstance(value, str) else value
        for key, value in (err.params or {}).items()
    }
    # A field is named in the user's language ("тема урока", not "topic").
    field = params.get("field")
    if isinstance(field, str) and has_key(f"field.{field}", lang):
        params["field"] = t(lang, f"field.{field}")
    return t(lang, err.code, **params)


class HandlerErrorMiddleware(BaseMiddleware):
    """Inner middleware: records the handler's name for the log and turns errors into answers.

    A DomainError is answered with its translated message (a message reply, or the callback's
    alert); any other exception is logged and answered with ``error.internal`` so that nothing a
    user does leaves them without a reply. aiogram's own flow-control exceptions pass through.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        handler_object: HandlerObject | None = data.get("handler")
        context: dict[str, Any] | None = data.get(LOG_CONTEXT_KEY)
        if context is not None and handler_object is not None:
            callback = handler_object.callback
            context["handler"] = (
                f"{getattr(callback, '__module__', '?')}."
                f"{getattr(callback, '__qualname__', type(callback).__name__)}"
            )
        lang: str = data.get("lang") or DEFAULT_LANG
        try:
            return await handler(event, data)
        except (SkipHandler, CancelHandler):
            raise
        except DomainError as err:
            if context is not None:
                context["error_code"] = err.code
            await self._reply(event, data, render_error(lang, err))
            return None
        except Exception:
            log.exception(
                "handler failed",
                extra={"handler": context.get("handler") if context else None},
            )
            if context is not None:
                context["error_code"] = "error.internal"
            try:
                await self._reply(event, data, t(lang, "error.internal"))
            except Exception:
                log.exception("could not tell the user about the failure")
            return None

    @staticmethod
    async def _reply(event: TelegramObject, data: dict[str, Any], text: str) -> None:
        if isinstance(event, CallbackQuery):
            answer: CallbackAnswer | None = data.get("callback_answer")
            if answer is not None and not answer.answered and not answer.disabled:
                answer.text = text
                answer.show_alert = True
            else:
                await event.answer(text, show_alert=True)
        elif isinstance(event, Message):
            await event.answer(text)


# C0 control characters other than tab and line breaks (NUL first of all: PostgreSQL cannot
# store it in text); no keyboard types them, so they come only from a crafted message.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TypedTextMiddleware(BaseMiddleware):
    """Inner, for messages: a text or caption with control characters is answered with
    ``error.control_chars`` and reaches no handler (no prompt can store or show it)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and _CONTROL.search(event.text or event.caption or ""):
            await event.answer(t(data.get("lang") or DEFAULT_LANG, "error.control_chars"))
            return None
        return await handler(event, data)


def setup_middlewares(dp: Dispatcher) -> None:
    dp.update.outer_middleware(UpdateLogMiddleware())
    dp.update.outer_middleware(DbSessionMiddleware())
    dp.update.outer_middleware(IdentityMiddleware())
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    dp.message.middleware(TypedTextMiddleware())
    error_middleware = HandlerErrorMiddleware()
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(error_middleware)
