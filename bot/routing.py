"""Every filter and handler of the routers runs on the event loop, none in a worker thread.

aiogram calls a sync callable — a magic filter (``F.chat.type == ...``), a sync filter function,
a sync handler — through ``asyncio.to_thread``: one hop to the default executor and back for
each, 10–20 per update, each costing more than the check itself (a magic filter resolves in
microseconds). :func:`keep_on_loop` walks a built router tree once and gives every such callable
an async wrapper; aiogram still prepares its keyword arguments from the original signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver


def _on_loop(sync: Callable[..., Any]) -> Callable[..., Any]:
    async def on_loop(*args: Any, **kwargs: Any) -> Any:
        return sync(*args, **kwargs)

    on_loop.__wrapped_sync__ = sync  # type: ignore[attr-defined]
    return on_loop


def callables(router: Router) -> Iterator[CallableObject]:
    """Every filter and handler aiogram calls for an event, in every router under ``router``
    (the observers' own filters included; the observers' placeholder handler is never called)."""
    for each in router.chain_tail:
        for observer in each.observers.values():
            if not isinstance(observer, TelegramEventObserver):
                continue
            holders: list[HandlerObject] = [observer._handler, *observer.handlers]
            for holder in holders:
                yield from holder.filters or ()
                if holder is not observer._handler:
                    yield holder


def keep_on_loop(router: Router) -> int:
    """Wrap every sync filter and handler of the tree so that it runs on the loop; returns how
    many were wrapped. Call it once the routers are included (more may be included later and
    wrapped by another call)."""
    wrapped = 0
    for item in callables(router):
        if item.awaitable:
            continue
        item.callback = _on_loop(item.callback)
        item.awaitable = True
        wrapped += 1
    return wrapped
