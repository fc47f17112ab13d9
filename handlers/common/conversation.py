"""The Telegram runner of :mod:`screens.conversation`: a described conversation on aiogram's FSM.

The chat's FSM state is the step (``Conversation:step``, aiogram's own format), its FSM data
the values answered so far. One handler takes every typed message (not a command) in any step
of the conversation and acts on :meth:`Conversation.reply`: a refusal is shown and the chat
stays; a next step is stored and its prompt shown; the last answer clears the state, then the
module's ``finish`` handler of that step runs (a use case, the next screen). A cancel button of
the conversation clears the state wherever the chat is and shows the cancelled screen.

The module's handlers are ordinary aiogram handlers: ``facts`` and each ``finish`` get the
dispatcher's data by parameter name (``session``, ``actor``, ``t``…) plus ``step``, ``values``
and ``facts``; ``facts`` returns what the parser and prompts need for this answer (not kept),
or None once it has answered itself (e.g. the chat is no longer signed in): the conversation
then ends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.common.screens import on, send_screen, show_screen
from i18n import Translator
from screens.actions import Action
from screens.conversation import Asked, Conversation, Finished, Refused, Values

Handler = Callable[..., Awaitable[Any]]

NOT_A_COMMAND = F.text & ~F.text.startswith("/")


class ConversationRunner:
    """Runs ``conversation`` in one router: ``finish`` maps each last step to its handler."""

    def __init__(
        self,
        conversation: Conversation,
        *,
        finish: Mapping[str, Handler],
        facts: Handler | None = None,
    ) -> None:
        for name in finish:
            conversation.step(name)  # a KeyError for a step that does not exist
        self.conversation = conversation
        self.finish = {name: CallableObject(handler) for name, handler in finish.items()}
        self.facts = CallableObject(facts) if facts is not None else None

    @property
    def states(self) -> list[str]:
        return [self.conversation.state(step.name) for step in self.conversation]

    async def ask(
        self,
        target: Message | CallbackQuery,
        state: FSMContext,
        t: Translator,
        step: str,
        values: Values | None = None,
        facts: Values | None = None,
    ) -> None:
        """Open ``step`` (from a command or a button): keep ``values``, show its prompt (in
        place of the pressed message when the prompt says so)."""
        await self._enter(target, state, t, self.conversation.open(step, values), facts)

    async def _enter(
        self,
        target: Message | CallbackQuery,
        state: FSMContext,
        t: Translator,
        asked: Asked,
        facts: Values | None,
    ) -> None:
        await state.set_state(self.conversation.state(asked.step.name))
        await state.set_data(dict(asked.values))
        screen = asked.step.prompt(t, {**asked.values, **(facts or {})})
        if isinstance(target, CallbackQuery):
            await show_screen(target, screen)
        else:
            await send_screen(target, screen)

    async def reply(self, message: Message, state: FSMContext, t: Translator, **data: Any) -> None:
        """A typed message in a step of the conversation."""
        step = self.conversation.step_of(await state.get_state())
        if step is None:  # pragma: no cover - the state filter let it through
            return
        values = await state.get_data()
        found: Values = {}
        if self.facts is not None:
            looked_up = await self.facts.call(
                message, state=state, t=t, step=step.name, values=values, **data
            )
            if looked_up is None:
                await state.clear()
                return
            found = looked_up
        outcome = self.conversation.reply(step.name, message.text or "", values, found)
        if isinstance(outcome, Refused):
            await send_screen(message, outcome.screen(t))
        elif isinstance(outcome, Asked):
            await self._enter(message, state, t, outcome, found)
        else:
            await self._finish(message, state, t, outcome, found, data)

    async def _finish(
        self,
        message: Message,
        state: FSMContext,
        t: Translator,
        outcome: Finished,
        found: Values,
        data: dict[str, Any],
    ) -> None:
        await state.clear()
        handler = self.finish.get(outcome.step.name)
        if handler is not None:
            await handler.call(
                message,
                state=state,
                t=t,
                step=outcome.step.name,
                values=outcome.values,
                facts=found,
                **data,
            )

    async def cancelled(
        self, callback: CallbackQuery, callback_data: Action, state: FSMContext, t: Translator
    ) -> None:
        """A cancel button of the conversation, wherever the chat is."""
        await state.clear()
        if self.conversation.cancelled is not None:
            await show_screen(callback, self.conversation.cancelled(t))

    def register(self, router: Router) -> None:
        """The typed answers of every step, and the cancel buttons, in ``router``."""
        router.message.register(self.reply, StateFilter(*self.states), NOT_A_COMMAND)
        for action in self.conversation.cancel:
            router.callback_query.register(self.cancelled, on(action))
