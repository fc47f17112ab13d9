"""aiogram's Telegram types built when first used, not all ~900 at import.

aiogram declares its types ``defer_build=True`` but then, in ``aiogram/types/__init__.py``,
calls ``model_rebuild`` on every one of them with the types' namespace, which builds every
type's full pydantic schema: ~155 MB of the process (a bare echo bot's whole memory, measured
by ``bench/bot_bench.py``) and seconds of start-up, for a bot that uses a few dozen types.

:func:`install`, run before aiogram is imported, turns those import-time rebuilds into a note
of the namespace; pydantic then builds a type the first time it validates or serialises one
(its own deferred build), with that namespace. Validation and serialisation are pydantic's
as before; only the moment a type's schema is built moves. :func:`build` builds the types an
update needs before polling starts, so that the first updates do not pay for them.

It also keeps each built method's ``Response[...]`` alive. aiogram parametrises
``Response[method.__returning__]`` for every answer from the Bot API, and pydantic caches a
parametrised generic only weakly: once the garbage collector has dropped it, the next request
builds the class and its schema again (20–40 ms of CPU, more than the rest of an update).
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from pydantic import BaseModel

_PARAMETERS = {"force", "raise_errors", "_parent_namespace_depth", "_types_namespace"}
_state: dict[str, Any] = {"installed": False, "namespace": None}


def installed() -> bool:
    return bool(_state["installed"])


def install() -> bool:
    """Defer the build of aiogram's types; False (and nothing changed) if aiogram's types are
    already imported or pydantic's ``model_rebuild`` is not the one this was written for."""
    if _state["installed"]:
        return True
    if "aiogram.types" in sys.modules:
        return False
    original = inspect.unwrap(BaseModel.model_rebuild).__func__
    if not set(inspect.signature(original).parameters) >= _PARAMETERS:
        return False

    def model_rebuild(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        if cls.__module__.startswith("aiogram."):
            if _types_namespace is not None and not force and not cls.__pydantic_complete__:
                # aiogram's import-time loop: remember the namespace, build on first use.
                _state["namespace"] = _types_namespace
                return None
            if _types_namespace is None:
                _types_namespace = _state["namespace"]
        return original(
            cls,
            force=force,
            raise_errors=raise_errors,
            # One frame more than a direct call: this function's.
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=_types_namespace,
        )

    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[assignment, method-assign]
    _state["installed"] = True
    return True


# Strong references: the parametrised responses of the methods passed to :func:`build`.
_responses: list[type[BaseModel]] = []


def build(*types: type[BaseModel]) -> None:
    """Build these types' schemas now (a no-op for a type already built); for a Bot API
    method, also its ``Response[...]``, kept for the process's lifetime."""
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response

    for each in types:
        each.model_rebuild()
        if isinstance(each, type) and issubclass(each, TelegramMethod):
            response = Response[each.__returning__]  # type: ignore[name-defined]
            response.model_rebuild()
            _responses.append(response)
