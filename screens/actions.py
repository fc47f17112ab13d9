"""Typed actions: what a button asks for, as a value that survives a round trip through a chat.

An :class:`Action` subclass names one thing a user can press ("show the timetable of class c
for day d"): a short prefix and a few bounded ``int``/``str`` fields (:mod:`screens.bounds`).
:meth:`Action.pack` writes it as ``prefix:field:field…`` — the wire format of aiogram's
``CallbackData``, so buttons already sent keep working after a screen moves here — and refuses
anything over :data:`MAX_PACKED_BYTES` (Telegram's 64 bytes of callback data, the tightest
messenger). :meth:`Action.unpack` reads it back and checks every field against its bound: a
mutated or forged button raises :class:`~screens.bounds.RefusedButton` and never reaches a
handler. Nothing here knows a messenger; each adapter turns actions into its own buttons and
routes them back by prefix (:data:`REGISTRY`).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

from screens.bounds import RefusedButton, check_fields

# Telegram's limit on a button's callback data; MAX allows more, so one format fits both.
MAX_PACKED_BYTES = 64
SEPARATOR = ":"

# Every button class of the bot by prefix — actions and the adapter's older callback data share
# it, so a prefix is unique across both and a stale or forged button of a known screen is told
# apart from one of an unknown screen.
REGISTRY: dict[str, type[Any]] = {}


def register_prefix(prefix: str, cls: type[Any]) -> None:
    if SEPARATOR in prefix:
        raise ValueError(f"{SEPARATOR!r} cannot be used in the prefix {prefix!r}")
    other = REGISTRY.get(prefix)
    if other is not None and other.__qualname__ != cls.__qualname__:
        raise ValueError(f"prefix {prefix!r} of {cls.__name__} is taken by {other.__name__}")
    REGISTRY[prefix] = cls


def known(data: str) -> type[Any] | None:
    """The class whose prefix starts ``data`` (None for a button of no known screen)."""
    return REGISTRY.get(data.split(SEPARATOR, 1)[0])


def _encode(name: str, value: Any) -> str:
    if value is None:
        encoded = ""
    elif isinstance(value, Enum):
        encoded = str(value.value)
    elif isinstance(value, bool):
        encoded = str(int(value))
    elif isinstance(value, int | str):
        encoded = str(value)
    else:
        raise ValueError(f"{name}={value!r} cannot be packed into a button")
    if SEPARATOR in encoded:
        raise ValueError(f"{SEPARATOR!r} cannot be used in the value {name}={encoded!r}")
    return encoded


class Action(BaseModel):
    """The base of every action: ``class TimetableAction(Action, prefix="ft"): s: OptId …``."""

    model_config = ConfigDict(frozen=True)

    __prefix__: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        prefix = kwargs.pop("prefix", None)
        super().__init_subclass__(**kwargs)
        if prefix is None:
            raise ValueError(
                f"{cls.__name__} needs a prefix: class {cls.__name__}(Action, prefix=…)"
            )
        cls.__prefix__ = prefix
        register_prefix(prefix, cls)

    def pack(self) -> str:
        """``prefix:field:field…``, at most :data:`MAX_PACKED_BYTES` bytes of UTF-8."""
        parts = [self.__prefix__]
        parts += [_encode(name, getattr(self, name)) for name in type(self).model_fields]
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > MAX_PACKED_BYTES:
            raise ValueError(f"{packed!r} is longer than {MAX_PACKED_BYTES} bytes")
        return packed

    @classmethod
    def unpack(cls, value: str) -> Self:
        """The action a button carried; :class:`RefusedButton` when it does not fit the class."""
        prefix, *parts = value.split(SEPARATOR)
        fields = cls.model_fields
        if prefix != cls.__prefix__ or len(parts) != len(fields):
            raise RefusedButton(f"{cls.__name__}: unreadable")
        try:
            action = cls(**dict(zip(fields, parts, strict=True)))
        except (TypeError, ValueError, OverflowError) as exc:
            raise RefusedButton(f"{cls.__name__}: unreadable") from exc
        check_fields(action)
        return action
