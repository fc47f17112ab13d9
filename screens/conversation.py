"""A conversation: questions the bot asks one after another, each answered by a typed message.

Described once, in no messenger's types: its steps (each a named state the chat is in while the
bot waits for that answer), the prompt screen of each step, the parser of the typed answer (the
value, or :class:`Invalid` with the locale key of what to say, shown in the user's language),
which step comes next, and the buttons that cancel it. A messenger's adapter runs a description
on its own state storage (Telegram: handlers/common/conversation.py on aiogram's FSM) — it keeps
the chat's step as :meth:`Conversation.state` and the values answered so far, feeds each typed
message to :meth:`Conversation.reply`, and acts on the outcome:

- :class:`Asked` — the chat moves to that step: keep the values, show the step's prompt;
- :class:`Refused` — the answer does not fit: the chat stays, the step's refusal is shown;
- :class:`Finished` — the last answer is in: the state is cleared, then the adapter's own
  action for that step (a use case, the next screen) runs with the values.

A step may also be opened by a button (:meth:`Conversation.open`) with values the button carried.
Values kept between steps are plain JSON (str, int, lists): a state storage keeps them as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n import Translator, has_key
from screens.actions import Action
from screens.screen import Screen
from services.richtext import escape

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Invalid:
    """A typed answer that does not fit: the locale key of what to say, and its parameters."""

    key: str
    params: Mapping[str, str | int] = field(default_factory=dict)


# A step's parser: the typed text and what the conversation knows (the values answered so far,
# and what the adapter looked up for this answer, e.g. today's date) → the value, or Invalid.
Parser = Callable[[str, Values], Any]
Prompt = Callable[[Translator, Values], Screen]


def say_invalid(t: Translator, invalid: Invalid) -> Screen:
    """The default refusal: the error's text, as a new message (as the adapter shows a domain
    error: string parameters escaped, a ``field`` named in the user's language)."""
    params: dict[str, str | int] = {
        key: escape(value) if isinstance(value, str) else value
        for key, value in invalid.params.items()
    }
    field_name = params.get("field")
    if isinstance(field_name, str) and has_key(f"field.{field_name}", t.lang):
        params["field"] = t(f"field.{field_name}")
    return Screen((t(invalid.key, **params),), replace=False)


@dataclass(frozen=True, slots=True)
class Step:
    """One question: ``name`` is the state the chat is in while the answer is awaited."""

    name: str
    prompt: Prompt
    parse: Parser
    next: str | None = None  # the step asked next; None: the conversation ends with this answer
    key: str = ""  # the value's name among the values (default: the step's name)
    refusal: Callable[[Translator, Invalid], Screen] = say_invalid

    @property
    def value_key(self) -> str:
        return self.key or self.name


@dataclass(frozen=True, slots=True)
class Asked:
    """The chat moves to ``step``, keeping ``values``; show the step's prompt."""

    step: Step
    values: Values


@dataclass(frozen=True, slots=True)
class Refused:
    """The answer to ``step`` does not fit; the chat stays in the step."""

    step: Step
    invalid: Invalid

    def screen(self, t: Translator) -> Screen:
        return self.step.refusal(t, self.invalid)


@dataclass(frozen=True, slots=True)
class Finished:
    """The last answer (to ``step``) is in: the conversation is over, with ``values``."""

    step: Step
    values: Values


Outcome = Asked | Refused | Finished


@dataclass(frozen=True)
class Conversation:
    """The steps of one conversation, the buttons that cancel it and what a cancel shows."""

    name: str
    steps: tuple[Step, ...]
    cancel: tuple[type[Action], ...] = ()
    cancelled: Callable[[Translator], Screen] | None = None
    _by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {step.name: step for step in self.steps}
        if len(by_name) != len(self.steps):
            raise ValueError(f"{self.name}: two steps have one name")
        for step in self.steps:
            if step.next is not None and step.next not in by_name:
                raise ValueError(f"{self.name}.{step.name}: no step {step.next!r}")
        if self.cancel and self.cancelled is None:
            raise ValueError(f"{self.name}: cancel buttons need a cancelled screen")
        object.__setattr__(self, "_by_name", by_name)

    def step(self, name: str) -> Step:
        return self._by_name[name]

    def state(self, step: str) -> str:
        """The state of a step as a storage keeps it (``Conversation:step``, aiogram's format)."""
        return f"{self.name}:{self.step(step).name}"

    def step_of(self, state: str | None) -> Step | None:
        """The step of a stored state (None: the chat is in none of this conversation's)."""
        if state is None:
            return None
        name, _, step = state.partition(":")
        return self._by_name.get(step) if name == self.name else None

    def path(self, start: str) -> list[str]:
        """The steps asked from ``start`` on, in order, while every answer fits."""
        names: list[str] = []
        current: str | None = start
        while current is not None and current not in names:
            names.append(current)
            current = self.step(current).next
        return names

    def open(self, step: str, values: Values | None = None) -> Asked:
        """The chat enters ``step`` (from a command or a button) with the values it carried."""
        return Asked(self.step(step), dict(values or {}))

    def reply(self, step: str, text: str, values: Values, facts: Values | None = None) -> Outcome:
        """What a typed ``text`` in ``step`` leads to; ``facts``: what the adapter looked up
        for this answer (seen by the parser, not kept)."""
        current = self.step(step)
        value = current.parse(text, {**values, **(facts or {})})
        if isinstance(value, Invalid):
            return Refused(current, value)
        kept = {**values, current.value_key: value}
        if current.next is None:
            return Finished(current, kept)
        return Asked(self.step(current.next), kept)

    def cancels(self, action: Action) -> bool:
        """Whether a pressed button ends the conversation."""
        return isinstance(action, self.cancel)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)
